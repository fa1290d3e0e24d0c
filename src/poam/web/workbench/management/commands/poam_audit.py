"""``poam audit verify``: recompute the change log's hash chain and report the first broken link
(exit 1), or that every row is as it was written (exit 0)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from poam.web.workbench.audit import verify
from poam.web.workbench.backup import BackupError, require_migrated


class Command(BaseCommand):
    help = "Verify that the change log is intact (its hash chain); exit 1 at the first break."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            require_migrated()  # an unmigrated database has no log to verify: say so, no traceback
        except BackupError as error:
            self.stderr.write(f"poam: error: {error}")
            sys.exit(2)
        result = verify()
        if result.broken is None:
            self.stdout.write(
                f"poam audit: the change log is intact: {result.rows:,} rows, each as it was "
                f"written. Last row #{result.last_seq}, digest {result.last_digest} (note it "
                "elsewhere to prove later that the whole log was not replaced)."
            )
            return
        broken = result.broken
        where = f"row #{broken.seq}"
        if broken.change_id is not None:
            where += f" (id {broken.change_id}"
            if broken.at is not None:
                where += f", written {timezone.localtime(broken.at):%Y-%m-%d %H:%M:%S %Z}"
            where += ")"
        self.stderr.write(
            f"poam audit: the change log is broken at {where}: {broken.problem}. "
            f"The {result.rows:,} rows before it are intact."
        )
        sys.exit(1)
