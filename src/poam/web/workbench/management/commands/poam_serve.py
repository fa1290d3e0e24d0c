"""``poam serve``: migrate, optionally seed the demo, print the address, serve with waitress.

With ``--workers N`` (N > 1) the listening socket is bound once and N processes share it, so
the application uses every core (a single Python process runs on one).
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import socket
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the poam web application (waitress), migrating the database first."

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
        out.write(f"poam: serving on {url} (press Ctrl+C to stop)")
        sys.stdout.flush()
        if options["no_serve"]:
            return
        serve(host, port, workers=max(1, options["workers"]), threads=max(1, options["threads"]))


def tune_gc() -> None:
    """Collect less often than the default, and never scan what was loaded at start.

    A page builds thousands of short-lived objects; the default thresholds run the cyclic
    collector many times per request over every long-lived object of the process. Too rarely,
    though, and each collection walks every object built since the last one, the cached
    assessments among them: at 100,000 a collection paused a request for up to 300 ms. At
    10,000 the pauses stay under about 60 ms for 8% more CPU (bench/RESULTS.md).
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 50, 100)


def serve(host: str, port: int, *, workers: int, threads: int) -> None:
    from django.conf import settings
    from waitress import serve as waitress_serve

    from poam.web.wsgi import application

    # Behind POAM_PROXY_HOPS proxies, pass X-Forwarded-For through: poam reads the client's
    # address from it (accounts/network.py); waitress would otherwise strip it.
    strip_proxy_headers = not settings.POAM_PROXY_HOPS  # waitress's default: strip them

    tune_gc()

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    from django.db import connections

    connections.close_all()  # children open their own connections
    children = []
    for _ in range(workers - 1):
        pid = os.fork()
        if pid == 0:
            waitress_serve(
                application,
                sockets=[sock],
                threads=threads,
                ident="poam",
                _quiet=True,
                clear_untrusted_proxy_headers=strip_proxy_headers,
            )
            os._exit(0)
        children.append(pid)

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    if children:  # the parent takes its workers down with it
        signal.signal(signal.SIGTERM, stop)
    try:
        waitress_serve(
            application,
            sockets=[sock],
            threads=threads,
            ident="poam",
            _quiet=True,
            clear_untrusted_proxy_headers=strip_proxy_headers,
        )
    finally:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
