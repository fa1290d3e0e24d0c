"""What the assessor report shows, as plain values computed once from core objects.

The templates only lay these values out; every score, verdict, finding and date comes from the
core (``assess``, ``plan``, ``conditional_reasons``, ``lifecycle.timeline``), so that the report
cannot disagree with ``poam check``. The words come from ``poam.core.labels`` and the display
states of milestones and evidence from ``poam.core.states``, the functions the checks call; the
findings shown beside the reconciliation are those of the registry's groups. What is derived
here is presentation: groupings, tones, counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from poam.core.assess import Assessment
from poam.core.catalog import Catalog
from poam.core.checks import REGISTRY
from poam.core.checks.base import EvidenceStore, Finding, Group, Severity
from poam.core.labels import (
    AFFIRMATION_KIND,
    ASSESSMENT_TYPE,
    BASIS,
    EVIDENCE_STATE,
    ITEM_STATUS,
    MILESTONE_STATE,
    PHASE,
    SEVERITY_TITLE,
)
from poam.core.lifecycle import (
    AffirmationDue,
    TimelineEvent,
    affirmations_due,
    describe_status,
)
from poam.core.lifecycle import timeline as status_timeline
from poam.core.model import (
    AssessmentResult,
    ItemStatus,
    Milestone,
    PoamItem,
    PoamKind,
    Thresholds,
)
from poam.core.plan import Plan
from poam.core.scoring import SSP_REQUIREMENT, Basis, RequirementResult, Score
from poam.core.states import (
    EvidenceState,
    MilestoneState,
    evidence_state,
    has_dated_milestone,
    is_overdue,
    milestone_state,
)
from poam.core.verdict import CLOSEOUT_DAYS, Reason, Verdict, VerdictResult, conditional_reasons

RECONCILIATION_CODES = REGISTRY.codes_in(Group.RECONCILIATION, Group.ELIGIBILITY)
"""The findings shown beside each row of the reconciliation: whether the SSP and the POA&M tell
the same story (a gap without an entry, an entry for a MET or unknown requirement) and whether a
gap may sit on a Conditional POA&M. The schedule of each entry (an entry without a dated
milestone among them) is shown with the entry, in the POA&M section."""
VERDICT_TONE = {
    Verdict.FINAL: "good",
    Verdict.CONDITIONAL: "warn",
    Verdict.NONE: "bad",
    Verdict.CANNOT_ASSESS: "bad",
    Verdict.EXPIRED: "bad",
}


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


# --- summary ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReasonView:
    held: bool
    message: str
    rule: str
    requirements: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class VerdictView:
    """One of the two answers (docs/rules.md, "Two answers"), with every reason cited."""

    verdict: Verdict
    label: str
    tone: str
    reasons: tuple[ReasonView, ...]


@dataclass(frozen=True, slots=True)
class RecordView:
    """The assessment of record the standing rests on, as SPRS and eMASS show it."""

    status: str
    """``Conditional Level 2 (C3PAO)``: the CMMC Status name of 32 CFR 170.16-170.17."""
    status_date: date
    assessed: date | None
    """None for a status the Conditional POA&M states (no assessment recorded in the SSP)."""
    uid: str | None
    score: int | None
    closeout: str | None
    """The POA&M closeout on record: its date and result."""
    closeout_deadline: date | None
    valid_until: date | None


@dataclass(frozen=True, slots=True)
class OwedView:
    """An affirmation the standing status requires that is not on record yet (170.22(a))."""

    kind: str
    due: date
    follows: str
    late: bool


@dataclass(frozen=True, slots=True)
class CloseoutView:
    """The 180-day clock of a Conditional status (32 CFR 170.21(b))."""

    status_date: date
    deadline: date
    days_left: int
    day: int
    """Days since the status date."""
    percent: float
    tone: str
    assessment: str
    open_entries: int | None
    """None when no POA&M was given."""


@dataclass(frozen=True, slots=True)
class FamilyRow:
    code: str
    name: str
    requirements: int
    not_met: int
    deducted: int
    possible: int
    """The most this family can cost: the sum of its values (5 for a partial-credit one)."""


@dataclass(frozen=True, slots=True)
class DeductionRow:
    cmmc_id: str
    title: str
    points: int
    value: str
    why: str
    rule: str
    eligible: bool
    entries: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StepRow:
    index: int
    phase: str
    cmmc_id: str
    title: str
    points: int
    entries: tuple[str, ...]
    due: date | None
    score_after: int
    verdict_after: str


# --- the POA&M --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChangeView:
    changed: date
    from_date: date | None
    to_date: date
    by: str
    justification: str
    days: int | None
    """How far the date moved (positive: later)."""


@dataclass(frozen=True, slots=True)
class MilestoneView:
    title: str
    due: date | None
    completed: date | None
    state: MilestoneState
    """From ``poam.core.states.milestone_state``: the function milestone-overdue and
    milestone-after-closeout-deadline call."""
    state_label: str
    overdue: bool
    """Past its due date and not completed (``poam.core.states.is_overdue``): true of an
    overdue milestone, and of a late one whose day has passed too, which the checks report
    twice (milestone-after-closeout-deadline and milestone-overdue) and the label says."""
    history: tuple[ChangeView, ...]


@dataclass(frozen=True, slots=True)
class EntryView:
    id: str
    anchor: str
    requirement: str
    title: str
    known: bool
    status: ItemStatus
    status_label: str
    is_open: bool
    owner: str
    gap: str
    remediation: tuple[str, ...]
    objectives: tuple[str, ...]
    created: date | None
    updated: date | None
    identified_by: str | None
    resources: str | None
    comments: str | None
    milestones: tuple[MilestoneView, ...]
    evidence: tuple[str, ...]
    findings: tuple[Finding, ...]


# --- reconciliation, findings, evidence -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class EntryRef:
    id: str
    anchor: str
    status_label: str
    is_open: bool


@dataclass(frozen=True, slots=True)
class GapRow:
    """One NOT MET requirement and the entries that cover it."""

    cmmc_id: str
    title: str
    points: int
    why: str
    entries: tuple[EntryRef, ...]
    state: str
    """covered, undated (open entries, no dated milestone), uncovered."""
    findings: tuple[Finding, ...]


@dataclass(frozen=True, slots=True)
class ExtraRow:
    """An open entry for a requirement the SSP calls MET (or that does not exist)."""

    entry: EntryRef
    requirement: str
    said: str
    allowed: bool
    findings: tuple[Finding, ...]


@dataclass(frozen=True, slots=True)
class FindingGroup:
    severity: Severity
    title: str
    findings: tuple[Finding, ...]


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    entry: EntryRef
    requirement: str
    title: str
    uri: str
    date: date | None
    recorded: str | None
    actual: str | None
    status: EvidenceState
    """From ``poam.core.states.evidence_state``: the function the evidence checks call."""
    status_label: str


def anchor(item_id: str) -> str:
    """A fragment id for an entry; safe whatever the entry id holds."""
    return "entry-" + "".join(c if c.isalnum() or c in "-_" else f"_{ord(c):x}" for c in item_id)


def answer_view(result: VerdictResult, score: Score) -> VerdictView:
    """Each cited reason; for "no status", the conditions that hold are shown beside those that
    fail (both from ``conditional_reasons``)."""
    catalog_ids = {r.nist_id: r.requirement.cmmc_id for r in score.results}

    def view(reason_held: bool, reasons: Sequence[Reason]) -> list[ReasonView]:
        return [
            ReasonView(
                reason_held,
                reason.message,
                reason.rule,
                tuple(catalog_ids.get(i, i) for i in reason.requirements),
            )
            for reason in reasons
        ]

    kind = result.verdict
    if kind is Verdict.NONE:
        held, failed = conditional_reasons(score)
        reasons = view(False, failed) + view(True, held)
    else:
        reasons = view(kind in (Verdict.FINAL, Verdict.CONDITIONAL), result.reasons)
    return VerdictView(kind, kind.label, VERDICT_TONE[kind], tuple(reasons))


def reasons_view(assessment: Assessment) -> VerdictView:
    """The standing today, with its reasons."""
    return answer_view(assessment.verdict, assessment.score)


def readiness_view(assessment: Assessment) -> VerdictView:
    """What a new assessment today would award, with its reasons."""
    return answer_view(assessment.ready, assessment.score)


def record_view(assessment: Assessment) -> RecordView | None:
    """The assessment of record of the standing, or None when none is on record."""
    verdict = assessment.verdict
    record = verdict.of_record
    if record is None:
        return None
    closeout = None
    if record.closeout is not None and record.closeout.date <= assessment.as_of:
        result = "MET" if record.closeout.result.value == "met" else "NOT MET"
        closeout = f"{record.closeout.date.isoformat()}, {result}"
    return RecordView(
        status=describe_status(record),
        status_date=record.status_date,
        assessed=None if record.implied else record.date,
        uid=record.uid,
        score=record.score,
        closeout=closeout if record.result is AssessmentResult.CONDITIONAL else None,
        closeout_deadline=verdict.closeout_deadline,
        valid_until=verdict.valid_until,
    )


def owed_view(assessment: Assessment) -> tuple[OwedView, ...]:
    """The affirmations the standing requires and that are not on record, oldest first."""
    owed: list[AffirmationDue] = [
        due
        for due in affirmations_due(assessment.verdict, assessment.ssp.cmmc, assessment.as_of)
        if due.done is None
    ]
    return tuple(
        OwedView(AFFIRMATION_KIND[due.kind], due.due, due.follows, due.due < assessment.as_of)
        for due in sorted(owed, key=lambda due: due.due)
    )


def status_events(assessment: Assessment) -> tuple[TimelineEvent, ...]:
    """The CMMC status over time (``poam.core.lifecycle.timeline``), oldest first."""
    return tuple(
        status_timeline(assessment.ssp, assessment.poam, assessment.verdict, assessment.as_of)
    )


def closeout_view(assessment: Assessment) -> CloseoutView | None:
    """The 180-day clock of the Conditional status the standing rests on, if one runs."""
    poam, verdict = assessment.poam, assessment.verdict
    record = verdict.of_record
    if record is None or verdict.closeout_deadline is None or verdict.days_left is None:
        return None
    day = (assessment.as_of - record.status_date).days
    days_left = verdict.days_left
    warning = (poam.thresholds if poam is not None else Thresholds()).closeout_warning_days
    if days_left < 0:
        tone = "bad"
    elif days_left <= warning:
        tone = "warn"
    else:
        tone = "good"
    return CloseoutView(
        status_date=record.status_date,
        deadline=verdict.closeout_deadline,
        days_left=days_left,
        day=day,
        percent=max(0.0, min(100.0, 100.0 * day / CLOSEOUT_DAYS)),
        tone=tone,
        assessment=ASSESSMENT_TYPE[record.type],
        open_entries=None if poam is None else len(poam.open_items),
    )


def poam_facts(assessment: Assessment) -> tuple[tuple[str, str], ...]:
    """How the POA&M is kept: open entries, overdue milestones, next date, next review."""
    poam = assessment.poam
    if poam is None:
        return ()
    as_of = assessment.as_of
    open_milestones = [
        (m, item) for item in poam.open_items for m in item.milestones if m.completed is None
    ]
    overdue = [m for m, _ in open_milestones if is_overdue(m, as_of)]
    upcoming = sorted(
        ((m.due, item.id) for m, item in open_milestones if m.due is not None and m.due >= as_of),
        key=lambda pair: (pair[0], pair[1]),
    )
    facts = [
        ("Open entries", str(len(poam.open_items))),
        ("Milestones overdue", str(len(overdue))),
    ]
    if upcoming:
        facts.append(("Next milestone", f"{upcoming[0][0].isoformat()} ({upcoming[0][1]})"))
    cadence = poam.review_cadence_days or poam.thresholds.default_review_cadence_days
    if poam.last_reviewed is None:
        facts.append(("Next review", "now: never reviewed"))
    else:
        due = poam.last_reviewed + timedelta(days=cadence)
        late = " (overdue)" if due < as_of else ""
        facts.append(("Next review", f"{due.isoformat()}{late}"))
    return tuple(facts)


def value_label(result: RequirementResult) -> str:
    requirement = result.requirement
    if requirement.points is None:
        return "none"
    return "3 or 5" if requirement.partial_credit else str(requirement.points)


def why_label(result: RequirementResult) -> str:
    why = BASIS[result.basis]
    if result.not_met_objectives:
        why += " (" + ", ".join(result.not_met_objectives) + ")"
    if result.state is not None and result.requirement.partial_credit is not None:
        why += f"; {result.requirement.partial_credit.field}: {result.state.value}"
    return why


def families(assessment: Assessment, catalog: Catalog) -> tuple[FamilyRow, ...]:
    grouped: dict[str, list[RequirementResult]] = defaultdict(list)
    for result in assessment.score.results:
        grouped[result.requirement.family].append(result)
    rows = []
    for code, results in grouped.items():
        rows.append(
            FamilyRow(
                code=code,
                name=catalog.families.get(code, code),
                requirements=len(results),
                not_met=sum(1 for r in results if not r.met),
                deducted=sum(r.deduction for r in results),
                possible=sum(r.requirement.max_deduction for r in results),
            )
        )
    return tuple(rows)


def deductions(assessment: Assessment) -> tuple[DeductionRow, ...]:
    poam = assessment.poam
    open_items = () if poam is None else poam.open_items
    rows = []
    for result in assessment.score.not_met:
        rows.append(
            DeductionRow(
                cmmc_id=result.requirement.cmmc_id,
                title=result.requirement.title,
                points=result.deduction,
                value=value_label(result),
                why=why_label(result),
                rule=result.rule,
                eligible=result.poam_eligible,
                entries=tuple(i.id for i in open_items if i.requirement == result.nist_id),
            )
        )
    rows.sort(key=lambda row: -row.points)  # stable: catalog order within equal points
    return tuple(rows)


def steps(plan: Plan) -> tuple[StepRow, ...]:
    return tuple(
        StepRow(
            index=index,
            phase=PHASE[step.phase],
            cmmc_id=step.result.requirement.cmmc_id,
            title=step.result.requirement.title,
            points=step.points,
            entries=tuple(item.id for item in step.items),
            due=step.due,
            score_after=step.score_after,
            verdict_after=step.verdict_after.label,
        )
        for index, step in enumerate(plan.steps, 1)
    )


def milestone_label(
    milestone: Milestone, state: MilestoneState, as_of: date, item: PoamItem | None = None
) -> str:
    """The state's words (``poam.core.labels``), with the day it was done or how late it is:
    "Overdue by 3 days", or "After the closeout deadline, overdue by 3 days" for a milestone
    both checks report."""
    words = MILESTONE_STATE[state]
    if state is MilestoneState.DONE and milestone.completed is not None:
        return f"{words} {milestone.completed.isoformat()}"
    if is_overdue(milestone, as_of, item):
        assert milestone.due is not None
        late = plural((as_of - milestone.due).days, "day")
        return (
            f"{words} by {late}"
            if state is MilestoneState.OVERDUE
            else f"{words}, overdue by {late}"
        )
    return words


def entry_ref(item: PoamItem) -> EntryRef:
    return EntryRef(item.id, anchor(item.id), ITEM_STATUS[item.status], item.is_open)


def entries(assessment: Assessment, catalog: Catalog) -> tuple[EntryView, ...]:
    poam = assessment.poam
    if poam is None:
        return ()
    deadline = assessment.verdict.closeout_deadline
    by_item: dict[str, list[Finding]] = defaultdict(list)
    for finding in assessment.findings:
        if finding.item:
            by_item[finding.item].append(finding)
    order = {
        ItemStatus.IN_PROGRESS: 0,
        ItemStatus.NOT_STARTED: 0,
        ItemStatus.COMPLETED_PENDING_VERIFICATION: 1,
        ItemStatus.CLOSED: 2,
    }
    views = []
    for item in sorted(poam.items, key=lambda i: order[i.status]):
        requirement = catalog.find(item.requirement)
        milestones = []
        for milestone in item.milestones:
            state = milestone_state(milestone, assessment.as_of, deadline, item)
            label = milestone_label(milestone, state, assessment.as_of, item)
            history = tuple(
                ChangeView(
                    changed=change.changed,
                    from_date=change.from_date,
                    to_date=change.to_date,
                    by=change.by,
                    justification=change.justification.strip(),
                    days=None
                    if change.from_date is None
                    else (change.to_date - change.from_date).days,
                )
                for change in milestone.history
            )
            milestones.append(
                MilestoneView(
                    milestone.title,
                    milestone.due,
                    milestone.completed,
                    state,
                    label,
                    is_overdue(milestone, assessment.as_of, item),
                    history,
                )
            )
        views.append(
            EntryView(
                id=item.id,
                anchor=anchor(item.id),
                requirement=requirement.cmmc_id if requirement else item.requirement,
                title=requirement.title if requirement else "not a Level 2 requirement",
                known=requirement is not None,
                status=item.status,
                status_label=ITEM_STATUS[item.status],
                is_open=item.is_open,
                owner=item.owner.strip(),
                gap=item.gap.strip(),
                remediation=tuple(step for step in item.remediation if step.strip()),
                objectives=item.objectives,
                created=item.created,
                updated=item.updated,
                identified_by=item.identified_by,
                resources=item.resources,
                comments=item.comments,
                milestones=tuple(milestones),
                evidence=tuple(e.title for e in item.evidence),
                findings=tuple(by_item.get(item.id, ())),
            )
        )
    return tuple(views)


def reconciliation(
    assessment: Assessment, catalog: Catalog
) -> tuple[tuple[GapRow, ...], tuple[ExtraRow, ...]]:
    """Each NOT MET requirement with its entries; each open entry for a MET (or unknown)
    requirement. The judgement is the core's findings, shown beside each row."""
    poam = assessment.poam
    items = () if poam is None else poam.items
    conditional = poam is not None and poam.kind is PoamKind.CONDITIONAL
    by_requirement: dict[str, list[PoamItem]] = defaultdict(list)
    for item in items:
        by_requirement[item.requirement].append(item)
    recon = [f for f in assessment.findings if f.code in RECONCILIATION_CODES]

    def related(nist_id: str | None, item_id: str | None = None) -> tuple[Finding, ...]:
        return tuple(
            f
            for f in recon
            if (item_id is None or f.item == item_id)
            and (nist_id is None or f.requirement == nist_id)
        )

    gaps = []
    for result in assessment.score.not_met:
        covering = by_requirement.get(result.nist_id, [])
        open_items = [item for item in covering if item.is_open]
        if not open_items:
            state = "uncovered"
        elif any(has_dated_milestone(item) for item in open_items):
            state = "covered"
        else:
            state = "undated"
        if result.nist_id == SSP_REQUIREMENT:
            state = "uncovered" if not open_items else state
        gaps.append(
            GapRow(
                cmmc_id=result.requirement.cmmc_id,
                title=result.requirement.title,
                points=result.deduction,
                why=why_label(result),
                entries=tuple(entry_ref(item) for item in covering),
                state=state,
                findings=related(result.nist_id),
            )
        )
    extras = []
    for item in items:
        if not item.is_open:
            continue
        requirement = catalog.find(item.requirement)
        if requirement is None:
            extras.append(
                ExtraRow(
                    entry_ref(item),
                    item.requirement,
                    "not a Level 2 requirement",
                    False,
                    related(None, item.id),
                )
            )
            continue
        result = assessment.score.result(requirement.nist_id)
        if not result.met:
            continue
        allowed = result.basis is Basis.TEMPORARY_DEFICIENCY and not conditional
        said = "MET: " + BASIS[result.basis]
        if allowed:
            said += " (this entry is its operational plan of action)"
        extras.append(
            ExtraRow(
                entry_ref(item),
                requirement.cmmc_id,
                said,
                allowed,
                related(requirement.nist_id, item.id),
            )
        )
    return tuple(gaps), tuple(extras)


def finding_groups(findings: tuple[Finding, ...]) -> tuple[FindingGroup, ...]:
    groups = []
    for severity in Severity:
        chosen = tuple(f for f in findings if f.severity is severity)
        if chosen:
            groups.append(FindingGroup(severity, SEVERITY_TITLE[severity], chosen))
    return tuple(groups)


def evidence_rows(
    assessment: Assessment, catalog: Catalog, store: EvidenceStore | None
) -> tuple[EvidenceRow, ...]:
    """Every evidence artifact of every entry, verified against the store when one is given."""
    poam = assessment.poam
    if poam is None:
        return ()
    rows = []
    for item in poam.items:
        known = catalog.find(item.requirement)
        requirement = known.cmmc_id if known else item.requirement
        for evidence in item.evidence:
            found = evidence_state(evidence, store)
            rows.append(
                EvidenceRow(
                    entry=entry_ref(item),
                    requirement=requirement,
                    title=evidence.title,
                    uri=evidence.uri.strip(),
                    date=evidence.date,
                    recorded=found.recorded,
                    actual=found.actual,
                    status=found.state,
                    status_label=EVIDENCE_STATE[found.state],
                )
            )
    return tuple(rows)
