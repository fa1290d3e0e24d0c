"""``poam notify``: email each user's reminder digest, from a daily timer (systemd or cron).

Like ``poam serve``, it points Django at the web application's settings by name and runs the
management command the web application defines (``poam_notify``): the CLI never imports
``poam.web``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from poam.cli.commands.serve import DataDirOpt, _django


def register(app: typer.Typer) -> None:
    @app.command()
    def notify(
        data_dir: DataDirOpt = None,
        today: Annotated[
            str | None,
            typer.Option(
                "--today", help="The day to remind for (YYYY-MM-DD; default: today, or POAM_TODAY)."
            ),
        ] = None,
        dry_run: Annotated[
            bool, typer.Option("--dry-run", help="Print the digests that would be sent; send none.")
        ] = False,
    ) -> None:
        """Email each user who turned email reminders on a digest of what is due.

        Milestones due and overdue, POA&M reviews, the closeout countdown, affirmations and the
        Final status's validity, for the systems each user may see. Run it once a day: a user
        is never emailed twice for the same day, so a timer that fires twice is harmless. Email
        goes through POAM_EMAIL_HOST (SMTP), else to the console; see docs/web.md, "Reminders".
        """
        argv = ["poam_notify"]
        if today is not None:
            try:
                date.fromisoformat(today)
            except ValueError:
                from poam.cli.inputs import fail

                raise fail(f"--today {today!r}: give a date as YYYY-MM-DD") from None
            argv += ["--today", today]
        if dry_run:
            argv.append("--dry-run")
        _django(data_dir, argv)
