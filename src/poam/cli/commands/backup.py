"""``poam backup`` and ``poam restore``: the web application's database and evidence files in
one archive, and back (consistent, while the server runs; docs/operations.md).

Like ``poam serve``, these name Django's settings and run the web application's management
command (``poam_backup``): the CLI never imports ``poam.web``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from poam.cli.commands.serve import DataDirOpt, _django


def register(app: typer.Typer) -> None:
    @app.command()
    def backup(
        file: Annotated[Path, typer.Argument(help="The archive to write (a .zip file).")],
        data_dir: DataDirOpt = None,
        force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
    ) -> None:
        """Back up the database and the evidence files into one archive, while the server runs.

        The database is read in one consistent snapshot (SQLite or PostgreSQL, DATABASE_URL as
        for `poam serve`); the archive's manifest holds the SHA-256 of every member, the
        migrations and the change log's last digest. Written readable by you only (0600): it
        holds password hashes and every organization's records.
        """
        _django(data_dir, ["poam_backup", "backup", str(file), *(["--force"] if force else [])])

    @app.command()
    def restore(
        file: Annotated[Path, typer.Argument(help="An archive written by `poam backup`.")],
        data_dir: DataDirOpt = None,
        force: Annotated[
            bool,
            typer.Option("--force", help="Replace everything a non-empty database holds."),
        ] = False,
    ) -> None:
        """Restore a backup into an empty database (stop the server first).

        Every member is checked against the manifest's SHA-256 before anything is written; the
        rows go in in one transaction; then the change log's hash chain is verified (exit 1 if
        broken). A database that is not empty is refused unless --force, which says what it
        replaces. Exit 2 for an archive that cannot be restored (nothing written).
        """
        _django(data_dir, ["poam_backup", "restore", str(file), *(["--force"] if force else [])])
