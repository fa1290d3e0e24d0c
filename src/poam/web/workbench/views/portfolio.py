"""The portfolio across every organization a user can see, and each organization's page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from poam.core.model import Thresholds
from poam.web.workbench import tenancy
from poam.web.workbench.assessment import ensure_summaries
from poam.web.workbench.clock import today
from poam.web.workbench.forms import errors_of
from poam.web.workbench.forms.ssp import SystemForm
from poam.web.workbench.models import Membership, Organization, Role
from poam.web.workbench.portfolio import ROW_FIELDS, ordering, search, summarized
from poam.web.workbench.services import organizations as organization_service
from poam.web.workbench.services import systems as system_service
from poam.web.workbench.tenancy import ROLE_HELP, Access, Action
from poam.web.workbench.views.common import actor

PAGE_SIZE = 50
ORGS_SHOWN = 30
COLUMNS = (
    ("name", "System"),
    ("score", "Score"),
    ("verdict", "Verdict"),
    ("days", "Days left"),
    ("errors", "Errors"),
    ("warnings", "Warnings"),
    ("open", "Open entries"),
    ("affirmation", "Affirmation due"),
)


@login_required
def portfolio(request: HttpRequest) -> HttpResponse:
    as_of = today()
    sort, order = ordering(request.GET.get("sort", "name"))
    query = request.GET.get("q", "").strip()
    rows = search(summarized(request.user, as_of), query)
    # Plain rows, not model instances: a page of 50 renders in a third of the time.
    plain = rows.order_by(*order).values("pk", "name", **ROW_FIELDS)
    page = Paginator(plain, PAGE_SIZE).get_page(request.GET.get("page"))
    all_orgs = tenancy.organizations(request.user).order_by("name")
    org_count = all_orgs.count()
    orgs = list(all_orgs[:ORGS_SHOWN])
    context = {
        "page": page,
        "sort": sort,
        "columns": COLUMNS,
        "query": query,
        "as_of": as_of,
        "soon": as_of + timedelta(days=Thresholds().validity_warning_days),
        "affirmation_soon": as_of + timedelta(days=Thresholds().affirmation_warning_days),
        "orgs": orgs,
        "org_count": org_count,
        "more_orgs": org_count - len(orgs),
        "tab": "portfolio",
    }
    template = (
        "workbench/portfolio_table.html"
        if request.headers.get("HX-Request")
        else "workbench/portfolio.html"
    )
    return render(request, template, context)


@login_required
@require_POST
def create_organization(request: HttpRequest) -> HttpResponse:
    try:
        org = organization_service.create_organization(actor(request), request.POST.get("name", ""))
    except ValidationError as error:
        messages.error(request, "; ".join(m for ms in errors_of(error).values() for m in ms))
        return redirect("portfolio")
    messages.success(request, f"Created {org.name}; you are its administrator.")
    return redirect("organization", slug=org.slug)


@login_required
def organization(request: HttpRequest, slug: str) -> HttpResponse:
    org, access = tenancy.organization(request.user, slug)
    return _organization_page(request, org, access)


def _organization_page(
    request: HttpRequest, org: Organization, access: Access, *, status: int = 200, **extra: Any
) -> HttpResponse:
    members = (
        Membership.objects.filter(organization=org)
        .select_related("user")
        .order_by("user__username")
    )
    systems = tenancy.systems(request.user).filter(organization=org).select_related("summary")
    ensure_summaries(systems, today())
    context = {
        "org": org,
        "access": access,
        "can_manage": access.can(Action.MANAGE),
        "members": members,
        "systems": systems.order_by("name"),
        "roles": [(role.value, role.label, ROLE_HELP[role]) for role in Role],
        "system_errors": {},
        "tab": "organization",
        **extra,
    }
    return render(request, "workbench/organization.html", context, status=status)


@login_required
@require_POST
def create_system(request: HttpRequest, slug: str) -> HttpResponse:
    org, access = tenancy.organization(request.user, slug, Action.MANAGE)
    values = {key: request.POST[key] for key in SystemForm.Meta.fields if key in request.POST}
    try:
        system = system_service.create_system(actor(request), org, values, today=today())
    except ValidationError as error:
        return _organization_page(
            request,
            org,
            access,
            status=422,
            system_errors=errors_of(error),
            system_submitted=request.POST,
        )
    messages.success(
        request, f"Created {system.name}: describe its requirements in the SSP editor."
    )
    return redirect("ssp", pk=system.pk)


@login_required
@require_POST
def change_member(request: HttpRequest, slug: str, member: int) -> HttpResponse:
    org, _access = tenancy.organization(request.user, slug, Action.MANAGE)
    membership = (
        Membership.objects.filter(organization=org, pk=member).select_related("user").first()
    )
    if membership is None:
        raise Http404("not found")
    try:
        if request.POST.get("remove"):
            organization_service.remove_member(actor(request), org, membership)
            messages.success(request, "Member removed.")
        else:
            organization_service.change_role(
                actor(request), org, membership, request.POST.get("role", "")
            )
            messages.success(request, "Role changed.")
    except ValidationError as error:
        messages.error(request, "; ".join(m for ms in errors_of(error).values() for m in ms))
    return redirect("organization", slug=org.slug)
