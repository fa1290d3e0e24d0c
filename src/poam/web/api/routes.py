"""The API's endpoints. Each finds its object through ``tenancy`` (404 for other tenants) and
changes things through the same services as the pages."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from ninja import File, Form, NinjaAPI, Router, Status
from ninja.errors import ValidationError as SchemaError
from ninja.files import UploadedFile
from ninja.params.functions import File as FileParam
from ninja.params.functions import Form as FormParam

from poam import __version__
from poam.core.catalog import load_catalog
from poam.core.model import ItemStatus, PoamKind
from poam.core.plan import plan
from poam.core.serialize import assessment_to_data, finding_to_data, plan_to_data
from poam.formats.errors import InputError
from poam.formats.native import poam_to_data, ssp_to_data
from poam.web.api import schemas
from poam.web.api.auth import AUTH
from poam.web.api.responses import (
    ERRORS,
    WRITE_ERRORS,
    CommentOut,
    EntryOut,
    ExportOut,
    HistoryPage,
    ImportResult,
    ImportSummary,
    Invalid,
    OrganizationOut,
    RequirementOut,
    RequirementSaved,
    ReviewOut,
    SystemDetail,
    SystemOut,
    SystemPage,
    Unusable,
    change_out,
    entry_out,
    poam_out,
    system_fields,
)
from poam.web.api.status import router as status_router
from poam.web.workbench import exports, import_limit, importing, storage, tenancy
from poam.web.workbench.assessment import Assessed, load_snapshot, system_assessment
from poam.web.workbench.clock import today
from poam.web.workbench.forms import errors_of
from poam.web.workbench.history import Actor, Conflict
from poam.web.workbench.models import Change, Entry, ObjectType, PoamDocument, Summary, System
from poam.web.workbench.portfolio import ordering, search, summarized
from poam.web.workbench.services import entries as entry_service
from poam.web.workbench.services import evidence as evidence_service
from poam.web.workbench.services import governance
from poam.web.workbench.services import imports as import_service
from poam.web.workbench.services import ssp as ssp_service
from poam.web.workbench.tenancy import Action

logger = logging.getLogger("poam.api")
api = NinjaAPI(
    title="poam API",
    version=__version__,
    description="The SSP and POA&M of CMMC Level 2 systems: the same score, verdict and findings "
    "as `poam check`. Authenticate with `Authorization: Bearer <token>` (create one under "
    "API tokens). Every change names the `version` it is based on; a stale one is refused "
    "with 409 and the change that came first.",
    auth=AUTH,
    urls_namespace="api",
    docs_url="/docs",
)
router = Router(by_alias=True)
OPTIONAL_FILE = FileParam(None)
"""An optional multipart file (ninja's ``File[...] | None`` does not bind)."""
BINARY = {"schema": {"type": "string", "format": "binary"}}
FILE_ANSWER = {"description": "The file", "content": {"application/octet-stream": BINARY}}
"""A file is not JSON: the document says what it is (ninja alone would say a JSON string)."""
EXPORT_ANSWER = {
    "description": "The export, in the format of its key",
    "content": {
        exports.JSON: {"schema": {"type": "object"}},
        exports.YAML: BINARY,
        exports.XLSX: BINARY,
        exports.CSV: BINARY,
        "text/html": BINARY,
        "application/pdf": BINARY,
    },
}
PARAMETER_PLACES = frozenset({"body", "query", "path", "form", "file", "header", "cookie"})


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    return api.create_response(
        request, {"detail": "invalid input", "errors": errors_of(error)}, status=422
    )


@api.exception_handler(SchemaError)
def _malformed(request: HttpRequest, error: SchemaError) -> HttpResponse:
    """A request that does not fit its schema, answered as an invalid form is: by field."""
    errors: dict[str, list[str]] = {}
    for item in error.errors:
        place = [str(part) for part in item.get("loc", ())]
        if place and place[0] in PARAMETER_PLACES:
            place = place[1:]
        if len(place) > 1 and place[0] == "payload":
            place = place[1:]
        errors.setdefault(place[0] if place else "__all__", []).append(str(item.get("msg")))
    return api.create_response(request, {"detail": "invalid input", "errors": errors}, status=422)


@api.exception_handler(DataError)
def _out_of_range(request: HttpRequest, error: DataError) -> HttpResponse:
    """The last line: a value the schemas let through but the database cannot hold (they bound
    every field, so this is a bound missing there, answered as bad input, not a crash)."""
    logger.warning("API input the database refused: %s %s: %s", request.method, request.path, error)
    return api.create_response(
        request,
        {"detail": "invalid input", "errors": {"__all__": ["a value is out of range"]}},
        status=422,
    )


@api.exception_handler(Conflict)
def _conflict(request: HttpRequest, error: Conflict) -> HttpResponse:
    return api.create_response(
        request,
        {
            "detail": error.message,
            "latest": [change_out(c).model_dump(mode="json") for c in error.latest],
        },
        status=409,
    )


@api.exception_handler(PermissionDenied)
def _denied(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(error) or "not allowed"}, status=403)


@api.exception_handler(InputError)
def _unusable(request: HttpRequest, error: InputError) -> HttpResponse:
    return api.create_response(
        request,
        {
            "detail": "the file cannot be used; nothing was imported",
            "problems": [str(p) for p in error.problems],
        },
        status=422,
    )


def _actor(request: HttpRequest) -> Actor:
    return Actor.from_request(request)


def _as_of(value: dt.date | None) -> dt.date:
    return value or today()


def _assessed(system: System, kind: str | None, as_of: dt.date | None) -> Assessed:
    return system_assessment(system, _as_of(as_of), kind)


def _poam_row(system: System, kind: str | None) -> PoamDocument:
    snapshot_kind = kind or load_snapshot(system).primary_kind
    row = PoamDocument.objects.filter(system=system, kind=snapshot_kind).first()
    if row is None:
        raise Http404("this system has no such POA&M")
    return row


# --- organizations and systems ---------------------------------------------------------------


@router.get(
    "/organizations", tags=["organizations"], response={200: list[OrganizationOut], **ERRORS}
)
def organizations(request: HttpRequest) -> list[OrganizationOut]:
    return [
        OrganizationOut(slug=o.slug, name=o.name, role=o.role)  # type: ignore[attr-defined]
        for o in tenancy.organizations(request.user).order_by("name")
    ]


@router.get("/systems", tags=["systems"], response={200: SystemPage, **ERRORS})
def systems(
    request: HttpRequest,
    q: schemas.Query = "",
    sort: schemas.Query = "name",
    limit: schemas.Limit = 50,
    offset: schemas.Offset = 0,
) -> SystemPage:
    """The portfolio: every system the user can see, with its assessment summary (``limit`` at
    most 200 a page)."""
    rows = search(summarized(request.user, today()), q).select_related("summary")
    _sort, order = ordering(sort)
    limit = min(limit, 200)
    page = list(rows.order_by(*order)[offset : offset + limit])
    return SystemPage(
        count=rows.count(),
        items=[
            SystemOut(**system_fields(s, s.role, getattr(s, "summary", None)))  # type: ignore[attr-defined]
            for s in page
        ],
    )


@router.get("/systems/{system_id}", tags=["systems"], response={200: SystemDetail, **ERRORS})
def system_detail(request: HttpRequest, system_id: schemas.Id) -> SystemDetail:
    system, access = tenancy.system(request.user, system_id)
    assessed = _assessed(system, None, None)
    summary = Summary.objects.filter(system=system).first()
    return SystemDetail(
        **system_fields(system, access.role, summary),
        poams=[poam_out(row) for row in assessed.snapshot.poam_rows.values()],
    )


@router.get(
    "/systems/{system_id}/assessment", tags=["assessment"], response={200: dict[str, Any], **ERRORS}
)
def assessment(
    request: HttpRequest,
    system_id: schemas.Id,
    kind: PoamKind | None = None,
    as_of: dt.date | None = None,
) -> dict[str, Any]:
    """Score, verdict with its reasons, and findings: the JSON of `poam check --format json`."""
    system, _access = tenancy.system(request.user, system_id)
    return assessment_to_data(_assessed(system, kind, as_of).assessment)


@router.get(
    "/systems/{system_id}/findings",
    tags=["assessment"],
    response={200: list[dict[str, Any]], **ERRORS},
)
def findings(
    request: HttpRequest,
    system_id: schemas.Id,
    kind: PoamKind | None = None,
    as_of: dt.date | None = None,
) -> list[dict[str, Any]]:
    """Every finding, as `poam check --format json` lists them."""
    system, _access = tenancy.system(request.user, system_id)
    return [finding_to_data(f) for f in _assessed(system, kind, as_of).assessment.findings]


@router.get(
    "/systems/{system_id}/plan", tags=["assessment"], response={200: dict[str, Any], **ERRORS}
)
def plan_of(
    request: HttpRequest,
    system_id: schemas.Id,
    kind: PoamKind | None = None,
    as_of: dt.date | None = None,
) -> dict[str, Any]:
    """The order in which to close gaps and the date a score of 110 is expected (`poam plan`)."""
    system, _access = tenancy.system(request.user, system_id)
    result = _assessed(system, kind, as_of).assessment
    return plan_to_data(plan(result.score, result.poam, result.as_of))


# --- SSP -------------------------------------------------------------------------------------


@router.get("/systems/{system_id}/ssp", tags=["ssp"], response={200: dict[str, Any], **ERRORS})
def ssp_document(request: HttpRequest, system_id: schemas.Id) -> dict[str, Any]:
    """The SSP as the native ``ssp.yaml`` holds it (as plain data)."""
    system, _access = tenancy.system(request.user, system_id)
    return ssp_to_data(_assessed(system, None, None).assessment.ssp)


def _requirement_id(nist_id: schemas.RequirementId) -> str:
    found = load_catalog().find(nist_id)
    if found is None:
        raise Http404("no such requirement")
    return found.nist_id


def _requirement(system: System, nist_id: schemas.RequirementId) -> RequirementOut:
    assessed = _assessed(system, None, None)
    row = assessed.snapshot.records.get(nist_id)
    result = assessed.assessment.score.result(nist_id)
    return RequirementOut(
        requirement=nist_id,
        record=ssp_to_data(assessed.assessment.ssp)["requirements"].get(nist_id),
        version=0 if row is None else row.version,
        met=result.met,
        basis=result.basis.value,
        points=result.deduction,
        rule=result.rule,
    )


@router.get(
    "/systems/{system_id}/requirements/{nist_id}",
    tags=["ssp"],
    response={200: RequirementOut, **ERRORS},
)
def requirement(
    request: HttpRequest, system_id: schemas.Id, nist_id: schemas.RequirementId
) -> RequirementOut:
    system, _access = tenancy.system(request.user, system_id)
    return _requirement(system, _requirement_id(nist_id))


@router.patch(
    "/systems/{system_id}/requirements/{nist_id}",
    tags=["ssp"],
    response={200: RequirementSaved, **WRITE_ERRORS},
)
def update_requirement(
    request: HttpRequest,
    system_id: schemas.Id,
    nist_id: schemas.RequirementId,
    payload: schemas.RequirementPatch,
) -> RequirementSaved:
    """Change what the SSP says of a requirement (``version`` 0 creates the record)."""
    system, _access = tenancy.system(request.user, system_id, Action.EDIT_SSP)
    found = _requirement_id(nist_id)
    ssp_service.update_requirement(
        _actor(request),
        system,
        found,
        schemas.given(payload),
        version=payload.version,
        reason=payload.reason,
    )
    result = _assessed(system, None, None).assessment
    return RequirementSaved(
        **_requirement(system, found).model_dump(),
        score=result.score.value,
        verdict=result.verdict.verdict.value,
    )


# --- POA&M, entries, milestones, evidence ----------------------------------------------------


@router.get("/systems/{system_id}/poam", tags=["poam"], response={200: dict[str, Any], **ERRORS})
def poam_document(
    request: HttpRequest, system_id: schemas.Id, kind: PoamKind | None = None
) -> dict[str, Any]:
    """A POA&M as the native ``poam.yaml`` holds it (as plain data)."""
    system, _access = tenancy.system(request.user, system_id)
    found = _assessed(system, kind, None).assessment.poam
    if found is None:
        raise Http404("this system has no POA&M")
    return poam_to_data(found)


@router.get("/systems/{system_id}/entries", tags=["poam"], response={200: list[EntryOut], **ERRORS})
def entries(
    request: HttpRequest,
    system_id: schemas.Id,
    kind: PoamKind | None = None,
    status: ItemStatus | None = None,
) -> list[EntryOut]:
    system, _access = tenancy.system(request.user, system_id)
    assessed = _assessed(system, kind, None)
    store = assessed.snapshot.evidence
    return [
        entry_out(e, store)
        for e in assessed.snapshot.entries_of(assessed.kind or "")
        if status is None or e.status == status
    ]


@router.post(
    "/systems/{system_id}/entries", tags=["poam"], response={201: EntryOut, **WRITE_ERRORS}
)
def create_entry(
    request: HttpRequest, system_id: schemas.Id, payload: schemas.EntryCreate
) -> Status[EntryOut]:
    system, _access = tenancy.system(request.user, system_id, Action.EDIT_POAM)
    poam_row = _poam_row(system, payload.kind)
    values = schemas.given(payload, without=("kind", "milestone_title", "milestone_due"))
    milestone = (payload.milestone_title or "", payload.milestone_due)
    entry = entry_service.create_entry(
        _actor(request), poam_row, values, today=today(), milestone=milestone
    )
    return Status(201, _entry(request, entry.pk))


def _entry(request: HttpRequest, pk: int) -> EntryOut:
    entry, _access = tenancy.entry(request.user, pk)
    system = System.objects.select_related("organization").get(pk=entry.poam.system_id)
    assessed = _assessed(system, entry.poam.kind, None)
    live = assessed.snapshot.entry(pk)
    if live is None:
        raise Http404("not found")
    return entry_out(live, assessed.snapshot.evidence)


@router.get("/entries/{entry_id}", tags=["poam"], response={200: EntryOut, **ERRORS})
def entry_detail(request: HttpRequest, entry_id: schemas.Id) -> EntryOut:
    return _entry(request, entry_id)


@router.patch("/entries/{entry_id}", tags=["poam"], response={200: EntryOut, **WRITE_ERRORS})
def update_entry(
    request: HttpRequest, entry_id: schemas.Id, payload: schemas.EntryPatch
) -> EntryOut:
    entry, access = tenancy.entry(request.user, entry_id, Action.EDIT_ENTRY)
    entry_service.update_entry(
        _actor(request),
        entry,
        schemas.given(payload),
        version=payload.version,
        today=today(),
        reason=payload.reason,
        owner_only=not access.can(Action.EDIT_POAM),
    )
    return _entry(request, entry_id)


@router.delete("/entries/{entry_id}", tags=["poam"], response={204: None, **WRITE_ERRORS})
def delete_entry(
    request: HttpRequest,
    entry_id: schemas.Id,
    version: schemas.Version,
    reason: schemas.Reason = "",
) -> Status[None]:
    entry, _access = tenancy.entry(request.user, entry_id, Action.EDIT_POAM)
    entry_service.delete_entry(_actor(request), entry, version=version, reason=reason)
    return Status(204, None)


@router.post(
    "/entries/{entry_id}/milestones", tags=["poam"], response={201: EntryOut, **WRITE_ERRORS}
)
def add_milestone(
    request: HttpRequest, entry_id: schemas.Id, payload: schemas.MilestoneCreate
) -> Status[EntryOut]:
    entry, _access = tenancy.entry(request.user, entry_id, Action.EDIT_ENTRY)
    entry_service.add_milestone(_actor(request), entry, payload.title, payload.due)
    return Status(201, _entry(request, entry_id))


@router.patch("/milestones/{milestone_id}", tags=["poam"], response={200: EntryOut, **WRITE_ERRORS})
def update_milestone(
    request: HttpRequest, milestone_id: schemas.Id, payload: schemas.MilestonePatch
) -> EntryOut:
    """Title, completion date, or a first due date (moving a date needs ``/move``)."""
    milestone, _access = tenancy.milestone(request.user, milestone_id, Action.EDIT_ENTRY)
    entry_service.update_milestone(
        _actor(request),
        milestone,
        schemas.given(payload),
        version=payload.version,
        reason=payload.reason,
    )
    return _entry(request, milestone.entry_id)


@router.post(
    "/milestones/{milestone_id}/move", tags=["poam"], response={200: EntryOut, **WRITE_ERRORS}
)
def move_milestone(
    request: HttpRequest, milestone_id: schemas.Id, payload: schemas.MilestoneMove
) -> EntryOut:
    """Move a due date; refused (422) without a justification."""
    milestone, _access = tenancy.milestone(request.user, milestone_id, Action.EDIT_ENTRY)
    entry_service.move_milestone(
        _actor(request),
        milestone,
        payload.to_date,
        payload.justification,
        version=payload.version,
        today=today(),
    )
    return _entry(request, milestone.entry_id)


@router.post(
    "/entries/{entry_id}/evidence", tags=["evidence"], response={201: EntryOut, **WRITE_ERRORS}
)
def upload_evidence(
    request: HttpRequest,
    entry_id: schemas.Id,
    file: File[UploadedFile],
    title: str = FormParam("", max_length=schemas.LONG, pattern=schemas.NO_NUL),
    day: Form[dt.date | None] = None,
) -> Status[EntryOut]:
    """Upload a file; it is stored with its SHA-256 and size."""
    entry, _access = tenancy.entry(request.user, entry_id, Action.EDIT_ENTRY)
    evidence_service.add_file(_actor(request), entry, file, title=title, when=day, today=today())
    return Status(201, _entry(request, entry_id))


@router.post(
    "/entries/{entry_id}/links", tags=["evidence"], response={201: EntryOut, **WRITE_ERRORS}
)
def add_link(
    request: HttpRequest, entry_id: schemas.Id, payload: schemas.LinkCreate
) -> Status[EntryOut]:
    entry, _access = tenancy.entry(request.user, entry_id, Action.EDIT_ENTRY)
    evidence_service.add_link(
        _actor(request),
        entry,
        title=payload.title,
        url=payload.url,
        when=payload.date,
        today=today(),
        sha256=payload.sha256,
    )
    return Status(201, _entry(request, entry_id))


@router.get(
    "/evidence/{evidence_id}/file",
    tags=["evidence"],
    response={200: bytes, **ERRORS},
    openapi_extra={"responses": {200: FILE_ANSWER}},
)
def evidence_file(request: HttpRequest, evidence_id: schemas.Id) -> FileResponse:
    """The stored file, as uploaded."""
    evidence, _access = tenancy.evidence(request.user, evidence_id)
    if not evidence.blob_id or not storage.blob_path(evidence.blob_id).is_file():
        raise Http404("no stored file")
    return FileResponse(
        storage.blob_path(evidence.blob_id).open("rb"),
        as_attachment=True,
        filename=evidence.filename or "evidence",
        content_type="application/octet-stream",
    )


@router.delete("/evidence/{evidence_id}", tags=["evidence"], response={204: None, **WRITE_ERRORS})
def delete_evidence(
    request: HttpRequest,
    evidence_id: schemas.Id,
    version: schemas.Version,
    reason: schemas.Reason = "",
) -> Status[None]:
    evidence, _access = tenancy.evidence(request.user, evidence_id, Action.EDIT_ENTRY)
    evidence_service.delete_evidence(_actor(request), evidence, version=version, reason=reason)
    return Status(204, None)


# --- review, comments, history, import and export --------------------------------------------


@router.post(
    "/systems/{system_id}/review", tags=["governance"], response={200: ReviewOut, **WRITE_ERRORS}
)
def review(request: HttpRequest, system_id: schemas.Id, payload: schemas.ReviewCreate) -> ReviewOut:
    """Record that you reviewed the POA&M today."""
    system, _access = tenancy.system(request.user, system_id, Action.REVIEW)
    poam_row = _poam_row(system, payload.kind)
    done = governance.mark_reviewed(_actor(request), poam_row, on=today(), note=payload.note)
    return ReviewOut(kind=PoamKind(poam_row.kind), reviewed_on=done.reviewed_on, by=done.user_label)


@router.post(
    "/systems/{system_id}/comments", tags=["governance"], response={201: CommentOut, **WRITE_ERRORS}
)
def comment(
    request: HttpRequest, system_id: schemas.Id, payload: schemas.CommentCreate
) -> Status[CommentOut]:
    system, _access = tenancy.system(request.user, system_id, Action.COMMENT)
    entry = None
    if payload.entry is not None:
        entry = Entry.objects.filter(
            pk=payload.entry, poam__system=system, deleted_at__isnull=True
        ).first()
        if entry is None:
            raise Http404("no such entry in this system")
    made = governance.add_comment(
        _actor(request), system, payload.text, entry=entry, requirement=payload.requirement
    )
    return Status(
        201, CommentOut(id=made.pk, text=made.text, by=made.user_label, at=made.created_at)
    )


@router.get(
    "/systems/{system_id}/history", tags=["governance"], response={200: HistoryPage, **ERRORS}
)
def history(
    request: HttpRequest,
    system_id: schemas.Id,
    object_type: ObjectType | None = None,
    limit: schemas.Limit = 100,
    offset: schemas.Offset = 0,
) -> HistoryPage:
    """The change log of the system, newest first."""
    system, _access = tenancy.system(request.user, system_id)
    rows = Change.objects.filter(system=system)
    if object_type:
        rows = rows.filter(object_type=object_type)
    return HistoryPage(
        count=rows.count(),
        items=[change_out(c) for c in rows.order_by("-seq")[offset : offset + limit]],
    )


@router.post(
    "/systems/{system_id}/import",
    tags=["files"],
    response={
        200: ImportResult,
        413: Unusable,
        422: Unusable | Invalid,
        **{k: v for k, v in WRITE_ERRORS.items() if k != 422},
    },
)
def import_files(
    request: HttpRequest,
    system_id: schemas.Id,
    ssp: UploadedFile | None = OPTIONAL_FILE,
    poam: UploadedFile | None = OPTIONAL_FILE,
    dry_run: bool = False,
) -> Any:
    """Replace the SSP and/or a POA&M with uploaded files in any format poam reads (all or
    nothing, in one change). ``dry_run=true`` reads and checks them and answers what would
    change, changing nothing. The system keeps its name whatever the SSP file calls it (the
    summary's ``rename`` says when they differ)."""
    system, _access = tenancy.system(request.user, system_id, Action.MANAGE)
    uploads = []
    refused = import_limit.refused(request)
    given: tuple[tuple[importing.Slot, UploadedFile | None], ...] = (
        ("ssp", ssp),
        ("poam", poam),
    )
    for slot, upload in given:
        if upload is not None and (upload.size or 0) > importing.max_import_bytes():
            refused.append((upload.name or slot, upload.size or 0))
    try:
        if refused:
            raise importing.ImportTooLarge(
                p for name, size in refused for p in importing.too_large(name, size).problems
            )
        for slot, upload in given:
            if upload is not None:
                uploads.append(importing.Upload(slot, upload.name or slot, upload.read()))
        if not uploads:
            raise ValidationError({"__all__": "send an ssp file, a poam file, or both"})
        parsed = importing.read_uploads(uploads)  # outside any transaction
    except importing.ImportTooLarge as error:
        return Status(
            413,
            Unusable(
                detail="the file is too large; nothing was imported",
                problems=[str(p) for p in error.problems],
            ),
        )
    summary = importing.summarize(system, parsed)
    if dry_run:
        return ImportResult(
            applied=False,
            score=None,
            verdict=None,
            findings=None,
            summary=ImportSummary(**summary.to_data()),
        )
    import_service.apply(_actor(request), system, parsed)
    system.refresh_from_db()
    result = _assessed(system, None, None).assessment
    return ImportResult(
        applied=True,
        score=result.score.value,
        verdict=result.verdict.verdict.value,
        findings=len(result.findings),
        summary=ImportSummary(**summary.to_data()),
    )


@router.get(
    "/systems/{system_id}/exports", tags=["files"], response={200: list[ExportOut], **ERRORS}
)
def export_list(
    request: HttpRequest, system_id: schemas.Id, kind: PoamKind | None = None
) -> list[ExportOut]:
    system, _access = tenancy.system(request.user, system_id)
    assessed = _assessed(system, kind, None)
    return [
        ExportOut(
            key=e.key,
            label=e.label,
            content_type=e.content_type,
            url=f"/api/systems/{system.pk}/exports/{e.key}",
        )
        for e in exports.available(assessed)
    ]


@router.get(
    "/systems/{system_id}/exports/{key}",
    tags=["files"],
    response={200: bytes, **ERRORS},
    openapi_extra={"responses": {200: EXPORT_ANSWER}},
)
def export_file(
    request: HttpRequest, system_id: schemas.Id, key: schemas.Query, kind: PoamKind | None = None
) -> HttpResponse:
    """One export, as a file."""
    system, _access = tenancy.system(request.user, system_id)
    chosen = exports.BY_KEY.get(key)
    if chosen is None:
        raise Http404("no such export")
    assessed = _assessed(system, kind, None)
    try:
        body = chosen.run(assessed)
    except exports.NotAvailable:
        raise Http404("not available for this system") from None
    response = HttpResponse(body, content_type=chosen.content_type)
    response["Content-Disposition"] = f'attachment; filename="{chosen.filename(assessed)}"'
    return response


api.add_router("/", router)
api.add_router("/", status_router)
