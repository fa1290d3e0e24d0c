"""The read half of the seam: database rows -> the core's ``Ssp`` and ``Poam``.

:func:`load` (one system) and :func:`load_many` (a page of systems) fetch every row a system's
SSP and POA&Ms need in a fixed number of queries, whatever the amount of data, as frozen records
(:mod:`.rows`), and :func:`snapshot` builds from them the core objects that
:func:`poam.core.assess.assess` takes. The snapshot cache rebuilds snapshots from the same
records through the same function, so there is one mapping from rows to the core.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet

from poam.core.model import (
    AssessmentType,
    ConditionalInfo,
    EncryptionState,
    Evidence,
    ImplementationStatus,
    ItemStatus,
    MfaState,
    Milestone,
    MilestoneChange,
    ObjectiveResult,
    Poam,
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
from poam.core.serialize import cmmc_from_data
from poam.web.workbench.models import (
    DueDateMove,
    Entry,
    EntryEvidence,
    EntryMilestone,
    PoamDocument,
    SspRequirement,
    System,
)
from poam.web.workbench.seam.rows import (
    EntryRow,
    EvidenceRow,
    MilestoneRow,
    MoveRow,
    PersonRow,
    PoamRow,
    RecordRow,
    build,
)
from poam.web.workbench.storage import DatabaseEvidenceStore

KIND_ORDER = (PoamKind.CONDITIONAL.value, PoamKind.INTERNAL.value)
"""The POA&M a system's verdict is about: the Conditional one when there is one."""


# --- records -> core -------------------------------------------------------------------------


def requirement_record(row: RecordRow) -> RequirementRecord:
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


def ssp_of(system: System, rows: Iterable[RecordRow]) -> Ssp:
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
            last_changed=system.ssp_changed_on,
        ),
        requirements={row.requirement: requirement_record(row) for row in rows},
        unknown=tuple(system.unknown_requirements or ()),
        cmmc=cmmc_from_data(system.cmmc),
    )


def milestone(row: MilestoneRow) -> Milestone:
    return Milestone(
        title=row.title,
        due=row.due,
        completed=row.completed,
        history=tuple(
            MilestoneChange(m.changed, m.from_date, m.to_date, m.by, m.justification)
            for m in row.moves
        ),
    )


def item(row: EntryRow) -> PoamItem:
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
        milestones=tuple(milestone(m) for m in row.milestones),
        evidence=tuple(Evidence(e.title, e.uri, e.sha256, e.date) for e in row.evidence),
        identified_by=row.identified_by,
        resources=row.resources,
        comments=row.comments,
    )


def poam_of(row: PoamRow, items: Iterable[PoamItem]) -> Poam:
    conditional = None
    if row.conditional_assessment and row.conditional_status_date:
        conditional = ConditionalInfo(
            AssessmentType(row.conditional_assessment), row.conditional_status_date
        )
    return Poam(
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
                until=None if w.get("until") is None else date.fromisoformat(str(w["until"])),
            )
            for w in row.waivers or ()
        ),
    )


@dataclass(frozen=True)
class Snapshot:
    """One system as the core sees it, with the records the pages need to link and edit."""

    system: System
    """The live row (read for this request)."""
    ssp: Ssp
    poams: dict[str, Poam]
    poam_rows: dict[str, PoamRow]
    records: dict[str, RecordRow]
    entries: tuple[EntryRow, ...]
    """Live entries, each with its live milestones and evidence."""
    evidence: DatabaseEvidenceStore
    entry_pk: dict[tuple[str, str], int] = field(default_factory=dict)
    """(POA&M kind, entry id) -> the entry's primary key, to link findings to their page."""

    @property
    def primary_kind(self) -> str | None:
        """The POA&M the verdict is about: the Conditional one when there is one."""
        return next((kind for kind in KIND_ORDER if kind in self.poams), None)

    def poam(self, kind: str | None = None) -> Poam | None:
        kind = kind or self.primary_kind
        return None if kind is None else self.poams.get(kind)

    def entries_of(self, kind: str) -> list[EntryRow]:
        return [e for e in self.entries if e.kind == kind]

    def entry(self, pk: int) -> EntryRow | None:
        return next((e for e in self.entries if e.id == pk), None)


def _nist_key(nist_id: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in nist_id.split("."))
    except ValueError:
        return (999,)


def snapshot(
    system: System,
    records: Iterable[RecordRow],
    poam_rows: Iterable[PoamRow],
    entries: Iterable[EntryRow],
) -> Snapshot:
    """A system's snapshot from its records (read now, or from the shared cache)."""
    ordered = sorted(records, key=lambda r: _nist_key(r.requirement))
    entries = tuple(entries)
    by_kind = {row.kind: row for row in poam_rows}
    poams: dict[str, Poam] = {}
    entry_pk: dict[tuple[str, str], int] = {}
    for kind, row in by_kind.items():
        mine = [entry for entry in entries if entry.poam_id == row.id]
        for entry in mine:
            entry_pk.setdefault((kind, entry.item_id), entry.id)
        poams[kind] = poam_of(row, (item(entry) for entry in mine))
    files = {e.uri: e.blob_id for entry in entries for e in entry.evidence if e.blob_id and e.uri}
    return Snapshot(
        system=system,
        ssp=ssp_of(system, ordered),
        poams=poams,
        poam_rows=by_kind,
        records={row.requirement: row for row in ordered},
        entries=entries,
        evidence=DatabaseEvidenceStore(files),
        entry_pk=entry_pk,
    )


# --- database -> records ---------------------------------------------------------------------

IDS_PER_QUERY = 10_000
"""Ids bound in one ``IN (...)`` at most: PostgreSQL takes 65,535 parameters a query, SQLite
32,766; a larger portfolio is read in several queries, never refused."""


def _tuples(
    queryset: QuerySet[Any], field: str, ids: Sequence[int], columns: Sequence[str]
) -> list[tuple[Any, ...]]:
    """The ``columns`` of the rows whose ``field`` is one of ``ids``, a slice of ids a query,
    so that the rows of one owner stay together and in the queryset's order."""
    rows: list[tuple[Any, ...]] = []
    for start in range(0, len(ids), IDS_PER_QUERY):
        chunk = ids[start : start + IDS_PER_QUERY]
        rows += queryset.filter(**{f"{field}__in": chunk}).values_list(*columns)
    return rows


def _grouped(rows: Iterable[Any], key: str) -> dict[Any, list[Any]]:
    grouped: dict[Any, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, key)].append(row)
    return grouped


def load_many(systems: Iterable[System]) -> dict[int, Snapshot]:
    """Snapshots of several systems in six queries (more only past ``IDS_PER_QUERY`` entries or
    milestones), whatever their number."""
    by_pk = {system.pk: system for system in systems}
    if not by_pk:
        return {}
    ids = list(by_pk)
    record_rows: dict[int, list[RecordRow]] = defaultdict(list)
    for system_id, *values in SspRequirement.objects.filter(system_id__in=ids).values_list(
        "system_id", *RecordRow.COLUMNS
    ):
        record_rows[system_id].append(RecordRow(*values))
    poam_rows: dict[int, list[PoamRow]] = defaultdict(list)
    for system_id, *values in PoamDocument.objects.filter(system_id__in=ids).values_list(
        "system_id", *PoamRow.COLUMNS
    ):
        poam_rows[system_id].append(PoamRow(*values))
    entry_values = list(
        Entry.objects.filter(poam__system_id__in=ids, deleted_at__isnull=True)
        .order_by("poam_id", "position", "id")
        .values_list(*EntryRow.COLUMNS, *EntryRow.ASSIGNEE)
    )
    entry_ids = [values[0] for values in entry_values]
    milestone_values = _tuples(
        EntryMilestone.objects.filter(deleted_at__isnull=True).order_by(
            "entry_id", "position", "id"
        ),
        "entry_id",
        entry_ids,
        MilestoneRow.COLUMNS,
    )
    moves = _grouped(
        (
            MoveRow(*values)
            for values in _tuples(
                DueDateMove.objects.order_by("milestone_id", "position", "id"),
                "milestone_id",
                [values[0] for values in milestone_values],
                MoveRow.COLUMNS,
            )
        ),
        "milestone_id",
    )
    milestones = _grouped(
        (
            build(MilestoneRow, values, tuple(moves.get(values[0], ())))
            for values in milestone_values
        ),
        "entry_id",
    )
    evidence = _grouped(
        (
            EvidenceRow(*values)
            for values in _tuples(
                EntryEvidence.objects.filter(deleted_at__isnull=True).order_by(
                    "entry_id", "position", "id"
                ),
                "entry_id",
                entry_ids,
                EvidenceRow.COLUMNS,
            )
        ),
        "entry_id",
    )
    entries: dict[int, list[EntryRow]] = defaultdict(list)
    width = len(EntryRow.COLUMNS)
    for values in entry_values:
        assignee_id, username, first, last = values[width:]
        assignee = (
            None
            if assignee_id is None
            else PersonRow(assignee_id, username, first or "", last or "")
        )
        row = build(
            EntryRow,
            values[:width],
            assignee,
            tuple(milestones.get(values[0], ())),
            tuple(evidence.get(values[0], ())),
        )
        entries[row.system_id].append(row)
    return {
        pk: snapshot(system, record_rows.get(pk, ()), poam_rows.get(pk, ()), entries.get(pk, ()))
        for pk, system in by_pk.items()
    }


def load(system: System) -> Snapshot:
    return load_many([system])[system.pk]
