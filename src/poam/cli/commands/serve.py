"""``poam serve``, ``poam migrate`` and ``poam audit``: the web application, from the command line.

The CLI never imports ``poam.web`` (the import contracts forbid it): these commands point Django
at ``poam.web.settings`` by name and run the management commands the web application defines.
Django is imported inside the commands only, so other commands start fast.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

SETTINGS = "poam.web.settings"

DataDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        help="Where the database, evidence files and secret key live "
        "(default $POAM_DATA_DIR, else ~/.local/share/poam).",
    ),
]


def _django(data_dir: Path | None, argv: list[str]) -> None:
    if data_dir is not None:
        os.environ["POAM_DATA_DIR"] = str(data_dir.expanduser().resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    from poam.cli.inputs import fail

    try:
        execute_from_command_line(["poam", *argv])
    except ImproperlyConfigured as error:
        raise fail(str(error)) from None
    except ValueError as error:  # a bad DATABASE_URL or other environment setting
        raise fail(str(error)) from None


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
        data_dir: DataDirOpt = None,
        demo: Annotated[
            bool,
            typer.Option(
                "--demo",
                help="Seed a demo (two organizations, three systems) in a directory of its own "
                "(~/.cache/poam/demo unless --data-dir); refused for a real installation.",
            ),
        ] = False,
        workers: Annotated[
            int, typer.Option("--workers", help="Server processes (one per core is good).")
        ] = 1,
        threads: Annotated[int, typer.Option("--threads", help="Threads per process.")] = 8,
        no_serve: Annotated[
            bool, typer.Option("--no-serve", hidden=True, help="Prepare and print, then exit.")
        ] = False,
    ) -> None:
        """Start the web application on an embedded SQLite database (or DATABASE_URL).

        Migrates the database first, prints the address, and with --demo a demo login. Served
        by gunicorn (POSIX) or waitress (Windows, or POAM_SERVER=waitress). Production settings
        come from the environment: POAM_SECRET_KEY, POAM_ALLOWED_HOSTS, POAM_HTTPS=1,
        DATABASE_URL (see docs/web.md).
        """
        argv = [
            "poam_serve",
            "--host",
            host,
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--threads",
            str(threads),
        ]
        if no_serve:
            argv.append("--no-serve")
        if demo:
            argv.append("--demo")
            if data_dir is None:
                # the demo's own directory (poam.web.config.demo_dir), never the installation's
                os.environ.pop("POAM_DATA_DIR", None)
                os.environ["POAM_DEMO"] = "1"
        _django(data_dir, argv)

    @app.command()
    def migrate(data_dir: DataDirOpt = None) -> None:
        """Create or upgrade the web application's database (also done by `poam serve`)."""
        _django(data_dir, ["migrate", "--no-input"])

    audit = typer.Typer(
        help="The web application's change log: append-only and tamper-evident.",
        no_args_is_help=True,
    )

    @audit.command("verify")
    def verify(data_dir: DataDirOpt = None) -> None:
        """Recompute the change log's hash chain, row by row.

        Exit 0 when every row is as it was written; exit 1 at the first row changed, removed,
        inserted or reordered since (named with its number and date). Prints the digest of
        the last row: noted elsewhere, it proves later that the whole log was not replaced.
        """
        _django(data_dir, ["poam_audit", "verify"])

    app.add_typer(audit, name="audit")
