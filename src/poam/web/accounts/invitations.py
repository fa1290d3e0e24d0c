"""Invitations: the only way into an organization.

An administrator names an email address and a role; poam emails a link (valid 7 days, stored as
its SHA-256 only). Nothing changes until the person who received it accepts: signed in, they
join with their own account; otherwise they create one, choosing their own user name and
password. The administrator never sees or sets a password, and learns nothing about which
accounts exist: the answer to an invitation is the same whoever the address belongs to.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from poam.web.accounts.events import Event, record
from poam.web.accounts.models import Invitation, invitation_digest
from poam.web.workbench.history import Actor
from poam.web.workbench.models import Membership, ObjectType, Organization, Role
from poam.web.workbench.services import organizations as organization_service

VALID_FOR = timedelta(days=7)
PENDING_LIMIT = 200
"""Open invitations an organization may have at once (a bound on what one admin can send)."""


def pending(organization: Organization) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        organization=organization,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).select_related("invited_by")


def invite(
    request: HttpRequest, actor: Any, organization: Organization, email: str, role: str
) -> Invitation:
    """Send an invitation to ``email``; an older open one to the same address is replaced."""
    email = email.strip()
    errors = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = "give a valid email address"
    if role not in Role.values:
        errors["role"] = f"{role!r} is not a role"
    if errors:
        raise ValidationError(errors)
    if pending(organization).count() >= PENDING_LIMIT:
        raise ValidationError({"email": "too many open invitations: revoke some first"})
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        pending(organization).filter(email__iexact=email).update(revoked_at=now)
        invitation = Invitation.objects.create(
            organization=organization,
            email=email,
            role=role,
            digest=invitation_digest(token),
            invited_by=actor,
            created_at=now,
            expires_at=now + VALID_FOR,
        )
        link = request.build_absolute_uri(reverse("invitation", args=[token]))
        context = {
            "organization": organization,
            "role": Role(role).label,
            "inviter": (actor.get_full_name() or actor.get_username()) if actor else "poam",
            "link": link,
            "expires": invitation.expires_at,
        }
        send_mail(
            render_to_string("accounts/email/invitation_subject.txt", context).strip(),
            render_to_string("accounts/email/invitation.txt", context),
            settings.DEFAULT_FROM_EMAIL,
            [email],
        )
        record(
            Event.INVITATION_SENT,
            request=request,
            actor=actor,
            organization=organization,
            subject=(ObjectType.INVITATION, invitation.pk, email),
            email=email,
            role=role,
        )
    return invitation


def find(token: str) -> Invitation | None:
    """The open invitation behind a link, or None (unknown, used, revoked or expired)."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.filter(
            digest=invitation_digest(token),
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("organization", "invited_by")
        .first()
    )


def accept(request: HttpRequest, invitation: Invitation, user: Any) -> Membership:
    """``user`` joins the organization in the invited role (once; the link is then spent)."""
    with transaction.atomic():
        claimed = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(accepted_at=timezone.now(), accepted_by=user)
        if not claimed:
            raise ValidationError({"__all__": "this invitation was already used or revoked"})
        membership, created = organization_service.add_member(
            Actor.from_request(request),
            invitation.organization,
            user,
            invitation.role,
            reason=f"accepted an invitation from {invitation.invited_by}",
        )
        record(
            Event.INVITATION_ACCEPTED,
            request=request,
            user=user,
            organization=invitation.organization,
            invitation=invitation.pk,
            invited_by=invitation.invited_by.get_username() if invitation.invited_by else None,
            email=invitation.email,
            role=invitation.role,
            already_member=not created or None,
        )
    return membership


def revoke(request: HttpRequest, actor: Any, organization: Organization, pk: int) -> bool:
    updated = pending(organization).filter(pk=pk).update(revoked_at=timezone.now())
    if updated:
        invitation = Invitation.objects.get(pk=pk)
        record(
            Event.INVITATION_REVOKED,
            request=request,
            actor=actor,
            organization=organization,
            subject=(ObjectType.INVITATION, invitation.pk, invitation.email),
            email=invitation.email,
        )
    return bool(updated)
