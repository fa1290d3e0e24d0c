"""``poam serve``: migrate, optionally seed the demo, print the address, then hand over to the
server (:mod:`poam.web.server`: gunicorn, or waitress where gunicorn cannot run)."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Run the poam web application (gunicorn or waitress), migrating the database first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--demo", action="store_true", help="Seed the demo organizations.")
        parser.add_argument("--workers", type=int, default=1, help="Processes (default 1).")
        parser.add_argument("--threads", type=int, default=8, help="Threads per process.")
        parser.add_argument("--no-serve", action="store_true", help="Prepare, print, exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings

        from poam.web.accounts import setup
        from poam.web.workbench.clock import today

        call_command("migrate", interactive=False, verbosity=0)
        host, port = options["host"], options["port"]
        shown_host = f"[{host}]" if ":" in host else host
        url = f"http://{'localhost' if host in ('127.0.0.1', '0.0.0.0') else shown_host}:{port}/"
        out = self.stdout
        out.write(f"poam: data in {settings.DATA_DIR}")
        if options["demo"]:
            from poam.web.workbench.demo import seed

            username, password = seed(today())
            out.write(f"poam: demo ready - sign in as {username} / {password}")
            out.write("poam: (also 'assessor' and 'owner', same password)")
        if setup.needed():
            token = setup.issue()
            out.write(
                f"poam: no user yet - create the first administrator at {url}setup/?token={token}"
            )
        from poam.web import server

        try:
            chosen = server.choose(os.environ)
        except ValueError as error:
            raise CommandError(str(error)) from None
        workers, threads = max(1, options["workers"]), max(1, options["threads"])
        if chosen == "waitress" and workers > 1:
            out.write(f"poam: waitress serves from one process ({workers * threads} threads)")
        out.write(f"poam: serving on {url} with {chosen} (press Ctrl+C to stop)")
        sys.stdout.flush()
        if options["no_serve"]:
            return
        server.serve(host, port, workers=workers, threads=threads)
