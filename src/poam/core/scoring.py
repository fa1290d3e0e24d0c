"""The SPRS score of an SSP, requirement by requirement, as 32 CFR 170.24 computes it.

Each requirement gets one determination (MET or NOT MET), the basis for it, the points it costs
and the paragraph that says so. The order of the decisions matters and follows the regulation:

1. an enduring exception described in the SSP is MET (170.24(b)(1)(i));
2. a temporary deficiency addressed in an operational plan of action is MET (170.24(b)(1)(ii));
   one declared without a plan is NOT MET;
3. objective results, where given, decide: one NOT MET objective makes the requirement NOT MET,
   all MET or NOT APPLICABLE make it MET (170.24(b)(1), (b)(3)) -- objectives win over status;
4. otherwise the status decides; NOT APPLICABLE is MET (170.24(b)(3));
5. a partial-credit state short of full implementation (MFA only for remote and privileged
   users, encryption that is not FIPS-validated) is NOT MET whatever the status says.

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


class Basis(StrEnum):
    """Why a requirement is MET or NOT MET."""

    IMPLEMENTED = "implemented"
    OBJECTIVES_MET = "objectives-met"
    NOT_APPLICABLE = "not-applicable"
    ENDURING_EXCEPTION = "enduring-exception"
    TEMPORARY_DEFICIENCY = "temporary-deficiency"
    DEFICIENCY_WITHOUT_PLAN = "deficiency-without-plan"
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
    requirement: Requirement, state: MfaState | EncryptionState | None
) -> tuple[int, str]:
    """Points subtracted for a NOT MET requirement, with the paragraph that sets them."""
    partial = requirement.partial_credit
    if requirement.points is None:
        return 0, rules.SSP_REQUIRED
    if partial is not None:
        deduction = partial.deductions.get(state.value) if state is not None else None
        if deduction:  # a partial state: 3 points; None, or a full state that is NOT MET: 5
            return deduction, partial.citation
        return requirement.points, partial.citation
    return requirement.points, rules.NOT_MET_DEDUCTS


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


def _decide(requirement: Requirement, record: RequirementRecord) -> tuple[bool, Basis, str]:
    """(MET?, basis, rule) for an assessed requirement, in the order of the module docstring."""
    if record.enduring_exception and record.enduring_exception.strip():
        return True, Basis.ENDURING_EXCEPTION, rules.ENDURING_EXCEPTION_IS_MET
    deficiency = record.temporary_deficiency
    if deficiency is not None:
        if deficiency.plan.strip():
            return True, Basis.TEMPORARY_DEFICIENCY, rules.TEMPORARY_DEFICIENCY_IS_MET
        # A declared deficiency that no operational plan of action addresses is not MET.
        return False, Basis.DEFICIENCY_WITHOUT_PLAN, rules.TEMPORARY_DEFICIENCY_IS_MET
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


def determine(requirement: Requirement, record: RequirementRecord | None) -> RequirementResult:
    """MET or NOT MET for one requirement, the points it costs and the paragraph that says so."""
    if record is None:
        deduction, rule = not_met_deduction(requirement, None)
        if requirement.partial_credit is None and requirement.points is not None:
            rule = rules.UNASSESSED_IS_NOT_MET
        return _shared(requirement, False, Basis.NOT_ASSESSED, deduction, rule)
    met, basis, rule = _decide(requirement, record)
    partial = requirement.partial_credit
    state = None
    if partial is not None:
        state = _state(requirement, record)
        # A partial state is NOT MET whatever the status says (170.24(c)(2)(i)(B)(4)).
        if (
            met
            and state is not None
            and basis is not Basis.NOT_APPLICABLE
            and basis is not Basis.ENDURING_EXCEPTION
            and basis is not Basis.TEMPORARY_DEFICIENCY
            and partial.deductions.get(state.value, 0) > 0
        ):
            met, basis = False, Basis.PARTIAL_STATE
    if met:
        return _shared(requirement, True, basis, 0, rule, state)
    deduction, deduction_rule = not_met_deduction(requirement, state)
    if partial is not None or requirement.points is None:
        rule = deduction_rule
    failed = _objective_results(requirement, record)[0] if basis is Basis.OBJECTIVES_NOT_MET else ()
    return _shared(requirement, False, basis, deduction, rule, state, failed)


def score(ssp: Ssp, catalog: Catalog) -> Score:
    """Score every requirement of the catalog against the SSP (32 CFR 170.24(c))."""
    records = ssp.requirements
    results = tuple(determine(req, records.get(req.nist_id)) for req in catalog.requirements)
    provisional = MAX_SCORE - sum(result.deduction for result in results)
    return Score(results, provisional)
