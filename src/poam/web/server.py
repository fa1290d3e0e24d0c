"""The server that runs the application for ``poam serve``: gunicorn, or waitress on Windows.

gunicorn (POSIX) runs ``--workers`` processes of ``--threads`` threads each, forked from one
master that has loaded Django once (``preload_app``), restarts a worker that dies, and stops
gracefully on SIGTERM. Where gunicorn cannot run (Windows, which has no ``fork``), waitress
serves from one process; ``POAM_SERVER=waitress`` chooses it anywhere.

The server's tuning lives here, in the server's own start-up hooks, and nowhere in the
application: the master collects and freezes what it loaded (``when_ready``), so the workers
share those pages and their collector never walks them; each worker then runs its cyclic
collector at 10,000 allocations instead of 700 (``post_fork``): a page builds thousands of
short-lived objects, and at the default a request paid for many collections over every cached
assessment; far rarer (100,000), one collection paused a request for up to 300 ms; at 10,000
the pauses stay under about 60 ms for 8% more CPU (bench/RESULTS.md).
"""

from __future__ import annotations

import gc
import importlib.util
import os
from collections.abc import Mapping
from typing import Any

GC_THRESHOLDS = (10_000, 50, 100)
"""The workers' cyclic garbage collector: generation 0 every 10,000 allocations."""


def choose(env: Mapping[str, str], os_name: str = os.name) -> str:
    """``gunicorn`` where it can run and is installed, else ``waitress`` (or ``POAM_SERVER``)."""
    asked = env.get("POAM_SERVER", "").strip().lower()
    if asked in ("gunicorn", "waitress"):
        if asked == "gunicorn" and os_name != "posix":
            raise ValueError("POAM_SERVER=gunicorn: gunicorn runs on POSIX systems only")
        return asked
    if asked:
        raise ValueError(f"POAM_SERVER={asked!r}: choose gunicorn or waitress")
    if os_name == "posix" and importlib.util.find_spec("gunicorn") is not None:
        return "gunicorn"
    return "waitress"


def freeze_loaded() -> None:
    """In the master, before the workers fork: what is loaded now is kept for good."""
    gc.collect()
    gc.freeze()


def tune_worker() -> None:
    """In each worker: collect at :data:`GC_THRESHOLDS`."""
    gc.set_threshold(*GC_THRESHOLDS)


def _close_connections() -> None:
    """The master's database connection (it migrated) must not be shared with the workers."""
    from django.db import connections

    connections.close_all()


def gunicorn_options(host: str, port: int, *, workers: int, threads: int) -> dict[str, Any]:
    """gunicorn's settings for ``poam serve``."""
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return {
        "bind": [bind],
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "preload_app": True,
        "proc_name": "poam",
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "timeout": 120,  # a large import or export may take a while
        "graceful_timeout": 10,
        "keepalive": 5,
        "when_ready": _when_ready,
        "post_fork": _post_fork,
    }


def _when_ready(_server: Any) -> None:
    """gunicorn's hook in the master, once it listens and before it forks the workers."""
    _close_connections()
    freeze_loaded()


def _post_fork(_server: Any, _worker: Any) -> None:
    """gunicorn's hook in each worker, just forked."""
    tune_worker()


def run_gunicorn(host: str, port: int, *, workers: int, threads: int) -> None:
    from gunicorn.app.base import BaseApplication

    options = gunicorn_options(host, port, workers=workers, threads=threads)

    class Poam(BaseApplication):  # type: ignore[misc]
        """gunicorn's documented way to embed it: our settings, our WSGI application."""

        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from poam.web.wsgi import application

            return application

    Poam().run()


def run_waitress(host: str, port: int, *, threads: int) -> None:
    from django.conf import settings
    from waitress import serve

    from poam.web.wsgi import application

    freeze_loaded()
    tune_worker()
    # Behind POAM_PROXY_HOPS proxies, pass X-Forwarded-For through: poam reads the client's
    # address from it (accounts/network.py); waitress strips it by default.
    serve(
        application,
        host=host,
        port=port,
        threads=threads,
        ident="poam",
        _quiet=True,
        clear_untrusted_proxy_headers=not settings.POAM_PROXY_HOPS,
    )


def serve(host: str, port: int, *, workers: int, threads: int) -> str:
    """Serve until stopped, with the server :func:`choose` picks; returns its name."""
    server = choose(os.environ)
    if server == "gunicorn":
        run_gunicorn(host, port, workers=workers, threads=threads)
    else:
        run_waitress(host, port, threads=threads * workers)
    return server
