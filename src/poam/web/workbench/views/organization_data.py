"""An organization's export (everything, as a zip) and deletion, for its administrators."""

from __future__ import annotations

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from poam.web.workbench import tenancy
from poam.web.workbench.forms import errors_of
from poam.web.workbench.services import organizations as organization_service
from poam.web.workbench.tenancy import Action
from poam.web.workbench.views.common import actor
from poam.web.workbench.views.portfolio import _organization_page

SPOOL_BYTES = 16 * 1024 * 1024
"""An export larger than this goes to a temporary file rather than memory."""


@login_required
@require_POST
def export_organization(request: HttpRequest, slug: str) -> HttpResponseBase:
    """A POST (it is recorded in the change log), answered with the zip to download."""
    org, _access = tenancy.organization(request.user, slug, Action.MANAGE)
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 -- the response closes it
    organization_service.export_organization(actor(request), org, spool)
    spool.seek(0)
    stamp = timezone.now().strftime("%Y%m%d")
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"poam-{org.slug}-{stamp}.zip",
        content_type="application/zip",
    )


@login_required
@require_POST
def delete_organization(request: HttpRequest, slug: str) -> HttpResponse:
    org, access = tenancy.organization(request.user, slug, Action.MANAGE)
    try:
        organization_service.delete_organization(
            actor(request),
            org,
            confirm=request.POST.get("confirm", ""),
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as error:
        return _organization_page(request, org, access, status=422, delete_errors=errors_of(error))
    messages.success(
        request,
        f"{org.name} was deleted with its systems, documents, evidence files and memberships. "
        "The change log keeps the deletion and a tombstone of each of its rows.",
    )
    return redirect("portfolio")
