"""Checks of the SSP on its own: completeness, 3.12.4, objectives, N/A, partial credit."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import timedelta

from poam.core import rules
from poam.core.checks.base import CheckContext, Group, Hit, Severity, check
from poam.core.model import ImplementationStatus, ItemStatus, MfaState, ObjectiveResult
from poam.core.scoring import (
    MFA_PRIVILEGED_OBJECTIVES,
    PLANS_OF_ACTION,
    SSP_REQUIREMENT,
    Basis,
    RequirementResult,
)


@check(
    "ssp-incomplete",
    Severity.ERROR,
    group=Group.SSP,
    rule=rules.SSP_DESCRIBES_EACH,
    summary="A requirement is missing from the SSP; unassessed, it scores as NOT MET.",
    hint="Add the requirement to the SSP with its status and a narrative of how it is met.",
)
def ssp_incomplete(ctx: CheckContext) -> Iterator[Hit]:
    for result in ctx.score.results:
        if result.basis is Basis.NOT_ASSESSED:
            req = result.requirement
            yield Hit(
                f"{req.cmmc_id} ({req.title}) is not in the SSP: it counts as NOT MET "
                f"(-{result.deduction}).",
                requirement=req.nist_id,
            )


@check(
    "ssp-not-in-place",
    Severity.ERROR,
    group=Group.SSP,
    rule=rules.SSP_REQUIRED,
    summary="CA.L2-3.12.4 (System Security Plan) is not MET: no assessment can be completed.",
    hint="Complete the SSP (all requirements, boundary, environment, connections) and mark "
    "3.12.4 implemented.",
)
def ssp_not_in_place(ctx: CheckContext) -> Iterator[Hit]:
    result = ctx.score.result(SSP_REQUIREMENT)
    if not result.met:
        yield Hit(
            f"CA.L2-3.12.4 (System Security Plan) is NOT MET ({result.basis.value}): an "
            "assessment could not be completed and no score can be given.",
            requirement=SSP_REQUIREMENT,
        )


_NOT_MET_STATUSES = frozenset(
    {
        ImplementationStatus.PARTIALLY_IMPLEMENTED,
        ImplementationStatus.PLANNED,
        ImplementationStatus.NOT_IMPLEMENTED,
    }
)
_MET_STATUSES = frozenset({ImplementationStatus.IMPLEMENTED})
_ALL_NA_STATUSES = frozenset(
    {ImplementationStatus.NOT_APPLICABLE, ImplementationStatus.IMPLEMENTED}
)


def _expected(
    results: Mapping[str, ObjectiveResult], letters: tuple[str, ...]
) -> frozenset[ImplementationStatus] | None:
    """The statuses consistent with a set of objective results; None when inconclusive."""
    complete = True
    any_met = False
    for letter in letters:
        result = results.get(letter)
        if result is None:
            complete = False
        elif result is ObjectiveResult.NOT_MET:
            return _NOT_MET_STATUSES
        elif result is ObjectiveResult.MET:
            any_met = True
    if not complete:
        return None
    return _MET_STATUSES if any_met else _ALL_NA_STATUSES


@check(
    "status-contradicts-objectives",
    Severity.ERROR,
    group=Group.SSP,
    rule=rules.MET_ALL_OBJECTIVES,
    summary="The requirement's status disagrees with its objective results; objectives win.",
    hint="Correct the status, or the objective results, so that both say the same.",
)
def status_contradicts_objectives(ctx: CheckContext) -> Iterator[Hit]:
    for req, record in ctx.records:
        if not record.objectives:
            continue
        nist_id = req.nist_id
        expected = _expected(record.objectives, req.objective_letters)
        if expected is None or record.status in expected:
            continue
        failed = [k for k in req.objective_letters if record.objectives.get(k) == "not-met"]
        if failed:
            found = f"objective{'s' if len(failed) > 1 else ''} {', '.join(failed)} NOT MET"
            outcome = "NOT MET"
        else:
            found = "every objective MET or NOT APPLICABLE"
            outcome = "MET"
        yield Hit(
            f"{req.cmmc_id} is '{record.status.value}' but has {found}: it is scored {outcome} "
            "from its objectives.",
            requirement=nist_id,
        )


@check(
    "objectives-incomplete",
    Severity.WARNING,
    group=Group.SSP,
    rule=rules.OBJECTIVES_171A,
    summary="Some objectives have results and others none; the status decides for the rest.",
    hint="Record a result (met, not-met, not-applicable) for every objective, or for none.",
)
def objectives_incomplete(ctx: CheckContext) -> Iterator[Hit]:
    for req, record in ctx.records:
        if not record.objectives:
            continue
        nist_id = req.nist_id
        missing = [letter for letter in req.objective_letters if letter not in record.objectives]
        if missing:
            yield Hit(
                f"{req.cmmc_id} has results for some objectives but not for {', '.join(missing)}.",
                requirement=nist_id,
            )


@check(
    "unknown-objective",
    Severity.ERROR,
    group=Group.SSP,
    rule=rules.OBJECTIVES_171A,
    summary="An objective letter that the requirement does not have (NIST SP 800-171A).",
    hint="Use the objective letters of NIST SP 800-171A (see `poam catalog show ID`).",
)
def unknown_objective(ctx: CheckContext) -> Iterator[Hit]:
    for req, record in ctx.records:
        nist_id = req.nist_id
        for letter in record.objectives:
            if letter not in req.objective_letters:
                yield Hit(
                    f"{req.cmmc_id} has no objective [{letter}] (it has "
                    f"{', '.join(req.objective_letters)}).",
                    requirement=nist_id,
                )
    for item in ctx.items:
        item_req = ctx.requirement(item)
        if item_req is None:
            continue
        for letter in item.objectives:
            if letter not in item_req.objective_letters:
                yield Hit(
                    f"Entry {item.id} names objective [{letter}] of {item_req.cmmc_id}, which "
                    f"has {', '.join(item_req.objective_letters)}.",
                    requirement=item_req.nist_id,
                    item=item.id,
                )


@check(
    "not-applicable-without-rationale",
    Severity.WARNING,
    group=Group.SSP,
    rule=rules.NOT_APPLICABLE_IS_MET,
    summary="A requirement or objective is NOT APPLICABLE with no narrative saying why.",
    hint="Explain in the narrative why it does not apply (e.g. no wireless access in scope).",
)
def not_applicable_without_rationale(ctx: CheckContext) -> Iterator[Hit]:
    for req, record in ctx.records:
        if record.narrative.strip():
            continue
        nist_id = req.nist_id
        if record.status is ImplementationStatus.NOT_APPLICABLE:
            yield Hit(f"{req.cmmc_id} is not applicable, with no rationale.", requirement=nist_id)
        elif any(v is ObjectiveResult.NOT_APPLICABLE for v in record.objectives.values()):
            letters = [k for k, v in record.objectives.items() if v == "not-applicable"]
            yield Hit(
                f"{req.cmmc_id} objective{'s' if len(letters) > 1 else ''} "
                f"{', '.join(letters)} not applicable, with no rationale.",
                requirement=nist_id,
            )


@check(
    "partial-credit-state-missing",
    Severity.WARNING,
    group=Group.SSP,
    rule=rules.PARTIAL_CREDIT_MFA + "; " + rules.PARTIAL_CREDIT_ENCRYPTION,
    summary="3.5.3 or 3.13.11 is NOT MET without its state, so the full 5 points are deducted.",
    hint="Record `mfa:` (3.5.3) or `encryption:` (3.13.11) so that partial credit applies if due.",
)
def partial_credit_state_missing(ctx: CheckContext) -> Iterator[Hit]:
    for result in ctx.score.not_met:
        req = result.requirement
        if req.partial_credit is None or result.basis is Basis.NOT_ASSESSED:
            continue
        if result.state is None:
            yield Hit(
                f"{req.cmmc_id} is NOT MET and its `{req.partial_credit.field}` state is not "
                "recorded: 5 points are deducted, 3 would be if the partial state applies.",
                requirement=req.nist_id,
            )


@check(
    "partial-credit-contradicts-status",
    Severity.ERROR,
    group=Group.SSP,
    rule=rules.PARTIAL_CREDIT_MFA + "; " + rules.PARTIAL_CREDIT_ENCRYPTION,
    summary="The MFA or encryption state disagrees with the requirement's status.",
    hint="A partial state (remote-and-privileged, not-fips-validated) is NOT MET; a full state "
    "(all, fips-validated) goes with implemented.",
)
def partial_credit_contradicts_status(ctx: CheckContext) -> Iterator[Hit]:
    for result in ctx.score.results:
        req = result.requirement
        partial = req.partial_credit
        if partial is None or result.state is None:
            continue
        field = partial.field
        full = partial.deductions.get(result.state.value) == 0
        record = ctx.ssp.requirements[req.nist_id]
        if result.basis is Basis.PARTIAL_STATE:
            yield Hit(
                f"{req.cmmc_id} is '{record.status.value}' but `{field}: {result.state.value}` "
                f"is a partial state: it is scored NOT MET (-{result.deduction}).",
                requirement=req.nist_id,
            )
        elif full and not result.met:
            yield Hit(
                f"{req.cmmc_id} says `{field}: {result.state.value}` but is NOT MET: the full "
                f"{result.deduction} points are deducted.",
                requirement=req.nist_id,
            )


@check(
    "partial-credit-field-misplaced",
    Severity.WARNING,
    group=Group.SSP,
    rule=rules.PARTIAL_CREDIT_MFA + "; " + rules.PARTIAL_CREDIT_ENCRYPTION,
    summary="`mfa` belongs to 3.5.3 and `encryption` to 3.13.11 only; elsewhere it is ignored.",
    hint="Remove the field, or move it to the requirement it describes.",
)
def partial_credit_field_misplaced(ctx: CheckContext) -> Iterator[Hit]:
    for req, record in ctx.records:
        if record.mfa is None and record.encryption is None:
            continue
        nist_id = req.nist_id
        partial_field = req.partial_credit.field if req.partial_credit else None
        for name, value in (("mfa", record.mfa), ("encryption", record.encryption)):
            if value is not None and name != partial_field:
                yield Hit(
                    f"{req.cmmc_id} has `{name}: {value.value}`, which only 3.5.3 (mfa) or "
                    "3.13.11 (encryption) use; it is ignored.",
                    requirement=nist_id,
                )


@check(
    "temporary-deficiency-without-plan",
    Severity.ERROR,
    group=Group.SSP,
    rule=rules.TEMPORARY_DEFICIENCY_IS_MET,
    summary="A temporary deficiency counts as MET only when an operational plan of action "
    "addresses it.",
    hint="Reference the operational plan of action (the 3.12.2 artifact) in `plan:`.",
)
def temporary_deficiency_without_plan(ctx: CheckContext) -> Iterator[Hit]:
    for req, record in ctx.records:
        deficiency = record.temporary_deficiency
        if deficiency is not None and not deficiency.plan.strip():
            nist_id = req.nist_id
            yield Hit(
                f"{req.cmmc_id} declares a temporary deficiency without an operational plan of "
                "action: it is not counted as MET.",
                requirement=nist_id,
            )


def _with_basis(ctx: CheckContext, basis: Basis) -> Iterator[RequirementResult]:
    return (result for result in ctx.score.results if result.basis is basis)


@check(
    "temporary-deficiency-never-implemented",
    Severity.ERROR,
    group=Group.SSP,
    rule=rules.TEMPORARY_DEFICIENCY_AFTER_IMPLEMENTATION,
    summary="A temporary deficiency is declared on a requirement that was never implemented "
    "(planned or not implemented): it counts as NOT MET.",
    hint="A temporary deficiency arises after implementation (32 CFR 170.4). Track an initial "
    "implementation as a gap on the POA&M instead, or correct the status if it was implemented.",
)
def temporary_deficiency_never_implemented(ctx: CheckContext) -> Iterator[Hit]:
    for result in _with_basis(ctx, Basis.DEFICIENCY_NEVER_IMPLEMENTED):
        req = result.requirement
        status = ctx.ssp.requirements[req.nist_id].status.value
        yield Hit(
            f"{req.cmmc_id} is '{status}' yet declares a temporary deficiency: a deficiency is "
            f"temporary only once the requirement has been implemented; scored NOT MET "
            f"(-{result.deduction}).",
            requirement=req.nist_id,
        )


@check(
    "temporary-deficiency-3-12-2-not-met",
    Severity.ERROR,
    group=Group.SSP,
    rule=rules.TEMPORARY_DEFICIENCY_NEEDS_3_12_2,
    summary="A temporary deficiency counts as MET only through an operational plan of action, "
    "and CA.L2-3.12.2 (plans of action) is NOT MET: it counts as NOT MET.",
    hint="Implement CA.L2-3.12.2 (the operational plan of action process) first; until then "
    "every temporary deficiency is NOT MET.",
)
def temporary_deficiency_3_12_2_not_met(ctx: CheckContext) -> Iterator[Hit]:
    for result in _with_basis(ctx, Basis.DEFICIENCY_PLANS_NOT_MET):
        req = result.requirement
        yield Hit(
            f"{req.cmmc_id} declares a temporary deficiency, but CA.L2-{PLANS_OF_ACTION} (plans "
            f"of action) is NOT MET: scored NOT MET (-{result.deduction}).",
            requirement=req.nist_id,
        )


@check(
    "ssp-requirement-excepted",
    Severity.ERROR,
    group=Group.SSP,
    rule=rules.SSP_REQUIRED,
    summary="CA.L2-3.12.4 (System Security Plan) is claimed not applicable or an enduring "
    "exception: without an SSP there is no assessment.",
    hint="Every assessment needs an SSP: describe it and mark 3.12.4 implemented.",
)
def ssp_requirement_excepted(ctx: CheckContext) -> Iterator[Hit]:
    for result in _with_basis(ctx, Basis.SSP_CANNOT_BE_EXCEPTED):
        record = ctx.ssp.requirements[result.nist_id]
        claim = (
            "an enduring exception"
            if record.enduring_exception and record.enduring_exception.strip()
            else "not applicable"
        )
        yield Hit(
            f"CA.L2-3.12.4 (System Security Plan) is claimed {claim}: an assessment cannot be "
            "completed without an SSP, so it is NOT MET and there is no score.",
            requirement=SSP_REQUIREMENT,
        )


def _claims_not_applicable(record: object) -> bool:
    status = getattr(record, "status", None)
    objectives = getattr(record, "objectives", {}) or {}
    return status is ImplementationStatus.NOT_APPLICABLE or (
        bool(objectives)
        and all(value is ObjectiveResult.NOT_APPLICABLE for value in objectives.values())
    )


@check(
    "not-applicable-contradicts-partial-credit",
    Severity.ERROR,
    group=Group.SSP,
    rule=rules.PARTIAL_CREDIT_APPLIES,
    summary="3.5.3 or 3.13.11 is claimed not applicable while its `mfa` or `encryption` state "
    "is recorded: the state says the requirement applies, and it is scored by that state.",
    hint="Remove the N/A claim (the requirement applies), or the state if it does not.",
)
def not_applicable_contradicts_partial_credit(ctx: CheckContext) -> Iterator[Hit]:
    for req, record in ctx.records:
        partial = req.partial_credit
        if partial is None or not _claims_not_applicable(record):
            continue
        state = record.mfa if partial.field == "mfa" else record.encryption
        if state is None:
            continue
        result = ctx.score.result(req.nist_id)
        outcome = "MET" if result.met else f"NOT MET (-{result.deduction})"
        yield Hit(
            f"{req.cmmc_id} is claimed not applicable but records `{partial.field}: "
            f"{state.value}`: it applies, and is scored {outcome} by that state.",
            requirement=req.nist_id,
        )


@check(
    "mfa-privileged-objectives-not-met",
    Severity.ERROR,
    group=Group.SSP,
    rule=rules.PARTIAL_CREDIT_MFA_PRIVILEGED,
    summary="3.5.3 says MFA covers remote and privileged users, but an objective about "
    "privileged accounts ([a]-[c]) is NOT MET: 5 points are deducted, not 3.",
    hint="MFA for privileged accounts (identified, local and network access) earns the 3-point "
    "state; until then record `mfa: none` or complete objectives a-c.",
)
def mfa_privileged_objectives_not_met(ctx: CheckContext) -> Iterator[Hit]:
    for req, record in ctx.records:
        if req.partial_credit is None or req.partial_credit.field != "mfa":
            continue
        if record.mfa is not MfaState.REMOTE_AND_PRIVILEGED:
            continue
        failed = [
            letter
            for letter in MFA_PRIVILEGED_OBJECTIVES
            if record.objectives.get(letter) is ObjectiveResult.NOT_MET
        ]
        if failed:
            result = ctx.score.result(req.nist_id)
            yield Hit(
                f"{req.cmmc_id} records `mfa: remote-and-privileged` but objective"
                f"{'s' if len(failed) > 1 else ''} {', '.join(failed)} (privileged accounts) "
                f"{'are' if len(failed) > 1 else 'is'} NOT MET: -{result.deduction}, not -3.",
                requirement=req.nist_id,
            )


_DONE = (ItemStatus.COMPLETED_PENDING_VERIFICATION, ItemStatus.CLOSED)


@check(
    "ssp-outdated",
    Severity.WARNING,
    group=Group.SSP,
    rule=rules.SSP_UP_TO_DATE,
    summary="The SSP is older than its update cadence (365 days by default), or than a change it "
    "should describe.",
    hint="Review the SSP, update what changed, and give it a new version and date "
    "(`ssp.version`, `ssp.date`); set `ssp.update_cadence_days` to the frequency you defined.",
)
def ssp_outdated(ctx: CheckContext) -> Iterator[Hit]:
    info = ctx.ssp.info
    cadence = info.update_cadence_days or ctx.thresholds.default_ssp_update_cadence_days
    age = (ctx.as_of - info.date).days
    if age > cadence:
        yield Hit(
            f"The SSP is dated {info.date.isoformat()}, {age} days ago; it is to be updated "
            f"every {cadence} days (the update was due "
            f"{(info.date + timedelta(days=cadence)).isoformat()})."
        )
    if info.last_changed is not None and info.date < info.last_changed <= ctx.as_of:
        yield Hit(
            f"The SSP is dated {info.date.isoformat()}, but its content changed on "
            f"{info.last_changed.isoformat()}: the changed SSP needs a new version and date."
        )
    for item in ctx.items:
        req = ctx.requirement(item)
        if (
            req is None
            or item.status not in _DONE
            or item.updated is None
            or not info.date < item.updated <= ctx.as_of
            or not ctx.score.result(req.nist_id).met
        ):
            continue
        yield Hit(
            f"The SSP, dated {info.date.isoformat()}, calls {req.cmmc_id} MET, but entry "
            f"{item.id} that implements it was completed on {item.updated.isoformat()}: the "
            "SSP changed after its date.",
            requirement=req.nist_id,
            item=item.id,
        )


CHECKS = (
    ssp_incomplete,
    ssp_not_in_place,
    status_contradicts_objectives,
    objectives_incomplete,
    unknown_objective,
    not_applicable_without_rationale,
    partial_credit_state_missing,
    partial_credit_contradicts_status,
    partial_credit_field_misplaced,
    temporary_deficiency_without_plan,
    temporary_deficiency_never_implemented,
    temporary_deficiency_3_12_2_not_met,
    ssp_requirement_excepted,
    not_applicable_contradicts_partial_credit,
    mfa_privileged_objectives_not_met,
    ssp_outdated,
)
