"""The score gauge as inline SVG: a half circle from 0 to 110 with the 88-point line.

Inline SVG needs no script and no request, prints sharply and scales with the page; the number
is printed in the middle, so the arc is never the only carrier of the meaning.
"""

from __future__ import annotations

import math

from poam.core.scoring import MAX_SCORE
from poam.core.verdict import CONDITIONAL_MIN_SCORE
from poam.formats.reports.svg import tag, text, title


def _point(cx: float, cy: float, r: float, fraction: float) -> tuple[float, float]:
    angle = math.pi * (1 - fraction)
    return cx + r * math.cos(angle), cy - r * math.sin(angle)


def _arc(cx: float, cy: float, r: float, start: float, end: float) -> str:
    x0, y0 = _point(cx, cy, r, start)
    x1, y1 = _point(cx, cy, r, end)
    return f"M {x0:.2f} {y0:.2f} A {r} {r} 0 0 1 {x1:.2f} {y1:.2f}"


def score_gauge(value: int | None, provisional: int) -> str:
    """A half-circle from 0 to 110 with the 88-point line of a Conditional status; a negative
    score shows an empty arc and its number (the minimum is -203)."""
    cx, cy, r = 110.0, 104.0, 84.0
    shown = 0 if value is None else max(0, value)
    fraction = shown / MAX_SCORE
    tick = CONDITIONAL_MIN_SCORE / MAX_SCORE
    tx0, ty0 = _point(cx, cy, r - 15, tick)
    tx1, ty1 = _point(cx, cy, r + 15, tick)
    lx, ly = _point(cx, cy, r + 24, tick)
    if value is None:
        label, sub = "—", "no score"
        description = (
            f"No score: CA.L2-3.12.4 is NOT MET. The other requirements would give {provisional}."
        )
    else:
        label, sub = str(value), f"of {MAX_SCORE}"
        description = (
            f"Score {value} of {MAX_SCORE}; a Conditional status needs {CONDITIONAL_MIN_SCORE}."
        )
    parts = [
        title(description),
        tag("path", d=_arc(cx, cy, r, 0, 1), class_="gauge-track"),
        tag("path", d=_arc(cx, cy, r, tick, 1), class_="gauge-zone"),
    ]
    if fraction > 0:
        parts.append(tag("path", d=_arc(cx, cy, r, 0, fraction), class_="gauge-value"))
    parts += [
        tag("line", x1=tx0, y1=ty0, x2=tx1, y2=ty1, class_="gauge-tick"),
        text(
            str(CONDITIONAL_MIN_SCORE), x=lx, y=ly, class_="gauge-tick-label", text_anchor="middle"
        ),
        text("0", x=cx - r, y=cy + 18, class_="gauge-end", text_anchor="middle"),
        text(str(MAX_SCORE), x=cx + r, y=cy + 18, class_="gauge-end", text_anchor="middle"),
        text(label, x=cx, y=cy - 14, class_="gauge-number", text_anchor="middle"),
        text(sub, x=cx, y=cy + 8, class_="gauge-sub", text_anchor="middle"),
    ]
    return tag(
        "svg",
        *parts,
        viewBox="0 0 220 126",
        class_="gauge",
        role="img",
        aria_label=description,
        xmlns="http://www.w3.org/2000/svg",
    )
