"""Seed the demo (two organizations, three systems) into the current database."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from poam.web.workbench.clock import today
from poam.web.workbench.demo import seed


class Command(BaseCommand):
    help = "Seed the demo organizations, systems, users and history."

    def handle(self, *args: Any, **options: Any) -> None:

        username, password = seed(today())
        self.stdout.write(f"demo ready - sign in as {username} / {password}")
