"""The burndown chart's two series: what is open on each day, and what the plan leaves open."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from poam.core.model import ItemStatus, Milestone, Poam
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


def _labels(svg: str) -> list[charts.Label]:
    """Every text of the chart, read back from the SVG with the box it takes."""
    found = re.findall(
        r'<text class="([^"]+)" x="([-\d.]+)" y="([-\d.]+)" text-anchor="(\w+)">([^<]*)</text>',
        svg,
    )
    return [
        charts.Label(text, float(x), float(y), anchor, css) for css, x, y, anchor, text in found
    ]


def _overlap(a: charts.Label, b: charts.Label) -> bool:
    return a.left < b.right and b.left < a.right and a.top < b.y and b.top < a.y


def _poam_spanning(first: date, last: date) -> Poam:
    entry = replace(
        item("OPA-1", "3.1.1", due=None),
        created=first,
        milestones=(Milestone("Deploy", last),),
    )
    return internal(entry)


@pytest.mark.parametrize(
    ("first", "last", "deadline"),
    [
        (date(2025, 1, 1), date(2027, 12, 1), date(2026, 6, 3)),  # 36 months; deadline 2 days on
        (date(2026, 3, 1), date(2026, 7, 1), date(2026, 6, 1)),  # the deadline is today
        (date(2026, 3, 1), date(2026, 6, 20), date(2026, 7, 1)),  # the deadline ends the window
        (date(2025, 12, 1), date(2026, 7, 1), date(2026, 5, 28)),  # passed 4 days ago
        (date(2026, 5, 25), date(2026, 6, 10), None),
    ],
)
def test_labels_never_overlap_nor_leave_the_chart(
    first: date, last: date, deadline: date | None
) -> None:
    svg = str(charts.burndown(_poam_spanning(first, last), AS_OF, deadline))
    labels = _labels(svg)
    texts = [label.text for label in labels]
    assert "today" in texts
    if deadline is not None:
        assert f"closeout deadline {deadline.isoformat()}" in texts  # the date is not clipped
    assert sum(1 for label in labels if label.css == "tick") >= 4  # the axis is labelled
    for label in labels:
        assert label.left >= 0 and label.right <= charts.WIDTH, label
        assert label.top >= 0 and label.y <= charts.HEIGHT, label
    for index, label in enumerate(labels):
        for other in labels[index + 1 :]:
            assert not _overlap(label, other), (label, other)


def test_the_overlap_check_sees_an_overlap() -> None:
    """The geometry above is honest: two labels drawn at one place do overlap."""
    a = charts.Label("today", 100, 13, "start", "x")
    assert _overlap(a, charts.Label("closeout", 110, 13, "start", "x"))
    assert not _overlap(a, charts.Label("closeout", 110, 27, "start", "x"))
