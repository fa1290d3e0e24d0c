"""The portfolio: every system a user can see, with its summary, searched, sorted and paged in
the database (the page and the API list it the same way)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import F, Q, QuerySet

from poam.web.workbench import tenancy
from poam.web.workbench.assessment import ensure_summaries
from poam.web.workbench.models import System

SORTS = {
    "name": "name",
    "score": "summary__score",
    "verdict": "summary__verdict",
    "days": "summary__days_left",
    "errors": "summary__errors",
    "warnings": "summary__warnings",
    "open": "summary__open_entries",
    "affirmation": "summary__affirmation_due",
}
"""Sort key -> column; systems without a value (no score, no clock) always come last."""
ROW_FIELDS = {
    "organization_name": F("organization__name"),
    "valid_until": F("summary__valid_until"),
    "readiness": F("summary__readiness"),
    **{key: F(column) for key, column in SORTS.items() if key != "name"},
}
"""What a portfolio row shows besides the system's id and name (``score``, ``days``, ...)."""


def ordering(sort: str) -> tuple[str, list[Any]]:
    """The sort key as given (``-score``: descending) and the ORDER BY it means."""
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in SORTS:
        key, descending = "name", False
    column = F(SORTS[key])
    first = column.desc(nulls_last=True) if descending else column.asc(nulls_last=True)
    return ("-" if descending else "") + key, [first, "organization__name", "name", "pk"]


def summarized(user: Any, as_of: date) -> QuerySet[System]:
    """Every system the user can see; the summaries that are missing or stale (another
    revision, another day) are recomputed first, so that sorting by them is right."""
    visible = tenancy.systems(user)
    stale = visible.filter(
        Q(summary__isnull=True) | ~Q(summary__as_of=as_of) | ~Q(summary__revision=F("revision"))
    )
    ensure_summaries(stale.select_related("summary"), as_of)
    return visible


def search(rows: QuerySet[System], query: str) -> QuerySet[System]:
    """Systems whose name or organization's name contains ``query``."""
    if not query:
        return rows
    return rows.filter(Q(name__icontains=query) | Q(organization__name__icontains=query))
