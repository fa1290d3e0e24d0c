"""The one seam between database rows and the core model, in both directions.

Reading: :func:`load` (one system) and :func:`load_many` (a page of systems) fetch every row a
system's SSP and POA&Ms need in a fixed number of queries, whatever the amount of data, and
build the core ``Ssp`` and ``Poam`` objects that :func:`poam.core.assess.assess` takes.

Writing: :func:`replace_ssp` and :func:`replace_poam` store core objects (from an import or the
demo) as rows, logging what changed, so that a native file imported and exported again is
unchanged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace
from typing import Any

from django.db import transaction
from django.utils import timezone

from poam.core.model import (
    AssessmentType,
    ConditionalInfo,
    EncryptionState,
    ImplementationStatus,
    ItemStatus,
    MfaState,
    ObjectiveResult,
    PoamItem,
    PoamKind,
    RequirementRecord,
    Scope,
    Ssp,
    SspInfo,
    SystemInfo,
    TemporaryDeficiency,
    Thresholds,
    Waiver,
)
from poam.core.model import Evidence as CoreEvidence
from poam.core.model import Milestone as CoreMilestone
from poam.core.model import MilestoneChange as CoreChange
from poam.core.model import Poam as CorePoam
from poam.core.serialize import cmmc_from_data, cmmc_to_data
from poam.web.workbench import history
from poam.web.workbench.history import Actor
from poam.web.workbench.models import (
    Blob,
    Entry,
    Evidence,
    Milestone,
    MilestoneChange,
    Poam,
    System,
)
from poam.web.workbench.models import RequirementRecord as RecordRow
from poam.web.workbench.storage import DatabaseEvidenceStore, Stored

KIND_ORDER = (PoamKind.CONDITIONAL.value, PoamKind.INTERNAL.value)


# --- rows -> core ----------------------------------------------------------------------------


def record_from_row(row: Any) -> RequirementRecord:
    return RequirementRecord(
        requirement=row.requirement,
        status=ImplementationStatus(row.status),
        narrative=row.narrative,
        objectives={k: ObjectiveResult(v) for k, v in (row.objectives or {}).items()},
        mfa=MfaState(row.mfa) if row.mfa else None,
        encryption=EncryptionState(row.encryption) if row.encryption else None,
        enduring_exception=row.enduring_exception,
        temporary_deficiency=None
        if row.deficiency_plan is None
        else TemporaryDeficiency(row.deficiency_plan, row.deficiency_description),
        responsible=row.responsible,
    )


def ssp_from_rows(system: System, rows: Iterable[Any]) -> Ssp:
    return Ssp(
        system=SystemInfo(
            name=system.name,
            scope=Scope(system.scope),
            cage_codes=tuple(system.cage_codes or ()),
            organization=system.organization_label,
            description=system.description,
        ),
        info=SspInfo(
            system.ssp_version,
            system.ssp_date,
            update_cadence_days=system.ssp_update_cadence_days,
        ),
        requirements={row.requirement: record_from_row(row) for row in rows},
        unknown=tuple(system.unknown_requirements or ()),
        cmmc=cmmc_from_data(system.cmmc),
    )


def milestone_from_row(row: Any, changes: Iterable[Any]) -> CoreMilestone:
    return CoreMilestone(
        title=row.title,
        due=row.due,
        completed=row.completed,
        history=tuple(
            CoreChange(c.changed, c.from_date, c.to_date, c.by, c.justification) for c in changes
        ),
    )


def item_from_row(
    row: Any, milestones: Iterable[CoreMilestone], evidence: Iterable[Any]
) -> PoamItem:
    return PoamItem(
        id=row.item_id,
        requirement=row.requirement,
        gap=row.gap,
        remediation=tuple(row.remediation or ()),
        owner=row.owner,
        status=ItemStatus(row.status),
        objectives=tuple(row.objectives or ()),
        created=row.created,
        updated=row.updated,
        milestones=tuple(milestones),
        evidence=tuple(CoreEvidence(e.title, e.uri, e.sha256, e.date) for e in evidence),
        identified_by=row.identified_by,
        resources=row.resources,
        comments=row.comments,
    )


def poam_from_rows(row: Poam, items: Iterable[PoamItem]) -> CorePoam:
    conditional = None
    if row.conditional_assessment and row.conditional_status_date:
        conditional = ConditionalInfo(
            AssessmentType(row.conditional_assessment), row.conditional_status_date
        )
    return CorePoam(
        kind=PoamKind(row.kind),
        maintainer=row.maintainer,
        last_reviewed=row.last_reviewed,
        review_cadence_days=row.review_cadence_days,
        conditional=conditional,
        items=tuple(items),
        thresholds=Thresholds(**(row.thresholds or {})),
        ignore=tuple(row.ignore or ()),
        waivers=tuple(
            Waiver(
                code=w["code"],
                reason=w["reason"],
                requirement=w.get("requirement"),
                item=w.get("item"),
                by=w.get("by"),
                until=_date(w.get("until")),
            )
            for w in row.waivers or ()
        ),
    )


def _date(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(str(value))


@dataclass
class Snapshot:
    """One system as the core sees it, plus the rows the pages need to link and edit."""

    system: System
    ssp: Ssp
    poams: dict[str, CorePoam]
    poam_rows: dict[str, Poam]
    records: dict[str, Any]
    entries: list[Any]
    """Live entries, each with ``.milestone_rows`` and ``.evidence_rows`` attached."""
    evidence: DatabaseEvidenceStore
    entry_pk: dict[tuple[str, str], int] = field(default_factory=dict)
    """(POA&M kind, entry id) -> the entry's primary key, to link findings to their page."""

    @property
    def primary_kind(self) -> str | None:
        """The POA&M the verdict is about: the Conditional one when there is one."""
        return next((kind for kind in KIND_ORDER if kind in self.poams), None)

    def poam(self, kind: str | None = None) -> CorePoam | None:
        kind = kind or self.primary_kind
        return None if kind is None else self.poams.get(kind)

    def entries_of(self, kind: str) -> list[Any]:
        row = self.poam_rows.get(kind)
        return [] if row is None else [e for e in self.entries if e.poam_id == row.pk]


def _group(rows: Iterable[Any], key: str) -> dict[Any, list[Any]]:
    grouped: dict[Any, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, key)].append(row)
    return grouped


class Row(SimpleNamespace):
    """A read-only row of the snapshot: plain attributes, ``pk`` as Django models have it.

    Pages and the API only read these; building them from ``values()`` instead of model
    instances halves the time to load a system.
    """

    @property
    def pk(self) -> Any:
        return self.id


class UserRow(Row):
    def get_username(self) -> str:
        return str(self.username)

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


def _rows(queryset: Any, *fields: str) -> list[Row]:
    names = [
        f.name if f.concrete and not f.is_relation else f.attname
        for f in queryset.model._meta.concrete_fields
    ]
    return [Row(**values) for values in queryset.values(*names, *fields)]


IDS_PER_QUERY = 10_000
"""Ids bound in one ``IN (...)`` at most: PostgreSQL takes 65,535 parameters a query, SQLite
32,766; a larger portfolio is read in several queries, never refused."""


def _rows_of(queryset: Any, field: str, ids: list[int], *fields: str) -> list[Row]:
    """The rows of ``queryset`` whose ``field`` is one of ``ids``; each query takes a slice of
    the ids, so the rows of one owner stay together and in the queryset's order."""
    rows: list[Row] = []
    for start in range(0, len(ids), IDS_PER_QUERY):
        chunk = ids[start : start + IDS_PER_QUERY]
        rows += _rows(queryset.filter(**{f"{field}__in": chunk}), *fields)
    return rows


def _entry_rows(ids: list[int]) -> list[Row]:
    rows = _rows(
        Entry.objects.filter(poam__system_id__in=ids, deleted_at__isnull=True).order_by(
            "poam_id", "position", "id"
        ),
        "poam__kind",
        "poam__system_id",
        "assignee__username",
        "assignee__first_name",
        "assignee__last_name",
    )
    for row in rows:
        values = vars(row)
        row.poam = Row(
            id=row.poam_id, kind=values.pop("poam__kind"), system_id=values.pop("poam__system_id")
        )
        username = values.pop("assignee__username")
        first, last = values.pop("assignee__first_name"), values.pop("assignee__last_name")
        row.assignee = (
            None
            if username is None
            else UserRow(
                id=row.assignee_id, username=username, first_name=first or "", last_name=last or ""
            )
        )
    return rows


def load_many(systems: Iterable[System]) -> dict[int, Snapshot]:
    """Snapshots of several systems in six queries (more only past ``IDS_PER_QUERY`` entries or
    milestones), whatever their number."""
    by_pk = {system.pk: system for system in systems}
    if not by_pk:
        return {}
    ids = list(by_pk)
    records = _group(_rows(RecordRow.objects.filter(system_id__in=ids)), "system_id")
    poams = _group(Poam.objects.filter(system_id__in=ids), "system_id")
    entries = _entry_rows(ids)
    # by the ids just read (index lookups, no joins)
    entry_ids = [entry.id for entry in entries]
    milestone_rows = _rows_of(
        Milestone.objects.filter(deleted_at__isnull=True).order_by("entry_id", "position", "id"),
        "entry_id",
        entry_ids,
    )
    milestones = _group(milestone_rows, "entry_id")
    changes = _group(
        _rows_of(
            MilestoneChange.objects.order_by("milestone_id", "position", "id"),
            "milestone_id",
            [m.id for m in milestone_rows],
        ),
        "milestone_id",
    )
    evidence_rows = _rows_of(
        Evidence.objects.filter(deleted_at__isnull=True).order_by("entry_id", "position", "id"),
        "entry_id",
        entry_ids,
        "blob__size",
    )
    for row in evidence_rows:
        size = vars(row).pop("blob__size")
        row.blob = None if row.blob_id is None else Row(id=row.blob_id, size=size)
    evidence = _group(evidence_rows, "entry_id")
    entries_by_system: dict[int, list[Row]] = defaultdict(list)
    for entry in entries:
        entry.milestone_rows = milestones.get(entry.pk, [])
        entry.evidence_rows = evidence.get(entry.pk, [])
        entries_by_system[entry.poam.system_id].append(entry)

    snapshots = {}
    for pk, system in by_pk.items():
        rows = sorted(records.get(pk, []), key=lambda r: _nist_key(r.requirement))
        system_entries = entries_by_system.get(pk, [])
        files = {
            e.uri: e.blob_id
            for entry in system_entries
            for e in entry.evidence_rows
            if e.blob_id and e.uri
        }
        core_poams: dict[str, CorePoam] = {}
        poam_rows = {row.kind: row for row in poams.get(pk, [])}
        entry_pk: dict[tuple[str, str], int] = {}
        for kind, row in poam_rows.items():
            items = []
            for entry in system_entries:
                if entry.poam_id != row.pk:
                    continue
                entry_pk.setdefault((kind, entry.item_id), entry.pk)
                core_milestones = []
                for m in entry.milestone_rows:
                    m.change_rows = changes.get(m.pk, [])
                    core_milestones.append(milestone_from_row(m, m.change_rows))
                items.append(item_from_row(entry, core_milestones, entry.evidence_rows))
            core_poams[kind] = poam_from_rows(row, items)
        snapshots[pk] = Snapshot(
            system=system,
            ssp=ssp_from_rows(system, rows),
            poams=core_poams,
            poam_rows=poam_rows,
            records={row.requirement: row for row in rows},
            entries=system_entries,
            evidence=DatabaseEvidenceStore(files),
            entry_pk=entry_pk,
        )
    return snapshots


def load(system: System) -> Snapshot:
    return load_many([system])[system.pk]


def _nist_key(nist_id: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in nist_id.split("."))
    except ValueError:
        return (999,)


# --- core -> rows ----------------------------------------------------------------------------


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
        "cmmc": cmmc_to_data(ssp.cmmc),
        "unknown_requirements": list(ssp.unknown),
    }


def poam_values(poam: CorePoam) -> dict[str, Any]:
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


def replace_ssp(actor: Actor, system: System, ssp: Ssp, *, reason: str = "import") -> None:
    """Make the system's SSP equal to ``ssp``: header and every requirement record."""
    batch = history.new_batch()
    with transaction.atomic():
        header = system_values(ssp)
        changes = history.diff(system, header)
        if changes:
            for name, _old, new in changes:
                setattr(system, name, new)
            system.version += 1
            system.save()
            history.record(
                actor,
                system=system,
                object_type="system",
                object_id=system.pk,
                label=system.name,
                action="update",
                changes=changes,
                reason=reason,
                batch=batch,
            )
        existing = {row.requirement: row for row in RecordRow.objects.filter(system=system)}
        created = []
        for nist_id, record in ssp.requirements.items():
            values = record_values(record)
            row = existing.pop(nist_id, None)
            if row is None:
                created.append(RecordRow(system=system, requirement=nist_id, **values))
                continue
            row_changes = history.diff(row, values)
            if row_changes:
                for name, _old, new in row_changes:
                    setattr(row, name, new)
                row.version += 1
                row.save()
                history.record(
                    actor,
                    system=system,
                    object_type="requirement",
                    object_id=row.pk,
                    label=nist_id,
                    action="update",
                    changes=row_changes,
                    reason=reason,
                    batch=batch,
                )
        for row in RecordRow.objects.bulk_create(created):
            history.record(
                actor,
                system=system,
                object_type="requirement",
                object_id=row.pk,
                label=row.requirement,
                action="create",
                changes=[("status", None, row.status)],
                reason=reason,
                batch=batch,
            )
        for nist_id, row in existing.items():  # not in the imported SSP: back to unassessed
            history.record(
                actor,
                system=system,
                object_type="requirement",
                object_id=row.pk,
                label=nist_id,
                action="delete",
                changes=[(k, getattr(row, k), None) for k in ("status", "narrative")],
                reason=reason,
                batch=batch,
            )
            row.delete()
        history.bump(system)


def create_children(
    pairs: Iterable[tuple[Entry, PoamItem]],
    files: Mapping[str, Stored] | None = None,
    uploaded_by: Any = None,
) -> None:
    """Store the milestones (with their history) and the evidence of entries just created, in
    three bulk inserts whatever their number; ``files`` maps an evidence URI to the stored file
    that backs it."""
    files = files or {}
    milestone_rows: list[tuple[Milestone, CoreMilestone]] = []
    evidence_rows = []
    for entry, item in pairs:
        for m_index, milestone in enumerate(item.milestones):
            milestone_rows.append(
                (
                    Milestone(
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
                Evidence(
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
    created_milestones = Milestone.objects.bulk_create(m for m, _ in milestone_rows)
    MilestoneChange.objects.bulk_create(
        MilestoneChange(
            milestone=m_row,
            position=h_index,
            changed=change.changed,
            from_date=change.from_date,
            to_date=change.to_date,
            by=change.by,
            justification=change.justification,
        )
        for m_row, (_, core) in zip(created_milestones, milestone_rows, strict=True)
        for h_index, change in enumerate(core.history)
    )
    Evidence.objects.bulk_create(evidence_rows)


def replace_poam(
    actor: Actor,
    system: System,
    poam: CorePoam,
    *,
    files: Mapping[str, Stored] | None = None,
    reason: str = "import",
) -> Poam:
    """Make the system's POA&M of ``poam.kind`` equal to ``poam``.

    The entries it had are kept, marked deleted (with a change-log row each); ``files`` maps an
    evidence URI to the stored file that backs it.
    """
    batch = history.new_batch()
    now = timezone.now()
    with transaction.atomic():
        row, made = Poam.objects.get_or_create(system=system, kind=poam.kind.value)
        head = poam_values(poam)
        head_changes = history.diff(row, head)
        if head_changes:
            for name, _old, new in head_changes:
                setattr(row, name, new)
            row.version += 1
            row.save()
        history.record(
            actor,
            system=system,
            object_type="poam",
            object_id=row.pk,
            label=f"{row.kind} POA&M",
            action="create" if made else "update",
            changes=head_changes,
            reason=reason,
            batch=batch,
        )
        old = list(Entry.objects.filter(poam=row, deleted_at__isnull=True))
        if old:
            Entry.objects.filter(pk__in=[e.pk for e in old]).update(deleted_at=now)
            for entry in old:
                history.record(
                    actor,
                    system=system,
                    object_type="entry",
                    object_id=entry.pk,
                    label=entry.item_id,
                    action="delete",
                    reason=reason,
                    batch=batch,
                    at=now,
                )
        entries = Entry.objects.bulk_create(
            Entry(poam=row, position=index, **entry_values(item))
            for index, item in enumerate(poam.items)
        )
        create_children(zip(entries, poam.items, strict=True), files, actor.user)
        for entry in entries:
            history.record(
                actor,
                system=system,
                object_type="entry",
                object_id=entry.pk,
                label=entry.item_id,
                action="create",
                changes=[("status", None, entry.status)],
                reason=reason,
                batch=batch,
            )
        history.bump(system)
    return row
