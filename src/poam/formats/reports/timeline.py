"""The POA&M timeline as inline SVG: open entries and milestones against the 180-day window.

A Conditional POA&M is drawn from its status date past its closeout deadline (32 CFR 170.21(b));
an internal one over the coming months, with the 180 days that a Conditional status granted
today would allow. Above the lanes, a projection: how many entries and milestones stay open if
every date is met. Shapes, not only colours, tell the states apart (circle open, diamond
overdue, triangle on or after the deadline, ring completed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from poam.core.assess import Assessment
from poam.core.catalog import Catalog
from poam.core.labels import MILESTONE_STATE
from poam.core.model import PoamItem
from poam.core.states import MilestoneState, milestone_state
from poam.core.verdict import CLOSEOUT_DAYS
from poam.formats.reports.svg import tag, text, title

WIDTH = 792
"""Wide enough for the end labels right of the plot ("110 milestones")."""
LABEL_X = 8
PLOT_X0 = 168
PLOT_X1 = 682
END_LABEL_X = PLOT_X1 + 6
TOP = 44
BURN_HEIGHT = 104
ROW = 22
MARKER_CHAR = 6.7
"""Width of a character of a marker label (10.5px bold), generously: Chromium draws
"Closeout deadline 2026-12-17" 177px wide, 6.3 per character."""
EDGE = 3


@dataclass(frozen=True, slots=True)
class Marker:
    day: date
    label: str
    css: str
    row: int


@dataclass(frozen=True, slots=True)
class Lane:
    item: PoamItem
    label: str
    dues: tuple[date, ...]
    """Due dates of the open milestones, in order."""
    states: tuple[MilestoneState, ...]
    """The state of each (``poam.core.states.milestone_state``, as the checks decide it)."""
    done: tuple[date, ...]
    last: date | None
    """The latest open milestone due from today on: when the entry is expected to close."""


LANES_PER_FIGURE = 32
"""More lanes than this go on to another figure, so that a printed page keeps them legible."""


@dataclass(frozen=True, slots=True)
class Frame:
    """One figure: the projection and the first lanes, or only further lanes."""

    number: int
    lanes: tuple[Lane, ...]
    lanes_top: float

    @property
    def first(self) -> bool:
        return self.number == 1

    @property
    def bottom(self) -> float:
        return self.lanes_top + ROW * len(self.lanes)

    @property
    def height(self) -> float:
        return self.bottom + 34


def months(start: date, end: date) -> list[date]:
    """The first day of every month from ``start`` to ``end``; every third month, or every
    January, when the span is too long to label each."""
    out = []
    current = date(start.year, start.month, 1)
    while current <= end:
        if current >= start:
            out.append(current)
        current = date(current.year + (current.month == 12), current.month % 12 + 1, 1)
    if len(out) > 40:
        return [day for day in out if day.month == 1]
    if len(out) > 14:
        return [day for day in out if day.month % 3 == 1]
    return out


def steps(starting: int, closing: list[date], start: date) -> list[tuple[date, int]]:
    """(date, count) points of a step line that drops by one at each closing date."""
    points = [(start, starting)]
    count = starting
    for day in sorted(closing):
        count -= 1
        points.append((day, count))
    return points


def lanes_of(assessment: Assessment, catalog: Catalog) -> list[Lane]:
    poam = assessment.poam
    as_of = assessment.as_of
    deadline = assessment.verdict.closeout_deadline
    lanes = []
    for item in () if poam is None else poam.open_items:
        requirement = catalog.find(item.requirement)
        pending = sorted(
            (m for m in item.milestones if m.completed is None and m.due),
            key=lambda m: m.due or date.max,
        )
        dues = tuple(m.due for m in pending if m.due)
        states = tuple(milestone_state(m, as_of, deadline, item) for m in pending)
        done = tuple(m.completed for m in item.milestones if m.completed is not None)
        last = max((d for d in dues if d >= as_of), default=None)
        label = f"{item.id}  {requirement.cmmc_id if requirement else item.requirement}"
        lanes.append(Lane(item, label, dues, states, done, last))
    lanes.sort(key=lambda lane: (lane.last is None, lane.last or date.max, lane.item.id))
    return lanes


class Timeline:
    """The geometry of one timeline; :meth:`svg` draws it."""

    def __init__(self, assessment: Assessment, lanes: list[Lane]) -> None:
        self.as_of = as_of = assessment.as_of
        self.lanes = lanes
        self.deadline = deadline = assessment.verdict.closeout_deadline
        record = assessment.verdict.of_record  # the status whose 180 days run (or ran out)
        status = record.status_date if record is not None and deadline is not None else None
        self.dues = dues = [d for lane in lanes for d in lane.dues]
        self.markers = [Marker(as_of, f"Today {as_of.isoformat()}", "today", 1)]
        if status is not None and deadline is not None:
            self.start = min([status, as_of, *dues]) - timedelta(days=7)
            self.end = max([deadline, as_of, *dues]) + timedelta(days=14)
            self.window = (status, deadline)
            self.markers.append(Marker(status, f"Status date {status.isoformat()}", "start", 0))
            self.markers.append(
                Marker(deadline, f"Closeout deadline {deadline.isoformat()}", "deadline", 0)
            )
        else:
            horizon = as_of + timedelta(days=CLOSEOUT_DAYS)
            self.start = min([as_of - timedelta(days=30), *dues]) - timedelta(days=7)
            self.end = max([horizon, *dues]) + timedelta(days=14)
            self.window = (as_of, horizon)
            self.markers.append(
                Marker(horizon, f"Today + 180 days {horizon.isoformat()}", "horizon", 0)
            )
        self.span = max(1, (self.end - self.start).days)
        self.frames = [
            Frame(
                number=1 + start // LANES_PER_FIGURE,
                lanes=tuple(lanes[start : start + LANES_PER_FIGURE]),
                lanes_top=TOP + BURN_HEIGHT + 40 if start == 0 else TOP + 6,
            )
            for start in range(0, len(lanes), LANES_PER_FIGURE)
        ]
        self.peak = max(len(lanes), len(dues), 1)

    def x(self, day: date) -> float:
        return PLOT_X0 + (PLOT_X1 - PLOT_X0) * (day - self.start).days / self.span

    def y(self, count: int) -> float:
        return TOP + BURN_HEIGHT - (BURN_HEIGHT - 8) * count / self.peak

    def background(self, frame: Frame) -> list[str]:
        """Lane stripes, the window band, the hatched part past the deadline, the month grid."""
        x, top, bottom = self.x, TOP - 6, frame.bottom
        parts = [
            tag(
                "rect",
                x=LABEL_X - 4,
                y=frame.lanes_top + ROW * index,
                width=PLOT_X1 - LABEL_X + 8,
                height=ROW,
                class_="tl-stripe",
            )
            for index in range(0, len(frame.lanes), 2)
        ]
        first, last = self.window
        parts.append(
            tag(
                "rect",
                x=x(first),
                y=top,
                width=x(last) - x(first),
                height=bottom - top,
                class_="tl-window",
            )
        )
        if self.deadline is not None:
            parts.append(
                tag(
                    "rect",
                    x=x(self.deadline),
                    y=top,
                    width=PLOT_X1 - x(self.deadline),
                    height=bottom - top,
                    class_="tl-late",
                    fill=f"url(#tl-hatch-{frame.number})",
                )
            )
        marks = months(self.start, self.end)
        monthly = len(marks) < 2 or (marks[1].month - marks[0].month) % 12 == 1
        for index, month in enumerate(marks):
            if monthly:
                name = month.strftime("%b %Y" if month.month == 1 or index == 0 else "%b")
            elif month.month == 1:
                name = str(month.year)
            else:  # a sparse axis names the years, and the first tick only when it has room
                later = [m for m in marks[index + 1 :] if m.month == 1]
                room = index == 0 and (not later or marks.index(later[0]) >= 2)
                name = month.strftime("%b %Y") if room else ""
            parts.append(tag("line", x1=x(month), y1=TOP, x2=x(month), y2=bottom, class_="tl-grid"))
            if name:
                parts.append(text(name, x=x(month) + 3, y=bottom + 16, class_="tl-axis"))
        return parts

    def projection(self) -> list[str]:
        """Entries and milestones still open if every date is met, as two step lines."""
        x, y, lanes = self.x, self.y, self.lanes
        ticks = {0, self.peak}
        if min(abs(y(len(lanes)) - y(tick)) for tick in ticks) >= 14:
            ticks.add(len(lanes))
        parts = []
        for tick in sorted(ticks):
            parts.append(
                tag("line", x1=PLOT_X0, y1=y(tick), x2=PLOT_X1, y2=y(tick), class_="tl-hgrid")
            )
            parts.append(
                text(str(tick), x=PLOT_X0 - 6, y=y(tick) + 4, class_="tl-axis", text_anchor="end")
            )
        parts.append(text("Still open if every", x=LABEL_X, y=TOP + 30, class_="tl-side"))
        parts.append(text("date is met", x=LABEL_X, y=TOP + 44, class_="tl-side"))
        series = (
            (
                len(lanes),
                [lane.last for lane in lanes if lane.last],
                "tl-burn-entries",
                "entry",
                "entries",
            ),
            (
                len(self.dues),
                [d for d in self.dues if d >= self.as_of],
                "tl-burn-milestones",
                "milestone",
                "milestones",
            ),
        )
        ends: list[float] = []
        for starting, closing, css, singular, many in series:
            points = steps(starting, closing, self.as_of)
            path = [f"M {x(points[0][0]):.1f} {y(points[0][1]):.1f}"]
            path += [f"H {x(day):.1f} V {y(count):.1f}" for day, count in points[1:]]
            path.append(f"H {PLOT_X1:.1f}")
            parts.append(tag("path", d=" ".join(path), class_=css))
            # Labelled in the right margin, clear of every line, never on top of each other.
            final = points[-1][1]
            label_y = y(final) + 4
            if ends and abs(label_y - ends[0]) < 12:
                label_y = ends[0] - 12
            ends.append(label_y)
            parts.append(
                text(
                    f"{final} {singular if final == 1 else many}",
                    x=END_LABEL_X,
                    y=label_y,
                    class_="tl-end-label",
                )
            )
        return parts

    def lane_marks(self, frame: Frame) -> list[str]:
        parts = []
        for index, lane in enumerate(frame.lanes):
            mid = frame.lanes_top + ROW * index + ROW / 2
            parts.append(text(lane.label, x=LABEL_X, y=mid + 4, class_="tl-lane-label"))
            if not lane.dues:
                parts.append(
                    text(
                        "no dated milestone",
                        x=self.x(self.as_of) + 6,
                        y=mid + 4,
                        class_="tl-nodate",
                    )
                )
                continue
            parts.append(
                tag(
                    "line",
                    x1=self.x(lane.dues[0]),
                    y1=mid,
                    x2=self.x(lane.dues[-1]),
                    y2=mid,
                    class_="tl-span",
                )
            )
            parts += [
                tag("circle", cx=self.x(day), cy=mid, r=3.2, class_="tl-done")
                for day in lane.done
                if self.start <= day <= self.end
            ]
            parts += [
                self.milestone(self.x(day), mid, day, state)
                for day, state in zip(lane.dues, lane.states, strict=True)
            ]
        return parts

    def milestone(self, mx: float, my: float, due: date, state: MilestoneState) -> str:
        """Shape by state: circle open, diamond overdue, triangle on or after the deadline."""
        label = f"due {due.isoformat()}"
        name = MILESTONE_STATE[state]
        points: tuple[tuple[float, float], ...]
        if state is MilestoneState.LATE:
            points = ((mx, my - 6.5), (mx + 6, my + 4.5), (mx - 6, my + 4.5))
            css = "tl-late-mark"
        elif state is MilestoneState.OVERDUE:
            points = ((mx, my - 5.5), (mx + 5.5, my), (mx, my + 5.5), (mx - 5.5, my))
            css = "tl-overdue-mark"
        else:
            return tag(
                "circle", title(f"Open: {label}"), cx=mx, cy=my, r=4.5, class_="tl-open-mark"
            )
        d = "M " + " L ".join(f"{px:.1f} {py:.1f}" for px, py in points) + " Z"
        return tag("path", title(f"{name}: {label}"), d=d, class_=css)

    def marker_marks(self, frame: Frame) -> list[str]:
        """The vertical lines of today, the status date and the deadline, labelled on top, each
        label wholly inside the figure and clear of the other labels of its row."""
        parts = []
        for marker, (x, anchor) in zip(self.markers, self.label_places(), strict=True):
            mx = self.x(marker.day)
            parts.append(
                tag(
                    "line",
                    x1=mx,
                    y1=TOP - 20 + 14 * marker.row,
                    x2=mx,
                    y2=frame.bottom,
                    class_=f"tl-marker tl-{marker.css}",
                )
            )
            parts.append(
                text(
                    marker.label,
                    x=x,
                    y=12 + 14 * marker.row,
                    text_anchor=anchor,
                    class_=f"tl-marker-label tl-{marker.css}-label",
                )
            )
        return parts

    def label_places(self) -> list[tuple[float, str]]:
        """Where each marker's label goes (x and text anchor): right of its line, or left of it
        when it would run past the figure or over the next line of its row; then, row by row,
        labels are pushed apart and into the figure, so none is cut and none covers another."""
        places: list[tuple[float, str]] = [(0.0, "start")] * len(self.markers)
        for row in {marker.row for marker in self.markers}:
            order = sorted(
                (i for i, m in enumerate(self.markers) if m.row == row),
                key=lambda i: self.x(self.markers[i].day),
            )
            lines = [self.x(self.markers[i].day) for i in order]
            widths = [len(self.markers[i].label) * MARKER_CHAR for i in order]
            wanted = []
            for k, (mx, width) in enumerate(zip(lines, widths, strict=True)):
                crosses = any(0 < other - mx < width + 8 for other in lines[k + 1 :])
                fits_right = mx + 4 + width <= WIDTH - EDGE
                fits_left = mx - 4 - width >= EDGE
                left = fits_left and (crosses or not fits_right)
                wanted.append(mx - 4 - width if left else mx + 4)
            starts = _spread(wanted, widths)
            for k, i in enumerate(order):
                if abs(starts[k] - (lines[k] - 4 - widths[k])) < 0.01:
                    places[i] = (lines[k] - 4, "end")
                else:
                    places[i] = (starts[k], "start")
        return places

    def summary(self) -> str:
        lanes, dues = self.lanes, self.dues

        def many(count: int, one: str, more: str) -> str:
            return f"{count} {one if count == 1 else more}"

        parts = [
            f"{many(len(lanes), 'open entry', 'open entries')} with "
            f"{many(len(dues), 'open dated milestone', 'open dated milestones')}"
        ]
        states = [state for lane in lanes for state in lane.states]
        late = states.count(MilestoneState.LATE)
        overdue = states.count(MilestoneState.OVERDUE)
        undated = sum(1 for lane in lanes if not lane.dues)
        stuck = sum(1 for lane in lanes if lane.last is None)
        if overdue:
            parts.append(f"{overdue} overdue")
        if late:
            parts.append(f"{late} on or after the closeout deadline")
        if undated:
            parts.append(f"{many(undated, 'entry', 'entries')} with no dated milestone")
        if stuck:
            verb = "stays" if stuck == 1 else "stay"
            parts.append(
                f"{many(stuck, 'entry', 'entries')} with no future date {verb} open "
                "in the projection"
            )
        return "; ".join(parts) + "."

    def svg(self, frame: Frame) -> str:
        sentence = "POA&M timeline: " + self.summary()
        if len(self.frames) > 1:
            sentence += f" Part {frame.number} of {len(self.frames)}."
        hatch = tag(
            "pattern",
            tag("path", d="M 0 6 L 6 0", class_="tl-hatch-line"),
            id=f"tl-hatch-{frame.number}",
            width=6,
            height=6,
            patternUnits="userSpaceOnUse",
        )
        return tag(
            "svg",
            title(sentence),
            tag("defs", hatch),
            *self.background(frame),
            *(self.projection() if frame.first else ()),
            *self.lane_marks(frame),
            *self.marker_marks(frame),
            viewBox=f"0 0 {WIDTH} {frame.height:.0f}",
            class_="timeline",
            role="img",
            aria_label=sentence,
            xmlns="http://www.w3.org/2000/svg",
        )


LABEL_GAP = 10


def _spread(starts: list[float], widths: list[float]) -> list[float]:
    """Starts of labels laid in order on one line: each as near its wanted start as it can be
    without overlapping the one before, and all inside the figure."""
    placed = list(starts)
    for k in range(1, len(placed)):
        placed[k] = max(placed[k], placed[k - 1] + widths[k - 1] + LABEL_GAP)
    for k in reversed(range(len(placed))):
        limit = WIDTH - EDGE if k == len(placed) - 1 else placed[k + 1] - LABEL_GAP
        placed[k] = min(placed[k], limit - widths[k])
    for k in range(len(placed)):
        floor = EDGE if k == 0 else placed[k - 1] + widths[k - 1] + LABEL_GAP
        placed[k] = max(placed[k], floor)
    return placed


def timeline(assessment: Assessment, catalog: Catalog) -> tuple[tuple[str, ...], str] | None:
    """The figures (one per 32 open entries) and a one-sentence summary, or None when nothing
    is open."""
    lanes = lanes_of(assessment, catalog)
    if not lanes:
        return None
    drawing = Timeline(assessment, lanes)
    return tuple(drawing.svg(frame) for frame in drawing.frames), drawing.summary()
