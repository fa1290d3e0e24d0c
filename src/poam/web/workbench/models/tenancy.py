"""Organizations (tenants), who belongs to them and in which role, and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    """What a member may do in one organization (see ``tenancy.PERMISSIONS``)."""

    ADMINISTRATOR = "administrator", "Administrator"
    EDITOR = "editor", "Editor"
    ENTRY_OWNER = "entry-owner", "Entry owner"
    ASSESSOR = "assessor", "Assessor"
    VIEWER = "viewer", "Viewer"


class Organization(models.Model):
    """A tenant: a contractor, with its systems. Nothing of it is visible to non-members."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=("user", "organization"), name="one_membership_per_org"),
        )

    def __str__(self) -> str:
        return f"{self.user_id} in {self.organization_id} as {self.role}"


def token_digest(token: str) -> str:
    """Tokens are stored as their SHA-256 only: a copy of the database gives no usable token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class TokenScope(models.TextChoices):
    READ = "read", "Read only"
    WRITE = "write", "Read and write"


class ApiToken(models.Model):
    """A bearer token for the API, acting as its user (with the user's memberships), within its
    scope, until it expires or is revoked (see ``poam.web.accounts.tokens``)."""

    PREFIX = "poam_"
    LIFETIME = timedelta(days=90)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    hint = models.CharField(max_length=16, help_text="The first characters, to recognise it.")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    scope = models.CharField(max_length=5, choices=TokenScope.choices, default=TokenScope.READ)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=60, blank=True, default="")

    class Meta:
        ordering = ("-created_at",)

    @classmethod
    def issue(
        cls,
        user: object,
        name: str,
        *,
        scope: str = TokenScope.READ,
        expires_at: datetime | None = None,
    ) -> tuple[ApiToken, str]:
        """A new token for ``user``; the clear text is returned once and never stored."""
        clear = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            hint=clear[: len(cls.PREFIX) + 6],
            digest=token_digest(clear),
            scope=scope,
            expires_at=expires_at or timezone.now() + cls.LIFETIME,
        )
        return token, clear

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}...)"
