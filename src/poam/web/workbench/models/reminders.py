"""Each user's reminder settings: the email digest, its horizon and kinds, the systems it
covers, and the secret address of the calendar feed (see ``workbench/reminders.py``)."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models

from poam.web.workbench.models.ssp import System
from poam.web.workbench.models.tenancy import Organization

MAX_DAYS_AHEAD = 90
"""The horizon a user may choose for the digest (the feed looks a year ahead)."""
FEED_TOKEN_BYTES = 32


def feed_digest(token: str) -> str:
    """The feed token is stored as its SHA-256 only: a copy of the database opens no feed."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class ReminderSettings(models.Model):
    """One user's reminders. Empty ``kinds``, ``organizations`` or ``systems`` mean all of them;
    whatever is chosen is always narrowed, when used, to what the user may see at that moment
    (a system of an organization the user has left is never reminded, whatever was chosen)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_settings"
    )
    email = models.BooleanField(default=False, help_text="Send a daily digest by email.")
    days_ahead = models.PositiveSmallIntegerField(
        default=14, validators=[MaxValueValidator(MAX_DAYS_AHEAD)]
    )
    kinds = models.JSONField(default=list, blank=True)
    organizations = models.ManyToManyField(Organization, blank=True, related_name="+")
    systems = models.ManyToManyField(System, blank=True, related_name="+")
    feed_digest = models.CharField(max_length=64, unique=True, null=True, blank=True)
    feed_created_at = models.DateTimeField(null=True, blank=True)
    last_sent_on = models.DateField(
        null=True, blank=True, help_text="The day of the last digest: never two the same day."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "reminder settings"

    def __str__(self) -> str:
        return f"reminders of {self.user_id}"

    def new_feed_token(self) -> str:
        """A new secret feed address (the old one stops working); returned once, never stored."""
        token = secrets.token_urlsafe(FEED_TOKEN_BYTES)
        self.feed_digest = feed_digest(token)
        return token
