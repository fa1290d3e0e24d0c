"""``poam init``: a starter SSP and POA&M for a new system, and ``poam schema``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from poam.cli.inputs import fail, parse_date


def register(app: typer.Typer) -> None:
    @app.command()
    def init(
        directory: Annotated[Path, typer.Argument(help="Folder to create the files in.")] = Path(),
        name: Annotated[str, typer.Option("--name", help="The system's name.")] = "My CUI System",
        scope: Annotated[
            str, typer.Option("--scope", help="enterprise, enclave or contract.")
        ] = "enclave",
        cage: Annotated[
            list[str] | None, typer.Option("--cage", help="A CAGE code (repeatable).")
        ] = None,
        organization: Annotated[str | None, typer.Option("--organization")] = None,
        maintainer: Annotated[
            str, typer.Option("--maintainer", help="The one role or person who keeps the POA&M.")
        ] = "",
        as_of: Annotated[
            str | None, typer.Option("--as-of", help="Date of the SSP (default today).")
        ] = None,
        force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
    ) -> None:
        """Write a starter ssp.yaml (all 110 requirements, not yet implemented) and poam.yaml."""
        from poam.cli.render import console
        from poam.formats.native.starter import starter_poam, starter_ssp

        if scope not in ("enterprise", "enclave", "contract"):
            raise fail(f"--scope: {scope!r} is not one of enterprise, enclave, contract")
        codes = [code.upper() for code in cage or ()]
        bad = [code for code in codes if len(code) != 5 or not code.isalnum()]
        if bad:
            raise fail(f"--cage: {', '.join(bad)} is not a CAGE code (5 letters or digits)")
        today = parse_date(as_of)
        targets = [directory / "ssp.yaml", directory / "poam.yaml"]
        existing = [str(t) for t in targets if t.exists()]
        if existing and not force:
            raise fail(
                f"{', '.join(existing)} already exist{'s' if len(existing) == 1 else ''} "
                "(use --force to overwrite)"
            )
        directory.mkdir(parents=True, exist_ok=True)
        targets[0].write_text(starter_ssp(name, scope, codes, organization, today), "utf-8")
        targets[1].write_text(starter_poam(maintainer, today), "utf-8")
        out = console()
        out.print(f"Wrote {targets[0]} and {targets[1]}.")
        out.print(
            "Next: describe each requirement in ssp.yaml, add an entry to poam.yaml for "
            f"every gap, then run `poam check {directory}`."
        )

    @app.command()
    def schema(
        kind: Annotated[str, typer.Argument(help="ssp or poam.")],
    ) -> None:
        """Print the JSON Schema of ssp.yaml or poam.yaml."""
        from poam.cli.output import write
        from poam.formats.native.schema import KINDS, schema_text

        if kind not in KINDS:
            raise fail(f"no schema {kind!r}; there are {', '.join(KINDS)}")
        write(schema_text(kind))
