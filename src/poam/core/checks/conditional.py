"""Checks under the Conditional rules: eligibility (170.21(a)(2)) and the closeout (170.21(b))."""

from __future__ import annotations

from collections.abc import Iterator

from poam.core import rules
from poam.core.catalog import Requirement
from poam.core.checks.base import CheckContext, Group, Hit, Severity, check
from poam.core.checks.entries import _label
from poam.core.model import PoamItem, PoamKind
from poam.core.states import is_after_deadline
from poam.core.verdict import Verdict


def _why_ineligible(ctx: CheckContext, req: Requirement) -> str | None:
    """Why a requirement may not sit on a Conditional POA&M in the SSP's current state."""
    if req.poam_excluded_by_name:
        return f"{req.cmmc_id} is excluded from any POA&M by name ({rules.CONDITIONAL_EXCLUDED})"
    if not req.poam_eligible:
        if req.partial_credit is not None:
            return f"{req.cmmc_id} may never be on a POA&M ({rules.CONDITIONAL_POINT_VALUE})"
        return (
            f"{req.cmmc_id} is worth {req.points} points; only 1-point requirements may be on a "
            f"POA&M ({rules.CONDITIONAL_POINT_VALUE})"
        )
    if req.poam_eligible_only_in_state is not None:
        record = ctx.ssp.requirements.get(req.nist_id)
        state = ctx.score.result(req.nist_id).state
        if record is not None and state is not None and state.value == "fips-validated":
            return None
        if state is None or state.value != req.poam_eligible_only_in_state:
            shown = "not recorded" if state is None else state.value
            return (
                f"{req.cmmc_id} may be on a POA&M only while encryption is employed but not "
                f"FIPS-validated; its state is {shown} ({rules.CONDITIONAL_POINT_VALUE})"
            )
    return None


def _ineligible(ctx: CheckContext, items: tuple[PoamItem, ...]) -> Iterator[tuple[PoamItem, str]]:
    for item in items:
        req = ctx.requirement(item)
        if req is None:
            continue
        why = _why_ineligible(ctx, req)
        if why is not None:
            yield item, why


def _is(ctx: CheckContext, kind: PoamKind) -> bool:
    return ctx.poam is not None and ctx.poam.kind is kind


@check(
    "ineligible-on-conditional-poam",
    Severity.ERROR,
    group=Group.ELIGIBILITY,
    rule=rules.CONDITIONAL_POINT_VALUE + "; " + rules.CONDITIONAL_EXCLUDED,
    summary="A Conditional POA&M holds a requirement that the rules do not allow on it.",
    hint="The requirement must be MET for a Conditional status; a Conditional POA&M may hold "
    "only 1-point requirements and 3.13.11 when encryption is not FIPS-validated.",
)
def ineligible_on_conditional_poam(ctx: CheckContext) -> Iterator[Hit]:
    if not _is(ctx, PoamKind.CONDITIONAL):
        return
    for item, why in _ineligible(ctx, ctx.items):
        yield Hit(f"Entry {item.id}: {why}.", requirement=item.requirement, item=item.id)


@check(
    "must-be-met-before-assessment",
    Severity.WARNING,
    group=Group.ELIGIBILITY,
    rule=rules.CONDITIONAL_POINT_VALUE + "; " + rules.CONDITIONAL_EXCLUDED,
    summary="An internal entry is for a requirement that could never sit on a Conditional "
    "POA&M: it must be MET before the assessment.",
    hint="Plan this entry to close before the assessment date; it cannot be deferred to a "
    "Conditional POA&M.",
)
def must_be_met_before_assessment(ctx: CheckContext) -> Iterator[Hit]:
    if not _is(ctx, PoamKind.INTERNAL):
        return
    open_items = tuple(item for item in ctx.items if item.is_open)
    for item, why in _ineligible(ctx, open_items):
        yield Hit(
            f"Entry {item.id}: {why}; it must be MET before the assessment.",
            requirement=item.requirement,
            item=item.id,
        )


@check(
    "milestone-after-closeout-deadline",
    Severity.ERROR,
    group=Group.SCHEDULE,
    rule=rules.CLOSEOUT,
    summary="A milestone of a Conditional POA&M falls on or after the 180-day closeout deadline.",
    hint="Every milestone, and the closeout assessment itself, must come before the deadline; "
    "there is no extension.",
)
def milestone_after_closeout_deadline(ctx: CheckContext) -> Iterator[Hit]:
    deadline = ctx.verdict.closeout_deadline
    if deadline is None:
        return
    for item in ctx.items:
        for milestone in item.milestones:
            if is_after_deadline(milestone, deadline, item):
                assert milestone.due is not None
                yield Hit(
                    f"{_label(ctx, item.id, item.requirement)}: milestone '{milestone.title}' is "
                    f"due {milestone.due.isoformat()}, not before the closeout deadline "
                    f"{deadline.isoformat()}.",
                    requirement=item.requirement,
                    item=item.id,
                )


@check(
    "closeout-deadline-approaching",
    Severity.WARNING,
    group=Group.STATUS,
    rule=rules.CLOSEOUT,
    summary="The closeout deadline is 30 days away or less and entries are still open.",
    hint="Finish the open entries and schedule the closeout assessment now.",
)
def closeout_deadline_approaching(ctx: CheckContext) -> Iterator[Hit]:
    deadline, days = ctx.verdict.closeout_deadline, ctx.verdict.days_left
    if deadline is None or days is None or not 0 <= days <= ctx.thresholds.closeout_warning_days:
        return
    open_ids = [item.id for item in ctx.items if item.is_open]
    if open_ids:
        yield Hit(
            f"The closeout deadline {deadline.isoformat()} is {days} day{'s' if days != 1 else ''}"
            f" away and {len(open_ids)} entr{'ies are' if len(open_ids) != 1 else 'y is'} open: "
            f"{', '.join(open_ids)}."
        )


@check(
    "conditional-status-expired",
    Severity.ERROR,
    group=Group.STATUS,
    rule=rules.CLOSEOUT,
    summary="The 180 days of the Conditional status have passed with no POA&M closeout (result "
    "MET) on record by the deadline, whatever the SSP says now.",
    hint="The status has lapsed: a new assessment is needed to regain a CMMC status. If the "
    "closeout took place in time, record it (date and result) with the assessment.",
)
def conditional_status_expired(ctx: CheckContext) -> Iterator[Hit]:
    verdict = ctx.verdict
    if verdict.verdict is Verdict.EXPIRED and verdict.closeout_deadline is not None:
        yield Hit(verdict.reasons[0].message)


CHECKS = (
    ineligible_on_conditional_poam,
    must_be_met_before_assessment,
    milestone_after_closeout_deadline,
    closeout_deadline_approaching,
    conditional_status_expired,
)
