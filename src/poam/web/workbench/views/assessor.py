"""The assessor's package: the read-only truth of a system, its report and its exports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from poam.core.checks.base import Severity
from poam.web.workbench import exports, importing, tenancy
from poam.web.workbench.forms import errors_of
from poam.web.workbench.models import Comment, Review
from poam.web.workbench.services import governance
from poam.web.workbench.tenancy import Action
from poam.web.workbench.views.common import actor, system_context
from poam.web.workbench.views.entry import verification


@login_required
def assessor(request: HttpRequest, pk: int) -> HttpResponse:
    system, access = tenancy.system(request.user, pk)
    context = system_context(request, system, access, "assessor", request.GET.get("kind") or None)
    assessed = context["assessed"]
    store = assessed.snapshot.evidence
    manifest = [
        (entry, evidence, verification(store, evidence))
        for entry in assessed.snapshot.entries_of(assessed.kind or "")
        for evidence in entry.evidence
    ]
    groups: dict[str, list[exports.Export]] = {}
    for export in exports.available(assessed):
        groups.setdefault(export.group, []).append(export)
    poam_row = assessed.snapshot.poam_rows.get(assessed.kind or "")
    context.update(
        {
            "export_groups": groups,
            "manifest": manifest,
            "reviews": Review.objects.filter(poam_id=poam_row.pk)[:10] if poam_row else [],
            "comments": Comment.objects.filter(system=system)
            .select_related("entry")
            .order_by("-created_at")[:50],
            "errors": assessed.assessment.count(Severity.ERROR),
            "warnings": assessed.assessment.count(Severity.WARNING),
            "max_import_mb": importing.max_import_bytes() // (1024 * 1024),
            "kinds": list(assessed.snapshot.poams),
        }
    )
    return render(request, "workbench/assessor.html", context)


@login_required
def export(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    system, access = tenancy.system(request.user, pk)
    chosen = exports.BY_KEY.get(key)
    if chosen is None:
        raise Http404("no such export")
    context = system_context(request, system, access, "assessor", request.GET.get("kind") or None)
    assessed = context["assessed"]
    try:
        body = chosen.run(assessed)
    except exports.NotAvailable:
        raise Http404("this export is not available for this system") from None
    response = HttpResponse(body, content_type=chosen.content_type)
    disposition = "inline" if key == "report" and request.GET.get("view") else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{chosen.filename(assessed)}"'
    if key == "report":
        # the report is self-contained: its inline styles and SVG need no scripts
        response["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
        )
    return response


@login_required
@require_POST
def system_comment(request: HttpRequest, pk: int) -> HttpResponse:
    system, _access = tenancy.system(request.user, pk, Action.COMMENT)
    try:
        governance.add_comment(
            actor(request),
            system,
            request.POST.get("text", ""),
            requirement=request.POST.get("requirement") or None,
        )
    except ValidationError as error:
        messages.error(request, "; ".join(m for ms in errors_of(error).values() for m in ms))
    else:
        messages.success(request, "Comment added.")
    return redirect("assessor", pk=system.pk)
