"""Django for the web tests only: settings, the database, personas and sample systems.

The web suite runs on SQLite by default, and on PostgreSQL with ``POAM_WEB_DB=postgresql``
(the database named by ``POAM_TEST_DATABASE_URL``, which ``scripts/services start`` sets;
without it the PostgreSQL run is skipped with a message). ``scripts/test`` runs it both ways.
"Today" is fixed: ``POAM_TODAY`` (2026-11-20, the day the samples are written for).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
AS_OF = date(2026, 11, 20)
WEB_DB = os.environ.get("POAM_WEB_DB", "sqlite").strip().lower()
PG_URL = os.environ.get("POAM_TEST_DATABASE_URL", "").strip()

_data_dir = tempfile.mkdtemp(prefix="poam-web-tests-")
atexit.register(shutil.rmtree, _data_dir, ignore_errors=True)  # each xdist worker its own
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "poam.web.settings",
        "POAM_DATA_DIR": _data_dir,
        "POAM_SECRET_KEY": "tests-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "POAM_TODAY": AS_OF.isoformat(),
        "POAM_ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
        "POAM_EXAMPLES_DIR": str(EXAMPLES),
    }
)
os.environ.pop("DATABASE_URL", None)
if WEB_DB == "postgresql" and PG_URL:
    os.environ["DATABASE_URL"] = PG_URL

import django  # noqa: E402 -- after the environment above

django.setup()

if WEB_DB != "postgresql":
    # A file, as in production, rather than Django's shared in-memory database: requests that
    # race on their own connections (tests/web/test_setup_race.py) then wait for SQLite's write
    # lock as a server's would, instead of failing with "database table is locked".
    from django.conf import settings as _settings

    _settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = str(
        Path(_data_dir) / "tests.sqlite3"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if WEB_DB == "postgresql" and not PG_URL:
        skip = pytest.mark.skip(
            reason="POAM_WEB_DB=postgresql but POAM_TEST_DATABASE_URL is not set "
            "(source scripts/services start)"
        )
        for item in items:
            if "tests/web/" in str(item.path).replace(os.sep, "/"):
                item.add_marker(skip)


def pytest_report_header(config: pytest.Config) -> str:
    return f"poam web tests on {'PostgreSQL' if os.environ.get('DATABASE_URL') else 'SQLite'}"


@pytest.fixture(autouse=True, scope="session")
def _whole_databases_may_be_erased() -> Iterator[None]:
    """The change log refuses ``DELETE`` (SQLite) and ``TRUNCATE`` (PostgreSQL) in the database
    itself; a transactional test ends by emptying every table, so its flush, and nothing else,
    runs with that trigger lifted (``erasable``)."""
    from django.db.backends.base.operations import BaseDatabaseOperations

    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self: Any, sql_list: list[str]) -> None:
        with erasable(self.connection):
            original(self, sql_list)

    patch = pytest.MonkeyPatch()
    patch.setattr(BaseDatabaseOperations, "execute_sql_flush", execute_sql_flush)
    yield
    patch.undo()


@contextmanager
def erasable(connection: Any) -> Iterator[None]:
    """The change log's erase-refusing trigger lifted on ``connection`` for a moment."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s",
                ["workbench_change_no_delete"],
            )
            row = cursor.fetchone()
            if row is not None:
                cursor.execute("DROP TRIGGER workbench_change_no_delete")
            try:
                yield
            finally:
                if row is not None:
                    cursor.execute(row[0])
        else:
            cursor.execute(
                "ALTER TABLE workbench_change DISABLE TRIGGER workbench_change_no_truncate"
            )
            try:
                yield
            finally:
                cursor.execute(
                    "ALTER TABLE workbench_change ENABLE TRIGGER workbench_change_no_truncate"
                )


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    """Tests create many users: a fast hasher for them (argon2 is tested on its own)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """Each test starts with empty caches (the database is new too)."""
    from django.core.cache import caches

    from poam.web.workbench.assessment import clear_cache

    clear_cache()
    caches["default"].clear()  # allauth's used TOTP codes and rate limits
    yield
    clear_cache()


@dataclass
class World:
    """Two organizations; personas of every role in the first, an outsider in the second."""

    org: Any
    other_org: Any
    users: dict[str, Any]
    system: Any
    other_system: Any


ROLES = ("administrator", "editor", "entry-owner", "assessor", "viewer")


def make_user(username: str, name: str = "") -> Any:
    from django.contrib.auth import get_user_model

    first, _, last = (name or username.capitalize()).partition(" ")
    return get_user_model().objects.create_user(
        username=username, password="a-long-test-password", first_name=first, last_name=last
    )


def import_example(org: Any, folder: str, *, with_files: bool = True) -> Any:
    """A system in ``org`` holding ``examples/<folder>`` (evidence files stored)."""
    from poam.formats.native import load_poam, load_ssp
    from poam.web.workbench.history import Actor
    from poam.web.workbench.services.systems import create_system_from
    from poam.web.workbench.storage import store_bytes

    ssp = load_ssp(EXAMPLES / folder / "ssp.yaml")
    poam = load_poam(EXAMPLES / folder / "poam.yaml")
    files = {}
    if with_files and (EXAMPLES / folder / "evidence").is_dir():
        for path in sorted((EXAMPLES / folder / "evidence").iterdir()):
            files[f"evidence/{path.name}"] = store_bytes(path.read_bytes())
    system = create_system_from(Actor(None, "tests"), org, ssp, (poam,), files=files)
    system.refresh_from_db()
    return system


@pytest.fixture
def world(db: Any) -> World:
    from poam.web.workbench.models import Membership, Organization

    org = Organization.objects.create(name="Acme Precision Parts", slug="acme")
    other = Organization.objects.create(name="Summit Fasteners", slug="summit")
    users = {role: make_user(role.replace("-", "_"), f"{role.title()} Person") for role in ROLES}
    for role, user in users.items():
        Membership.objects.create(user=user, organization=org, role=role)
    users["outsider"] = make_user("outsider", "Olive Outsider")
    Membership.objects.create(user=users["outsider"], organization=other, role="administrator")
    users["consultant"] = make_user("consultant", "Cora Consultant")
    for o in (org, other):
        Membership.objects.create(user=users["consultant"], organization=o, role="administrator")
    system = import_example(org, "acme-enclave")
    other_system = import_example(other, "summit-conditional")
    from poam.web.workbench.models import Entry

    owned = Entry.objects.filter(poam__system=system, item_id="POAM-006").first()
    if owned is not None:
        Entry.objects.filter(pk=owned.pk).update(assignee=users["entry-owner"])
    return World(org, other, users, system, other_system)


@pytest.fixture
def login(client: Any) -> Any:
    def as_user(user: Any) -> Any:
        client.force_login(user)
        return client

    return as_user


# --- browser journeys (tests/web/browser.py; Playwright is imported only when one runs) --------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from tests.web.browser import launch

    yield from launch()


@pytest.fixture
def page(browser: Any, live_server: Any, world: Any) -> Iterator[Any]:
    """A signed-out page at desktop size (1280x900) on the test server, the world in place."""
    from tests.web.browser import DESKTOP, open_page

    yield from open_page(browser, live_server.url, DESKTOP)


@pytest.fixture
def phone(browser: Any, live_server: Any, world: Any) -> Iterator[Any]:
    """The same at a phone's width (390x844)."""
    from tests.web.browser import PHONE, open_page

    yield from open_page(browser, live_server.url, PHONE)
