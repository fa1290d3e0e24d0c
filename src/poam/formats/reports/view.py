"""What the assessor report shows, as plain values computed once from core objects.

The templates only lay these values out; every score, verdict, finding and date comes from the
core (``assess``, ``plan``, ``conditional_reasons``), so that the report cannot disagree with
``poam check``. What is derived here is presentation: labels, groupings, display states.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from poam.core.assess import Assessment
from poam.core.catalog import Catalog
from poam.core.checks.base import EvidenceStore, Finding, Severity
from poam.core.model import ItemStatus, Milestone, PoamItem, PoamKind
from poam.core.plan import Phase, Plan
from poam.core.scoring import SSP_REQUIREMENT, Basis, RequirementResult
from poam.core.verdict import CLOSEOUT_DAYS, Reason, Verdict, conditional_reasons

STATUS_LABEL = {
    ItemStatus.NOT_STARTED: "Not started",
    ItemStatus.IN_PROGRESS: "In progress",
    ItemStatus.COMPLETED_PENDING_VERIFICATION: "Completed, pending verification",
    ItemStatus.CLOSED: "Closed",
}
BASIS_LABEL = {
    Basis.IMPLEMENTED: "implemented",
    Basis.OBJECTIVES_MET: "all objectives met",
    Basis.NOT_APPLICABLE: "not applicable",
    Basis.ENDURING_EXCEPTION: "enduring exception",
    Basis.TEMPORARY_DEFICIENCY: "temporary deficiency",
    Basis.OBJECTIVES_NOT_MET: "objectives not met",
    Basis.PARTIAL_STATE: "partial-credit state",
    Basis.PARTIALLY_IMPLEMENTED: "partially implemented",
    Basis.PLANNED: "planned",
    Basis.NOT_IMPLEMENTED: "not implemented",
    Basis.NOT_ASSESSED: "not addressed in the SSP",
}
PHASE_LABEL = {
    Phase.BLOCKS_CONDITIONAL: "Blocks Conditional",
    Phase.REACH_88: "Reach 88",
    Phase.REST: "Then",
}
SEVERITY_TITLE = {Severity.ERROR: "Errors", Severity.WARNING: "Warnings", Severity.INFO: "Notes"}
RECONCILIATION_CODES = frozenset(
    {
        "ssp-gap-without-poam",
        "poam-contradicts-ssp",
        "unknown-requirement",
        "must-be-met-before-assessment",
        "ineligible-on-conditional-poam",
        "entry-without-milestone",
    }
)
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
    verdict: Verdict
    label: str
    tone: str
    reasons: tuple[ReasonView, ...]


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
    open_entries: int


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
    state: str
    """done, open, overdue, late (on or after the closeout deadline), undated."""
    state_label: str
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
    status: str
    """matches, mismatch, missing, no-hash, not-local, not-checked, no-location."""
    status_label: str


EVIDENCE_LABEL = {
    "matches": "Matches",
    "mismatch": "Mismatch",
    "missing": "Missing",
    "no-hash": "No recorded hash",
    "not-local": "Not local",
    "not-checked": "Not checked",
    "no-location": "No location",
}


def anchor(item_id: str) -> str:
    """A fragment id for an entry; safe whatever the entry id holds."""
    return "entry-" + "".join(c if c.isalnum() or c in "-_" else f"_{ord(c):x}" for c in item_id)


def reasons_view(assessment: Assessment) -> VerdictView:
    """Each cited reason; for "no status", the conditions that hold are shown beside those that
    fail (both from ``conditional_reasons``)."""
    verdict = assessment.verdict
    catalog_ids = {r.nist_id: r.requirement.cmmc_id for r in assessment.score.results}

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

    kind = verdict.verdict
    if kind is Verdict.NONE:
        held, failed = conditional_reasons(assessment.score)
        reasons = view(False, failed) + view(True, held)
    else:
        reasons = view(kind in (Verdict.FINAL, Verdict.CONDITIONAL), verdict.reasons)
    return VerdictView(kind, kind.label, VERDICT_TONE[kind], tuple(reasons))


def closeout_view(assessment: Assessment) -> CloseoutView | None:
    poam, verdict = assessment.poam, assessment.verdict
    if (
        poam is None
        or poam.conditional is None
        or verdict.closeout_deadline is None
        or verdict.days_left is None
    ):
        return None
    day = (assessment.as_of - poam.conditional.status_date).days
    days_left = verdict.days_left
    if days_left < 0:
        tone = "bad"
    elif days_left <= poam.thresholds.closeout_warning_days:
        tone = "warn"
    else:
        tone = "good"
    return CloseoutView(
        status_date=poam.conditional.status_date,
        deadline=verdict.closeout_deadline,
        days_left=days_left,
        day=day,
        percent=max(0.0, min(100.0, 100.0 * day / CLOSEOUT_DAYS)),
        tone=tone,
        assessment="C3PAO" if poam.conditional.assessment.value == "c3pao" else "self",
        open_entries=len(poam.open_items),
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
    overdue = [m for m, _ in open_milestones if m.due is not None and m.due < as_of]
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
    why = BASIS_LABEL[result.basis]
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
            phase=PHASE_LABEL[step.phase],
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


def milestone_state(milestone: Milestone, as_of: date, deadline: date | None) -> tuple[str, str]:
    """The display state of a milestone. "late" mirrors the check
    milestone-after-closeout-deadline: on or after the deadline is too late (170.21(b))."""
    if milestone.completed is not None:
        return "done", f"Done {milestone.completed.isoformat()}"
    if milestone.due is None:
        return "undated", "No date"
    if deadline is not None and milestone.due >= deadline:
        return "late", "After the closeout deadline"
    if milestone.due < as_of:
        days = (as_of - milestone.due).days
        return "overdue", f"Overdue by {plural(days, 'day')}"
    return "open", "Open"


def entry_ref(item: PoamItem) -> EntryRef:
    return EntryRef(item.id, anchor(item.id), STATUS_LABEL[item.status], item.is_open)


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
            state, label = milestone_state(milestone, assessment.as_of, deadline)
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
                    milestone.title, milestone.due, milestone.completed, state, label, history
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
                status_label=STATUS_LABEL[item.status],
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
        elif any(m.due is not None for item in open_items for m in item.milestones):
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
        said = "MET: " + BASIS_LABEL[result.basis]
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
            recorded = (evidence.sha256 or "").strip().lower() or None
            actual = None
            uri = evidence.uri.strip()
            if not uri:
                status = "no-location"
            elif store is None:
                status = "not-checked"
            else:
                local = store.locate(uri)
                if local is None:
                    status = "not-local"
                elif not local.exists:
                    status = "missing"
                else:
                    actual = local.sha256
                    if recorded is None:
                        status = "no-hash"
                    else:
                        status = "matches" if actual == recorded else "mismatch"
            rows.append(
                EvidenceRow(
                    entry=entry_ref(item),
                    requirement=requirement,
                    title=evidence.title,
                    uri=uri,
                    date=evidence.date,
                    recorded=recorded,
                    actual=actual,
                    status=status,
                    status_label=EVIDENCE_LABEL[status],
                )
            )
    return tuple(rows)
