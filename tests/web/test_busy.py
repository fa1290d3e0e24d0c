"""A busy database answers 503 with Retry-After, never 500 (issue 8: 7 of 200 concurrent writes
got 500 "database is locked" while an import held SQLite's lock).

The lock is real: another connection holds SQLite's write lock (``BEGIN IMMEDIATE``) or a
PostgreSQL table lock while a request writes, with a short wait configured on the request's
connection (SQLite ``busy_timeout``, PostgreSQL ``lock_timeout``). The suite runs these on
whichever database it runs on (``POAM_WEB_DB``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.signals import got_request_exception
from django.db import DatabaseError, IntegrityError, OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from poam.web.workbench.busy import BusyDatabaseMiddleware, is_busy
from poam.web.workbench.models import ApiToken, Comment, Membership, Organization
from tests.web.conftest import import_example, make_user


@contextmanager
def held_lock() -> Iterator[None]:
    """Another connection holds the write lock; this thread's connection waits 50 ms for it."""
    if connection.vendor == "sqlite":
        other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0.1)
        other.isolation_level = None
        other.execute("BEGIN IMMEDIATE")
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout = 50")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA busy_timeout = 20000")
        return
    other = connection.get_new_connection(connection.get_connection_params())
    other.autocommit = False
    with other.cursor() as cursor:
        cursor.execute("LOCK TABLE workbench_comment IN ACCESS EXCLUSIVE MODE")
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '100ms'")
    try:
        yield
    finally:
        other.rollback()
        other.close()
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")


def _system() -> tuple[Any, Any]:
    org = Organization.objects.create(name="Acme", slug="acme")
    admin = make_user("admin")
    Membership.objects.create(user=admin, organization=org, role="administrator")
    return admin, import_example(org, "acme-enclave", with_files=False)


@pytest.mark.django_db(transaction=True)
def test_a_page_write_that_finds_the_database_locked_answers_503(client: Client) -> None:
    admin, system = _system()
    client.force_login(admin)
    client.get("/")  # the session is read and saved before the lock is taken
    with held_lock():
        busy = client.post(f"/systems/{system.pk}/comment/", {"text": "while locked"})
    assert busy.status_code == 503
    assert busy["Retry-After"] == "2"
    assert "The database is busy; nothing was changed" in busy.content.decode()
    assert not Comment.objects.filter(text="while locked").exists()
    again = client.post(f"/systems/{system.pk}/comment/", {"text": "a moment later"})
    assert again.status_code == 302
    assert Comment.objects.filter(text="a moment later").count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_api_write_that_finds_the_database_locked_answers_503_json() -> None:
    admin, system = _system()
    _token, clear = ApiToken.issue(admin, "t", scope="write")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {clear}")
    api.get("/api/systems")
    with held_lock():
        busy = api.post(
            f"/api/systems/{system.pk}/comments",
            {"text": "while locked"},
            content_type="application/json",
        )
    assert busy.status_code == 503 and busy["Retry-After"] == "2"
    assert busy.json() == {
        "detail": "The database is busy; nothing was changed. Try again in a moment."
    }
    assert not Comment.objects.filter(text="while locked").exists()


class _PgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"sqlstate {sqlstate}")
        self.sqlstate = sqlstate


def _wrapped(cause: BaseException, kind: type[DatabaseError] = OperationalError) -> DatabaseError:
    """As Django raises a driver's error: its own class, the driver's error as the cause."""
    error = kind(str(cause))
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    ("error", "busy"),
    [
        (OperationalError("database is locked"), True),
        (OperationalError("database table is locked"), True),
        (_wrapped(_PgError("55P03")), True),  # lock_timeout
        (_wrapped(_PgError("57014")), True),  # statement_timeout
        (_wrapped(_PgError("40001")), True),  # serialization failure
        (_wrapped(_PgError("40P01")), True),  # deadlock
        (_wrapped(_PgError("23505"), IntegrityError), False),  # a unique violation is a bug
        (OperationalError("no such table: workbench_comment"), False),
        (ValueError("database is locked"), False),  # not from the database
    ],
)
def test_what_counts_as_busy(error: BaseException, busy: bool) -> None:
    assert is_busy(error) is busy


def test_a_500_made_by_another_layer_from_a_busy_database_becomes_503() -> None:
    """A session saved after the view (SessionMiddleware) can find the database locked: Django
    turns that into a 500 inside the stack; the outermost layer answers 503 instead."""
    request = RequestFactory().get("/")

    def inner(request: HttpRequest) -> HttpResponse:
        try:
            raise OperationalError("database is locked")
        except OperationalError:
            got_request_exception.send(sender=None, request=request)
        return HttpResponse("server error", status=500)

    response = BusyDatabaseMiddleware(inner)(request)
    assert response.status_code == 503 and response["Retry-After"] == "2"
    plain = BusyDatabaseMiddleware(lambda r: HttpResponse("boom", status=500))(
        RequestFactory().get("/")
    )
    assert plain.status_code == 500  # any other 500 stays what it is
