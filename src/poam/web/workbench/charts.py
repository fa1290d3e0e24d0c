"""The burndown chart of a system's dashboard, as inline SVG (no script, prints well).

Two lines over time: open entries (from each entry's creation to its last update once it is
closed) and open milestones (until completed; after today, each planned to finish on its due
date). Vertical marks: today, and the Conditional closeout deadline when there is one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from poam.core.model import Poam

WIDTH, HEIGHT = 640, 232
LEFT, RIGHT, TOP, BOTTOM = 36, 12, 34, 26
FONT_PX = 10
CHAR_PX = 6.5
"""A generous width of one character at ``FONT_PX`` (system sans-serif averages 5.5): labels
are placed as if this wide, so that they never touch."""
GAP_PX = 8
MARK_ROWS = (13, 27)
"""The baselines of the two rows of mark labels above the plot (today, the closeout deadline):
a row each, so they cannot overlap however close the two days are."""


@dataclass(frozen=True)
class Series:
    name: str
    css: str
    points: list[tuple[date, int]]


def _window(poam: Poam, as_of: date, deadline: date | None) -> tuple[date, date]:
    starts = [item.created for item in poam.items if item.created]
    dues = [m.due for item in poam.items for m in item.milestones if m.due]
    start = min([*starts, as_of - timedelta(days=90)])
    end = max([*dues, as_of + timedelta(days=30), *([deadline] if deadline else [])])
    start = max(start, as_of - timedelta(days=540))
    end = min(end, as_of + timedelta(days=540))
    return start, end


def series(poam: Poam, as_of: date, deadline: date | None) -> tuple[date, date, list[Series]]:
    start, end = _window(poam, as_of, deadline)
    step = max(1, (end - start).days // 60)
    days = [start + timedelta(days=d) for d in range(0, (end - start).days + 1, step)]
    if days[-1] != end:
        days.append(end)
    # Each entry's open interval and each milestone's dates, read once (not per day).
    entries = [
        (item.created or start, None if item.is_open else (item.updated or as_of))
        for item in poam.items
    ]
    milestones = [
        (item.created or start, milestone.completed, milestone.due)
        for item in poam.items
        for milestone in item.milestones
    ]
    entries_open = []
    milestones_open = []
    for day in days:
        if day <= as_of:
            count = sum(
                1
                for created, closed_on in entries
                if created <= day and (closed_on is None or closed_on > day)
            )
            entries_open.append((day, count))
        remaining = 0
        for created, completed, due in milestones:
            if created > day:
                continue
            if completed is not None:
                remaining += completed > day
            elif day <= as_of or due is None or due > day:
                remaining += 1
        milestones_open.append((day, remaining))
    return (
        start,
        end,
        [
            Series("Open entries", "line-entries", entries_open),
            Series("Open milestones (planned after today)", "line-milestones", milestones_open),
        ],
    )


@dataclass(frozen=True)
class Label:
    """A text drawn on the chart, with the box it takes (for placing, and for the tests)."""

    text: str
    x: float
    y: float
    anchor: str
    css: str

    @property
    def width(self) -> float:
        return len(self.text) * CHAR_PX

    @property
    def left(self) -> float:
        offset = {"start": 0.0, "middle": self.width / 2, "end": self.width}[self.anchor]
        return self.x - offset

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def top(self) -> float:
        return self.y - FONT_PX

    def svg(self) -> SafeString:
        return format_html(
            '<text class="{}" x="{}" y="{}" text-anchor="{}">{}</text>',
            self.css,
            f"{self.x:.1f}",
            self.y,
            self.anchor,
            self.text,
        )


def _months(start: date, end: date) -> list[date]:
    month = date(start.year, start.month, 1)
    months = []
    while month <= end:
        if month >= start:
            months.append(month)
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return months


def month_labels(start: date, end: date, plot_w: float) -> list[Label]:
    """The months under the axis, every n-th one so that labels keep ``GAP_PX`` apart, and
    none past the chart's edges."""
    span = max(1, (end - start).days)
    per_month = plot_w * 30.44 / span
    widest = len("May 27") * CHAR_PX
    step = max(1, math.ceil((widest + GAP_PX) / per_month))
    labels = []
    for index, month in enumerate(_months(start, end)):
        if index % step:
            continue
        label = Label(
            month.strftime("%b %y"),
            LEFT + plot_w * (month - start).days / span,
            HEIGHT - 8,
            "middle",
            "tick",
        )
        if label.left >= 0 and label.right <= WIDTH:
            labels.append(label)
    return labels


def mark_label(text: str, x: float, row: int, css: str) -> Label:
    """A mark's label beside its line, on the right unless that would leave the chart."""
    label = Label(text, x + 3, MARK_ROWS[row], "start", css)
    if label.right > WIDTH:
        label = Label(text, x - 3, MARK_ROWS[row], "end", css)
    return label


def burndown(poam: Poam | None, as_of: date, deadline: date | None) -> SafeString:
    if poam is None or not poam.items:
        return mark_safe('<p class="muted">No POA&amp;M entries yet: nothing to burn down.</p>')
    start, end, lines = series(poam, as_of, deadline)
    span = max(1, (end - start).days)
    top = max([1, *(count for line in lines for _day, count in line.points)])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: date) -> float:
        return LEFT + plot_w * (day - start).days / span

    def y(count: int) -> float:
        return TOP + plot_h * (1 - count / top)

    parts = [
        format_html(
            '<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"/>',
            LEFT,
            TOP + plot_h,
            LEFT + plot_w,
            TOP + plot_h,
        ),
        Label(str(top), LEFT - 6, TOP + 4, "end", "tick").svg(),
        Label("0", LEFT - 6, TOP + plot_h + 4, "end", "tick").svg(),
    ]
    for label in month_labels(start, end, plot_w):
        parts.append(
            format_html(
                '<line class="grid" x1="{0}" y1="{1}" x2="{0}" y2="{2}"/>',
                f"{label.x:.1f}",
                TOP,
                TOP + plot_h,
            )
        )
        parts.append(label.svg())
    for line in lines:
        points = " ".join(f"{x(day):.1f},{y(count):.1f}" for day, count in line.points)
        parts.append(format_html('<polyline class="{}" points="{}"/>', line.css, points))
    marks = [("mark-today", as_of, "today")]
    if deadline is not None:
        marks.append(("mark-deadline", deadline, f"closeout deadline {deadline.isoformat()}"))
    for row, (css, day, text) in enumerate(marks):
        if start <= day <= end:
            parts.append(
                format_html(
                    '<line class="{0}" x1="{1}" y1="{2}" x2="{1}" y2="{3}"/>',
                    css,
                    f"{x(day):.1f}",
                    TOP - 4,
                    TOP + plot_h,
                )
            )
            parts.append(mark_label(text, x(day), row, f"{css} label").svg())

    now_entries = next((c for d, c in reversed(lines[0].points) if d <= as_of), 0)
    now_milestones = next((c for d, c in reversed(lines[1].points) if d <= as_of), 0)
    summary = (
        f"Burndown from {start.isoformat()} to {end.isoformat()}: {now_entries} open entries and "
        f"{now_milestones} open milestones today"
        + (f"; closeout deadline {deadline.isoformat()}" if deadline else "")
        + "."
    )
    legend = format_html_join(
        "",
        '<li><span class="swatch {}" aria-hidden="true"></span>{}</li>',
        ((line.css, line.name) for line in lines),
    )
    return format_html(
        '<figure class="chart"><svg viewBox="0 0 {} {}" role="img" aria-label="{}">{}</svg>'
        '<figcaption><ul class="legend">{}</ul></figcaption></figure>',
        WIDTH,
        HEIGHT,
        summary,
        mark_safe("".join(parts)),
        legend,
    )
