"""Small builders of core objects for tests that do not need a file."""

from __future__ import annotations

from datetime import date
from typing import Any

from poam.core.catalog import load_catalog
from poam.core.model import (
    AssessmentType,
    ConditionalInfo,
    ImplementationStatus,
    ItemStatus,
    Milestone,
    Poam,
    PoamItem,
    PoamKind,
    RequirementRecord,
    Scope,
    Ssp,
    SspInfo,
    SystemInfo,
)


def record(nist_id: str, status: ImplementationStatus, **kwargs: Any) -> RequirementRecord:
    kwargs.setdefault("narrative", "As documented.")
    return RequirementRecord(requirement=nist_id, status=status, **kwargs)


def make_ssp(records: dict[str, RequirementRecord]) -> Ssp:
    return Ssp(
        SystemInfo("Test", Scope.ENCLAVE, ("1ABC2",)), SspInfo("1", date(2026, 1, 1)), records
    )


def all_implemented(**overrides: RequirementRecord) -> Ssp:
    records = {
        req.nist_id: record(req.nist_id, ImplementationStatus.IMPLEMENTED)
        for req in load_catalog().requirements
    }
    records.update(overrides)
    return make_ssp(records)


def not_met(*nist_ids: str, **overrides: RequirementRecord) -> Ssp:
    """An SSP where the given requirements are planned and the rest implemented."""
    planned = {n: record(n, ImplementationStatus.PLANNED) for n in nist_ids}
    return all_implemented(**planned, **overrides)


def item(
    item_id: str,
    requirement: str,
    due: date | None = date(2026, 6, 1),
    status: ItemStatus = ItemStatus.IN_PROGRESS,
) -> PoamItem:
    milestones = (Milestone("Done", due),) if due else ()
    return PoamItem(
        id=item_id,
        requirement=requirement,
        gap="g",
        remediation=("r",),
        owner="Jane Doe, ISSO",
        status=status,
        milestones=milestones,
    )


def conditional(
    status_date: date, *items: PoamItem, assessment: AssessmentType = AssessmentType.C3PAO
) -> Poam:
    return Poam(
        kind=PoamKind.CONDITIONAL,
        maintainer="Jane Doe, ISSO",
        conditional=ConditionalInfo(assessment, status_date),
        items=items,
    )


def internal(*items: PoamItem) -> Poam:
    return Poam(kind=PoamKind.INTERNAL, maintainer="Jane Doe, ISSO", items=items)
