"""A busy database answers 503 with ``Retry-After``, never 500 (issue 8).

SQLite allows one writer at a time: a write that waits longer than the connection's timeout
fails with "database is locked". PostgreSQL fails a statement that waits past
``lock_timeout`` (SQLSTATE 55P03) or ``statement_timeout`` (57014), and a transaction that
lost a race under serializable isolation (40001) or a deadlock (40P01). None of these is the
client's fault nor a bug: the same request can succeed a moment later, so the answer is
"503 Service Unavailable, retry after N seconds" (RFC 9110 15.6.4 and 10.2.3), and nothing
was written (the unit of work's transaction rolled back).

:class:`BusyDatabaseMiddleware` turns such an error raised by a view into that answer, and a
500 that another middleware produced from one (a session save that found the database busy)
too: Django's ``got_request_exception`` signal marks the request, and the outermost layer
replaces the 500.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("poam.web.busy")

RETRY_AFTER_SECONDS = 2
"""What a client is told to wait: a write lock is held for milliseconds to a few seconds."""
BUSY_SQLSTATES = frozenset({"55P03", "57014", "40001", "40P01"})
"""PostgreSQL: lock_not_available, query_canceled (statement timeout), serialization_failure,
deadlock_detected (PostgreSQL documentation, Appendix A, "Error Codes")."""
BUSY_SQLITE = ("database is locked", "database table is locked", "database is busy")
MESSAGE = "The database is busy; nothing was changed. Try again in a moment."
_MARK = "_poam_database_busy"


def _chain(error: BaseException | None) -> list[BaseException]:
    links: list[BaseException] = []
    while error is not None and len(links) < 10 and error not in links:
        links.append(error)
        error = error.__cause__ or error.__context__
    return links


def is_busy(error: BaseException | None) -> bool:
    """Whether ``error`` is a database error saying the database is busy, not broken (the
    driver's error, with its SQLSTATE, is the cause of Django's)."""
    links = _chain(error)
    if not any(
        isinstance(link, DatabaseError) or type(link).__module__.startswith(("psycopg", "sqlite3"))
        for link in links
    ):
        return False
    for link in links:
        if getattr(link, "sqlstate", None) in BUSY_SQLSTATES:
            return True
        if getattr(link, "pgcode", None) in BUSY_SQLSTATES:
            return True
        if any(words in str(link).lower() for words in BUSY_SQLITE):
            return True
    return False


def busy_response(request: HttpRequest) -> HttpResponse:
    wants_json = request.path.startswith("/api/") or "json" in request.headers.get("Accept", "")
    if wants_json:
        response = HttpResponse(
            json.dumps({"detail": MESSAGE}), status=503, content_type="application/json"
        )
    else:
        response = HttpResponse(
            f"<!doctype html><title>Busy</title><h1>Busy</h1><p>{MESSAGE}</p>",
            status=503,
            content_type="text/html; charset=utf-8",
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _mark(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """Remember that the exception Django is about to turn into a 500 was a busy database."""
    import sys

    if request is not None and is_busy(sys.exc_info()[1]):
        setattr(request, _MARK, True)


got_request_exception.connect(_mark, dispatch_uid="poam-database-busy")


class BusyDatabaseMiddleware:
    """Outermost: 503 with Retry-After instead of a 500 caused by a busy database."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, _MARK, False):
            return busy_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_busy(exception):
            return None
        logger.warning("database busy on %s %s: %s", request.method, request.path, exception)
        return busy_response(request)
