"""Today's date for every assessment: read here, once per request, and passed to the core."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.utils import timezone


def today() -> date:
    """``POAM_TODAY`` when set (tests, demos), else the local date of the server's time zone."""
    fixed = getattr(settings, "POAM_TODAY", None)
    if fixed:
        return date.fromisoformat(str(fixed))
    return timezone.localdate()
