"""``poam sprs``: what an SPRS entry needs, as text to type from, JSON or CSV."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from poam.cli.inputs import EXIT_FINDINGS, fail, load_pair, parse_date


class SprsFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    CSV = "csv"


_SUFFIX_FORMAT = {".json": SprsFormat.JSON, ".csv": SprsFormat.CSV}


def register(app: typer.Typer) -> None:
    @app.command()
    def sprs(
        directory: Annotated[
            Path, typer.Argument(help="Folder holding ssp.yaml and, optionally, poam.yaml.")
        ] = Path(),
        ssp: Annotated[
            Path | None, typer.Option("--ssp", help="The SSP file (default DIR/ssp.yaml).")
        ] = None,
        poam: Annotated[
            Path | None,
            typer.Option("--poam", help="The POA&M file (default DIR/poam.yaml if present)."),
        ] = None,
        as_of: Annotated[
            str | None,
            typer.Option("--as-of", help="Assessment date, YYYY-MM-DD (default today)."),
        ] = None,
        output_format: Annotated[
            SprsFormat | None,
            typer.Option(
                "--format",
                "-f",
                help="text, json or csv (default: from --out's suffix, else text).",
            ),
        ] = None,
        out: Annotated[
            Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")
        ] = None,
    ) -> None:
        """What an SPRS entry needs: date, score, scope, SSP, CAGE codes, completion date, and
        each requirement as MET, NOT MET or N/A.

        Exit status: 0 when SPRS can take the entry, 1 when it cannot as it is (no score
        because CA.L2-3.12.4 is NOT MET, no CAGE code, or a completion date that cannot be
        determined), 2 when the input cannot be used.
        """
        from poam.core.assess import assess
        from poam.formats.native.evidence import FileEvidenceStore
        from poam.formats.reports.files import OutputError, check_writable, write_atomic
        from poam.formats.sprs import entry_to_csv, entry_to_data, entry_to_text, sprs_entry

        chosen = output_format or (
            _SUFFIX_FORMAT.get(out.suffix.lower(), SprsFormat.TEXT) if out else SprsFormat.TEXT
        )
        day = parse_date(as_of)
        if out is not None:
            try:
                check_writable(out, "--out")
            except OutputError as error:
                raise fail(str(error)) from None
        pair = load_pair(directory, ssp, poam)
        base = (pair.poam_path or pair.ssp_path).parent
        assessment = assess(pair.ssp, pair.poam, as_of=day, evidence=FileEvidenceStore(base))
        entry = sprs_entry(assessment)
        if chosen is SprsFormat.JSON:
            import json

            text = json.dumps(entry_to_data(entry), indent=2, ensure_ascii=False) + "\n"
        elif chosen is SprsFormat.CSV:
            text = entry_to_csv(entry)
        else:
            text = entry_to_text(entry)
        if out is None:
            from poam.cli.output import write

            write(text)
        else:
            try:
                write_atomic(out, text, "--out")
            except OutputError as error:
                raise fail(str(error)) from None
            from poam.cli.render import error_console

            state = "ready to enter" if entry.can_enter else "SPRS cannot take it as it is"
            error_console().print(f"Wrote {out} ({chosen.value}; {state}).")
        if not entry.can_enter:
            raise typer.Exit(EXIT_FINDINGS)
