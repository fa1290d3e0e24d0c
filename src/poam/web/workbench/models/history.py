"""The change log: every change to an SSP record, entry, milestone, evidence, POA&M, system,
organization or membership, and every security event (sign-ins, factors, passwords, tokens,
invitations: ``poam.web.accounts.events``), kept with who, when, from where and why.

Append-only three times over: the model refuses to update or delete a row; the database refuses
it too (triggers installed by migration 0003, on SQLite and PostgreSQL); and each row carries
the SHA-256 of its content chained to the row before it (``seq``, ``digest``), so that a row
changed or removed behind the application's back is found by ``poam audit verify``
(:mod:`poam.web.workbench.audit`). Rows are written only by a unit of work
(:mod:`poam.web.workbench.history`).
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models

from poam.web.workbench.models.ssp import System
from poam.web.workbench.models.tenancy import Organization


class AppendOnlyError(RuntimeError):
    """Someone tried to rewrite history."""


class ObjectType(models.TextChoices):
    """What a change-log row is about."""

    REQUIREMENT = "requirement", "SSP requirement"
    ENTRY = "entry", "POA&M entry"
    MILESTONE = "milestone", "Milestone"
    EVIDENCE = "evidence", "Evidence"
    POAM = "poam", "POA&M"
    SYSTEM = "system", "System"
    ORGANIZATION = "organization", "Organization"
    MEMBERSHIP = "membership", "Membership"
    TOKEN = "token", "API token"
    USER = "user", "User account"
    """Events of a person rather than of an organization's data: sign-ins, password changes."""
    INVITATION = "invitation", "Invitation"
    """An invitation to join an organization, sent or revoked (``poam.web.accounts.events``)."""


SYSTEM_OBJECTS = (
    ObjectType.REQUIREMENT,
    ObjectType.ENTRY,
    ObjectType.MILESTONE,
    ObjectType.EVIDENCE,
    ObjectType.POAM,
    ObjectType.SYSTEM,
)
"""The object types of a system's own history page."""


class ChangeQuerySet(models.QuerySet["Change"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("the change log is append-only")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("the change log is append-only")


class Change(models.Model):
    """One field of one object changed, or one event (created, removed, commented, reviewed,
    member added, role changed, signed in...)."""

    seq = models.PositiveBigIntegerField(
        unique=True, help_text="Position in the hash chain: 1, 2, 3... without gaps."
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for an event of a person alone (a sign-in, a password change).",
    )
    system = models.ForeignKey(
        System, on_delete=models.PROTECT, null=True, blank=True, related_name="changes"
    )
    object_type = models.CharField(max_length=20, choices=ObjectType.choices)
    object_id = models.BigIntegerField(null=True, blank=True)
    object_label = models.CharField(max_length=300, blank=True, default="")
    action = models.CharField(max_length=20)
    field = models.CharField(max_length=64, blank=True, default="")
    old = models.TextField(null=True, blank=True)
    new = models.TextField(null=True, blank=True)
    reason = models.TextField(blank=True, default="")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Kept: an account with history is deactivated, never deleted.",
    )
    user_label = models.CharField(max_length=200, blank=True, default="")
    ip_address = models.GenericIPAddressField(
        null=True, blank=True, help_text="Where the request came from."
    )
    at = models.DateTimeField()
    batch = models.CharField(max_length=32, help_text="Rows written by one save share it.")
    digest = models.CharField(
        max_length=64, help_text="SHA-256 of this row's content and the previous row's digest."
    )
    purge = models.ForeignKey(
        "ChangePurge",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tombstones",
        help_text="Set on a tombstone: the row of a deleted organization, its content erased "
        "by this purge; only ``seq`` and ``digest`` remain, and the chain links through them.",
    )

    objects = ChangeQuerySet.as_manager()

    class Meta:
        ordering = ("-at", "-id")
        indexes = (
            models.Index(fields=("system", "-at")),
            models.Index(fields=("object_type", "object_id", "-at")),
        )

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("the change log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("the change log is append-only")


class ChangeLogHead(models.Model):
    """Where the hash chain ends: the last row's ``seq`` and ``digest`` (one row).

    Appending locks it, so that concurrent writers chain one after the other; verifying
    compares it with the last row, so that rows cut from the end are found too.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    digest = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"change log head #{self.seq}"


class ChangePurge(models.Model):
    """The sanctioned erasure of one deleted organization's change-log rows.

    A row of the log is never updated, except into a tombstone: its content erased, its ``seq``
    and ``digest`` kept, ``purge`` set to an open purge of the row's organization, created in
    the same transaction (the database triggers of migration 0300 check each of these). The
    purge records how many rows it erased and the SHA-256 of their (seq, digest) list, is
    closed before the transaction ends (closed, it can never change again), and the deletion
    itself is a row of the chain (``recorded_seq``) that carries that SHA-256, so ``poam audit
    verify`` proves the tombstones are exactly those the deletion made.
    """

    organization_id = models.BigIntegerField(help_text="The deleted organization's id.")
    organization_slug = models.CharField(max_length=80)
    organization_name = models.CharField(max_length=200)
    at = models.DateTimeField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    user_label = models.CharField(max_length=200, blank=True, default="")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    reason = models.TextField(blank=True, default="")
    rows = models.PositiveBigIntegerField(default=0)
    tombstones_digest = models.CharField(max_length=64, blank=True, default="")
    recorded_seq = models.PositiveBigIntegerField(null=True, blank=True)
    open = models.BooleanField(default=True)
    txid = models.BigIntegerField(
        null=True, blank=True, help_text="PostgreSQL: the transaction that may use it."
    )

    def __str__(self) -> str:
        return f"purge of {self.organization_slug} ({self.rows} rows)"
