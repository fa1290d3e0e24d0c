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

_NUMBERED = re.compile(
    r"""^\s*(?:\((?P<paren>\d{1,3})\)           # (1)
    |\[(?P<bracket>\d{1,3})\]                     # [1]
    |\#(?P<hash>\d{1,3})\b                        # #1
    |(?P<plain>\d{1,3})[.)](?=\s))                # 1. or 1) then a space
    \s*(?P<rest>.*)$""",
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Entry:
    number: int | None
    text: str


def _number(line: str) -> tuple[int, str] | None:
    match = _NUMBERED.match(line)
    if match is None:
        return None
    digits = match["paren"] or match["bracket"] or match["hash"] or match["plain"]
    return int(digits), match["rest"].strip()


def split_numbered(text: str) -> list[Entry]:
    """Entries starting ``(n)`` (or ``n.``, ``n)``, ``[n]``, ``#n``); other lines continue the
    entry above, or stand unnumbered before the first. When no line is numbered, each line is
    an entry of its own, numbered in order."""
    lines = [line for line in text.split("\n") if line.strip()]
    if not any(_number(line) for line in lines):
        return [Entry(index, line.strip()) for index, line in enumerate(lines, start=1)]
    entries: list[Entry] = []
    for line in lines:
        numbered = _number(line)
        if numbered is not None:
            entries.append(Entry(*numbered))
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


_NO_DATE_TEXT = r"(?:no\s+date|tbd|n/a|none)"
_SEPARATOR = r"(?:\s*[:\-\u2013\u2014,;|]+\s*|\s+)"
_DUE_WORD = (
    r"(?:\b(?:due|by|on|target(?:ed)?|planned|scheduled)\b(?:\s+(?:date|for|on|by)\b)?\s*:?\s*)"
)
_COMPLETED = re.compile(
    rf"\s*[(\[]\s*(?:completed|complete|done)\s*:?\s*(?:on\s+)?(?P<date>{ANY_DATE})\s*[)\]]\.?\s*$",
    re.IGNORECASE,
)
_LEADING = re.compile(
    rf"^{_DUE_WORD}?(?P<date>{ANY_DATE}|{_NO_DATE_TEXT})(?:(?P<sep>{_SEPARATOR})(?P<title>.*))?$",
    re.IGNORECASE | re.DOTALL,
)
_TRAILING = re.compile(
    rf"^(?P<title>.+?)[\s:\-\u2013\u2014,;|]*[(\[]?\s*{_DUE_WORD}?(?P<date>{ANY_DATE})\s*[)\]]?\.?$",
    re.IGNORECASE | re.DOTALL,
)


_DUE_ONLY = re.compile(rf"\s*{_DUE_WORD}?", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ReadMilestone:
    """A milestone read from text, and whether any date (or ``no date``) was written."""

    milestone: Milestone
    dated: bool


def parse_milestone(text: str, expected: str) -> ReadMilestone:
    """A milestone as people write one after its number: the date first (``2026-03-01: Do X``,
    ``Mar 1, 2026 - Do X``, ``due 3/1/2026: Do X``) or last (``Do X (due 2026-03-01)``,
    ``Do X by 1 March 2026``), optionally ``(completed DATE)`` at the end. Without any date the
    text is the title of an undated milestone (``dated`` False, for the caller to warn). An
    impossible date or an empty title raises CellError naming ``expected``, the one format."""
    text = text.strip()
    completed = None
    done = _COMPLETED.search(text)
    if done is not None:
        completed = _date(done["date"], expected)
        text = text[: done.start()].strip()
    match = _match(text)
    if match is None:
        if not text or _LEADING.match(text) or _TRAILING.match(text):
            raise CellError(f"{text!r} has no description; expected {expected!r}")
        return ReadMilestone(Milestone(text, None, completed), False)
    title = match["title"].strip()
    due = None if _is_no_date(match["date"]) else match["date"]
    return ReadMilestone(Milestone(title, _date(due, expected) if due else None, completed), True)


def _match(text: str) -> re.Match[str] | None:
    """The reading of ``text`` with a title: a date at the start, else one at the end, else an
    explicit "no date" (or TBD) at the start. "no date:" with its colon (as poam writes it)
    wins over a date at the end of the title; "None (due 2026-03-01)" does not."""
    leading, trailing = _LEADING.match(text), _TRAILING.match(text)
    if leading is not None and (leading["title"] or "").strip():
        undated = _is_no_date(leading["date"])
        if not undated or leading["sep"].strip() or trailing is None:
            return leading
    if trailing is not None and _is_title(trailing["title"]):
        return trailing
    if leading is not None and (leading["title"] or "").strip():
        return leading
    return None


def _is_no_date(text: str) -> bool:
    return re.fullmatch(_NO_DATE_TEXT, text, re.IGNORECASE) is not None


def _is_title(text: str) -> bool:
    """Whether the title of a date at the end is one: not only a word such as "due"."""
    return _DUE_ONLY.fullmatch(text.strip()) is None


def _date(text: str, expected: str) -> date:
    try:
        return parse_text_date(text)
    except CellError:
        raise CellError(f"{text!r} is not a date; expected {expected!r}") from None


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
