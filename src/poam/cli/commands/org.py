"""``poam org list|export|delete``: an operator's view of the web application's organizations.

Like ``poam serve``, these run the web application's management command (``poam_org``): the
CLI never imports ``poam.web``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from poam.cli.commands.serve import DataDirOpt, _django


def register(app: typer.Typer) -> None:
    org = typer.Typer(
        help="The web application's organizations (tenants): list, export, delete.",
        no_args_is_help=True,
    )

    @org.command("list")
    def list_(data_dir: DataDirOpt = None) -> None:
        """Each organization: its slug, name, systems and members."""
        _django(data_dir, ["poam_org", "list"])

    @org.command()
    def export(
        slug: Annotated[str, typer.Argument(help="The organization's slug (poam org list).")],
        file: Annotated[Path, typer.Argument(help="The zip file to write.")],
        data_dir: DataDirOpt = None,
        force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
    ) -> None:
        """Everything of one organization in one zip: each system's SSP and POA&Ms (poam's
        format), CMMC record, comments, reviews, members and roles (no passwords), its change
        log rows and evidence files, with a manifest of SHA-256s. Written 0600; recorded in the
        change log."""
        _django(data_dir, ["poam_org", "export", slug, str(file), *(["--force"] if force else [])])

    @org.command()
    def delete(
        slug: Annotated[str, typer.Argument(help="The organization's slug (poam org list).")],
        confirm: Annotated[
            str, typer.Option("--confirm", help="The slug again, typed: nothing less deletes.")
        ] = "",
        reason: Annotated[str, typer.Option("--reason", help="Why, for the change log.")] = "",
        data_dir: DataDirOpt = None,
    ) -> None:
        """Delete one organization: its systems, documents, evidence files (those no other
        organization uses) and memberships. Its change-log rows become tombstones (their place
        in the hash chain, no content) and the deletion is recorded: `poam audit verify` still
        proves the log. Export it first if anything should be kept."""
        _django(data_dir, ["poam_org", "delete", slug, "--confirm", confirm, "--reason", reason])

    app.add_typer(org, name="org")
