"""What an SPRS entry needs, taken from one assessment: the fields and the 110 determinations.

SPRS (DoD Assessment Methodology v1.2.1, Annex B, and the SPRS entry screens) asks for the
assessment date; the score (-203..110); the scope; the SSP's name, version and date; the CAGE
codes covered; the plan-of-action completion date (the date a score of 110 is expected, from
the latest open milestone, required below 110); and, for a CMMC Level 2 self-assessment, each
requirement as MET, NOT MET or N/A.

Nothing is computed here that the core computes: the score, the basis of each determination and
the verdict come from :func:`poam.core.assess.assess`, the completion date from
:func:`poam.core.plan.full_score_date`. This module only maps them onto what SPRS asks.

The mapping onto the SPRS statuses (documented in docs/sprs.md):

- N/A: the requirement is not applicable (every objective N/A, or the SSP says so);
  it counts as MET (32 CFR 170.24(b)(3));
- MET: implemented or all objectives MET, and also an enduring exception described in the SSP
  (170.24(b)(1)(i)) or a temporary deficiency in an operational plan of action (170.24(b)(1)(ii));
- NOT MET: everything else, with the points it costs; IA.L2-3.5.3 and SC.L2-3.13.11 in a
  partial-credit state are NOT MET at 3 points (170.24(c)(2)(i)(B)(4)); a requirement the SSP
  does not address counts as NOT MET; CA.L2-3.12.4 has no value, and when it is NOT MET there is
  no score, so SPRS cannot take an entry (170.24(c)(2)(i)(B)(5)).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from poam.core import rules
from poam.core.assess import Assessment
from poam.core.catalog import load_catalog
from poam.core.labels import SCOPE, state_words
from poam.core.model import Affirmation, AssessmentType, Scope, Ssp
from poam.core.plan import FullScoreDate, describe_full_score, full_score_date
from poam.core.scoring import SSP_REQUIREMENT, Basis, RequirementResult
from poam.core.verdict import Verdict, VerdictResult

SPRS_FIELDS = "DoD Assessment Methodology v1.2.1, Annex B; SPRS entry screens"
"""Where the list of fields an SPRS entry needs comes from."""
COMPLETION_DATE = "DoD Assessment Methodology v1.2.1, Annex B"


class SprsStatus(StrEnum):
    """The three answers the SPRS CMMC Level 2 self-assessment screens offer per requirement."""

    MET = "MET"
    NOT_MET = "NOT MET"
    NOT_APPLICABLE = "N/A"


SCOPE_LABEL = SCOPE


@dataclass(frozen=True, slots=True)
class RequirementLine:
    """One requirement as SPRS asks for it, with the reason and the rule behind the answer."""

    nist_id: str
    cmmc_id: str
    family: str
    title: str
    value: str
    """The requirement's point value as the methodology states it: 5, 3, 1, "3 or 5", or none."""
    status: SprsStatus
    deducted: int
    note: str
    rule: str
    entries: tuple[str, ...]
    """Open POA&M entries covering the requirement."""
    expected: date | None
    """The latest open milestone of those entries: when the requirement is expected to be MET."""


@dataclass(frozen=True, slots=True)
class SprsEntry:
    """Everything an SPRS entry for one system needs, and why it cannot be entered, if so."""

    as_of: date
    score: int | None
    """None when CA.L2-3.12.4 is NOT MET: no score, no entry (170.24(c)(2)(i)(B)(5))."""
    provisional: int
    scope: Scope
    system_name: str
    organization: str | None
    ssp_version: str
    ssp_date: date
    cage_codes: tuple[str, ...]
    completion: FullScoreDate
    """The plan of action completion date: the same answer as ``poam plan`` gives."""
    verdict: VerdictResult
    """The standing today (the status of record, if any)."""
    readiness: VerdictResult
    """The status this assessment supports: what it would award if entered today."""
    conditional_assessment: str | None
    affirmation: Affirmation | None
    """The latest affirmation on record: the Affirming Official's name and title."""
    requirements: tuple[RequirementLine, ...]
    problems: tuple[str, ...]
    """What stops SPRS from taking this entry as it is."""
    notes: tuple[str, ...]
    """What the person entering it should know."""

    @property
    def can_enter(self) -> bool:
        return not self.problems

    def count(self, status: SprsStatus) -> int:
        return sum(1 for line in self.requirements if line.status is status)

    @property
    def deducted(self) -> int:
        return sum(line.deducted for line in self.requirements)


def _value(result: RequirementResult) -> str:
    requirement = result.requirement
    if requirement.points is None:
        return "none"
    if requirement.partial_credit is not None:
        return "3 or 5"
    return str(requirement.points)


def _status(result: RequirementResult) -> SprsStatus:
    if not result.met:
        return SprsStatus.NOT_MET
    if result.basis is Basis.NOT_APPLICABLE:
        return SprsStatus.NOT_APPLICABLE
    return SprsStatus.MET


def _note(result: RequirementResult) -> str:
    """Why the requirement has its status, in the words an assessor would use."""
    basis = result.basis
    state = state_words(result.state)
    if result.met:
        if basis is Basis.ENDURING_EXCEPTION:
            return "enduring exception described in the SSP: MET"
        if basis is Basis.TEMPORARY_DEFICIENCY:
            return "temporary deficiency in an operational plan of action: MET"
        if basis is Basis.NOT_APPLICABLE:
            return "not applicable: counts as MET"
        return state if state and result.requirement.partial_credit else ""
    if result.nist_id == SSP_REQUIREMENT:
        if basis is Basis.SSP_CANNOT_BE_EXCEPTED:
            return "claimed N/A or an enduring exception: without an SSP no score can be given"
        return "no point value; without an SSP no score can be given"
    if basis is Basis.PARTIAL_STATE:
        return f"partial credit: {state}: -{result.deduction}"
    if basis is Basis.NOT_ASSESSED:
        why = "not addressed in the SSP: counts as NOT MET"
    elif basis is Basis.DEFICIENCY_NEVER_IMPLEMENTED:
        why = "temporary deficiency on a requirement never implemented"
    elif basis is Basis.DEFICIENCY_PLANS_NOT_MET:
        why = "temporary deficiency while CA.L2-3.12.2 (plans of action) is NOT MET"
    elif basis is Basis.OBJECTIVES_NOT_MET:
        letters = ", ".join(result.not_met_objectives)
        plural = "s" if len(result.not_met_objectives) != 1 else ""
        why = f"objective{plural} {letters} NOT MET"
    else:
        why = basis.value.replace("-", " ")
    if result.requirement.partial_credit is not None:
        why += f"; {state or 'state not recorded'}: -{result.deduction}"
    return why


def _lines(assessment: Assessment) -> tuple[RequirementLine, ...]:
    poam = assessment.poam
    open_items = () if poam is None else poam.open_items
    lines = []
    for result in assessment.score.results:
        covering = [item for item in open_items if item.requirement == result.nist_id]
        dues = [
            m.due for item in covering for m in item.milestones if m.completed is None and m.due
        ]
        requirement = result.requirement
        lines.append(
            RequirementLine(
                nist_id=result.nist_id,
                cmmc_id=requirement.cmmc_id,
                family=requirement.family,
                title=requirement.title,
                value=_value(result),
                status=_status(result),
                deducted=result.deduction,
                note=_note(result),
                rule=result.rule,
                entries=tuple(item.id for item in covering),
                expected=max(dues, default=None),
            )
        )
    return tuple(lines)


def _problems(assessment: Assessment, completion: FullScoreDate) -> list[str]:
    problems = []
    if assessment.score.value is None:
        problems.append(
            "CA.L2-3.12.4 (System Security Plan) is NOT MET: the assessment cannot be completed, "
            f"there is no score, and SPRS cannot take an entry [{rules.SSP_REQUIRED}]."
        )
    if not completion.determined:
        problems.append(
            "The plan of action completion date "
            f"{describe_full_score(completion, load_catalog())}. Give each an open POA&M entry "
            f"with dated milestones [{COMPLETION_DATE}]."
        )
    if not assessment.ssp.system.cage_codes:
        problems.append(
            "No CAGE code: an SPRS entry names the CAGE codes it covers (system.cage_codes in "
            f"the SSP) [{SPRS_FIELDS}]."
        )
    return problems


def _notes(
    assessment: Assessment, entry_lines: tuple[RequirementLine, ...], completion: FullScoreDate
) -> list[str]:
    notes = []
    unassessed = [
        result.requirement.cmmc_id
        for result in assessment.score.results
        if result.basis is Basis.NOT_ASSESSED
    ]
    if unassessed:
        notes.append(
            f"{len(unassessed)} requirement{'s are' if len(unassessed) != 1 else ' is'} not "
            f"addressed in the SSP and count{'' if len(unassessed) != 1 else 's'} as NOT MET: "
            f"{', '.join(unassessed)} [{rules.UNASSESSED_IS_NOT_MET}]."
        )
    if completion.date is not None and completion.date < assessment.as_of:
        notes.append(
            f"The plan of action completion date {completion.date.isoformat()} has already "
            "passed: the open milestones are overdue; re-plan them before entering the date."
        )
    deadline = assessment.verdict.closeout_deadline
    if completion.date is not None and deadline is not None and completion.date >= deadline:
        notes.append(
            f"The plan of action completion date {completion.date.isoformat()} is not before the "
            f"closeout deadline {deadline.isoformat()}: the Conditional status would expire "
            f"first; there is no extension [{rules.CLOSEOUT}]."
        )
    record = assessment.verdict.of_record
    if record is not None and record.type is AssessmentType.C3PAO:
        notes.append(
            "The status of record came from a C3PAO assessment: the C3PAO enters its results "
            "(and the closeout's); use this list to check what it entered."
        )
    if any(
        line.status is SprsStatus.NOT_MET and line.deducted == 3 and line.value == "3 or 5"
        for line in entry_lines
    ):
        notes.append(
            "Partial credit (3 points instead of 5) applies to IA.L2-3.5.3 and SC.L2-3.13.11 "
            "only, in the states the regulation names [32 CFR 170.24(c)(2)(i)(B)(4)]."
        )
    if latest_affirmation(assessment.ssp) is None:
        notes.append(
            "No affirmation is on record: the Affirming Official (a senior official of the "
            "organization) must affirm the entry in SPRS, then yearly and after a POA&M closeout; "
            f"record it in the SSP's `cmmc.affirmations` [{rules.AFFIRMATION}]."
        )
    else:
        notes.append(
            "The Affirming Official affirms every entry, then yearly and after a POA&M closeout "
            f"[{rules.AFFIRMATION}]."
        )
    return notes


def latest_affirmation(ssp: Ssp) -> Affirmation | None:
    """The latest affirmation on record: whose name and title SPRS shows as Affirming Official."""
    return max(ssp.cmmc.affirmations, key=lambda a: a.date, default=None)


def sprs_entry(assessment: Assessment) -> SprsEntry:
    """The SPRS entry that ``assessment`` supports, with what blocks it and what to know."""
    ssp, poam = assessment.ssp, assessment.poam
    lines = _lines(assessment)
    completion = full_score_date(assessment.score, poam)
    record = assessment.verdict.of_record
    conditional = (
        record.type.value
        if record is not None and assessment.verdict.verdict is Verdict.CONDITIONAL
        else None
    )
    return SprsEntry(
        as_of=assessment.as_of,
        score=assessment.score.value,
        provisional=assessment.score.provisional,
        scope=ssp.system.scope,
        system_name=ssp.system.name,
        organization=ssp.system.organization,
        ssp_version=ssp.info.version,
        ssp_date=ssp.info.date,
        cage_codes=ssp.system.cage_codes,
        completion=completion,
        verdict=assessment.verdict,
        readiness=assessment.ready,
        conditional_assessment=conditional,
        affirmation=latest_affirmation(ssp),
        requirements=lines,
        problems=tuple(_problems(assessment, completion)),
        notes=tuple(_notes(assessment, lines, completion)),
    )


__all__ = [
    "RequirementLine",
    "SprsEntry",
    "SprsStatus",
    "latest_affirmation",
    "sprs_entry",
]
