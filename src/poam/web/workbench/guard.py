"""The write guard: during a request, tenant data is written inside a unit of work or not at all.

:func:`guarded` wraps the database connection so that an ``INSERT``, ``UPDATE`` or ``DELETE``
on a table of :data:`GUARDED` outside a :class:`~.history.UnitOfWork` raises
:class:`UnrecordedWrite` before it reaches the database. :class:`WriteGuardMiddleware` applies it
to every request, so a new page or API call that writes without history and without bumping the
system's revision fails at once, in the tests and in production, instead of silently serving a
stale assessment. Caches (summaries), sessions, accounts and tokens are not tenant data and are
written freely.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse

from poam.web.workbench import models
from poam.web.workbench.history import in_unit_of_work

GUARDED = frozenset(
    model._meta.db_table
    for model in (
        models.Organization,
        models.Membership,
        models.System,
        models.SspRequirement,
        models.PoamDocument,
        models.Entry,
        models.EntryMilestone,
        models.DueDateMove,
        models.EntryEvidence,
        models.Blob,
        models.Review,
        models.Comment,
        models.Change,
        models.ChangeLogHead,
    )
)
"""The tables whose every change is history."""

_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


class UnrecordedWrite(RuntimeError):
    """A write to tenant data outside a unit of work: it would leave no history."""


def _check(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
    if sql[:1] in "IUDiud" and not in_unit_of_work():
        match = _WRITE.match(sql)
        if match is not None and match[1] in GUARDED:
            raise UnrecordedWrite(
                f"{match[1]} written outside a unit of work (poam.web.workbench.history."
                "UnitOfWork): the change would have no history and no revision bump"
            )
    return execute(sql, params, many, context)


@contextmanager
def guarded() -> Iterator[None]:
    """Refuse, on this thread's connection, writes to tenant data outside a unit of work."""
    with connection.execute_wrapper(_check):
        yield


class WriteGuardMiddleware:
    """Every request runs :func:`guarded`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with guarded():
            return self.get_response(request)
