"""Checks of the CMMC status over time: affirmations, validity, the record's consistency, and the
scope of a Conditional POA&M (32 CFR 170.21, 170.22; DFARS 204.7501)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from poam.core import rules
from poam.core.checks.base import CheckContext, Group, Hit, Severity, check
from poam.core.checks.entries import _label
from poam.core.lifecycle import affirmations_due, describe_status
from poam.core.model import AffirmationKind, AssessmentResult, CloseoutResult, PoamKind
from poam.core.verdict import CONDITIONAL_MIN_SCORE, Verdict, closeout_deadline

_WHAT = {
    AffirmationKind.INITIAL: "The affirmation upon",
    AffirmationKind.POST_CLOSEOUT: "The affirmation after",
    AffirmationKind.ANNUAL: "The yearly affirmation after",
}


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


@check(
    "affirmation-overdue",
    Severity.ERROR,
    group=Group.STATUS,
    rule=rules.AFFIRMATION,
    summary="An affirmation the status requires is not on record: upon the status, after a "
    "POA&M closeout, or a year after the last one.",
    hint="Have the Affirming Official affirm continuing compliance in SPRS now, then record it "
    "(date, name, title) in the SSP's `cmmc.affirmations`.",
)
def affirmation_overdue(ctx: CheckContext) -> Iterator[Hit]:
    for due in affirmations_due(ctx.verdict, ctx.ssp.cmmc, ctx.as_of):
        if due.done is None and due.due < ctx.as_of:
            late = (ctx.as_of - due.due).days
            yield Hit(
                f"{_WHAT[due.kind]} {due.follows} was due {due.due.isoformat()} and is not on "
                f"record ({_days(late)} late): without it the status is not current for a "
                "contract award."
            )


@check(
    "affirmation-due",
    Severity.WARNING,
    group=Group.STATUS,
    rule=rules.AFFIRMATION,
    summary="An affirmation falls due soon (30 days by default) or today.",
    hint="Plan the Affirming Official's affirmation in SPRS before the date, and record it.",
)
def affirmation_due(ctx: CheckContext) -> Iterator[Hit]:
    window = ctx.thresholds.affirmation_warning_days
    for due in affirmations_due(ctx.verdict, ctx.ssp.cmmc, ctx.as_of):
        left = (due.due - ctx.as_of).days
        if due.done is None and 0 <= left <= window:
            when = "today" if left == 0 else f"in {_days(left)}"
            yield Hit(f"{_WHAT[due.kind]} {due.follows} is due {due.due.isoformat()} ({when}).")


@check(
    "status-validity-ending",
    Severity.WARNING,
    group=Group.STATUS,
    rule=rules.STATUS_VALIDITY,
    summary="The Final status stops being current within 90 days (by default): it lasts 3 years.",
    hint="Schedule the next assessment now (a C3PAO's calendar fills months ahead), so that its "
    "status date comes before this one lapses.",
)
def status_validity_ending(ctx: CheckContext) -> Iterator[Hit]:
    verdict = ctx.verdict
    if verdict.verdict is not Verdict.FINAL or verdict.valid_until is None:
        return
    left = (verdict.valid_until - ctx.as_of).days
    if 0 <= left <= ctx.thresholds.validity_warning_days:
        when = "today" if left == 0 else f"in {_days(left)}"
        yield Hit(
            f"The Final status is current until {verdict.valid_until.isoformat()} ({when}): "
            "3 years from its status date."
        )


@check(
    "final-status-expired",
    Severity.ERROR,
    group=Group.STATUS,
    rule=rules.STATUS_VALIDITY,
    summary="The Final status is older than 3 years: it is no longer current.",
    hint="A new assessment (self or C3PAO, as the contracts require) is needed.",
)
def final_status_expired(ctx: CheckContext) -> Iterator[Hit]:
    verdict = ctx.verdict
    if verdict.verdict is Verdict.EXPIRED and verdict.valid_until is not None:
        yield Hit(" ".join(reason.message for reason in verdict.reasons))


@check(
    "compliance-changed-since-status",
    Severity.ERROR,
    group=Group.STATUS,
    rule=rules.NO_CHANGE_IN_COMPLIANCE,
    summary="The standing status is Final, but requirements are NOT MET now: compliance changed "
    "since the assessment, so the status is not current and cannot be affirmed.",
    hint="Restore the requirements (a temporary deficiency needs an operational plan of action), "
    "or plan a new assessment; do not affirm continuing compliance meanwhile.",
)
def compliance_changed_since_status(ctx: CheckContext) -> Iterator[Hit]:
    if ctx.verdict.verdict is not Verdict.FINAL or ctx.verdict.of_record is None:
        return
    not_met = [r.requirement.cmmc_id for r in ctx.score.not_met]
    if not_met:
        shown = ", ".join(not_met[:6]) + (
            f" and {len(not_met) - 6} more" if len(not_met) > 6 else ""
        )
        yield Hit(
            f"The Final status of {ctx.verdict.of_record.status_date.isoformat()} stands, but "
            f"{len(not_met)} requirement{'s are' if len(not_met) != 1 else ' is'} NOT MET now: "
            f"{shown}."
        )


@check(
    "entry-added-after-status-date",
    Severity.ERROR,
    group=Group.STATUS,
    rule=rules.CONDITIONAL_POAM_SCOPE,
    summary="An entry was added to a Conditional POA&M after its status date: the closeout "
    "assesses only the requirements NOT MET at the assessment.",
    hint="Track a gap found after the assessment on the internal POA&M; the Conditional POA&M "
    "holds the assessment's NOT MET requirements only.",
)
def entry_added_after_status_date(ctx: CheckContext) -> Iterator[Hit]:
    poam = ctx.poam
    if poam is None or poam.kind is not PoamKind.CONDITIONAL or poam.conditional is None:
        return
    status_date = poam.conditional.status_date
    for item in poam.items:
        if item.created is not None and item.created > status_date:
            yield Hit(
                f"{_label(ctx, item.id, item.requirement)} was created {item.created.isoformat()}"
                f", after the Conditional status date {status_date.isoformat()}.",
                requirement=item.requirement,
                item=item.id,
            )


@check(
    "conditional-poam-not-on-record",
    Severity.WARNING,
    group=Group.STATUS,
    rule=rules.CONDITIONAL_POAM_SCOPE,
    summary="The SSP records assessments, but none is the Conditional status the POA&M closes out.",
    hint="Record the assessment (type, dates, score, CMMC UID) in the SSP's `cmmc.assessments`, "
    "or correct the POA&M's `conditional.status_date`.",
)
def conditional_poam_not_on_record(ctx: CheckContext) -> Iterator[Hit]:
    poam = ctx.poam
    recorded = ctx.ssp.cmmc.assessments
    if poam is None or poam.conditional is None or poam.kind is not PoamKind.CONDITIONAL:
        return
    status_date = poam.conditional.status_date
    if recorded and not any(
        a.status_date == status_date and a.result is AssessmentResult.CONDITIONAL for a in recorded
    ):
        yield Hit(
            f"The Conditional POA&M closes out a status of {status_date.isoformat()}, but no "
            "Conditional assessment with that status date is on record."
        )


def _record_problems(ctx: CheckContext) -> Iterator[str]:
    for record in ctx.ssp.cmmc.assessments:
        name = f"The {describe_status(record)} assessment of {record.status_date.isoformat()}"
        if record.status_date < record.date:
            yield f"{name} has a status date before its assessment date {record.date.isoformat()}."
        if record.result is AssessmentResult.FINAL and record.score not in (None, 110):
            yield (
                f"{name} is recorded as Final with score {record.score}: a Final status needs "
                "every requirement MET (110), or a closeout."
            )
        if record.result is AssessmentResult.CONDITIONAL and record.score is not None:
            if record.score < CONDITIONAL_MIN_SCORE:
                yield (
                    f"{name} is recorded as Conditional with score {record.score}, below "
                    f"{CONDITIONAL_MIN_SCORE}."
                )
            elif record.score == 110:
                yield f"{name} is recorded as Conditional with score 110: that is Final."
        closeout = record.closeout
        if closeout is None:
            continue
        if record.result is AssessmentResult.FINAL:
            yield f"{name} is Final yet records a POA&M closeout: only a Conditional has one."
        elif closeout.date < record.status_date:
            yield (
                f"{name} records a POA&M closeout on {closeout.date.isoformat()}, before its "
                "status date."
            )
        elif closeout.result is CloseoutResult.MET and closeout.date > closeout_deadline(
            record.status_date
        ):
            yield (
                f"{name} records a POA&M closeout on {closeout.date.isoformat()}, after the "
                f"deadline {closeout_deadline(record.status_date).isoformat()}: it cannot make "
                "the status Final."
            )


@check(
    "status-record-inconsistent",
    Severity.ERROR,
    group=Group.STATUS,
    rule=rules.CONDITIONAL_STATUS + "; " + rules.CLOSEOUT,
    summary="An assessment of record contradicts itself or the rules: a status date before the "
    "assessment, a Final below 110, a Conditional below 88, a closeout out of its window.",
    hint="Copy the assessment's facts exactly as SPRS (or the C3PAO's report) shows them.",
)
def status_record_inconsistent(ctx: CheckContext) -> Iterator[Hit]:
    for message in _record_problems(ctx):
        yield Hit(message)


def _future(ctx: CheckContext) -> Iterator[tuple[str, date, str | None, str | None]]:
    """Each recorded date that is a past fact (not a due date), with where it is."""
    ssp, poam = ctx.ssp, ctx.poam
    yield "the SSP's date", ssp.info.date, None, None
    for record in ssp.cmmc.assessments:
        name = f"the assessment of {record.status_date.isoformat()}"
        yield f"the date of {name}", record.date, None, None
        yield f"the status date of {name}", record.status_date, None, None
        if record.closeout is not None:
            yield f"the closeout date of {name}", record.closeout.date, None, None
    for affirmation in ssp.cmmc.affirmations:
        yield f"the affirmation by {affirmation.official}", affirmation.date, None, None
    if poam is None:
        return
    if poam.last_reviewed is not None:
        yield "the POA&M's last review", poam.last_reviewed, None, None
    for item in poam.items:
        where = (item.requirement, item.id)
        if item.created is not None:
            yield f"entry {item.id}'s creation", item.created, *where
        if item.updated is not None:
            yield f"entry {item.id}'s last update", item.updated, *where
        for milestone in item.milestones:
            if milestone.completed is not None:
                yield (
                    f"the completion of milestone '{milestone.title}'",
                    milestone.completed,
                    *where,
                )
            for change in milestone.history:
                yield f"a move of milestone '{milestone.title}'", change.changed, *where
        for evidence in item.evidence:
            if evidence.date is not None:
                yield f"evidence '{evidence.title}'", evidence.date, *where


@check(
    "date-in-future",
    Severity.ERROR,
    group=Group.GOVERNANCE,
    rule=rules.RECORD_DATES,
    summary="A date that records something done (a completion, a review, an assessment, an "
    "affirmation) is later than the as-of date.",
    hint="Record what has happened when it has happened; plan future work with due dates.",
)
def date_in_future(ctx: CheckContext) -> Iterator[Hit]:
    for what, when, requirement, item in _future(ctx):
        if when > ctx.as_of:
            yield Hit(
                f"{what[0].upper()}{what[1:]} is dated {when.isoformat()}, after the as-of date "
                f"{ctx.as_of.isoformat()}.",
                requirement=requirement,
                item=item,
            )


CHECKS = (
    compliance_changed_since_status,
    affirmation_overdue,
    affirmation_due,
    status_validity_ending,
    final_status_expired,
    entry_added_after_status_date,
    conditional_poam_not_on_record,
    status_record_inconsistent,
    date_in_future,
)
