"""Import into a system: upload, preview what would change, then confirm (or cancel).

Nothing is replaced by the upload itself: the files are read (outside any transaction), the
preview says what would change, and only the confirmation writes, in one unit of work. The
uploaded bytes wait server-side (``services.imports.stage``), bound to the user, the system
and its revision; the confirmation form carries only the token.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from poam.formats.errors import InputError
from poam.web.workbench import import_limit, importing, tenancy
from poam.web.workbench.models import System
from poam.web.workbench.services import imports as import_service
from poam.web.workbench.tenancy import Access, Action
from poam.web.workbench.views.common import actor, system_context

MAX_PROBLEMS_SHOWN = 100


def _user(request: HttpRequest) -> int:
    return int(request.user.pk or 0)


def _problems_page(
    request: HttpRequest, system: System, access: Access, error: InputError, status: int
) -> HttpResponse:
    """The import's problems, each naming file, place and field; nothing was imported."""
    context = system_context(request, system, access, "assessor")
    problems = [str(p) for p in error.problems]
    context.update(
        {
            "problems": problems[:MAX_PROBLEMS_SHOWN],
            "more_problems": max(0, len(problems) - MAX_PROBLEMS_SHOWN),
            "too_large": status == 413,
            "max_import_mb": importing.max_import_bytes() // (1024 * 1024),
        }
    )
    return render(request, "workbench/import_preview.html", context, status=status)


def _uploads(request: HttpRequest) -> list[importing.Upload]:
    """The uploaded files, refusing any above the limit before a byte of it is read."""
    files = request.FILES  # parse the upload first: the limit handler records as it reads
    refused = import_limit.refused(request)
    limit = importing.max_import_bytes()
    for slot in importing.SLOTS:
        upload = files.get(slot)
        if upload is not None and (upload.size or 0) > limit:
            refused.append((upload.name or slot, upload.size or 0))
    if refused:
        raise importing.ImportTooLarge(
            p for name, size in refused for p in importing.too_large(name, size).problems
        )
    uploads = []
    for slot in importing.SLOTS:
        upload = files.get(slot)
        if upload is not None:
            uploads.append(importing.Upload(slot, upload.name or slot, upload.read()))
    return uploads


@login_required
@require_POST
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Read the uploaded files and stage them for a preview; nothing is written yet."""
    system, access = tenancy.system(request.user, pk, Action.MANAGE)
    try:
        uploads = _uploads(request)
        if not uploads:
            messages.error(request, "Choose an SSP file, a POA&M file, or both.")
            return redirect("assessor", pk=system.pk)
        parsed = importing.read_uploads(uploads)
    except importing.ImportTooLarge as error:
        return _problems_page(request, system, access, error, 413)
    except InputError as error:
        return _problems_page(request, system, access, error, 422)
    summary = importing.summarize(system, parsed)
    token = importing.stage(_user(request), system, uploads, summary)
    return redirect("import-preview", pk=system.pk, token=token)


def _preview_page(
    request: HttpRequest,
    system: System,
    access: Access,
    staged: importing.Staged,
    summary: importing.Summary,
    *,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = system_context(request, system, access, "assessor")
    context.update({"summary": summary, "token": staged.token})
    return render(request, "workbench/import_preview.html", context, status=status)


def _current(
    request: HttpRequest, system: System, staged: importing.Staged
) -> tuple[importing.Summary, importing.Parsed | None]:
    """The staged summary, or a new one when the system changed since the preview."""
    if staged.revision == system.revision:
        return staged.summary, None
    parsed = importing.read_uploads(staged.uploads)
    summary = importing.summarize(system, parsed)
    importing.restage(_user(request), system, staged.token, summary)
    return summary, parsed


@login_required
@require_http_methods(["GET", "POST"])
def preview(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """GET: what the import would change. POST: confirm (apply it) or cancel."""
    system, access = tenancy.system(request.user, pk, Action.MANAGE)
    try:
        staged = importing.staged(_user(request), system, token)
    except importing.StageMissing:
        messages.error(
            request,
            "This import preview has expired or was already used; nothing was imported. "
            "Upload the files again.",
        )
        return redirect("assessor", pk=system.pk)
    if request.method == "POST" and request.POST.get("action") == "cancel":
        importing.discard(_user(request), system, token)
        messages.info(request, "Import cancelled: nothing was changed.")
        return redirect("assessor", pk=system.pk)
    try:
        summary, parsed = _current(request, system, staged)
    except InputError as error:  # the readers are deterministic: only a changed rule gets here
        importing.discard(_user(request), system, token)
        return _problems_page(request, system, access, error, 422)
    if request.method == "GET":
        return _preview_page(request, system, access, staged, summary)
    if request.POST.get("action") != "confirm":
        return _preview_page(request, system, access, staged, summary, status=400)
    if parsed is not None:  # someone changed the system since this preview: show it again
        messages.warning(
            request,
            "The system changed since this preview was made; here is what the import would "
            "change now. Confirm again to import.",
        )
        return _preview_page(request, system, access, staged, summary, status=409)
    parsed = importing.read_uploads(staged.uploads)  # outside the transaction
    rename = summary.rename is not None and request.POST.get("rename") == "1"
    import_service.apply(actor(request), system, parsed, rename=rename)
    importing.discard(_user(request), system, token)
    messages.success(request, f"Imported {parsed.names}. The history records what changed and why.")
    return redirect("dashboard", pk=system.pk)
