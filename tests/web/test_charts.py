"""The burndown chart's two series: what is open on each day, and what the plan leaves open."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from poam.core.model import ItemStatus, Milestone
from poam.web.workbench import charts
from tests.core.builders import internal, item

AS_OF = date(2026, 6, 1)


def _counts(points: list[tuple[date, int]]) -> dict[date, int]:
    return dict(points)


def test_open_entries_and_milestones_day_by_day() -> None:
    still_open = replace(
        item("OPA-1", "3.1.1", due=None),
        created=date(2026, 3, 1),
        milestones=(
            Milestone("Buy", date(2026, 4, 1), completed=date(2026, 4, 15)),
            Milestone("Deploy", date(2026, 7, 1)),
        ),
    )
    closed = replace(
        item("OPA-2", "3.1.2", due=None, status=ItemStatus.CLOSED),
        created=date(2026, 4, 1),
        updated=date(2026, 5, 1),
        milestones=(Milestone("Fix", date(2026, 4, 20), completed=date(2026, 4, 25)),),
    )
    start, end, (entries, milestones) = charts.series(
        internal(still_open, closed), AS_OF, deadline=None
    )
    assert start == date(2026, 3, 1) and end == date(2026, 7, 1)  # 90 days back, last due
    opened, left = _counts(entries.points), _counts(milestones.points)
    assert max(opened) <= AS_OF  # entries are counted up to today only
    assert opened[date(2026, 3, 1)] == 1
    assert opened[date(2026, 4, 20)] == 2  # both open
    assert opened[date(2026, 5, 20)] == 1  # OPA-2 closed on its last update
    assert left[date(2026, 3, 1)] == 2  # Buy and Deploy
    assert left[date(2026, 4, 20)] == 2  # Deploy and Fix (Buy done on 04-15)
    assert left[date(2026, 5, 20)] == 1  # Deploy
    assert left[end] == 0  # planned to finish on its due date


def test_no_entries_draws_no_chart() -> None:
    assert "nothing to burn down" in charts.burndown(internal(), AS_OF, None)
