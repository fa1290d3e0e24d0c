"""The SPRS score of an SSP, requirement by requirement, as 32 CFR 170.24 computes it.

Each requirement gets one determination (MET or NOT MET), the basis for it, the points it costs
and the paragraph that says so. The order of the decisions matters and follows the regulation:

1. an enduring exception described in the SSP is MET (170.24(b)(1)(i));
2. a temporary deficiency addressed in an operational plan of action is MET (170.24(b)(1)(ii)),
   but not when no plan is named, not when the requirement was never implemented (a temporary
   deficiency "arises after implementation", 170.4: status ``planned`` or ``not-implemented``),
   and not while CA.L2-3.12.2 itself (the plans of action) is NOT MET;
3. objective results, where given, decide: one NOT MET objective makes the requirement NOT MET,
   all MET or NOT APPLICABLE make it MET (170.24(b)(1), (b)(3)) -- objectives win over status;
4. otherwise the status decides; NOT APPLICABLE is MET (170.24(b)(3));
5. a partial-credit state short of full implementation (MFA only for remote and privileged
   users, encryption that is not FIPS-validated, or none) is NOT MET whatever the status says,
   and a recorded state means the requirement applies, so it cannot be NOT APPLICABLE
   (170.24(c)(2)(i)(B)(4)); MFA "for remote and privileged users" is worth 3 points only while
   the objectives about privileged accounts (3.5.3[a]-[c]) are not NOT MET;
6. CA.L2-3.12.4, the SSP itself, cannot be NOT APPLICABLE or an enduring exception: without an
   SSP no assessment can be completed (170.24(c)(2)(i)(B)(5)).

A requirement the SSP does not mention has not been shown to be MET, and counts as NOT MET.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from poam.core import rules
from poam.core.catalog import Catalog, Requirement
from poam.core.model import (
    EncryptionState,
    ImplementationStatus,
    MfaState,
    ObjectiveResult,
    RequirementRecord,
    Ssp,
)

MAX_SCORE = 110
MIN_SCORE = -203
SSP_REQUIREMENT = "3.12.4"
PLANS_OF_ACTION = "3.12.2"
MFA_PRIVILEGED_OBJECTIVES = ("a", "b", "c")
"""NIST SP 800-171A 3.5.3: privileged accounts identified [a], MFA for their local [b] and
network [c] access. The 3-point state claims these; one of them NOT MET makes it 5."""


class Basis(StrEnum):
    """Why a requirement is MET or NOT MET."""

    IMPLEMENTED = "implemented"
    OBJECTIVES_MET = "objectives-met"
    NOT_APPLICABLE = "not-applicable"
    ENDURING_EXCEPTION = "enduring-exception"
    TEMPORARY_DEFICIENCY = "temporary-deficiency"
    DEFICIENCY_WITHOUT_PLAN = "deficiency-without-plan"
    DEFICIENCY_NEVER_IMPLEMENTED = "deficiency-never-implemented"
    DEFICIENCY_PLANS_NOT_MET = "deficiency-plans-not-met"
    SSP_CANNOT_BE_EXCEPTED = "ssp-cannot-be-excepted"
    OBJECTIVES_NOT_MET = "objectives-not-met"
    PARTIAL_STATE = "partial-credit-state"
    PARTIALLY_IMPLEMENTED = "partially-implemented"
    PLANNED = "planned"
    NOT_IMPLEMENTED = "not-implemented"
    NOT_ASSESSED = "not-assessed"


_STATUS_BASIS = {
    ImplementationStatus.PARTIALLY_IMPLEMENTED: Basis.PARTIALLY_IMPLEMENTED,
    ImplementationStatus.PLANNED: Basis.PLANNED,
    ImplementationStatus.NOT_IMPLEMENTED: Basis.NOT_IMPLEMENTED,
}


@dataclass(frozen=True, slots=True)
class RequirementResult:
    """The determination of one requirement and what it costs."""

    requirement: Requirement
    met: bool
    basis: Basis
    deduction: int
    rule: str
    state: MfaState | EncryptionState | None = None
    not_met_objectives: tuple[str, ...] = ()

    @property
    def nist_id(self) -> str:
        return self.requirement.nist_id

    @property
    def poam_eligible(self) -> bool:
        """Whether this NOT MET requirement may sit on a Conditional POA&M (170.21(a)(2))."""
        return self.requirement.eligible_in(self.state)


@dataclass(frozen=True)
class Score:
    """The score of an SSP: None when 3.12.4 is NOT MET, since no score can then be given."""

    results: tuple[RequirementResult, ...]
    provisional: int
    """110 minus every deduction: what the score would be once the SSP itself is in place."""

    @property
    def ssp_in_place(self) -> bool:
        return self.result(SSP_REQUIREMENT).met

    @property
    def value(self) -> int | None:
        """The SPRS score; None means "could not be completed" (170.24(c)(2)(i)(B)(5))."""
        return self.provisional if self.ssp_in_place else None

    @cached_property
    def not_met(self) -> tuple[RequirementResult, ...]:
        return tuple(result for result in self.results if not result.met)

    @property
    def deductions(self) -> tuple[RequirementResult, ...]:
        return tuple(result for result in self.results if result.deduction)

    @classmethod
    def indexed(cls, by_id: Mapping[str, RequirementResult], provisional: int) -> Score:
        """A score from results already keyed by NIST id, in catalog order (the plan's what-if
        steps build one per step; the index then costs a copy, not a rebuild)."""
        score = cls(tuple(by_id.values()), provisional)
        score.__dict__["_index"] = dict(by_id)
        return score

    def result(self, nist_id: str) -> RequirementResult:
        return self._index[nist_id]

    @cached_property
    def _index(self) -> Mapping[str, RequirementResult]:
        return {result.nist_id: result for result in self.results}


def _state(
    requirement: Requirement, record: RequirementRecord
) -> MfaState | EncryptionState | None:
    if requirement.partial_credit is None:
        return None
    if requirement.partial_credit.field == "mfa":
        return record.mfa
    return record.encryption


def not_met_deduction(
    requirement: Requirement,
    state: MfaState | EncryptionState | None,
    record: RequirementRecord | None = None,
) -> tuple[int, str]:
    """Points subtracted for a NOT MET requirement, with the paragraph that sets them."""
    partial = requirement.partial_credit
    if requirement.points is None:
        return 0, rules.SSP_REQUIRED
    if partial is not None:
        deduction = partial.deductions.get(state.value) if state is not None else None
        if deduction and state is MfaState.REMOTE_AND_PRIVILEGED and _privileged_failed(record):
            return requirement.points, rules.PARTIAL_CREDIT_MFA_PRIVILEGED
        if deduction:  # a partial state: 3 points; None, or a full state that is NOT MET: 5
            return deduction, partial.citation
        return requirement.points, partial.citation
    return requirement.points, rules.NOT_MET_DEDUCTS


def _privileged_failed(record: RequirementRecord | None) -> bool:
    """Whether an objective about privileged accounts (3.5.3[a]-[c]) is NOT MET."""
    if record is None:
        return False
    return any(
        record.objectives.get(letter) is ObjectiveResult.NOT_MET
        for letter in MFA_PRIVILEGED_OBJECTIVES
    )


def _objective_results(
    requirement: Requirement, record: RequirementRecord
) -> tuple[tuple[str, ...], bool, bool]:
    """Objective letters NOT MET, whether every letter has a result, whether all are N/A."""
    given = record.objectives
    failed: list[str] = []
    complete = all_na = True
    for letter in requirement.objective_letters:
        result = given.get(letter)
        if result is None:
            complete = all_na = False
        elif result is ObjectiveResult.NOT_MET:
            failed.append(letter)
            all_na = False
        elif result is ObjectiveResult.MET:
            all_na = False
    return tuple(failed), complete, all_na


_IMPLEMENTED = (True, Basis.IMPLEMENTED, rules.MET_ALL_OBJECTIVES)
_NOT_APPLICABLE = (True, Basis.NOT_APPLICABLE, rules.NOT_APPLICABLE_IS_MET)
_NEVER_IMPLEMENTED = frozenset({ImplementationStatus.PLANNED, ImplementationStatus.NOT_IMPLEMENTED})
"""Statuses that say a requirement was never implemented: no temporary deficiency (170.4)."""


def _decide(
    requirement: Requirement, record: RequirementRecord, plans_in_place: bool
) -> tuple[bool, Basis, str]:
    """(MET?, basis, rule) for an assessed requirement, in the order of the module docstring."""
    if record.enduring_exception and record.enduring_exception.strip():
        return True, Basis.ENDURING_EXCEPTION, rules.ENDURING_EXCEPTION_IS_MET
    deficiency = record.temporary_deficiency
    if deficiency is not None:
        if not deficiency.plan.strip():
            # A declared deficiency that no operational plan of action addresses is not MET.
            return False, Basis.DEFICIENCY_WITHOUT_PLAN, rules.TEMPORARY_DEFICIENCY_IS_MET
        if record.status in _NEVER_IMPLEMENTED:
            return (
                False,
                Basis.DEFICIENCY_NEVER_IMPLEMENTED,
                rules.TEMPORARY_DEFICIENCY_AFTER_IMPLEMENTATION,
            )
        if not plans_in_place:
            return False, Basis.DEFICIENCY_PLANS_NOT_MET, rules.TEMPORARY_DEFICIENCY_NEEDS_3_12_2
        return True, Basis.TEMPORARY_DEFICIENCY, rules.TEMPORARY_DEFICIENCY_IS_MET
    if record.objectives:
        failed, complete, all_na = _objective_results(requirement, record)
        if failed:
            return False, Basis.OBJECTIVES_NOT_MET, rules.MET_ALL_OBJECTIVES
        if complete:
            return (
                _NOT_APPLICABLE
                if all_na
                else (True, Basis.OBJECTIVES_MET, rules.MET_ALL_OBJECTIVES)
            )
    status = record.status
    if status is ImplementationStatus.IMPLEMENTED:
        return _IMPLEMENTED
    if status is ImplementationStatus.NOT_APPLICABLE:
        return _NOT_APPLICABLE
    return False, _STATUS_BASIS[status], rules.NOT_MET_DEDUCTS


_SHARED: dict[tuple[object, ...], RequirementResult] = {}


def _shared(
    requirement: Requirement,
    met: bool,
    basis: Basis,
    deduction: int,
    rule: str,
    state: MfaState | EncryptionState | None = None,
    failed: tuple[str, ...] = (),
) -> RequirementResult:
    """The same immutable result for the same outcome: most requirements of most SSPs come out
    the same way, and building a frozen record per requirement per score is most of the cost."""
    key = (requirement.nist_id, met, basis, deduction, rule, state, failed)
    result = _SHARED.get(key)
    if result is None or result.requirement is not requirement:
        result = RequirementResult(requirement, met, basis, deduction, rule, state, failed)
        _SHARED[key] = result
    return result


def determine(
    requirement: Requirement, record: RequirementRecord | None, plans_in_place: bool = True
) -> RequirementResult:
    """MET or NOT MET for one requirement, the points it costs and the paragraph that says so.

    ``plans_in_place``: whether CA.L2-3.12.2 (the plans of action) is MET, without which no
    temporary deficiency counts as MET.
    """
    if record is None:
        deduction, rule = not_met_deduction(requirement, None)
        if requirement.partial_credit is None and requirement.points is not None:
            rule = rules.UNASSESSED_IS_NOT_MET
        return _shared(requirement, False, Basis.NOT_ASSESSED, deduction, rule)
    met, basis, rule = _decide(requirement, record, plans_in_place)
    if met and requirement.nist_id == SSP_REQUIREMENT and basis in _NO_SSP_EXCEPTIONS:
        return _shared(requirement, False, Basis.SSP_CANNOT_BE_EXCEPTED, 0, rules.SSP_REQUIRED)
    partial = requirement.partial_credit
    state = None
    if partial is not None:
        state = _state(requirement, record)
        if met and state is not None and basis in _STATE_DECIDES:
            if partial.deductions.get(state.value, 0) > 0:
                # A partial state is NOT MET whatever the status says (170.24(c)(2)(i)(B)(4)),
                # and a recorded state says the requirement applies: not N/A either.
                met, basis = False, Basis.PARTIAL_STATE
            elif basis is Basis.NOT_APPLICABLE:
                # Fully implemented, so it applies: MET as implemented, not N/A.
                basis, rule = Basis.IMPLEMENTED, rules.PARTIAL_CREDIT_APPLIES
    if met:
        return _shared(requirement, True, basis, 0, rule, state)
    deduction, deduction_rule = not_met_deduction(requirement, state, record)
    if partial is not None or requirement.points is None:
        rule = deduction_rule
    failed = _objective_results(requirement, record)[0] if basis is Basis.OBJECTIVES_NOT_MET else ()
    return _shared(requirement, False, basis, deduction, rule, state, failed)


_NO_SSP_EXCEPTIONS = frozenset({Basis.NOT_APPLICABLE, Basis.ENDURING_EXCEPTION})
_STATE_DECIDES = frozenset({Basis.IMPLEMENTED, Basis.OBJECTIVES_MET, Basis.NOT_APPLICABLE})
"""Bases a recorded partial-credit state overrides; exceptions and deficiencies keep theirs."""


def score(ssp: Ssp, catalog: Catalog) -> Score:
    """Score every requirement of the catalog against the SSP (32 CFR 170.24(c)).

    CA.L2-3.12.2 is determined first: while it is NOT MET there is no operational plan of action,
    so no temporary deficiency counts as MET (170.24(b)(1)(ii)).
    """
    records = ssp.requirements
    plans = catalog.find(PLANS_OF_ACTION)
    plans_in_place = plans is None or determine(plans, records.get(PLANS_OF_ACTION)).met
    results = tuple(
        determine(req, records.get(req.nist_id), plans_in_place) for req in catalog.requirements
    )
    provisional = MAX_SCORE - sum(result.deduction for result in results)
    return Score(results, provisional)
