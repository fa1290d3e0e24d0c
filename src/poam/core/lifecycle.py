"""The CMMC status over time: which assessment of record stands, until when, and what it owes.

A CMMC status is a lifecycle, not a snapshot (docs/rules.md, "The standing"):

- an assessment of record awards a Conditional or a Final status from its CMMC Status Date
  (32 CFR 170.16(a)(1) self, 170.17(a)(1) C3PAO);
- a Conditional status stays Conditional until a POA&M closeout assessment with result MET is
  recorded on or before its 180th day, and is then Final; with no such closeout by then it has
  expired, whatever the SSP says now (170.21(b)): there is no extension;
- a Final status is current for 3 years from its status date, and only with an affirmation of
  continuing compliance no older than a year (DFARS 204.7501, "current"); poam counts the 3 years
  of a Final status reached by a closeout from the Conditional status date, the earlier of the
  two readings (warn early, never late);
- the Affirming Official affirms upon the status, after a POA&M closeout, and yearly (170.22(a)).

With no assessment on record the standing is what a new assessment today would award (the
readiness). A Conditional POA&M names the status it closes out (``poam.conditional``); poam takes
it as an assessment of record (``implied``) when the SSP records none of that date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from poam.core import rules
from poam.core.model import (
    Affirmation,
    AffirmationKind,
    AssessmentOfRecord,
    AssessmentResult,
    AssessmentType,
    CloseoutResult,
    CmmcRecord,
    Poam,
    PoamKind,
    Ssp,
)
from poam.core.verdict import Reason, Verdict, VerdictResult, closeout_deadline

VALIDITY_YEARS = 3
AFFIRMATION_YEARS = 1

TYPE_LABEL = {AssessmentType.SELF: "Self", AssessmentType.C3PAO: "C3PAO"}
"""As the CMMC Status names it: Final Level 2 (Self), Conditional Level 2 (C3PAO)."""


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February becomes 28 February (the earlier day)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def describe_status(record: AssessmentOfRecord, result: AssessmentResult | None = None) -> str:
    """``Conditional Level 2 (C3PAO)``: the CMMC Status name of 32 CFR 170.16-170.17."""
    shown = result or record.result
    return f"{shown.value.title()} Level 2 ({TYPE_LABEL[record.type]})"


def implied_record(poam: Poam | None) -> AssessmentOfRecord | None:
    """The assessment a Conditional POA&M's header names (type and status date), if any."""
    if poam is None or poam.kind is not PoamKind.CONDITIONAL or poam.conditional is None:
        return None
    info = poam.conditional
    return AssessmentOfRecord(
        type=info.assessment,
        date=info.status_date,
        status_date=info.status_date,
        result=AssessmentResult.CONDITIONAL,
        implied=True,
    )


def status_of_record(ssp: Ssp, poam: Poam | None, as_of: date) -> AssessmentOfRecord | None:
    """The assessment of record that stands on ``as_of``: the latest whose status date has come.

    A Conditional POA&M's header counts when no recorded assessment has its status date.
    """
    candidates = [a for a in ssp.cmmc.assessments if a.status_date <= as_of]
    implied = implied_record(poam)
    if (
        implied is not None
        and implied.status_date <= as_of
        and all(a.status_date != implied.status_date for a in ssp.cmmc.assessments)
    ):
        candidates.append(implied)
    if not candidates:
        return None
    return max(candidates, key=lambda a: (a.status_date, a.date, not a.implied))


def _identity(record: AssessmentOfRecord) -> str:
    parts = [f"since {record.status_date.isoformat()}"]
    if record.uid:
        parts.append(f"CMMC UID {record.uid}")
    if record.score is not None:
        parts.append(f"score {record.score}")
    if record.implied:
        parts.append("as the Conditional POA&M states")
    return ", ".join(parts)


def _closed_out(record: AssessmentOfRecord, as_of: date) -> bool:
    closeout = record.closeout
    return (
        closeout is not None
        and closeout.result is CloseoutResult.MET
        and closeout.date <= as_of
        and record.status_date <= closeout.date <= closeout_deadline(record.status_date)
    )


def standing(readiness: VerdictResult, ssp: Ssp, poam: Poam | None, as_of: date) -> VerdictResult:
    """The CMMC standing on ``as_of`` (see the module docstring), every reason cited."""
    record = status_of_record(ssp, poam, as_of)
    if record is None:
        return readiness
    if record.result is AssessmentResult.CONDITIONAL and not _closed_out(record, as_of):
        return _conditional(record, readiness, as_of)
    return _final(record, as_of)


def _conditional(
    record: AssessmentOfRecord, readiness: VerdictResult, as_of: date
) -> VerdictResult:
    deadline = closeout_deadline(record.status_date)
    days_left = (deadline - as_of).days
    closeout = record.closeout if record.closeout and record.closeout.date <= as_of else None
    name = describe_status(record)
    if days_left < 0:
        why = "no POA&M closeout with result MET is on record by then"
        if closeout is not None and closeout.result is CloseoutResult.MET:
            why = f"the closeout of {closeout.date.isoformat()} came after the deadline"
        elif closeout is not None:
            why = f"the closeout of {closeout.date.isoformat()} found requirements NOT MET"
        return VerdictResult(
            Verdict.EXPIRED,
            (
                Reason(
                    rules.CLOSEOUT,
                    f"The {name} status of {record.status_date.isoformat()} expired after "
                    f"{deadline.isoformat()} (180 days): {why}. There is no extension; a new "
                    "assessment is needed.",
                ),
            ),
            deadline,
            days_left,
            of_record=record,
        )
    reasons = [
        Reason(
            rules.CONDITIONAL_STATUS,
            f"{name} {_identity(record)}: its POA&M must be closed out by {deadline.isoformat()} "
            f"(180 days), {days_left} day{'s' if days_left != 1 else ''} from now.",
        )
    ]
    if closeout is not None:  # a closeout not MET: another may follow before the deadline
        reasons.append(
            Reason(
                rules.CLOSEOUT,
                f"The POA&M closeout of {closeout.date.isoformat()} found requirements NOT MET; "
                "the status stands until the deadline, and a closeout with result MET before "
                "it makes it Final.",
            )
        )
    elif readiness.verdict is Verdict.FINAL:
        reasons.append(
            Reason(
                rules.CLOSEOUT,
                "Every requirement is now MET: the POA&M is ready for its closeout assessment, "
                "which alone makes the status Final.",
            )
        )
    else:
        reasons.append(
            Reason(
                rules.CLOSEOUT,
                "No POA&M closeout is on record yet: the status stays Conditional until one with "
                "result MET is recorded on or before the deadline.",
            )
        )
    return VerdictResult(Verdict.CONDITIONAL, tuple(reasons), deadline, days_left, of_record=record)


def _final(record: AssessmentOfRecord, as_of: date) -> VerdictResult:
    valid_until = add_years(record.status_date, VALIDITY_YEARS)
    name = describe_status(record, AssessmentResult.FINAL)
    closeout = record.closeout
    if record.result is AssessmentResult.CONDITIONAL and closeout is not None:
        how = Reason(
            rules.CLOSEOUT + "; " + rules.FINAL_STATUS,
            f"{name}: the Conditional status of {record.status_date.isoformat()} was closed out "
            f"on {closeout.date.isoformat()}, within 180 days.",
        )
    else:
        how = Reason(rules.FINAL_STATUS, f"{name} {_identity(record)}.")
    if as_of > valid_until:
        return VerdictResult(
            Verdict.EXPIRED,
            (
                how,
                Reason(
                    rules.STATUS_VALIDITY,
                    f"The status is older than 3 years: it was current until "
                    f"{valid_until.isoformat()}. A new assessment is needed.",
                ),
            ),
            valid_until=valid_until,
            of_record=record,
        )
    left = (valid_until - as_of).days
    return VerdictResult(
        Verdict.FINAL,
        (
            how,
            Reason(
                rules.STATUS_VALIDITY,
                f"Current until {valid_until.isoformat()} (3 years from "
                f"{record.status_date.isoformat()}; {left} day{'s' if left != 1 else ''} left), "
                "with an affirmation every year.",
            ),
        ),
        valid_until=valid_until,
        of_record=record,
    )


@dataclass(frozen=True, slots=True)
class AffirmationDue:
    """One affirmation the standing status requires (32 CFR 170.22(a)): when it is due, what
    it follows, and the affirmation on record that gives it, if any."""

    kind: AffirmationKind
    due: date
    follows: str
    done: Affirmation | None = None


def affirmations_due(
    standing: VerdictResult, record: CmmcRecord, as_of: date
) -> list[AffirmationDue]:
    """What the standing status requires of the Affirming Official, as of ``as_of``.

    Upon the status (due on its status date), after a POA&M closeout with result MET (due on the
    closeout date), and a year after the latest affirmation (DFARS 204.7501: no older than 1
    year). Affirmations count from the assessment's date; nothing is owed for an expired status
    or when no assessment is on record.
    """
    current = standing.of_record
    if current is None or standing.verdict not in (Verdict.CONDITIONAL, Verdict.FINAL):
        return []
    given = sorted(
        (a for a in record.affirmations if current.date <= a.date <= as_of), key=lambda a: a.date
    )
    owed = [
        AffirmationDue(
            AffirmationKind.INITIAL,
            current.status_date,
            f"the {describe_status(current)} status of {current.status_date.isoformat()}",
            next(iter(given), None),
        )
    ]
    closeout = current.closeout
    if closeout is not None and _closed_out(current, as_of):
        after = [a for a in given if a.date >= closeout.date]
        owed.append(
            AffirmationDue(
                AffirmationKind.POST_CLOSEOUT,
                closeout.date,
                f"the POA&M closeout of {closeout.date.isoformat()}",
                after[0] if after else None,
            )
        )
    if given:
        latest = given[-1]
        owed.append(
            AffirmationDue(
                AffirmationKind.ANNUAL,
                add_years(latest.date, AFFIRMATION_YEARS),
                f"the affirmation of {latest.date.isoformat()}",
            )
        )
    return owed


class EventKind(StrEnum):
    ASSESSMENT = "assessment"
    STATUS = "status"
    CLOSEOUT = "closeout"
    CLOSEOUT_DEADLINE = "closeout-deadline"
    AFFIRMATION = "affirmation"
    AFFIRMATION_DUE = "affirmation-due"
    VALID_UNTIL = "valid-until"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    """One dated step of a system's CMMC status, past or to come, with the rule behind it."""

    day: date
    kind: EventKind
    title: str
    detail: str
    rule: str
    past: bool
    late: bool = False
    """A step owed and missed (an affirmation overdue, a deadline passed without closeout)."""


def timeline(
    ssp: Ssp, poam: Poam | None, current: VerdictResult, as_of: date
) -> list[TimelineEvent]:
    """The status over time, oldest first: every assessment of record with its status date,
    closeout deadline and closeout, every affirmation, and what the standing status
    (``current``, from :func:`standing`) owes next. The web's timeline page and the report
    both show this list."""
    events: list[TimelineEvent] = []
    records = list(ssp.cmmc.assessments)
    implied = implied_record(poam)
    if implied is not None and all(a.status_date != implied.status_date for a in records):
        records.append(implied)
    for record in records:
        name = describe_status(record)
        score = "" if record.score is None else f", score {record.score}"
        uid = f", CMMC UID {record.uid}" if record.uid else ""
        if not record.implied:
            events.append(
                TimelineEvent(
                    record.date,
                    EventKind.ASSESSMENT,
                    f"{TYPE_LABEL[record.type]} assessment",
                    f"Assessment completed{score}.",
                    rules.SPRS_ENTRY,
                    record.date <= as_of,
                )
            )
        events.append(
            TimelineEvent(
                record.status_date,
                EventKind.STATUS,
                f"{name} status",
                f"CMMC Status Date{uid}"
                + (" (as the Conditional POA&M states)" if record.implied else "")
                + ".",
                rules.CONDITIONAL_STATUS
                if record.result is AssessmentResult.CONDITIONAL
                else rules.FINAL_STATUS,
                record.status_date <= as_of,
            )
        )
        if record.result is AssessmentResult.CONDITIONAL:
            deadline = closeout_deadline(record.status_date)
            closed = _closed_out(record, max(as_of, deadline))
            events.append(
                TimelineEvent(
                    deadline,
                    EventKind.CLOSEOUT_DEADLINE,
                    "POA&M closeout deadline",
                    "Day 180: a closeout with result MET is due by this day; there is no "
                    "extension.",
                    rules.CLOSEOUT,
                    deadline < as_of,
                    late=deadline < as_of and not closed,
                )
            )
            if record.closeout is not None:
                met = record.closeout.result is CloseoutResult.MET
                events.append(
                    TimelineEvent(
                        record.closeout.date,
                        EventKind.CLOSEOUT,
                        "POA&M closeout",
                        "Result MET: the status is Final."
                        if met and closed
                        else "Result MET, but after the deadline: too late."
                        if met
                        else "Result NOT MET: the status stays Conditional until the deadline.",
                        rules.CLOSEOUT,
                        record.closeout.date <= as_of,
                    )
                )
    for affirmation in ssp.cmmc.affirmations:
        events.append(
            TimelineEvent(
                affirmation.date,
                EventKind.AFFIRMATION,
                f"Affirmation ({affirmation.kind.value})",
                f"Affirmed by {affirmation.official}, {affirmation.title}.",
                rules.AFFIRMATION,
                affirmation.date <= as_of,
            )
        )
    for due in affirmations_due(current, ssp.cmmc, as_of):
        if due.done is None:
            events.append(
                TimelineEvent(
                    due.due,
                    EventKind.AFFIRMATION_DUE,
                    f"Affirmation due ({due.kind.value})",
                    f"Owed after {due.follows}.",
                    rules.AFFIRMATION,
                    due.due < as_of,
                    late=due.due < as_of,
                )
            )
    if current.valid_until is not None:
        expired = current.verdict is Verdict.EXPIRED
        events.append(
            TimelineEvent(
                current.valid_until,
                EventKind.EXPIRED if expired else EventKind.VALID_UNTIL,
                "Final status current until",
                "3 years from the status date; a new assessment is needed by then.",
                rules.STATUS_VALIDITY,
                current.valid_until < as_of,
                late=expired,
            )
        )
    events.sort(key=lambda event: (event.day, _ORDER[event.kind]))
    return events


_ORDER = {kind: index for index, kind in enumerate(EventKind)}
