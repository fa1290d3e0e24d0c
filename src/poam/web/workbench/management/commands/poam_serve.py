"""``poam serve``: check the address is free, migrate, optionally seed the demo, print the
address, then hand over to the server (:mod:`poam.web.server`: gunicorn, or waitress where
gunicorn cannot run)."""

from __future__ import annotations

import errno
import os
import socket
import sys
from pathlib import Path
from typing import Any, NoReturn

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

EXIT_INPUT = 2
"""The CLI's exit status for a request it cannot carry out as asked (``poam.cli.inputs``)."""


def port_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on ``host:port``, or None when it can.

    Tried before anything is printed or migrated, the way the servers bind (``SO_REUSEADDR``),
    so that a busy port is one clear line rather than "serving" followed by a traceback.
    A program that takes the port in between still makes the server fail, with its own error.
    """
    if not 0 < port < 65536:
        return f"--port {port}: choose a port from 1 to 65535"
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        return f"--host {host}: not an address of this machine ({error.strerror})"
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
            probe.listen(1)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return (
                    f"port {port} on {host} is already in use (another poam, or another "
                    "program): stop it, or choose another port with --port"
                )
            if error.errno == errno.EACCES:
                return f"port {port} on {host}: permission denied (ports below 1024 need root)"
            if error.errno == errno.EADDRNOTAVAIL:
                return f"--host {host}: not an address of this machine"
            return f"cannot listen on {host}:{port}: {error.strerror}"
    return None


class Command(BaseCommand):
    help = "Run the poam web application (gunicorn or waitress), migrating the database first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--demo", action="store_true", help="Seed the demo organizations.")
        parser.add_argument("--workers", type=int, default=1, help="Processes (default 1).")
        parser.add_argument("--threads", type=int, default=8, help="Threads per process.")
        parser.add_argument("--no-serve", action="store_true", help="Prepare, print, exit.")

    def fail(self, message: str) -> NoReturn:
        self.stderr.write(f"poam: error: {message}")
        sys.exit(EXIT_INPUT)

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings

        from poam.web.accounts import setup
        from poam.web.workbench.clock import today

        host, port = options["host"], options["port"]
        if not options["no_serve"]:
            problem = port_problem(host, port)
            if problem is not None:
                self.fail(problem)
        if options["demo"]:
            self.refuse_a_real_installation(Path(settings.DATA_DIR))
        call_command("migrate", interactive=False, verbosity=0)
        shown_host = f"[{host}]" if ":" in host else host
        url = f"http://{'localhost' if host in ('127.0.0.1', '0.0.0.0') else shown_host}:{port}/"
        out = self.stdout
        out.write(f"poam: data in {settings.DATA_DIR}")
        if options["demo"]:
            from poam.web.workbench.demo import DEMO_USERS, seed

            others = self.real_users({name for name, _, _ in DEMO_USERS})
            if others:
                self.fail(
                    f"the database of {settings.DATA_DIR} has accounts that are not the demo's "
                    f"({', '.join(others)}): --demo never adds its accounts and organizations "
                    "to a real installation. Run `poam serve --demo` without --data-dir (it "
                    "uses a directory of its own), or give it an empty --data-dir."
                )
            out.write("poam: demo data in its own directory (delete it to start the demo over)")
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
            self.fail(str(error))
        workers, threads = max(1, options["workers"]), max(1, options["threads"])
        if chosen == "waitress" and workers > 1:
            out.write(f"poam: waitress serves from one process ({workers * threads} threads)")
        out.write(f"poam: serving on {url} with {chosen} (press Ctrl+C to stop)")
        sys.stdout.flush()
        if options["no_serve"]:
            return
        server.serve(host, port, workers=workers, threads=threads)

    def refuse_a_real_installation(self, data_dir: Path) -> None:
        """The demo's accounts (with a printed password) never go into the default data
        directory, whatever it holds: that is where a real installation lives."""
        from django.conf import settings

        default = Path(settings.POAM_DEFAULT_DATA_DIR)
        if data_dir.expanduser().resolve() == default.expanduser().resolve():
            self.fail(
                f"--demo will not seed {data_dir}: it is poam's default data directory, where a "
                "real installation lives. Run `poam serve --demo` without --data-dir (it uses a "
                "directory of its own), or give it another, empty --data-dir."
            )

    @staticmethod
    def real_users(demo_names: set[str]) -> list[str]:
        """Up to five user names of the database that are not the demo's accounts."""
        from django.contrib.auth import get_user_model

        users = get_user_model().objects.exclude(username__in=demo_names)
        return sorted(users.values_list("username", flat=True)[:5])
