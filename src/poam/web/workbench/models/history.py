"""The change log: every change to an SSP record, entry, milestone, evidence or POA&M, kept.

Append-only: a row is written in the same transaction as the change it describes, and the model
refuses to be updated or deleted afterwards.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models

from poam.web.workbench.models.ssp import System
from poam.web.workbench.models.tenancy import Organization


class AppendOnlyError(RuntimeError):
    """Someone tried to rewrite history."""


class ChangeQuerySet(models.QuerySet["Change"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("the change log is append-only")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("the change log is append-only")


class Change(models.Model):
    """One field of one object changed (or an object created, removed, commented, reviewed)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    system = models.ForeignKey(
        System, on_delete=models.PROTECT, null=True, blank=True, related_name="changes"
    )
    object_type = models.CharField(max_length=20)
    object_id = models.BigIntegerField(null=True, blank=True)
    object_label = models.CharField(max_length=300, blank=True, default="")
    action = models.CharField(max_length=20)
    field = models.CharField(max_length=64, blank=True, default="")
    old = models.TextField(null=True, blank=True)
    new = models.TextField(null=True, blank=True)
    reason = models.TextField(blank=True, default="")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user_label = models.CharField(max_length=200, blank=True, default="")
    at = models.DateTimeField()
    batch = models.CharField(max_length=32, help_text="Rows written by one save share it.")

    objects = ChangeQuerySet.as_manager()

    class Meta:
        ordering = ("-at", "-id")
        indexes = (
            models.Index(fields=("system", "-at")),
            models.Index(fields=("object_type", "object_id", "-at")),
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("the change log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("the change log is append-only")
