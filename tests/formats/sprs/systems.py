"""Small systems built in memory for the SPRS and report tests: every requirement implemented,
then changed where a test says so."""

from __future__ import annotations

from datetime import date

from poam.core.catalog import load_catalog
from poam.core.model import (
    AssessmentType,
    ConditionalInfo,
    Evidence,
    ImplementationStatus,
    ItemStatus,
    Milestone,
    MilestoneChange,
    Poam,
    PoamItem,
    PoamKind,
    RequirementRecord,
    Scope,
    Ssp,
    SspInfo,
    SystemInfo,
)

AS_OF = date(2026, 11, 30)
GAP = "Audit logs of the file server are not reviewed weekly, so failed logons go unnoticed."
STEPS = ("Write the weekly review procedure AU-PR-01 and assign it to the IT Manager by name",)


def record(
    nist_id: str, status: ImplementationStatus = ImplementationStatus.IMPLEMENTED, **fields: object
) -> RequirementRecord:
    return RequirementRecord(nist_id, status, narrative=f"How {nist_id} is met.", **fields)  # type: ignore[arg-type]


def ssp(
    *changed: RequirementRecord,
    cage: tuple[str, ...] = ("1ABC2",),
    name: str = "Test Enclave",
    missing: tuple[str, ...] = (),
) -> Ssp:
    """An SSP with every requirement implemented except ``changed``; ``missing`` are left out."""
    records = {req.nist_id: record(req.nist_id) for req in load_catalog().requirements}
    for nist_id in missing:
        del records[nist_id]
    for item in changed:
        records[item.requirement] = item
    return Ssp(
        system=SystemInfo(name, Scope.ENCLAVE, cage, organization="Test Parts, LLC"),
        info=SspInfo("2026.1", date(2026, 9, 30)),
        requirements=records,
    )


def item(
    item_id: str,
    requirement: str,
    *dues: date | None,
    status: ItemStatus = ItemStatus.IN_PROGRESS,
    done: tuple[date, ...] = (),
    evidence: tuple[Evidence, ...] = (),
    history: tuple[MilestoneChange, ...] = (),
    **fields: object,
) -> PoamItem:
    """An entry with one open milestone per due date (the first one carries ``history``), and
    one completed milestone per ``done`` date."""
    milestones = [
        Milestone(f"Step {n}", due=due, history=history if n == 1 else ())
        for n, due in enumerate(dues, 1)
    ]
    milestones += [Milestone(f"Done {n}", due=day, completed=day) for n, day in enumerate(done, 1)]
    values: dict[str, object] = {
        "gap": GAP,
        "remediation": STEPS,
        "owner": "Jane Doe, IT Manager",
        "status": status,
        "created": date(2026, 6, 20),
        "updated": date(2026, 11, 1),
        "milestones": tuple(milestones),
        "evidence": evidence,
    }
    values.update(fields)
    return PoamItem(id=item_id, requirement=requirement, **values)  # type: ignore[arg-type]


def internal(*items: PoamItem) -> Poam:
    return Poam(
        kind=PoamKind.INTERNAL,
        maintainer="Jane Doe, IT Manager",
        last_reviewed=date(2026, 11, 1),
        review_cadence_days=90,
        items=items,
    )


def conditional(*items: PoamItem, status_date: date = date(2026, 6, 20)) -> Poam:
    return Poam(
        kind=PoamKind.CONDITIONAL,
        maintainer="Jane Doe, IT Manager",
        last_reviewed=date(2026, 11, 1),
        review_cadence_days=60,
        conditional=ConditionalInfo(AssessmentType.SELF, status_date),
        items=items,
    )
