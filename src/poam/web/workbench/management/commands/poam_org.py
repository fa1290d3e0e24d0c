"""``poam org list|export|delete``: an operator's view of the organizations (tenants)."""

from __future__ import annotations

import getpass
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, NoReturn

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Count, Q

from poam.web.workbench.forms import errors_of
from poam.web.workbench.history import Actor
from poam.web.workbench.models import Organization
from poam.web.workbench.services import organizations

EXIT_INPUT = 2


class Command(BaseCommand):
    help = "List, export or delete organizations."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["list", "export", "delete"])
        parser.add_argument("slug", nargs="?")
        parser.add_argument("file", nargs="?")
        parser.add_argument("--confirm", default="")
        parser.add_argument("--reason", default="")
        parser.add_argument("--force", action="store_true")

    def fail(self, message: str) -> NoReturn:
        self.stderr.write(f"poam: error: {message}")
        sys.exit(EXIT_INPUT)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            self.list()
            return
        slug = options["slug"] or self.fail("name the organization (its slug: poam org list)")
        org = Organization.objects.filter(slug=slug).first()
        if org is None:
            self.fail(f"no organization {slug!r} (poam org list shows them)")
        who = Actor(None, f"poam org {options['action']} (command line, {_user()})")
        if options["action"] == "export":
            self.export(who, org, options)
        else:
            self.delete(who, org, options)

    def list(self) -> None:
        rows = Organization.objects.annotate(
            system_count=Count(
                "systems", filter=Q(systems__deleted_at__isnull=True), distinct=True
            ),
            member_count=Count("memberships", distinct=True),
        ).order_by("slug")
        for org in rows:
            self.stdout.write(
                f"{org.slug}\t{org.name}\t{org.system_count} systems\t{org.member_count} members"
            )

    def export(self, who: Actor, org: Organization, options: dict[str, Any]) -> None:
        if not options["file"]:
            self.fail("name the zip file to write: poam org export SLUG FILE")
        target = Path(options["file"]).expanduser()
        if target.exists() and not options["force"]:
            self.fail(f"{target}: exists (use --force to replace it)")
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        temporary = Path(name)
        try:
            with os.fdopen(handle, "wb") as out:
                done = organizations.export_organization(who, org, out)
            temporary.chmod(0o600)  # every record and the members' addresses of a tenant
            temporary.replace(target)
        finally:
            temporary.unlink(missing_ok=True)
        for problem in done.problems:
            self.stderr.write(f"poam org export: warning: {problem}")
        self.stdout.write(
            f"poam org export: {target}: {done.systems} systems, {done.members} members, "
            f"{done.changes:,} change-log rows, {done.evidence} evidence files "
            f"({done.evidence_bytes:,} bytes). Readable by you only."
        )

    def delete(self, who: Actor, org: Organization, options: dict[str, Any]) -> None:
        name = org.name
        try:
            erased = organizations.delete_organization(
                who, org, confirm=options["confirm"], reason=options["reason"]
            )
        except ValidationError as error:
            messages = [m for ms in errors_of(error).values() for m in ms]
            self.fail("; ".join(messages) + " (--confirm SLUG)")
        self.stdout.write(
            f"poam org delete: {name} ({org.slug}) deleted: its systems, documents, evidence "
            f"files and memberships; its {erased:,} change-log rows are tombstones now, and "
            "the deletion is recorded (poam audit verify proves the log)."
        )


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown user"
