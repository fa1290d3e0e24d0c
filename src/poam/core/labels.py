"""The words poam shows for each state it knows: one source for the CLI, the report, the SPRS
entry and the web pages, so that a state reads the same wherever it appears."""

from __future__ import annotations

from enum import StrEnum

from poam.core.checks.base import Severity
from poam.core.lifecycle import TYPE_LABEL
from poam.core.model import (
    AffirmationKind,
    AssessmentResult,
    AssessmentType,
    CloseoutResult,
    EncryptionState,
    ImplementationStatus,
    ItemStatus,
    MfaState,
    ObjectiveResult,
    PoamKind,
    Scope,
)
from poam.core.plan import Phase
from poam.core.scoring import Basis
from poam.core.states import EvidenceState, MilestoneState
from poam.core.verdict import Verdict

ITEM_STATUS = {
    ItemStatus.NOT_STARTED: "Not started",
    ItemStatus.IN_PROGRESS: "In progress",
    ItemStatus.COMPLETED_PENDING_VERIFICATION: "Completed, pending verification",
    ItemStatus.CLOSED: "Closed",
}
IMPLEMENTATION_STATUS = {
    ImplementationStatus.IMPLEMENTED: "Implemented",
    ImplementationStatus.PARTIALLY_IMPLEMENTED: "Partially implemented",
    ImplementationStatus.PLANNED: "Planned",
    ImplementationStatus.NOT_IMPLEMENTED: "Not implemented",
    ImplementationStatus.NOT_APPLICABLE: "Not applicable",
}
OBJECTIVE_RESULT = {
    ObjectiveResult.MET: "Met",
    ObjectiveResult.NOT_MET: "Not met",
    ObjectiveResult.NOT_APPLICABLE: "Not applicable",
}
BASIS = {
    Basis.IMPLEMENTED: "implemented",
    Basis.OBJECTIVES_MET: "all objectives met",
    Basis.NOT_APPLICABLE: "not applicable",
    Basis.ENDURING_EXCEPTION: "enduring exception",
    Basis.TEMPORARY_DEFICIENCY: "temporary deficiency",
    Basis.DEFICIENCY_WITHOUT_PLAN: "temporary deficiency without an operational plan of action",
    Basis.DEFICIENCY_NEVER_IMPLEMENTED: "temporary deficiency on a requirement never implemented",
    Basis.DEFICIENCY_PLANS_NOT_MET: "temporary deficiency while CA.L2-3.12.2 is NOT MET",
    Basis.SSP_CANNOT_BE_EXCEPTED: "the SSP cannot be N/A or an exception",
    Basis.OBJECTIVES_NOT_MET: "objectives not met",
    Basis.PARTIAL_STATE: "partial-credit state",
    Basis.PARTIALLY_IMPLEMENTED: "partially implemented",
    Basis.PLANNED: "planned",
    Basis.NOT_IMPLEMENTED: "not implemented",
    Basis.NOT_ASSESSED: "not addressed in the SSP",
}
# Two tables, not one: MfaState.NONE and EncryptionState.NONE are equal strings ("none").
MFA_STATE = {
    MfaState.NONE: "MFA for no users",
    MfaState.REMOTE_AND_PRIVILEGED: "MFA for remote and privileged users only",
    MfaState.ALL: "MFA for all users",
}
ENCRYPTION_STATE = {
    EncryptionState.NONE: "CUI not encrypted",
    EncryptionState.NOT_FIPS_VALIDATED: "encryption not FIPS-validated",
    EncryptionState.FIPS_VALIDATED: "FIPS-validated encryption",
}
MILESTONE_STATE = {
    MilestoneState.DONE: "Done",
    MilestoneState.OPEN: "Open",
    MilestoneState.OVERDUE: "Overdue",
    MilestoneState.LATE: "After the closeout deadline",
    MilestoneState.UNDATED: "No date",
}
EVIDENCE_STATE = {
    EvidenceState.MATCHES: "Matches",
    EvidenceState.MISMATCH: "Mismatch",
    EvidenceState.MISSING: "Missing",
    EvidenceState.NO_HASH: "No recorded hash",
    EvidenceState.NOT_LOCAL: "Not local",
    EvidenceState.NOT_CHECKED: "Not checked",
    EvidenceState.NO_LOCATION: "No location",
}
PHASE = {
    Phase.BLOCKS_CONDITIONAL: "Blocks Conditional",
    Phase.REACH_88: "Reach 88",
    Phase.REST: "Then",
}
SEVERITY_TITLE = {Severity.ERROR: "Errors", Severity.WARNING: "Warnings", Severity.INFO: "Notes"}
VERDICT_SHORT = {
    Verdict.FINAL: "Final",
    Verdict.CONDITIONAL: "Conditional",
    Verdict.NONE: "none",
    Verdict.CANNOT_ASSESS: "cannot assess",
    Verdict.EXPIRED: "expired",
}
"""A verdict in a narrow column (``poam plan``'s "Status after")."""
ASSESSMENT_TYPE = TYPE_LABEL
ASSESSMENT_RESULT = {
    AssessmentResult.CONDITIONAL: "Conditional Level 2",
    AssessmentResult.FINAL: "Final Level 2",
}
CLOSEOUT_RESULT = {CloseoutResult.MET: "Met", CloseoutResult.NOT_MET: "Not met"}
AFFIRMATION_KIND = {
    AffirmationKind.INITIAL: "Upon the status",
    AffirmationKind.POST_CLOSEOUT: "After the POA&M closeout",
    AffirmationKind.ANNUAL: "Annual",
}
POAM_KIND = {PoamKind.INTERNAL: "Internal", PoamKind.CONDITIONAL: "Conditional"}
SCOPE = {Scope.ENTERPRISE: "Enterprise", Scope.ENCLAVE: "Enclave", Scope.CONTRACT: "Contract"}

_TABLES: dict[type[StrEnum], dict[StrEnum, str]] = {
    ItemStatus: ITEM_STATUS,  # type: ignore[dict-item]
    ImplementationStatus: IMPLEMENTATION_STATUS,  # type: ignore[dict-item]
    ObjectiveResult: OBJECTIVE_RESULT,  # type: ignore[dict-item]
    Basis: BASIS,  # type: ignore[dict-item]
    MfaState: MFA_STATE,  # type: ignore[dict-item]
    EncryptionState: ENCRYPTION_STATE,  # type: ignore[dict-item]
    MilestoneState: MILESTONE_STATE,  # type: ignore[dict-item]
    EvidenceState: EVIDENCE_STATE,  # type: ignore[dict-item]
    Phase: PHASE,  # type: ignore[dict-item]
    AssessmentType: ASSESSMENT_TYPE,  # type: ignore[dict-item]
    AssessmentResult: ASSESSMENT_RESULT,  # type: ignore[dict-item]
    CloseoutResult: CLOSEOUT_RESULT,  # type: ignore[dict-item]
    AffirmationKind: AFFIRMATION_KIND,  # type: ignore[dict-item]
    PoamKind: POAM_KIND,  # type: ignore[dict-item]
    Scope: SCOPE,  # type: ignore[dict-item]
}


def label(value: StrEnum) -> str:
    """The words for any state poam knows (a verdict reads as its label)."""
    if isinstance(value, Verdict):
        return value.label
    table = _TABLES.get(type(value))
    if table is None:
        raise KeyError(f"no labels for {type(value).__name__}")
    return table[value]


def state_words(state: MfaState | EncryptionState | None) -> str:
    """How a partial-credit state reads ("MFA for remote and privileged users only")."""
    if state is None:
        return ""
    if isinstance(state, MfaState):
        return MFA_STATE[state]
    return ENCRYPTION_STATE[state]
