"""The write half of the seam: the core's ``Ssp`` and ``Poam`` -> database rows.

:func:`replace_ssp` and :func:`replace_poam` store core objects (an import, the demo) as rows
inside a unit of work, which logs what changed and bumps the system's revision; a native file
imported and exported again is unchanged. The ``*_values`` functions are the one mapping of a
core object's fields to a row's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from poam.core.model import Milestone, Poam, PoamItem, RequirementRecord, Ssp, Thresholds
from poam.core.serialize import cmmc_to_data
from poam.web.workbench.history import UnitOfWork, diff
from poam.web.workbench.models import (
    Blob,
    DueDateMove,
    Entry,
    EntryEvidence,
    EntryMilestone,
    ObjectType,
    PoamDocument,
    SspRequirement,
    System,
)
from poam.web.workbench.storage import Stored


def record_values(record: RequirementRecord) -> dict[str, Any]:
    """The row fields of a core requirement record."""
    deficiency = record.temporary_deficiency
    return {
        "status": record.status.value,
        "narrative": record.narrative,
        "objectives": {k: v.value for k, v in record.objectives.items()},
        "mfa": record.mfa.value if record.mfa else None,
        "encryption": record.encryption.value if record.encryption else None,
        "enduring_exception": record.enduring_exception,
        "deficiency_plan": None if deficiency is None else deficiency.plan,
        "deficiency_description": "" if deficiency is None else deficiency.description,
        "responsible": record.responsible,
    }


def system_values(ssp: Ssp) -> dict[str, Any]:
    return {
        "name": ssp.system.name,
        "scope": ssp.system.scope.value,
        "cage_codes": list(ssp.system.cage_codes),
        "organization_label": ssp.system.organization,
        "description": ssp.system.description,
        "ssp_version": ssp.info.version,
        "ssp_date": ssp.info.date,
        "ssp_update_cadence_days": ssp.info.update_cadence_days,
        "ssp_changed_on": ssp.info.last_changed,
        "cmmc": cmmc_to_data(ssp.cmmc),
        "unknown_requirements": list(ssp.unknown),
    }


def poam_values(poam: Poam) -> dict[str, Any]:
    defaults = Thresholds()
    return {
        "maintainer": poam.maintainer,
        "last_reviewed": poam.last_reviewed,
        "review_cadence_days": poam.review_cadence_days,
        "conditional_assessment": poam.conditional.assessment.value if poam.conditional else None,
        "conditional_status_date": poam.conditional.status_date if poam.conditional else None,
        "thresholds": {
            name: getattr(poam.thresholds, name)
            for name in Thresholds.__dataclass_fields__
            if getattr(poam.thresholds, name) != getattr(defaults, name)
        },
        "ignore": list(poam.ignore),
        "waivers": [
            {
                key: value
                for key, value in {
                    "code": w.code,
                    "reason": w.reason,
                    "requirement": w.requirement,
                    "item": w.item,
                    "by": w.by,
                    "until": w.until.isoformat() if w.until else None,
                }.items()
                if value is not None
            }
            for w in poam.waivers
        ],
    }


def entry_values(item: PoamItem) -> dict[str, Any]:
    return {
        "item_id": item.id,
        "requirement": item.requirement,
        "gap": item.gap,
        "remediation": list(item.remediation),
        "owner": item.owner,
        "status": item.status.value,
        "objectives": list(item.objectives),
        "created": item.created,
        "updated": item.updated,
        "identified_by": item.identified_by,
        "resources": item.resources,
        "comments": item.comments,
    }


def replace_ssp(work: UnitOfWork, system: System, ssp: Ssp) -> None:
    """Make the system's SSP equal to ``ssp``: header and every requirement record."""
    header = system_values(ssp)
    changes = diff(system, header)
    if changes:
        for name, _old, new in changes:
            setattr(system, name, new)
        system.version += 1
        # only these columns: the revision is the unit of work's to bump
        system.save(update_fields=[name for name, _old, _new in changes] + ["version"])
        work.record(ObjectType.SYSTEM, system.pk, system.name, "update", changes, system=system)
    existing = {row.requirement: row for row in SspRequirement.objects.filter(system=system)}
    created = []
    for nist_id, record in ssp.requirements.items():
        values = record_values(record)
        row = existing.pop(nist_id, None)
        if row is None:
            created.append(SspRequirement(system=system, requirement=nist_id, **values))
            continue
        row_changes = diff(row, values)
        if row_changes:
            for name, _old, new in row_changes:
                setattr(row, name, new)
            row.version += 1
            row.save(update_fields=[name for name, _old, _new in row_changes] + ["version"])
            work.record(
                ObjectType.REQUIREMENT, row.pk, nist_id, "update", row_changes, system=system
            )
    for row in SspRequirement.objects.bulk_create(created):
        work.record(
            ObjectType.REQUIREMENT,
            row.pk,
            row.requirement,
            "create",
            [("status", None, row.status)],
            system=system,
        )
    for nist_id, row in existing.items():  # not in the imported SSP: back to unassessed
        work.record(
            ObjectType.REQUIREMENT,
            row.pk,
            nist_id,
            "delete",
            [(k, getattr(row, k), None) for k in ("status", "narrative")],
            system=system,
        )
        row.delete()


def create_children(
    pairs: Iterable[tuple[Entry, PoamItem]],
    files: Mapping[str, Stored] | None = None,
    uploaded_by: Any = None,
) -> None:
    """Store the milestones (with their date moves) and the evidence of entries just created,
    in four bulk inserts whatever their number; ``files`` maps an evidence URI to the stored
    file that backs it. Called inside a unit of work (or by the benchmark's generator)."""
    files = files or {}
    milestone_rows: list[tuple[EntryMilestone, Milestone]] = []
    evidence_rows = []
    for entry, item in pairs:
        for m_index, milestone in enumerate(item.milestones):
            milestone_rows.append(
                (
                    EntryMilestone(
                        entry=entry,
                        position=m_index,
                        title=milestone.title,
                        due=milestone.due,
                        completed=milestone.completed,
                    ),
                    milestone,
                )
            )
        for e_index, evidence in enumerate(item.evidence):
            stored = files.get(evidence.uri)
            evidence_rows.append(
                EntryEvidence(
                    entry=entry,
                    position=e_index,
                    title=evidence.title,
                    uri=evidence.uri,
                    sha256=evidence.sha256,
                    date=evidence.date,
                    blob_id=stored.sha256 if stored else None,
                    filename=evidence.uri.rsplit("/", 1)[-1] if stored else None,
                    uploaded_by=uploaded_by if stored else None,
                )
            )
    used = {e.blob_id for e in evidence_rows if e.blob_id}
    Blob.objects.bulk_create(
        [Blob(sha256=s.sha256, size=s.size) for s in files.values() if s.sha256 in used],
        ignore_conflicts=True,
    )
    created_milestones = EntryMilestone.objects.bulk_create(m for m, _ in milestone_rows)
    DueDateMove.objects.bulk_create(
        DueDateMove(
            milestone=m_row,
            position=h_index,
            changed=move.changed,
            from_date=move.from_date,
            to_date=move.to_date,
            by=move.by,
            justification=move.justification,
        )
        for m_row, (_, core) in zip(created_milestones, milestone_rows, strict=True)
        for h_index, move in enumerate(core.history)
    )
    EntryEvidence.objects.bulk_create(evidence_rows)


def replace_poam(
    work: UnitOfWork,
    system: System,
    poam: Poam,
    *,
    files: Mapping[str, Stored] | None = None,
) -> PoamDocument:
    """Make the system's POA&M of ``poam.kind`` equal to ``poam``.

    The entries it had are kept, marked removed (with a change-log row each); ``files`` maps an
    evidence URI to the stored file that backs it.
    """
    row, made = PoamDocument.objects.get_or_create(system=system, kind=poam.kind.value)
    head = poam_values(poam)
    head_changes = diff(row, head)
    if head_changes:
        for name, _old, new in head_changes:
            setattr(row, name, new)
        row.version += 1
        row.save(update_fields=[name for name, _old, _new in head_changes] + ["version"])
    work.record(
        ObjectType.POAM,
        row.pk,
        f"{row.kind} POA&M",
        "create" if made else "update",
        head_changes,
        system=system,
    )
    old = list(Entry.objects.filter(poam=row, deleted_at__isnull=True))
    if old:
        Entry.objects.filter(pk__in=[e.pk for e in old]).update(deleted_at=work.at)
        for entry in old:
            work.record(ObjectType.ENTRY, entry.pk, entry.item_id, "delete", system=system)
    entries = Entry.objects.bulk_create(
        Entry(poam=row, position=index, **entry_values(item))
        for index, item in enumerate(poam.items)
    )
    create_children(zip(entries, poam.items, strict=True), files, work.actor.user)
    for entry in entries:
        work.record(
            ObjectType.ENTRY,
            entry.pk,
            entry.item_id,
            "create",
            [("status", None, entry.status)],
            system=system,
        )
    return row
