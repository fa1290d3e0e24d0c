"""What the API answers, as typed schemas (in the OpenAPI document), built from the loaded
records. Assessments, findings, plans and the documents themselves are the core's own plain
data (``poam.core.serialize``, ``poam.formats.native``), the JSON of ``poam check``.

Plain pydantic models, not ninja's ``Schema``: these are built from values already read, and
``Schema`` wraps every value it validates to read Django objects (a page of 50 systems took
25 ms more).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from poam.core.model import ItemStatus, PoamKind, Scope
from poam.web.workbench.models import Change, Role, Summary, System
from poam.web.workbench.seam.rows import EntryRow, EvidenceRow, MilestoneRow, PoamRow
from poam.web.workbench.storage import DatabaseEvidenceStore, verify


class Schema(BaseModel):
    """An answer of the API."""


# --- errors ----------------------------------------------------------------------------------


class Problem(Schema):
    detail: str


class Invalid(Schema):
    detail: str
    errors: dict[str, list[str]]
    """Messages by field (``__all__``: about the request as a whole)."""


class Unusable(Schema):
    detail: str
    problems: list[str]
    """Each problem of an uploaded file, with file, line and field."""


class ChangeOut(Schema):
    at: dt.datetime
    user: str
    object_type: str
    object_id: int | None
    object: str
    action: str
    field: str | None
    old: str | None
    new: str | None
    reason: str | None


class Stale(Schema):
    detail: str
    latest: list[ChangeOut]
    """The change that came first."""


ERRORS: dict[int, type[Schema]] = {401: Problem, 403: Problem, 404: Problem, 422: Invalid}
WRITE_ERRORS: dict[int, type[Schema]] = {**ERRORS, 409: Stale}


def change_out(change: Change) -> ChangeOut:
    return ChangeOut(
        at=change.at,
        user=change.user_label,
        object_type=change.object_type,
        object_id=change.object_id,
        object=change.object_label,
        action=change.action,
        field=change.field or None,
        old=change.old,
        new=change.new,
        reason=change.reason or None,
    )


# --- organizations and systems ---------------------------------------------------------------


class OrganizationOut(Schema):
    slug: str
    name: str
    role: Role


class OrganizationRef(Schema):
    slug: str
    name: str


class SummaryOut(Schema):
    as_of: dt.date
    score: int | None
    provisional_score: int
    verdict: str
    closeout_deadline: dt.date | None
    days_left: int | None
    errors: int
    warnings: int
    infos: int
    entries: int
    open_entries: int


class SystemOut(Schema):
    id: int
    name: str
    organization: OrganizationRef
    role: Role
    scope: Scope
    cage_codes: list[str]
    ssp_version: str
    ssp_date: dt.date
    version: int
    revision: int
    summary: SummaryOut | None


class SystemPage(Schema):
    count: int
    items: list[SystemOut]


class PoamOut(Schema):
    kind: PoamKind
    id: int
    version: int
    maintainer: str
    last_reviewed: dt.date | None


class SystemDetail(SystemOut):
    poams: list[PoamOut]


def summary_out(summary: Summary | None) -> SummaryOut | None:
    if summary is None:
        return None
    return SummaryOut(
        as_of=summary.as_of,
        score=summary.score,
        provisional_score=summary.provisional,
        verdict=summary.verdict,
        closeout_deadline=summary.closeout_deadline,
        days_left=summary.days_left,
        errors=summary.errors,
        warnings=summary.warnings,
        infos=summary.infos,
        entries=summary.entries,
        open_entries=summary.open_entries,
    )


def system_fields(system: System, role: str, summary: Summary | None) -> dict[str, Any]:
    return {
        "id": system.pk,
        "name": system.name,
        "organization": OrganizationRef(
            slug=system.organization.slug, name=system.organization.name
        ),
        "role": role,
        "scope": system.scope,
        "cage_codes": list(system.cage_codes or ()),
        "ssp_version": system.ssp_version,
        "ssp_date": system.ssp_date,
        "version": system.version,
        "revision": system.revision,
        "summary": summary_out(summary),
    }


def poam_out(row: PoamRow) -> PoamOut:
    return PoamOut(
        kind=PoamKind(row.kind),
        id=row.id,
        version=row.version,
        maintainer=row.maintainer,
        last_reviewed=row.last_reviewed,
    )


# --- the SSP ---------------------------------------------------------------------------------


class RequirementOut(Schema):
    requirement: str
    record: dict[str, Any] | None
    """What the SSP says of it, as ``ssp.yaml`` holds it (none: not yet described)."""
    version: int
    """0 until the record exists: a PATCH with version 0 creates it."""
    met: bool
    basis: str
    points: int
    rule: str


class RequirementSaved(RequirementOut):
    score: int | None
    verdict: str


# --- the POA&M -------------------------------------------------------------------------------


class MoveOut(Schema):
    model_config = ConfigDict(populate_by_name=True)

    changed: dt.date
    from_date: dt.date | None = Field(alias="from")
    to: dt.date
    by: str
    justification: str


class MilestoneOut(Schema):
    id: int
    title: str
    due: dt.date | None
    completed: dt.date | None
    version: int
    history: list[MoveOut]


class StoredFile(Schema):
    name: str | None
    size: int | None
    stored_sha256: str


class EvidenceOut(Schema):
    id: int
    title: str
    uri: str
    sha256: str | None
    date: dt.date | None
    file: StoredFile | None
    check: str | None
    """``matches``, ``mismatch``, ``missing``, ``unrecorded``, ``link`` or ``none``."""
    version: int


class EntryOut(Schema):
    id: int
    kind: PoamKind
    item_id: str
    requirement: str
    gap: str
    remediation: list[str]
    owner: str
    assignee: str | None
    """The assigned member's user name."""
    status: ItemStatus
    objectives: list[str]
    created: dt.date | None
    updated: dt.date | None
    identified_by: str | None
    resources: str | None
    comments: str | None
    version: int
    milestones: list[MilestoneOut]
    evidence: list[EvidenceOut]


def milestone_out(milestone: MilestoneRow) -> MilestoneOut:
    return MilestoneOut(
        id=milestone.id,
        title=milestone.title,
        due=milestone.due,
        completed=milestone.completed,
        version=milestone.version,
        history=[
            MoveOut.model_validate(
                {
                    "changed": m.changed,
                    "from": m.from_date,
                    "to": m.to_date,
                    "by": m.by,
                    "justification": m.justification,
                }
            )
            for m in milestone.moves
        ],
    )


def evidence_out(evidence: EvidenceRow, check: str | None) -> EvidenceOut:
    return EvidenceOut(
        id=evidence.id,
        title=evidence.title,
        uri=evidence.uri,
        sha256=evidence.sha256,
        date=evidence.date,
        file=None
        if not evidence.blob_id
        else StoredFile(name=evidence.filename, size=evidence.size, stored_sha256=evidence.blob_id),
        check=check,
        version=evidence.version,
    )


def entry_out(entry: EntryRow, store: DatabaseEvidenceStore | None = None) -> EntryOut:
    return EntryOut(
        id=entry.id,
        kind=PoamKind(entry.kind),
        item_id=entry.item_id,
        requirement=entry.requirement,
        gap=entry.gap,
        remediation=list(entry.remediation or ()),
        owner=entry.owner,
        assignee=None if entry.assignee is None else entry.assignee.username,
        status=ItemStatus(entry.status),
        objectives=list(entry.objectives or ()),
        created=entry.created,
        updated=entry.updated,
        identified_by=entry.identified_by,
        resources=entry.resources,
        comments=entry.comments,
        version=entry.version,
        milestones=[milestone_out(m) for m in entry.milestones],
        evidence=[
            evidence_out(e, None if store is None else verify(store, e.uri, e.sha256))
            for e in entry.evidence
        ],
    )


# --- governance and files --------------------------------------------------------------------


class ReviewOut(Schema):
    kind: PoamKind
    reviewed_on: dt.date
    by: str


class CommentOut(Schema):
    id: int
    text: str
    by: str
    at: dt.datetime


class HistoryPage(Schema):
    count: int
    items: list[ChangeOut]


class ImportStatusChange(Schema):
    requirement: str
    before: str
    after: str
    """A status, or "not assessed"."""


class ImportSspChanges(Schema):
    requirements: int
    status_changes: list[ImportStatusChange]
    """The first 200 requirements whose status changes (``status_changed`` counts them all)."""
    status_changed: int
    other_changed: int
    added: int
    removed: int
    unchanged: int
    score_before: int | None
    score_after: int | None


class ImportPoamChanges(Schema):
    kind: PoamKind
    new_poam: bool
    entries: int
    added: list[str]
    removed: list[str]
    changed: list[str]
    added_count: int
    removed_count: int
    changed_count: int
    unchanged: int


class ImportRename(Schema):
    current: str
    in_file: str
    """The name the SSP file gives the system; the import keeps ``current``."""


class ImportFile(Schema):
    slot: str
    name: str
    format: str


class ImportSummary(Schema):
    files: list[ImportFile]
    ssp: ImportSspChanges | None
    poam: ImportPoamChanges | None
    rename: ImportRename | None
    notes: list[str]
    warnings: list[str]
    """What the readers could not carry or restore (an eMASS or FedRAMP workbook's limits)."""


class ImportResult(Schema):
    applied: bool
    """False for ``dry_run``: nothing was written."""
    score: int | None
    verdict: str | None
    findings: int | None
    """After the import; null for a dry run."""
    summary: ImportSummary


class ExportOut(Schema):
    key: str
    label: str
    content_type: str
    url: str
