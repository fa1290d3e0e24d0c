"""``poam serve`` / ``poam migrate``, the demo seed, first-run setup and production settings."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from poam.web.workbench import storage
from poam.web.workbench.assessment import assess_snapshot
from poam.web.workbench.models import Change, EntryEvidence, Organization, System
from poam.web.workbench.seam import read
from tests.web.conftest import AS_OF, ROOT


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("POAM_", "DJANGO_", "DATABASE_"))
    }
    env.update({"POAM_DATA_DIR": str(tmp_path / "data"), **extra})
    return env


def _poam(env: dict[str, str], *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """``poam ARGS`` in a process of its own, with only the environment given."""
    return subprocess.run(
        [sys.executable, "-m", "poam", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        check=False,
        timeout=120,
    )


def test_demo_seed_two_orgs_three_systems_and_a_running_clock(db: Any) -> None:
    out = io.StringIO()
    call_command("poam_serve", "--demo", "--no-serve", "--port", "8123", stdout=out)
    printed = out.getvalue()
    assert "sign in as demo / demo-" in printed and "http://localhost:8123/" in printed
    assert Organization.objects.count() == 2 and System.objects.count() == 3
    verdicts = {}
    for system in System.objects.all():
        result = assess_snapshot(read.load(system), AS_OF).assessment
        verdicts[system.name] = (result.verdict.verdict.value, result.verdict.days_left)
    assert verdicts["Summit Fasteners Enterprise Network"] == ("conditional", 27)
    assert verdicts["Acme CUI Enclave"][0] == "none"
    assert Change.objects.filter(action="update", object_type="milestone").exists()
    assert Change.objects.filter(action="comment").exists()
    stored = EntryEvidence.objects.filter(blob__isnull=False)
    assert stored.count() >= 4
    for evidence in stored:
        assert storage.current_sha256(storage.blob_path(str(evidence.blob_id))) == evidence.blob_id
    again = io.StringIO()
    call_command("poam_serve", "--demo", "--no-serve", stdout=again)  # idempotent
    assert System.objects.count() == 3


@override_settings(POAM_TODAY="2027-04-01")
def test_the_demo_looks_the_same_on_any_day(db: Any) -> None:
    call_command("poam_demo", stdout=io.StringIO())
    summit = System.objects.get(name="Summit Fasteners Enterprise Network")
    result = assess_snapshot(read.load(summit), AS_OF.replace(2027, 4, 1)).assessment
    assert (result.verdict.verdict.value, result.verdict.days_left) == ("conditional", 27)


def test_first_run_setup_needs_the_printed_token(db: Any) -> None:
    out = io.StringIO()
    call_command("poam_serve", "--no-serve", stdout=out)
    assert "create the first administrator at http://localhost:8000/setup/?token=" in out.getvalue()
    token = out.getvalue().split("token=")[1].split()[0]
    client = Client()
    assert client.get("/setup/?token=wrong").status_code == 404
    page = client.post(
        "/setup/",
        {"token": token, "username": "first", "password": "short", "organization": "First Org"},
    )
    assert page.status_code == 200 and "too short" in page.content.decode()
    done = client.post(
        "/setup/",
        {
            "token": token,
            "username": "first",
            "password": "a-much-longer-passphrase",
            "organization": "First Org",
        },
    )
    assert done.status_code == 302
    assert Organization.objects.get().memberships.get().role == "administrator"
    assert client.get(f"/setup/?token={token}").status_code == 404  # once only


def test_argon2_hashes_passwords() -> None:
    from django.contrib.auth.hashers import Argon2PasswordHasher
    from django.utils.module_loading import import_string

    import poam.web.settings as configured

    first = import_string(configured.PASSWORD_HASHERS[0])
    assert issubclass(first, Argon2PasswordHasher) and first.algorithm == "argon2"


def test_poam_migrate_creates_the_embedded_database(tmp_path: Path) -> None:
    result = _poam(_env(tmp_path), "migrate", "--data-dir", str(tmp_path / "d"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "d" / "poam.sqlite3").is_file()
    assert (tmp_path / "d" / "secret_key").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    "command",
    [["audit", "verify"], ["notify", "--dry-run"], ["backup", "b.zip"], ["org", "list"]],
)
def test_a_command_on_a_database_never_migrated_says_what_to_run(
    tmp_path: Path, command: list[str]
) -> None:
    result = _poam(_env(tmp_path), *command, "--data-dir", str(tmp_path / "d"), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "run `poam migrate` first" in result.stderr and "Traceback" not in result.stderr


def test_a_server_database_without_a_secret_key_is_a_clear_error(tmp_path: Path) -> None:
    env = _env(tmp_path, DATABASE_URL="postgres://nobody@127.0.0.1:1/none")
    result = _poam(env, "migrate")
    assert result.returncode == 2
    assert "POAM_SECRET_KEY is not set" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("https", ["1", "0"])
def test_https_settings(tmp_path: Path, https: str) -> None:
    code = (
        "import poam.web.settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "getattr(s, 'SECURE_HSTS_SECONDS', 0), s.CSRF_TRUSTED_ORIGINS)"
    )
    env = _env(tmp_path, POAM_HTTPS=https, POAM_ALLOWED_HOSTS="poam.example")
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=60,
    )
    if https == "1":
        assert result.stdout.strip() == "True True 31536000 ['https://poam.example']"
    else:
        assert result.stdout.strip() == "False False 0 []"


def test_static_files_are_served_by_the_application(client: Any, db: Any) -> None:
    css = client.get("/static/poam/app.css")
    assert css.status_code == 200 and b"--accent" in b"".join(css.streaming_content)
    htmx = client.get("/static/poam/htmx-2.0.11.min.js")
    assert htmx.status_code == 200 and b"htmx" in b"".join(htmx.streaming_content)


def test_pages_carry_a_strict_content_security_policy(client: Any) -> None:
    response = client.get("/login/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    assert response["X-Frame-Options"] == "DENY"


# --- the data directory is private (issue 8) ---------------------------------------------------


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077])
def test_a_new_data_directory_is_private_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    from poam.web import config

    previous = os.umask(umask)
    try:
        directory = tmp_path / "new" / "poam"
        database = directory / "poam.sqlite3"
        assert config.secure_data_dir(directory, database) == []
        config.secret_key({}, directory, debug=False, embedded=True)
    finally:
        os.umask(previous)
    assert _mode(directory) == 0o700
    assert _mode(database) == 0o600 and database.stat().st_size == 0
    assert _mode(directory / "secret_key") == 0o600


def test_an_older_readable_data_directory_is_tightened_and_said_so(tmp_path: Path) -> None:
    from poam.web import config

    directory = tmp_path / "poam"
    (directory / "evidence" / "ab").mkdir(parents=True)
    blob = directory / "evidence" / "ab" / ("ab" + "0" * 62)
    files = [blob, *(directory / f"poam.sqlite3{suffix}" for suffix in ("", "-wal", "-shm"))]
    for path in files:
        path.write_bytes(b"x")
        path.chmod(0o644)
    for folder in (directory, directory / "evidence", directory / "evidence" / "ab"):
        folder.chmod(0o755)
    said = config.secure_data_dir(directory, directory / "poam.sqlite3")
    assert len(said) == 7 and all("-> 700" in line or "-> 600" in line for line in said)
    assert all(_mode(path) == 0o600 for path in files)
    for folder in (directory, directory / "evidence", directory / "evidence" / "ab"):
        assert _mode(folder) == 0o700
    assert config.secure_data_dir(directory, directory / "poam.sqlite3") == []  # once


def test_evidence_is_stored_private_whatever_the_umask(tmp_path: Path, settings: Any) -> None:
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    previous = os.umask(0)
    try:
        stored = storage.store_bytes(b"evidence of a control")
    finally:
        os.umask(previous)
    path = storage.blob_path(stored.sha256)
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700 and _mode(tmp_path / "evidence") == 0o700
    assert _mode(tmp_path / "evidence" / "tmp") == 0o700


def test_the_running_database_its_wal_and_shm_are_private(tmp_path: Path) -> None:
    """Django opens the embedded database under umask 0: the WAL and shared-memory files SQLite
    makes beside it (while a connection is open) take the database file's mode, 0600."""
    code = (
        "import os, stat; os.umask(0); import django; django.setup()\n"
        "from django.db import connection\n"
        "from django.conf import settings\n"
        "connection.cursor().execute('CREATE TABLE t (x)')\n"
        "d = settings.DATA_DIR\n"
        "print(*(oct(stat.S_IMODE(os.stat(d / n).st_mode)) for n in "
        "('', 'poam.sqlite3', 'poam.sqlite3-wal', 'poam.sqlite3-shm')))\n"
    )
    env = _env(tmp_path, DJANGO_SETTINGS_MODULE="poam.web.settings")
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0o700", "0o600", "0o600", "0o600"]


def test_serve_tightens_an_older_data_directory_with_a_message(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    result = _poam(_env(tmp_path), "migrate")
    assert result.returncode == 0, result.stderr
    assert f"poam: made private: {data}: 755 -> 700" in result.stderr
    assert _mode(data) == 0o700 and _mode(data / "poam.sqlite3") == 0o600


# --- `poam serve --demo` and a busy port (issue 8) ---------------------------------------------


def _serve(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return _poam(_env(tmp_path, **env), "serve", *args)


def test_a_busy_port_is_one_clear_error_before_anything_else(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = _serve(tmp_path, "--port", str(port))
    assert result.returncode == 2
    assert f"poam: error: port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "--port" in result.stderr and "Traceback" not in result.stderr
    assert "serving" not in result.stdout
    assert not (tmp_path / "data" / "poam.sqlite3").stat().st_size  # not even migrated


def test_a_host_that_is_not_here_is_a_clear_error(tmp_path: Path) -> None:
    result = _serve(tmp_path, "--host", "192.0.2.1", "--port", "8765")
    assert result.returncode == 2 and "poam: error: --host 192.0.2.1" in result.stderr
    assert "Traceback" not in result.stderr


def test_port_problem_names_each_cause() -> None:
    from poam.web.workbench.management.commands.poam_serve import port_problem

    assert port_problem("127.0.0.1", 0) is not None and "1 to 65535" in str(
        port_problem("127.0.0.1", 70000)
    )
    assert "not an address" in str(port_problem("no-such-host.invalid", 8000))


def test_demo_uses_a_directory_of_its_own_not_the_installation(tmp_path: Path) -> None:
    """`poam serve --demo` ignores POAM_DATA_DIR (the real installation) and uses the cache."""
    cache = tmp_path / "cache"
    result = _serve(tmp_path, "--demo", "--no-serve", XDG_CACHE_HOME=str(cache))
    assert result.returncode == 0, result.stderr
    demo = cache / "poam" / "demo"
    assert f"poam: data in {demo}" in result.stdout and "demo ready" in result.stdout
    assert (demo / "poam.sqlite3").stat().st_size > 0
    assert not (tmp_path / "data").exists()  # the installation's directory was not touched


def test_demo_refuses_the_default_data_directory(tmp_path: Path) -> None:
    home = tmp_path / "home"
    default = home / ".local" / "share" / "poam"
    result = _poam(
        {**_env(tmp_path), "HOME": str(home)},
        "serve",
        "--demo",
        "--no-serve",
        "--data-dir",
        str(default),
    )
    assert result.returncode == 2, result.stdout
    assert "it is poam's default data directory" in result.stderr
    assert "Traceback" not in result.stderr and "demo ready" not in result.stdout


def test_demo_refuses_a_database_with_real_accounts(db: Any) -> None:
    from tests.web.conftest import make_user

    make_user("carol")
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("poam_serve", "--demo", "--no-serve", stdout=io.StringIO(), stderr=err)
    assert exit_.value.code == 2
    assert "accounts that are not the demo's (carol)" in err.getvalue()
    assert not Organization.objects.exists()
