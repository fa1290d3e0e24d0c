"""Sign-in, first-run setup, password change and API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from poam.web.accounts import setup as first_run
from poam.web.workbench.history import Actor
from poam.web.workbench.models import ApiToken
from poam.web.workbench.services import organizations as organization_service


def setup(request: HttpRequest) -> HttpResponse:
    """Create the first administrator (only while there is no user, with the printed token)."""
    token = request.GET.get("token") or request.POST.get("token")
    if not first_run.needed() or not first_run.valid(token):
        raise Http404("not found")
    errors: list[str] = []
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        password = request.POST.get("password", "")
        org_name = request.POST.get("organization", "").strip()
        if not username:
            errors.append("Choose a user name.")
        if not org_name:
            errors.append("Name your organization.")
        try:
            validate_password(password)
        except ValidationError as error:
            errors.extend(error.messages)
        if not errors:
            with transaction.atomic():
                user = get_user_model().objects.create_user(username=username, password=password)
                organization_service.create_organization(Actor.of(user), org_name)
            first_run.consume()
            login(request, user)
            messages.success(request, "Welcome. Add a system to your organization to begin.")
            return redirect("portfolio")
    return render(
        request,
        "accounts/setup.html",
        {"token": token, "errors": errors, "submitted": request.POST},
    )


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    issued = request.session.pop("issued_token", None)
    rows = ApiToken.objects.filter(user_id=int(request.user.pk or 0), revoked_at__isnull=True)
    return render(
        request, "accounts/tokens.html", {"tokens": rows, "issued": issued, "tab": "tokens"}
    )


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    name = request.POST.get("name", "").strip() or "API token"
    _token, clear = ApiToken.issue(request.user, name[:100])
    request.session["issued_token"] = clear
    return redirect("tokens")


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    updated = ApiToken.objects.filter(
        pk=pk, user_id=int(request.user.pk or 0), revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    if not updated:
        raise Http404("not found")
    messages.success(request, "Token revoked.")
    return redirect("tokens")
