"""Recompute every stale assessment summary (e.g. from a nightly timer, after the day changes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from poam.web.workbench.assessment import ensure_summaries
from poam.web.workbench.clock import today
from poam.web.workbench.models import System


class Command(BaseCommand):
    help = "Recompute the cached assessment summaries that are out of date."

    def handle(self, *args: Any, **options: Any) -> None:

        systems = System.objects.filter(deleted_at__isnull=True).select_related("summary")
        count = ensure_summaries(systems, today())
        self.stdout.write(f"{count} summaries recomputed")
