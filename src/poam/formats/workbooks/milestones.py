"""Milestones and their date changes written as text in one cell, and read back.

Several layouts keep milestones, or the moves of their dates, in a text cell (FedRAMP's
"Planned Milestones" and "Milestone Changes", NIST's "Changes to Milestones", eMASS's
"Milestone Status Comments"). One wording is used everywhere so that it reads naturally and
parses back exactly::

    moved from 09/26/2026 to 12/12/2026 on 09/02/2026 by Maria Kowalski, IT Manager: reason

Entries of a list are numbered ``(1)``, ``(2)``...; a line that does not start an entry continues
the one above it (so a justification may span lines).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from poam.core.model import ItemStatus, Milestone, MilestoneChange, PoamItem
from poam.formats.workbooks.cells import ANY_DATE, CellError, parse_text_date

DateFormat = Callable[[date], str]
NO_DATE = "no date"
_NO_DATE_WORDS = {"no date", "tbd", "n/a", "none"}


def iso(value: date) -> str:
    return value.isoformat()


def date_or_none(value: date | None, style: DateFormat) -> str:
    return NO_DATE if value is None else style(value)


def parse_date_or_none(text: str) -> date | None:
    if " ".join(text.split()).casefold() in _NO_DATE_WORDS:
        return None
    return parse_text_date(text, "MM/DD/YYYY or YYYY-MM-DD")


_DATE_OR_NONE = rf"(?:{ANY_DATE}|no\s+date|tbd|n/a|none)"

# --- one change ------------------------------------------------------------------------------


def change_text(change: MilestoneChange, style: DateFormat) -> str:
    text = (
        f"moved from {date_or_none(change.from_date, style)} to {style(change.to_date)} "
        f"on {style(change.changed)}"
    )
    if change.by:
        text += f" by {change.by}"
    if change.justification:
        text += f": {change.justification}"
    return text


_CHANGE = re.compile(
    rf"""^moved\s+from\s+(?P<from>{_DATE_OR_NONE})\s+to\s+(?P<to>{ANY_DATE})
    \s+on\s+(?P<changed>{ANY_DATE})
    (?:\s+by\s+(?P<by>[^:\n]*?))?\s*(?::\s*(?P<why>.*))?$""",
    re.VERBOSE | re.IGNORECASE | re.DOTALL,
)


def is_change(text: str) -> bool:
    return _CHANGE.match(text.strip()) is not None


def parse_change(text: str) -> MilestoneChange:
    match = _CHANGE.match(text.strip())
    if match is None:
        raise CellError(
            f"{text.strip()!r} is not a milestone change (expected 'moved from MM/DD/YYYY to "
            "MM/DD/YYYY on MM/DD/YYYY by NAME: reason')"
        )
    return MilestoneChange(
        changed=parse_text_date(match["changed"]),
        from_date=parse_date_or_none(match["from"]),
        to_date=parse_text_date(match["to"]),
        by=(match["by"] or "").strip(),
        justification=(match["why"] or "").strip(),
    )


# --- numbered lists --------------------------------------------------------------------------

_NUMBERED = re.compile(r"^\s*\((?P<number>\d{1,3})\)\s*(?P<rest>.*)$")


@dataclass(frozen=True, slots=True)
class Entry:
    number: int | None
    text: str


def split_numbered(text: str) -> list[Entry]:
    """Entries starting ``(n)``; other lines continue the entry above (or stand unnumbered)."""
    entries: list[Entry] = []
    for line in text.split("\n"):
        match = _NUMBERED.match(line)
        if match:
            entries.append(Entry(int(match["number"]), match["rest"].strip()))
        elif not line.strip():
            continue
        elif entries:
            last = entries[-1]
            entries[-1] = Entry(last.number, f"{last.text}\n{line.strip()}".strip())
        else:
            entries.append(Entry(None, line.strip()))
    return entries


def split_changes(text: str) -> tuple[list[str], list[str]]:
    """Unnumbered change entries (each starts ``moved from``), and any other text before them."""
    changes: list[str] = []
    other: list[str] = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        if is_change(line) or line.strip().casefold().startswith("moved from "):
            changes.append(line.strip())
        elif changes:
            changes[-1] += "\n" + line.strip()
        else:
            other.append(line.strip())
    return changes, other


# --- milestone lines -------------------------------------------------------------------------


def milestone_line(number: int, milestone: Milestone, style: DateFormat) -> str:
    """``(1) 12/12/2026: title`` plus `` (completed 12/10/2026)`` once done."""
    text = f"({number}) {date_or_none(milestone.due, style)}: {milestone.title}"
    if milestone.completed is not None:
        text += f" (completed {style(milestone.completed)})"
    return text


_MILESTONE = re.compile(
    rf"^(?P<due>{_DATE_OR_NONE})\s*:\s*(?P<title>.*?)"
    rf"(?:\s*\(completed\s+(?P<completed>{ANY_DATE})\))?$",
    re.IGNORECASE | re.DOTALL,
)


def parse_milestone(text: str) -> Milestone:
    match = _MILESTONE.match(text.strip())
    if match is None:
        raise CellError(
            f"{text.strip()!r} is not a milestone (expected '(1) MM/DD/YYYY: what will be done')"
        )
    return Milestone(
        title=match["title"].strip(),
        due=parse_date_or_none(match["due"]),
        completed=parse_text_date(match["completed"]) if match["completed"] else None,
    )


# --- facts derived from milestones -----------------------------------------------------------


def latest_due(milestones: Iterable[Milestone]) -> date | None:
    """The scheduled completion of an entry: its latest milestone date."""
    dues = [m.due for m in milestones if m.due is not None]
    return max(dues) if dues else None


def open_status(milestones: Sequence[Milestone], started: bool) -> ItemStatus:
    """An open entry is in progress once work shows: a milestone done or marked started."""
    if started or any(m.completed is not None for m in milestones):
        return ItemStatus.IN_PROGRESS
    return ItemStatus.NOT_STARTED


def closed_on(item: PoamItem) -> date | None:
    """When a closed entry was closed, as far as the model knows: its last update, else its
    last milestone completion."""
    if item.updated is not None:
        return item.updated
    done = [m.completed for m in item.milestones if m.completed is not None]
    return max(done) if done else None
