"""What the web application reads from the environment, as small pure functions.

Kept apart from ``settings.py`` so that each decision (where the data lives, which database,
which secret key) can be tested without starting Django.

Environment variables:

- ``POAM_DATA_DIR``: the data directory (default ``$XDG_DATA_HOME/poam`` or
  ``~/.local/share/poam``): the embedded SQLite database, evidence files, the generated secret key.
- ``DATABASE_URL``: ``postgres://user:password@host:port/name`` for PostgreSQL, or
  ``sqlite:///path`` (default: ``DATA_DIR/poam.sqlite3``).
- ``POAM_SECRET_KEY``: required when ``POAM_DEBUG`` is off and a server database is used;
  otherwise generated once and kept in ``DATA_DIR/secret_key``.
- ``POAM_DEBUG`` (``1``/``0``), ``POAM_ALLOWED_HOSTS`` (comma-separated), ``POAM_HTTPS`` (``1``
  when served over HTTPS: secure cookies, HSTS, CSRF trusted origins).
- ``POAM_EMAIL_HOST``, ``POAM_EMAIL_PORT``, ``POAM_EMAIL_USER``, ``POAM_EMAIL_PASSWORD``,
  ``POAM_EMAIL_SECURITY`` (``starttls``, ``tls`` or ``none``), ``POAM_EMAIL_FROM``: the SMTP
  server for invitations and password resets (without a host, emails are printed on the console).
- ``POAM_SESSION_IDLE_MINUTES``, ``POAM_HASH_CONCURRENCY``, ``POAM_HASH_WAIT_MS``,
  ``POAM_PROXY_HOPS``: sign-in protections (see docs/web.md).
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

TRUE = frozenset({"1", "true", "yes", "on"})


class ConfigError(ValueError):
    """A setting in the environment that cannot be used; the message says which and why."""


def flag(env: Mapping[str, str], name: str, default: bool = False) -> bool:
    value = env.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in TRUE


PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
SECRET_FILES = ("secret_key", "setup_token", "demo_password")
"""Files of the data directory that only its owner may read, besides the database."""


def private_dir(path: Path) -> Path:
    """``path`` created if needed, readable by its owner only (0700) whatever the umask."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    if path.stat().st_mode & 0o777 != PRIVATE_DIR:
        path.chmod(PRIVATE_DIR)
    return path


def private_file(path: Path) -> None:
    """Create ``path`` empty and private (0600) unless it exists: SQLite then opens it as it is,
    and gives its WAL and shared-memory files the same mode (SQLite's unix VFS)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        return
    os.close(fd)
    path.chmod(PRIVATE_FILE)


def _tighten(path: Path, mode: int, tightened: list[str]) -> None:
    try:
        current = path.lstat().st_mode
    except FileNotFoundError:
        return
    if stat.S_ISLNK(current) or current & 0o077 == 0:
        return
    try:
        path.chmod(mode)
    except OSError as error:
        tightened.append(f"could not make {path} private ({error.strerror})")
        return
    tightened.append(f"{path}: {oct(current & 0o777)[2:]} -> {oct(mode)[2:]}")


def secure_data_dir(directory: Path, database_file: Path | None = None) -> list[str]:
    """Make the data directory private: the directory 0700, the database, its WAL and shared
    memory and the secret files 0600, the evidence store's folders 0700 and files 0600.

    A new installation is created so; an older one (before poam kept it private) is tightened,
    and what was changed is returned, one line each, to be shown. The evidence store is walked
    only while its top folder is not yet private, so a tightened store costs one ``stat``.
    """
    tightened: list[str] = []
    directory.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    _tighten(directory, PRIVATE_DIR, tightened)
    files = [directory / name for name in SECRET_FILES]
    if database_file is not None:
        files += [Path(f"{database_file}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")]
    for path in files:
        _tighten(path, PRIVATE_FILE, tightened)
    evidence = directory / "evidence"
    if evidence.is_dir() and evidence.stat().st_mode & 0o077:
        for folder, subfolders, names in os.walk(evidence):
            for name in subfolders:
                _tighten(Path(folder) / name, PRIVATE_DIR, tightened)
            for name in names:
                _tighten(Path(folder) / name, PRIVATE_FILE, tightened)
        _tighten(evidence, PRIVATE_DIR, tightened)
    if database_file is not None and database_file.parent.is_dir():
        private_file(database_file)
    return tightened


def data_dir(env: Mapping[str, str]) -> Path:
    """``POAM_DATA_DIR``, else the demo's own directory with ``POAM_DEMO=1`` (``poam serve
    --demo``), else the per-user data directory of the XDG convention."""
    explicit = env.get("POAM_DATA_DIR", "").strip()
    if explicit:
        return Path(explicit).expanduser()
    if flag(env, "POAM_DEMO"):
        return demo_dir(env)
    return default_data_dir(env)


def demo_dir(env: Mapping[str, str]) -> Path:
    """Where ``poam serve --demo`` keeps its data, apart from any real installation:
    ``$XDG_CACHE_HOME/poam/demo`` or ``~/.cache/poam/demo`` (disposable: a cache)."""
    xdg = env.get("XDG_CACHE_HOME", "").strip()
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "poam" / "demo"


def default_data_dir(env: Mapping[str, str]) -> Path:
    """The per-user data directory of the XDG convention (a real installation's default)."""
    xdg = env.get("XDG_DATA_HOME", "").strip()
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "poam"


@dataclass(frozen=True)
class Database:
    settings: dict[str, Any]
    embedded: bool
    """True for SQLite, the database poam embeds; False for a server database."""


def sqlite_database(path: Path) -> Database:
    return Database(
        {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            # keep each server thread's connection: opening one (and its PRAGMAs) per request
            # costs more than most pages
            "CONN_MAX_AGE": 600,
            "OPTIONS": {
                # WAL lets readers run while one writer writes; IMMEDIATE takes the write lock at
                # the start of a transaction, so two writers queue instead of failing midway.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA cache_size=-32000; PRAGMA mmap_size=268435456;",
            },
        },
        embedded=True,
    )


SNAPSHOT_READER = "poam_snapshot_reader"
"""The database alias ``poam backup`` reads its snapshot through (a connection of its own)."""


def snapshot_reader(default: Mapping[str, Any]) -> dict[str, Any]:
    """The default database once more, for reading one consistent snapshot beside the server's
    writes: a deferred transaction on SQLite (the server's take the write lock at once), no
    persistent connection; in tests, the default's test database (``MIRROR``)."""
    reader = dict(default)
    if str(reader["ENGINE"]).endswith("sqlite3"):
        reader["OPTIONS"] = {**reader.get("OPTIONS", {}), "transaction_mode": "DEFERRED"}
    reader["CONN_MAX_AGE"] = 0
    reader["TEST"] = {"MIRROR": "default"}
    return reader


SCHEMES = {"postgres", "postgresql", "pgsql", "sqlite"}
"""What ``DATABASE_URL`` may name: PostgreSQL for servers, SQLite for one machine."""


def database(url: str | None, default_sqlite: Path) -> Database:
    """The Django DATABASES entry for ``DATABASE_URL`` (PostgreSQL or SQLite), parsed by
    dj-database-url; poam adds its SQLite tuning and persistent PostgreSQL connections."""
    import dj_database_url

    if url is None or not url.strip():
        return sqlite_database(default_sqlite)
    url = url.strip()
    scheme = urlsplit(url).scheme.lower()
    if scheme not in SCHEMES:
        raise ConfigError(
            f"DATABASE_URL {url!r}: scheme {scheme!r} is not supported (use postgres:// or sqlite://)"
        )
    try:
        parsed: dict[str, Any] = dict(dj_database_url.parse(url))
    except ValueError as error:
        raise ConfigError(f"DATABASE_URL {url!r}: {error}") from None
    if scheme == "sqlite":
        # sqlite:///relative/path, sqlite:////absolute/path (the usual convention)
        if parsed.get("NAME") in (None, "", ":memory:"):
            raise ConfigError(f"DATABASE_URL {url!r}: no SQLite file path")
        return sqlite_database(Path(parsed["NAME"]))
    if not parsed.get("NAME"):
        raise ConfigError(f"DATABASE_URL {url!r}: no database name after the host")
    options = {key: str(value) for key, value in parsed.get("OPTIONS", {}).items()}
    parsed.update(
        {
            "PORT": str(parsed.get("PORT") or ""),
            "CONN_MAX_AGE": int(options.pop("conn_max_age", "60")),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    )
    return Database(parsed, embedded=False)


def secret_key(env: Mapping[str, str], directory: Path, *, debug: bool, embedded: bool) -> str:
    """``POAM_SECRET_KEY``; or, for the embedded database or in debug, one kept in the data dir.

    A server database in production must have its key from the environment: several processes
    or machines share it, and a key generated on one of them would not match the others.
    """
    given = env.get("POAM_SECRET_KEY", "").strip()
    if given:
        return given
    if not (debug or embedded):
        raise ConfigError(
            "POAM_SECRET_KEY is not set: it is required with a server database (DATABASE_URL) "
            "unless POAM_DEBUG=1"
        )
    path = directory / "secret_key"
    if path.is_file():
        kept = path.read_text("utf-8").strip()
        if kept:
            return kept
    private_dir(directory)
    key = secrets.token_urlsafe(50)
    # created private: the key signs sessions and password-reset links
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key


def allowed_hosts(env: Mapping[str, str], *, debug: bool) -> list[str]:
    raw = env.get("POAM_ALLOWED_HOSTS", "")
    hosts = [host.strip() for host in raw.split(",") if host.strip()]
    if hosts:
        return hosts
    return ["localhost", "127.0.0.1", "[::1]", *(["testserver"] if debug else [])]


def csrf_trusted_origins(hosts: list[str], *, https: bool) -> list[str]:
    """Origins for Django's CSRF check when served over HTTPS behind a proxy."""
    if not https:
        return []
    origins = []
    for host in hosts:
        if host == "*":
            continue
        origins.append(f"https://{'*' + host if host.startswith('.') else host}")
    return origins


def base_url(env: Mapping[str, str]) -> str:
    """``POAM_BASE_URL`` without its trailing slash: an http(s) address with a host, or empty."""
    value = env.get("POAM_BASE_URL", "").strip().rstrip("/")
    if not value:
        return ""
    scheme, _, rest = value.partition("://")
    if scheme not in ("http", "https") or not rest or any(c in rest for c in " ?#\\"):
        raise ConfigError(
            f"POAM_BASE_URL={value!r}: give the site's address, e.g. https://poam.example.com"
        )
    return value


def positive_int(env: Mapping[str, str], name: str, default: int, *, minimum: int = 1) -> int:
    """An integer setting, at least ``minimum``; a clear error for anything else."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r}: not a whole number") from None
    if value < minimum:
        raise ConfigError(f"{name}={raw!r}: must be at least {minimum}")
    return value


@dataclass(frozen=True)
class Email:
    backend: str
    host: str = "localhost"
    port: int = 25
    user: str = ""
    password: str = ""
    tls: bool = False
    ssl: bool = False
    sender: str = "poam <poam@localhost>"


CONSOLE_EMAIL = "django.core.mail.backends.console.EmailBackend"
SMTP_EMAIL = "django.core.mail.backends.smtp.EmailBackend"


def email(env: Mapping[str, str]) -> Email:
    """SMTP settings from ``POAM_EMAIL_*``; the console backend when no host is given."""
    sender = env.get("POAM_EMAIL_FROM", "").strip() or "poam <poam@localhost>"
    host = env.get("POAM_EMAIL_HOST", "").strip()
    if not host:
        return Email(CONSOLE_EMAIL, sender=sender)
    security = env.get("POAM_EMAIL_SECURITY", "starttls").strip().lower()
    if security not in ("starttls", "tls", "none"):
        raise ConfigError(
            f"POAM_EMAIL_SECURITY={security!r}: use starttls (port 587), tls (465) or none"
        )
    default_port = {"starttls": 587, "tls": 465, "none": 25}[security]
    return Email(
        SMTP_EMAIL,
        host=host,
        port=positive_int(env, "POAM_EMAIL_PORT", default_port),
        user=env.get("POAM_EMAIL_USER", "").strip(),
        password=env.get("POAM_EMAIL_PASSWORD", ""),
        tls=security == "starttls",
        ssl=security == "tls",
        sender=sender,
    )
