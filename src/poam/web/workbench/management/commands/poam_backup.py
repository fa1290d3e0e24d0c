"""``poam backup FILE`` and ``poam restore FILE``: the installation in one archive and back
(:mod:`poam.web.workbench.backup`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from poam.web.workbench import backup

EXIT_INPUT, EXIT_BROKEN = 2, 1


class Command(BaseCommand):
    help = "Back up the database and the evidence files into one archive, or restore one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["backup", "restore"])
        parser.add_argument("file")
        parser.add_argument("--force", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"]).expanduser()
        try:
            if options["action"] == "backup":
                self.backup(path, force=options["force"])
            else:
                self.restore(path, force=options["force"])
        except backup.BackupError as error:
            self.stderr.write(f"poam: error: {error}")
            sys.exit(EXIT_INPUT)

    def backup(self, path: Path, *, force: bool) -> None:
        report = backup.create(path, force=force)
        for problem in report.problems:
            self.stderr.write(f"poam backup: warning: {problem}")
        self.stdout.write(
            f"poam backup: {path}: {report.rows:,} rows of {len(report.tables)} tables, "
            f"{report.evidence:,} evidence files ({report.evidence_bytes:,} bytes); change log "
            f"row #{report.last_seq}, digest {report.last_digest}. Readable by you only: it "
            "holds password hashes and every organization's records."
        )

    def restore(self, path: Path, *, force: bool) -> None:
        def say_replaced(report: backup.Report) -> None:
            if report.replaced:
                listed = ", ".join(f"{n:,} {label}" for label, n in sorted(report.replaced.items()))
                self.stdout.write(
                    f"poam restore: --force replaces what the database held: {listed}"
                )

        call_command("migrate", interactive=False, verbosity=0)  # a new database: its tables
        report = backup.restore(path, force=force, before_write=say_replaced)
        for problem in report.problems:
            self.stderr.write(f"poam restore: note: {problem}")
        self.stdout.write(
            f"poam restore: {path}: {report.rows:,} rows of {len(report.tables)} tables, "
            f"{report.evidence:,} evidence files ({report.evidence_bytes:,} bytes), each checked "
            "against the backup's SHA-256."
        )
        chain = report.chain
        if chain is None or chain.broken is not None:
            problem = "not verified" if chain is None else chain.broken.problem  # type: ignore[union-attr]
            self.stderr.write(
                f"poam restore: the change log is broken after the restore: {problem}"
            )
            sys.exit(EXIT_BROKEN)
        if (chain.last_seq, chain.last_digest) != (report.last_seq, report.last_digest):
            self.stderr.write(
                f"poam restore: the change log ends at row #{chain.last_seq}, but the backup "
                f"recorded row #{report.last_seq}"
            )
            sys.exit(EXIT_BROKEN)
        self.stdout.write(
            f"poam restore: the change log is intact: {chain.rows:,} rows, last row "
            f"#{chain.last_seq}, digest {chain.last_digest} (as the backup recorded)."
        )
