"""One POA&M entry: its fields, milestones (with the change-of-date dialog), evidence, timeline."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from poam.core import labels
from poam.core.checks import REGISTRY
from poam.core.model import ItemStatus
from poam.web.workbench import storage, tenancy
from poam.web.workbench.clock import today
from poam.web.workbench.forms import errors_of
from poam.web.workbench.forms.poam import OWNER_FIELDS, EntryForm, assignable_users
from poam.web.workbench.history import Conflict
from poam.web.workbench.models import Change, Comment, Entry, EntryEvidence, EntryMilestone
from poam.web.workbench.seam.rows import EntryRow, EvidenceRow
from poam.web.workbench.services import entries as entry_service
from poam.web.workbench.services import evidence as evidence_service
from poam.web.workbench.services import governance
from poam.web.workbench.storage import DatabaseEvidenceStore
from poam.web.workbench.tenancy import Access, Action
from poam.web.workbench.views.common import (
    actor,
    catalog,
    finding_views,
    reason_of,
    system_context,
    version_of,
)
from poam.web.workbench.views.poam import milestone_states

EDIT_FIELDS = tuple(name for name in EntryForm.Meta.fields if name != "created")
"""What the entry page's form edits (the creation date stays as recorded)."""


def verification(store: DatabaseEvidenceStore, evidence: EvidenceRow) -> str:
    return storage.verify(store, evidence.uri, evidence.sha256)


def timeline(entry: EntryRow) -> list[Change]:
    """Everything that happened to the entry, its milestones and its evidence, newest first."""
    milestone_ids = EntryMilestone.objects.filter(entry_id=entry.pk).values("pk")
    evidence_ids = EntryEvidence.objects.filter(entry_id=entry.pk).values("pk")
    return list(
        Change.objects.filter(system_id=entry.system_id)
        .filter(
            Q(object_type="entry", object_id=entry.pk)
            | Q(object_type="milestone", object_id__in=milestone_ids)
            | Q(object_type="evidence", object_id__in=evidence_ids)
        )
        .order_by("-at", "-id")[:200]
    )


def entry_context(
    request: HttpRequest, entry: Entry, access: Access, **extra: Any
) -> dict[str, Any]:
    system = entry.poam.system
    context = system_context(request, system, access, "poam", entry.poam.kind)
    assessed = context["assessed"]
    live = assessed.snapshot.entry(entry.pk)
    if live is None:
        raise Http404("not found")
    requirement = catalog().find(live.requirement)
    result = context["assessment"].score.result(requirement.nist_id) if requirement else None
    store = assessed.snapshot.evidence
    can_edit = access.can(Action.EDIT_ENTRY, live)
    owner_only = can_edit and not access.can(Action.EDIT_POAM)
    context.update(
        {
            "entry": live,
            "requirement": requirement,
            "result": result,
            "entry_findings": finding_views(
                system,
                assessed,
                [f for f in context["assessment"].findings if f.item == live.item_id],
            ),
            "evidence": [(e, verification(store, e)) for e in live.evidence],
            "ms_states": {
                row.id: {"state": state.value, "label": labels.MILESTONE_STATE[state]}
                for row, state in milestone_states(
                    live, context["as_of"], context["assessment"].verdict.closeout_deadline
                )
            },
            "timeline": timeline(live),
            "comments": Comment.objects.filter(entry_id=live.pk).order_by("-created_at"),
            "can_edit": can_edit,
            "owner_only": owner_only,
            "users": assignable_users(system.organization_id)
            if can_edit and not owner_only
            else [],
            "statuses": [s.value for s in ItemStatus],
            "max_upload_mb": _max_mb(),
            # an open entry without evidence: marking it done asks for the evidence first
            "asks_evidence": not live.evidence and ItemStatus(live.status).is_open,
            "errors": {},
            **extra,
        }
    )
    return context


def _max_mb() -> int:
    from django.conf import settings

    return int(settings.POAM_MAX_UPLOAD_BYTES // (1024 * 1024))


def _back(entry: Entry, fragment: str = "") -> HttpResponse:
    return redirect(reverse("entry", args=[entry.pk]) + (f"#{fragment}" if fragment else ""))


SHOWN_AT_FIELD: dict[str, dict[str, str]] = {
    "edit": {
        "item_id": "e-id",
        "requirement": "e-req",
        "owner": "e-owner",
        "assignee": "e-as",
        "objectives": "e-obj",
        "identified_by": "e-idby",
        "status": "e-status",
        "gap": "e-gap",
        "remediation": "e-rem",
        "resources": "e-res",
        "comments": "e-com",
        "created": "",
    },
    "milestone-add": {"title": "ms-t", "due": "ms-d"},
    "move": {"to_date": "to-", "justification": "just-"},
    "evidence-upload": {"file": "up-file", "date": "up-date"},
    "evidence-link": {"url": "ln-url", "title": "ln-title", "date": "ln-date"},
    "comment": {"text": "cm-text"},
}
"""The fields each form of the page shows its errors at, with their inputs' ids (the summary
above the form links to them; a move's are the dialog's, followed by the milestone's id)."""


def _refused(
    request: HttpRequest,
    entry: Entry,
    access: Access,
    error: ValidationError | Conflict,
    form: str,
    **extra: Any,
) -> HttpResponse:
    """Show the entry again with what went wrong, at the fields, the user's input kept."""
    entry.poam.system.refresh_from_db(fields=["revision"])
    common = {"failed_form": form, "submitted": request.POST, **extra}
    if isinstance(error, Conflict):
        context = entry_context(request, entry, access, conflict=error, **common)
        return render(request, "workbench/entry.html", context, status=409)
    context = entry_context(
        request,
        entry,
        access,
        errors=errors_of(error),
        shown_fields=SHOWN_AT_FIELD.get(form, ()),
        kept=request.POST if form == "edit" else None,
        **common,
    )
    return render(request, "workbench/entry.html", context, status=422)


COMPLETION_CHECK = REGISTRY["completed-without-evidence"]
EVIDENCE_PROMPT = (
    "completing an entry needs evidence that the work is done: add a file or a link under "
    "Evidence first, or choose to complete it without evidence for now "
    f"({COMPLETION_CHECK.code}, {COMPLETION_CHECK.rule})"
)
"""Said at the status field when an entry without evidence is marked done."""


def _completes_without_evidence(entry: Entry, status: str | None) -> bool:
    """Whether this save would mark an open entry done while it has no evidence: the page asks
    for the evidence first rather than saving an error (the check completed-without-evidence
    decides the same on the saved entry)."""
    statuses = {s.value: s for s in ItemStatus}
    if status not in statuses or statuses[status].is_open:
        return False
    if not statuses[entry.status].is_open:
        return False  # already done: not this save's doing
    return not EntryEvidence.objects.filter(entry=entry, deleted_at__isnull=True).exists()


@login_required
def entry_page(request: HttpRequest, pk: int) -> HttpResponse:
    entry, access = tenancy.entry(request.user, pk)
    return render(request, "workbench/entry.html", entry_context(request, entry, access))


@login_required
@require_POST
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry, access = tenancy.entry(request.user, pk, Action.EDIT_ENTRY)
    owner_only = not access.can(Action.EDIT_POAM)
    allowed = OWNER_FIELDS if owner_only else EDIT_FIELDS
    values = {name: request.POST[name] for name in allowed if name in request.POST}
    if _completes_without_evidence(entry, values.get("status")) and not request.POST.get(
        "without_evidence"
    ):
        return _refused(
            request,
            entry,
            access,
            ValidationError({"status": EVIDENCE_PROMPT}),
            "edit",
            evidence_prompt=True,
        )
    try:
        changes = entry_service.update_entry(
            actor(request),
            entry,
            values,
            version=version_of(request),
            today=today(),
            reason=reason_of(request),
            owner_only=owner_only,
        )
    except (ValidationError, Conflict) as error:
        return _refused(request, entry, access, error, "edit")
    messages.success(request, "Saved." if changes else "Nothing changed.")
    return _back(entry)


@login_required
@require_POST
def entry_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry, access = tenancy.entry(request.user, pk, Action.EDIT_POAM)
    try:
        entry_service.delete_entry(
            actor(request), entry, version=version_of(request), reason=reason_of(request)
        )
    except Conflict as error:
        return _refused(request, entry, access, error, "delete")
    messages.success(request, f"Removed entry {entry.item_id} (the change log keeps it).")
    return redirect(reverse("poam", args=[entry.poam.system_id]) + f"?kind={entry.poam.kind}")


@login_required
@require_POST
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    entry, access = tenancy.entry(request.user, pk, Action.EDIT_ENTRY)
    try:
        entry_service.add_milestone(
            actor(request),
            entry,
            request.POST.get("title", ""),
            request.POST.get("due", ""),
            reason=reason_of(request),
        )
    except ValidationError as error:
        return _refused(request, entry, access, error, "milestone-add")
    messages.success(request, "Milestone added.")
    return _back(entry, "milestones")


@login_required
@require_POST
def milestone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    milestone, access = tenancy.milestone(request.user, pk, Action.EDIT_ENTRY)
    values = {
        name: request.POST.get(name, "")
        for name in ("title", "completed", "due")
        if name in request.POST
    }
    try:
        entry_service.update_milestone(
            actor(request),
            milestone,
            values,
            version=version_of(request),
            reason=reason_of(request),
        )
    except (ValidationError, Conflict) as error:
        return _refused(request, milestone.entry, access, error, f"milestone-{milestone.pk}")
    messages.success(request, "Milestone saved.")
    return _back(milestone.entry, "milestones")


@login_required
@require_POST
def milestone_move(request: HttpRequest, pk: int) -> HttpResponse:
    """The change-of-date dialog: refused without a justification."""
    milestone, access = tenancy.milestone(request.user, pk, Action.EDIT_ENTRY)
    try:
        entry_service.move_milestone(
            actor(request),
            milestone,
            request.POST.get("to_date", ""),
            request.POST.get("justification", ""),
            version=version_of(request),
            today=today(),
        )
    except (ValidationError, Conflict) as error:
        return _refused(request, milestone.entry, access, error, "move", open_dialog=milestone.pk)
    messages.success(request, "Due date moved; the justification is on record.")
    return _back(milestone.entry, "milestones")


@login_required
@require_POST
def milestone_delete(request: HttpRequest, pk: int) -> HttpResponse:
    milestone, access = tenancy.milestone(request.user, pk, Action.EDIT_ENTRY)
    try:
        entry_service.delete_milestone(
            actor(request),
            milestone,
            version=version_of(request),
            reason=reason_of(request),
        )
    except Conflict as error:
        return _refused(request, milestone.entry, access, error, f"milestone-{milestone.pk}")
    messages.success(request, "Milestone removed (the change log keeps it).")
    return _back(milestone.entry, "milestones")


@login_required
@require_POST
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    entry, access = tenancy.entry(request.user, pk, Action.EDIT_ENTRY)
    when = request.POST.get("date", "")
    upload = request.FILES.get("file")
    try:
        if upload is not None:
            evidence = evidence_service.add_file(
                actor(request),
                entry,
                upload,
                title=request.POST.get("title", ""),
                when=when,
                today=today(),
            )
            messages.success(request, f"Uploaded {evidence.filename}: SHA-256 {evidence.sha256}.")
        elif request.POST.get("url"):
            evidence_service.add_link(
                actor(request),
                entry,
                title=request.POST.get("title", ""),
                url=request.POST.get("url", ""),
                when=when,
                today=today(),
                sha256=request.POST.get("sha256"),
            )
            messages.success(request, "Link added.")
        else:
            raise ValidationError({"file": "choose a file to upload, or give a link"})
    except ValidationError as error:
        form = "evidence-link" if upload is None and request.POST.get("url") else "evidence-upload"
        return _refused(request, entry, access, error, form)
    return _back(entry, "evidence")


@login_required
@require_POST
def evidence_attach(request: HttpRequest, pk: int) -> HttpResponse:
    evidence, access = tenancy.evidence(request.user, pk, Action.EDIT_ENTRY)
    upload = request.FILES.get("file")
    try:
        evidence_service.attach_file(actor(request), evidence, upload, version=version_of(request))
    except (ValidationError, Conflict) as error:
        return _refused(request, evidence.entry, access, error, f"evidence-{evidence.pk}")
    messages.success(request, "File stored.")
    return _back(evidence.entry, "evidence")


@login_required
@require_POST
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    evidence, access = tenancy.evidence(request.user, pk, Action.EDIT_ENTRY)
    try:
        evidence_service.delete_evidence(
            actor(request),
            evidence,
            version=version_of(request),
            reason=reason_of(request),
        )
    except Conflict as error:
        return _refused(request, evidence.entry, access, error, f"evidence-{evidence.pk}")
    messages.success(request, "Evidence removed (the change log keeps it).")
    return _back(evidence.entry, "evidence")


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence, _access = tenancy.evidence(request.user, pk)
    if not evidence.blob_id:
        raise Http404("no stored file")
    path = storage.blob_path(evidence.blob_id)
    if not path.is_file():
        raise Http404("the stored file is missing")
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=evidence.filename or "evidence",
        content_type="application/octet-stream",
    )


@login_required
@require_POST
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    entry, access = tenancy.entry(request.user, pk, Action.COMMENT)
    try:
        governance.add_comment(
            actor(request), entry.poam.system, request.POST.get("text", ""), entry=entry
        )
    except ValidationError as error:
        return _refused(request, entry, access, error, "comment")
    messages.success(request, "Comment added.")
    return _back(entry, "comments")
