"""Email each user who asked for it a digest of their reminders: once a day, from a timer.

Idempotent: a user's digest is claimed for the day (``last_sent_on``) before it is sent, in one
conditional update, so two runs the same day (a timer that fires twice, two servers) never send
it twice; a digest that fails to send is released again for the next run. Nothing is sent to a
user with nothing due, an account switched off, or no email address.
"""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from poam.web.workbench import reminders
from poam.web.workbench.backup import BackupError, require_migrated
from poam.web.workbench.clock import today
from poam.web.workbench.models import ReminderSettings

HEADERS = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}
"""A machine's message (RFC 3834): out-of-office replies should not answer it."""


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today {value!r}: give a date as YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "Email each user with email reminders on a digest of what is due (once a day)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="The day to remind for (YYYY-MM-DD; default today).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would be sent; send nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            require_migrated()  # a database not at this version: say what to run, no traceback
        except BackupError as error:
            self.stderr.write(f"poam: error: {error}")
            sys.exit(2)
        day = _day(options["today"]) if options.get("today") else today()
        dry_run = bool(options.get("dry_run"))
        base = settings.POAM_BASE_URL
        candidates = (
            ReminderSettings.objects.filter(email=True, user__is_active=True)
            .exclude(user__email="")
            .filter(Q(last_sent_on__isnull=True) | Q(last_sent_on__lt=day))
            .select_related("user")
            .order_by("pk")
        )
        sent = quiet = failed = 0
        for prefs in candidates:
            user = prefs.user
            due = reminders.for_user(user, day, prefs)
            if not due:
                quiet += 1
                continue
            subject, body = reminders.digest(due, day, base)
            if dry_run:
                self.stdout.write(f"To: {user.email}\nSubject: {subject}\n\n{body}")
                sent += 1
                continue
            before = prefs.last_sent_on
            claimed = (
                ReminderSettings.objects.filter(pk=prefs.pk)
                .filter(Q(last_sent_on__isnull=True) | Q(last_sent_on__lt=day))
                .update(last_sent_on=day)
            )
            if not claimed:  # another run sent it meanwhile
                continue
            try:
                EmailMessage(subject, body, to=[user.email], headers=HEADERS).send()
            except Exception as error:  # SMTP errors are many: report it, go on
                ReminderSettings.objects.filter(pk=prefs.pk, last_sent_on=day).update(
                    last_sent_on=before
                )
                self.stderr.write(f"{user.get_username()}: not sent ({error})")
                failed += 1
                continue
            sent += 1
        verb = "would send" if dry_run else "sent"
        self.stdout.write(
            f"{day.isoformat()}: {verb} {sent} digest{'s' if sent != 1 else ''}, "
            f"{quiet} with nothing due, {failed} failed"
        )
        if failed:
            raise CommandError(f"{failed} digest{'s' if failed != 1 else ''} could not be sent")
