"""Account pages: first-run setup, the security overview, API tokens, invitations, MFA policy."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from poam.web.accounts import events as security_log
from poam.web.accounts import invitations, policy
from poam.web.accounts import setup as first_run
from poam.web.accounts import tokens as token_service
from poam.web.accounts.events import Event, record
from poam.web.workbench import tenancy
from poam.web.workbench.history import Actor
from poam.web.workbench.models import Role, TokenScope
from poam.web.workbench.services import organizations as organization_service
from poam.web.workbench.tenancy import Action

BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def _messages_of(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def setup(request: HttpRequest) -> HttpResponse:
    """Create the first administrator (only while there is no user, with the printed token)."""
    token = request.GET.get("token") or request.POST.get("token")
    if not first_run.needed() or not first_run.valid(token):
        raise Http404("not found")
    errors: list[str] = []
    if request.method == "POST":
        username = request.POST.get("username", "").strip()[:150]
        email = request.POST.get("email", "").strip()[:254]
        password = request.POST.get("password", "")
        org_name = request.POST.get("organization", "").strip()[:200]
        if not username:
            errors.append("Choose a user name.")
        if not org_name:
            errors.append("Name your organization.")
        candidate = get_user_model()(username=username, email=email)
        try:
            validate_password(password, candidate)
        except ValidationError as error:
            errors.extend(_messages_of(error))
        if not errors:
            try:
                with first_run.claim():
                    user = get_user_model().objects.create_user(
                        username=username, email=email, password=password
                    )
                    if email:
                        EmailAddress.objects.create(
                            user=user, email=email, primary=True, verified=False
                        )
                    org = organization_service.create_organization(Actor.of(user), org_name)
                    record(Event.FIRST_ADMINISTRATOR, request=request, user=user, organization=org)
            except first_run.AlreadyClaimed:
                raise Http404("not found") from None
            first_run.consume()
            login(request, user, backend=BACKEND)
            messages.success(request, "Welcome. Add a system to your organization to begin.")
            return redirect("portfolio")
    return render(
        request,
        "accounts/setup.html",
        {"token": token, "errors": errors, "submitted": request.POST},
    )


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """The account's sign-in methods, what its organizations require, and its recent events."""
    user = request.user
    from allauth.mfa.models import Authenticator

    factors = list(Authenticator.objects.filter(user_id=user.pk).values_list("type", flat=True))
    events = security_log.of_account(user)[:25]
    return render(
        request,
        "accounts/security.html",
        {
            "factors": factors,
            "has_totp": Authenticator.Type.TOTP in factors,
            "keys": factors.count(Authenticator.Type.WEBAUTHN),
            "has_codes": Authenticator.Type.RECOVERY_CODES in factors,
            "requiring": policy.requiring_organizations(user),
            "events": events,
            "tokens": token_service.live(user).count(),
            "tab": "security",
        },
    )


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    issued = request.session.pop("issued_token", None)
    return render(
        request,
        "accounts/tokens.html",
        {
            "tokens": token_service.live(request.user),
            "issued": issued,
            "lifetimes": token_service.LIFETIMES.items(),
            "default_days": token_service.DEFAULT_DAYS,
            "scopes": TokenScope.choices,
            "tab": "tokens",
        },
    )


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    try:
        days = int(request.POST.get("days", token_service.DEFAULT_DAYS))
    except ValueError:
        days = -1
    try:
        _token, clear = token_service.create(
            request,
            request.user,
            request.POST.get("name", ""),
            request.POST.get("scope", TokenScope.READ),
            days,
        )
    except ValidationError as error:
        messages.error(request, "; ".join(_messages_of(error)))
        return redirect("tokens")
    request.session["issued_token"] = clear
    return redirect("tokens")


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    if not token_service.revoke(request, request.user, pk):
        raise Http404("not found")
    messages.success(request, "Token revoked.")
    return redirect("tokens")


# --- organizations: invitations and the MFA policy ---------------------------------------------


@login_required
@require_POST
def invitation_create(request: HttpRequest, slug: str) -> HttpResponse:
    org, _access = tenancy.organization(request.user, slug, Action.MANAGE)
    email = request.POST.get("email", "")
    try:
        invitations.invite(request, request.user, org, email, request.POST.get("role", ""))
    except ValidationError as error:
        messages.error(request, "; ".join(_messages_of(error)))
    else:
        messages.success(
            request,
            f"Invitation sent to {email.strip()}. They join when they accept it (within 7 days).",
        )
    return redirect("organization", slug=org.slug)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    org, _access = tenancy.organization(request.user, slug, Action.MANAGE)
    if not invitations.revoke(request, request.user, org, pk):
        raise Http404("not found")
    messages.success(request, "Invitation revoked.")
    return redirect("organization", slug=org.slug)


@login_required
@require_POST
def organization_security(request: HttpRequest, slug: str) -> HttpResponse:
    org, _access = tenancy.organization(request.user, slug, Action.MANAGE)
    required = request.POST.get("mfa_required") == "1"
    if required and not policy.has_second_factor(request.user):
        messages.error(
            request,
            "Set up two-factor authentication for yourself before requiring it of everyone.",
        )
        return redirect("organization", slug=org.slug)
    if policy.set_mfa_required(request, request.user, org, required):
        messages.success(
            request,
            "Two-factor authentication is now required of every member."
            if required
            else "Two-factor authentication is no longer required.",
        )
    return redirect("organization", slug=org.slug)


@login_required
def organization_activity(request: HttpRequest, slug: str) -> HttpResponse:
    """The organization's own log, for its administrators: members and roles, invitations,
    the MFA policy, its creation (its systems' changes are on each system's history page)."""
    org, access = tenancy.organization(request.user, slug, Action.MANAGE)
    page = Paginator(security_log.of_organization(org), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/organization_activity.html",
        {"org": org, "access": access, "page": page, "tab": "organization"},
    )


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The invitee's page: accept as the signed-in user, or create an account and join."""
    found = invitations.find(token)
    if found is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    errors: dict[str, list[str]] = {}
    if request.method == "POST" and request.user.is_authenticated:
        return _accept(request, found, request.user)
    if request.method == "POST":
        user = _new_account(request, found, errors)
        if user is not None:
            login(request, user, backend=BACKEND)
            return _accept(request, found, user)
    context: dict[str, Any] = {
        "invitation": found,
        "role": Role(found.role).label,
        "errors": errors,
        "submitted": request.POST,
        "login_url": reverse("account_login") + "?next=" + request.path,
    }
    return render(request, "accounts/invitation.html", context, status=422 if errors else 200)


def _accept(request: HttpRequest, found: Any, user: Any) -> HttpResponse:
    try:
        invitations.accept(request, found, user)
    except ValidationError as error:
        messages.error(request, "; ".join(_messages_of(error)))
        return redirect("portfolio")
    messages.success(request, f"You joined {found.organization.name} as {Role(found.role).label}.")
    return redirect("organization", slug=found.organization.slug)


def _new_account(request: HttpRequest, found: Any, errors: dict[str, list[str]]) -> Any:
    users = get_user_model()
    username = request.POST.get("username", "").strip()[:150]
    full_name = request.POST.get("full_name", "").strip()[:150]
    password = request.POST.get("password1", "")
    if not username:
        errors["username"] = ["Choose a user name."]
    elif users.objects.filter(username__iexact=username).exists():
        errors["username"] = ["That user name is taken: choose another, or sign in if it is yours."]
    else:
        try:
            users.username_validator(username)
        except ValidationError as error:
            errors["username"] = _messages_of(error)
    if (
        users.objects.filter(email__iexact=found.email).exists()
        or EmailAddress.objects.filter(email__iexact=found.email).exists()
    ):
        # the invitee holds the link sent to this address: telling them it has an account is
        # telling them what they already know
        errors["username"] = [
            f"An account already uses {found.email}: sign in with it, then open this link again."
        ]
    if password != request.POST.get("password2", ""):
        errors["password2"] = ["The two passwords differ."]
    first, _, last = full_name.partition(" ")
    candidate = users(username=username, email=found.email, first_name=first, last_name=last)
    try:
        validate_password(password, candidate)
    except ValidationError as error:
        errors["password1"] = _messages_of(error)
    if errors:
        return None
    user = users.objects.create_user(
        username=username, email=found.email, password=password, first_name=first, last_name=last
    )
    # the invitation reached this address: it is verified
    EmailAddress.objects.create(user=user, email=found.email, primary=True, verified=True)
    return user
