"""Settings from the environment: data directory, database URL, secret key, hosts."""

from __future__ import annotations

from pathlib import Path

import pytest

from poam.web import config


def test_data_dir_prefers_poam_data_dir_then_xdg_then_home(tmp_path: Path) -> None:
    assert config.data_dir({"POAM_DATA_DIR": str(tmp_path)}) == tmp_path
    assert config.data_dir({"XDG_DATA_HOME": str(tmp_path)}) == tmp_path / "poam"
    assert config.data_dir({}) == Path.home() / ".local" / "share" / "poam"


def test_no_database_url_is_the_embedded_sqlite_file(tmp_path: Path) -> None:
    db = config.database(None, tmp_path / "poam.sqlite3")
    assert db.embedded
    assert db.settings["ENGINE"] == "django.db.backends.sqlite3"
    assert db.settings["NAME"] == str(tmp_path / "poam.sqlite3")
    assert "journal_mode=WAL" in db.settings["OPTIONS"]["init_command"]


def test_postgres_url_is_parsed_with_quoting_and_options(tmp_path: Path) -> None:
    db = config.database(
        "postgres://al%40ice:p%2Fss@db.example:5433/poam?sslmode=require", tmp_path
    )
    assert not db.embedded
    settings = db.settings
    assert settings["ENGINE"] == "django.db.backends.postgresql"
    assert (settings["USER"], settings["PASSWORD"]) == ("al@ice", "p/ss")
    assert (settings["HOST"], settings["PORT"], settings["NAME"]) == ("db.example", "5433", "poam")
    assert settings["OPTIONS"] == {"sslmode": "require"}


def test_sqlite_url_relative_and_absolute(tmp_path: Path) -> None:
    assert config.database("sqlite:///rel.db", tmp_path).settings["NAME"] == "rel.db"
    assert config.database("sqlite:////abs/x.db", tmp_path).settings["NAME"] == "/abs/x.db"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://u@h/db", "scheme 'mysql' is not supported"),
        ("postgres://u@h/", "no database name"),
        ("sqlite://", "no SQLite file path"),
    ],
)
def test_unusable_database_urls_say_why(url: str, message: str, tmp_path: Path) -> None:
    with pytest.raises(config.ConfigError, match=message):
        config.database(url, tmp_path)


def test_secret_key_from_environment_wins(tmp_path: Path) -> None:
    key = config.secret_key({"POAM_SECRET_KEY": "given"}, tmp_path, debug=False, embedded=False)
    assert key == "given"
    assert not (tmp_path / "secret_key").exists()


def test_embedded_database_generates_and_keeps_a_private_key(tmp_path: Path) -> None:
    first = config.secret_key({}, tmp_path, debug=False, embedded=True)
    second = config.secret_key({}, tmp_path, debug=False, embedded=True)
    assert first == second and len(first) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_server_database_without_key_is_refused_unless_debug(tmp_path: Path) -> None:
    with pytest.raises(config.ConfigError, match="POAM_SECRET_KEY is not set"):
        config.secret_key({}, tmp_path, debug=False, embedded=False)
    assert config.secret_key({}, tmp_path, debug=True, embedded=False)


def test_allowed_hosts_and_https_origins() -> None:
    assert config.allowed_hosts({"POAM_ALLOWED_HOSTS": "a.example, .b.example"}, debug=False) == [
        "a.example",
        ".b.example",
    ]
    assert "testserver" not in config.allowed_hosts({}, debug=False)
    assert config.csrf_trusted_origins(["a.example", ".b.example", "*"], https=True) == [
        "https://a.example",
        "https://*.b.example",
    ]
    assert config.csrf_trusted_origins(["a.example"], https=False) == []


def test_flags() -> None:
    assert config.flag({"X": "1"}, "X") and config.flag({"X": "yes"}, "X")
    assert not config.flag({"X": "0"}, "X") and not config.flag({}, "X")
    assert config.flag({}, "X", default=True)
