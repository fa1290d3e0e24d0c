"""The domain model: what an SSP and a POA&M hold, as plain immutable values.

Every reader (native YAML/JSON, OSCAL, workbooks, the web database) produces these objects and
every writer consumes them, so a fact means the same thing wherever it came from. Nothing here
does I/O or reads the clock: "today" is always passed in (``as_of``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Scope(StrEnum):
    """Assessment scope as SPRS records it (DoD Assessment Methodology, Annex B)."""

    ENTERPRISE = "enterprise"
    ENCLAVE = "enclave"
    CONTRACT = "contract"


class ImplementationStatus(StrEnum):
    """What the SSP says of one requirement."""

    IMPLEMENTED = "implemented"
    PARTIALLY_IMPLEMENTED = "partially-implemented"
    PLANNED = "planned"
    NOT_IMPLEMENTED = "not-implemented"
    NOT_APPLICABLE = "not-applicable"


class ObjectiveResult(StrEnum):
    """The result of one assessment objective (NIST SP 800-171A), 32 CFR 170.24(b)."""

    MET = "met"
    NOT_MET = "not-met"
    NOT_APPLICABLE = "not-applicable"


class MfaState(StrEnum):
    """Who multifactor authentication covers: the partial-credit fact of IA.L2-3.5.3."""

    NONE = "none"
    REMOTE_AND_PRIVILEGED = "remote-and-privileged"
    ALL = "all"


class EncryptionState(StrEnum):
    """How CUI is encrypted: the partial-credit fact of SC.L2-3.13.11."""

    NONE = "none"
    NOT_FIPS_VALIDATED = "not-fips-validated"
    FIPS_VALIDATED = "fips-validated"


class PoamKind(StrEnum):
    """The two documents that share the name POA&M (RULES.md, "Two POA&Ms share the name")."""

    INTERNAL = "internal"
    CONDITIONAL = "conditional"


class AssessmentType(StrEnum):
    """Who performed an assessment: the organization itself (32 CFR 170.16) or a C3PAO
    (170.17). A POA&M closeout is performed the same way as the assessment (170.21(b))."""

    SELF = "self"
    C3PAO = "c3pao"


class AssessmentResult(StrEnum):
    """The CMMC Status an assessment of record awarded (32 CFR 170.16(a)(1), 170.17(a)(1))."""

    CONDITIONAL = "conditional"
    FINAL = "final"


class CloseoutResult(StrEnum):
    """The result of a POA&M closeout assessment (32 CFR 170.21(b)): ``met`` when every
    requirement of the POA&M was found MET, so that the Conditional status becomes Final."""

    MET = "met"
    NOT_MET = "not-met"


class AffirmationKind(StrEnum):
    """Why the Affirming Official affirmed (32 CFR 170.22(a)): upon the status, after a POA&M
    closeout, or the yearly affirmation of continuing compliance."""

    INITIAL = "initial"
    POST_CLOSEOUT = "post-closeout"
    ANNUAL = "annual"


class ItemStatus(StrEnum):
    """The status of a POA&M entry; only the first two are open."""

    NOT_STARTED = "not-started"
    IN_PROGRESS = "in-progress"
    COMPLETED_PENDING_VERIFICATION = "completed-pending-verification"
    CLOSED = "closed"

    @property
    def is_open(self) -> bool:
        return self in (ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS)


# --- the SSP ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SystemInfo:
    """The assessment scope: what SPRS calls the system."""

    name: str
    scope: Scope
    cage_codes: tuple[str, ...] = ()
    organization: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class SspInfo:
    """The SSP document: version, date, and how often it is to be updated (NIST SP 800-171A
    3.12.4[g], [h]). ``last_changed`` is the day its content last changed where a store knows it
    (the web application's change log); a file's date is its own last change."""

    version: str
    date: date
    update_cadence_days: int | None = None
    last_changed: dt.date | None = None


@dataclass(frozen=True, slots=True)
class TemporaryDeficiency:
    """A deficiency tracked in an operational plan of action (the 3.12.2 artifact)."""

    plan: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class RequirementRecord:
    """What the SSP says of one requirement. ``requirement`` is the NIST id (``3.5.3``)."""

    requirement: str
    status: ImplementationStatus
    narrative: str = ""
    objectives: Mapping[str, ObjectiveResult] = field(default_factory=dict)
    mfa: MfaState | None = None
    encryption: EncryptionState | None = None
    enduring_exception: str | None = None
    temporary_deficiency: TemporaryDeficiency | None = None
    responsible: str | None = None


# --- the CMMC status over time ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Closeout:
    """The POA&M closeout assessment of a Conditional status (32 CFR 170.21(b)). It is performed
    as the initial assessment was (self or C3PAO), so it carries no type of its own."""

    date: date
    result: CloseoutResult


@dataclass(frozen=True, slots=True)
class AssessmentOfRecord:
    """A self or C3PAO assessment whose result was entered in SPRS (or eMASS): the status it
    awarded from its CMMC Status Date, and the closeout of its POA&M if any.

    ``implied`` marks a record poam infers from a Conditional POA&M's header when the SSP records
    no such assessment (it then has no score or UID).
    """

    type: AssessmentType
    date: date
    status_date: dt.date
    result: AssessmentResult
    score: int | None = None
    uid: str | None = None
    closeout: Closeout | None = None
    implied: bool = False


@dataclass(frozen=True, slots=True)
class Affirmation:
    """An affirmation of continuing compliance by the Affirming Official (32 CFR 170.22)."""

    kind: AffirmationKind
    date: date
    official: str
    title: str


@dataclass(frozen=True, slots=True)
class CmmcRecord:
    """The system's CMMC status over time: its assessments of record and its affirmations."""

    assessments: tuple[AssessmentOfRecord, ...] = ()
    affirmations: tuple[Affirmation, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.assessments or self.affirmations)


@dataclass(frozen=True, slots=True)
class Ssp:
    """A System Security Plan. ``requirements`` is keyed by NIST id; absent means unassessed.

    ``unknown`` keeps the keys the catalog does not know, as written, so they can be reported.
    ``cmmc`` records the system's assessments and affirmations: SPRS keeps them with the system
    (the assessment scope) that the SSP describes, so poam keeps them with the SSP.
    """

    system: SystemInfo
    info: SspInfo
    requirements: Mapping[str, RequirementRecord]
    unknown: tuple[str, ...] = ()
    cmmc: CmmcRecord = CmmcRecord()


# --- the POA&M -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MilestoneChange:
    """One move of a milestone's due date, with who moved it and why."""

    changed: date
    from_date: date | None
    to_date: date
    by: str = ""
    justification: str = ""


@dataclass(frozen=True, slots=True)
class Milestone:
    title: str
    due: date | None = None
    completed: date | None = None
    history: tuple[MilestoneChange, ...] = ()


@dataclass(frozen=True, slots=True)
class Evidence:
    """An artifact that shows an entry is done. ``uri`` is a path or a URL."""

    title: str
    uri: str = ""
    sha256: str | None = None
    date: date | None = None


@dataclass(frozen=True, slots=True)
class PoamItem:
    """One POA&M entry. ``requirement`` is the NIST id when known, else the text as written."""

    id: str
    requirement: str
    gap: str = ""
    remediation: tuple[str, ...] = ()
    owner: str = ""
    status: ItemStatus = ItemStatus.NOT_STARTED
    objectives: tuple[str, ...] = ()
    created: date | None = None
    updated: date | None = None
    milestones: tuple[Milestone, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    identified_by: str | None = None
    resources: str | None = None
    comments: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status.is_open


@dataclass(frozen=True, slots=True)
class ConditionalInfo:
    """The Conditional CMMC Status that a conditional POA&M is closing out."""

    assessment: AssessmentType
    status_date: date


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The tunable limits of the checks, settable under ``poam.thresholds`` in ``poam.yaml``."""

    vague_gap_min_words: int = 8
    vague_remediation_min_words: int = 8
    milestone_moves_warn: int = 2
    closeout_warning_days: int = 30
    default_review_cadence_days: int = 90
    affirmation_warning_days: int = 30
    validity_warning_days: int = 90
    default_ssp_update_cadence_days: int = 365


@dataclass(frozen=True, slots=True)
class Waiver:
    """A finding accepted on purpose: by code, optionally narrowed to a requirement or an entry."""

    code: str
    reason: str
    requirement: str | None = None
    item: str | None = None
    by: str | None = None
    until: date | None = None


@dataclass(frozen=True, slots=True)
class Poam:
    """A Plan of Action and Milestones, internal or conditional."""

    kind: PoamKind = PoamKind.INTERNAL
    maintainer: str = ""
    last_reviewed: date | None = None
    review_cadence_days: int | None = None
    conditional: ConditionalInfo | None = None
    items: tuple[PoamItem, ...] = ()
    thresholds: Thresholds = Thresholds()
    ignore: tuple[str, ...] = ()
    waivers: tuple[Waiver, ...] = ()

    @property
    def open_items(self) -> tuple[PoamItem, ...]:
        return tuple(item for item in self.items if item.is_open)
