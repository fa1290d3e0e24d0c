"""The POA&M's own facts in a header cell of the eMASS and FedRAMP layouts, which have no column
for them: the kind (with the assessment behind a Conditional status), the Conditional status
date, and the review facts.

A Conditional POA&M imported as an internal one loses the checks of 32 CFR 170.21 (eligibility,
the 180-day closeout) without a word, so poam writes these facts in labelled cells beside the
template's header block, and an import that finds no kind says so as a warning, naming what will
not be checked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from poam.core.checks import REGISTRY
from poam.core.checks.base import Group
from poam.core.model import AssessmentType, ConditionalInfo, Poam, PoamKind
from poam.formats.workbooks.cells import (
    CellError,
    cell_text,
    is_blank,
    normalize_header,
    parse_date,
    whole_number,
)
from poam.formats.workbooks.reading import Cell

INTERNAL = "Internal"
CONDITIONAL = "Conditional"
STATUS_NAMES = {
    AssessmentType.SELF: "Conditional Level 2 (Self)",
    AssessmentType.C3PAO: "Conditional Level 2 (C3PAO)",
}
"""The CMMC status names of 32 CFR 170.16(a)(1)(ii) and 170.17(a)(1)(ii)."""
KINDS_EXPECTED = (INTERNAL, *STATUS_NAMES.values())

CONDITIONAL_CHECKS = (
    "ineligible-on-conditional-poam",
    "milestone-after-closeout-deadline",
    *sorted(REGISTRY.codes_in(Group.STATUS)),
)
"""The checks a Conditional POA&M's kind and status date feed (32 CFR 170.21): what may sit on
it, its milestones against the deadline, and every check of the CMMC status, since the POA&M's
header is taken as the assessment of record when the SSP records none (the closeout, the
affirmations owed upon the status, the record itself)."""


def kind_text(poam: Poam) -> str:
    """``Internal``, or the CMMC status a Conditional POA&M belongs to."""
    if poam.kind is PoamKind.INTERNAL:
        return INTERNAL
    if poam.conditional is None:
        return CONDITIONAL
    return STATUS_NAMES[poam.conditional.assessment]


def parse_kind(text: str) -> tuple[PoamKind, AssessmentType | None]:
    """The kind, and the assessment of a Conditional status when the text names it."""
    key = normalize_header(text)
    if key in ("internal", "internal poa&m"):
        return PoamKind.INTERNAL, None
    if key.startswith("conditional"):
        rest = key.removeprefix("conditional").replace("level 2", "").strip(" ()")
        if not rest or rest == "poa&m":
            return PoamKind.CONDITIONAL, None
        for assessment, words in (
            (AssessmentType.SELF, ("self", "self-assessment", "self assessment")),
            (AssessmentType.C3PAO, ("c3pao", "c3pao assessment")),
        ):
            if rest in words:
                return PoamKind.CONDITIONAL, assessment
    raise CellError(f"{text!r} is not one of {', '.join(KINDS_EXPECTED)}")


@dataclass(frozen=True, slots=True)
class Restored:
    """The kind and Conditional status read from the header cells, and what could not be."""

    kind: PoamKind = PoamKind.INTERNAL
    conditional: ConditionalInfo | None = None
    warnings: tuple[str, ...] = ()


def restore_kind(
    values: dict[str, Cell],
    labels: dict[str, str],
    problem: Callable[[str, str], None],
) -> Restored:
    """The kind from ``values["kind"]`` and ``values["status_date"]`` (as ``header_block``
    finds them); ``labels`` names their cells in messages, ``problem(key, message)`` records a
    bad cell."""
    kind_label, date_label = labels["kind"].rstrip(":"), labels["status_date"].rstrip(":")
    not_checked = ", ".join(CONDITIONAL_CHECKS)
    if "kind" not in values or is_blank(values.get("kind")):
        return Restored(
            warnings=(
                f"the workbook does not say whether the POA&M is Conditional (no {kind_label!r} "
                f"in its header): imported as internal, so {not_checked} do not run; if it is "
                "a Conditional POA&M, set kind: conditional and conditional: {assessment, "
                "status_date} in poam.yaml",
            )
        )
    try:
        kind, assessment = parse_kind(cell_text(values["kind"]))
    except CellError as error:
        problem("kind", str(error))
        return Restored()
    if kind is PoamKind.INTERNAL:
        return Restored()
    status_date: date | None = None
    try:
        status_date = parse_date(values.get("status_date"))
    except CellError as error:
        problem("status_date", str(error))
        return Restored(kind)
    if status_date is None:
        return Restored(
            kind,
            warnings=(
                f"{kind_label} is Conditional but {date_label!r} is empty: the 180-day closeout "
                f"is not known, so {not_checked} do not run; set conditional.status_date in "
                "poam.yaml",
            ),
        )
    if assessment is None:
        problem(
            "kind",
            f"{cell_text(values['kind'])!r} does not say who assessed the Conditional status: "
            f"write {' or '.join(repr(name) for name in STATUS_NAMES.values())}",
        )
        return Restored(kind)
    return Restored(kind, ConditionalInfo(assessment, status_date))


def cadence(value: Cell, problem: Callable[[str], None]) -> int | None:
    """A review cadence in days, or None when blank."""
    if is_blank(value):
        return None
    text = cell_text(value)
    days = whole_number(text)
    if days is not None and days > 0:
        return days
    problem(f"{text!r} is not a number of days")
    return None
