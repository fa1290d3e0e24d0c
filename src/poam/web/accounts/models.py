"""The accounts' own tables: back-off state, invitations, policies (security events are in the
change log: ``poam.web.accounts.events``).

Kept apart from the workbench's tables (their own app and migrations): they describe people and
how they sign in, not an organization's SSP or POA&M.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models

from poam.web.workbench.models import Organization, Role


class Backoff(models.Model):
    """The failure score of one key (an account, an address, or a device) and its delay.

    Kept in the database, not a per-process cache, so every server process (and every machine
    of a PostgreSQL installation) sees the same state.
    """

    key = models.CharField(max_length=200, unique=True)
    score = models.FloatField(default=0.0)
    updated_at = models.DateTimeField()
    blocked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.score:.1f}"


def invitation_digest(token: str) -> str:
    """Invitation links are stored as their SHA-256 only, like API tokens."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Invitation(models.Model):
    """An offer to join an organization in a role, sent by email; nothing happens until accepted."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    digest = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.email} to {self.organization_id} as {self.role}"


class OrganizationPolicy(models.Model):
    """What an organization demands of its members' sign-in (set by its administrators)."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="policy", primary_key=True
    )
    mfa_required = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.organization_id}: mfa {'required' if self.mfa_required else 'optional'}"


class SetupClaim(models.Model):
    """One row at most: the first administrator was created (see ``accounts/setup.py``).

    Its unique key is what makes first-run setup safe under a race: two requests with the
    token may both find no user, but only one can insert this row in its transaction.
    """

    key = models.CharField(max_length=40, unique=True)
    claimed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key
