"""``poam report``: the assessor report as one self-contained HTML file, and a PDF of it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from poam.cli.inputs import fail, load_pair, parse_date


def register(app: typer.Typer) -> None:
    @app.command()
    def report(
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
            typer.Option("--as-of", help="Assess as of this date, YYYY-MM-DD (default today)."),
        ] = None,
        out: Annotated[
            Path,
            typer.Option("--out", "-o", help="The HTML file to write ('-' for stdout)."),
        ] = Path("report.html"),
        pdf: Annotated[
            Path | None,
            typer.Option("--pdf", help="Also print the report to this PDF file (needs Chromium)."),
        ] = None,
        paper: Annotated[
            str,
            typer.Option("--paper", help="Page size of the PDF: letter or a4."),
        ] = "letter",
        marking: Annotated[
            str | None,
            typer.Option(
                "--marking",
                help="A banner (e.g. CUI) at the top and bottom of the HTML and of every PDF page.",
            ),
        ] = None,
    ) -> None:
        """Write the assessor report: system, score and breakdown, the CMMC status today and
        what a new assessment would award (each with its rules), the status over time, closeout
        countdown, the POA&M with milestone history, reconciliation, findings, an evidence
        manifest with SHA-256 hashes, and a timeline against the 180-day window.
        --marking prints a banner such as CUI at the top and bottom of the page and of every
        printed page.

        The HTML is one self-contained file (no script, no external request) that prints well.
        --pdf prints the same page with headless Chromium (POAM_CHROMIUM names the program).
        Exit status: 0 when written, 2 when the input cannot be used or the PDF cannot be made
        (the HTML is written first either way).
        """
        from poam.core.assess import assess
        from poam.formats.native.evidence import FileEvidenceStore
        from poam.formats.reports.files import OutputError, check_writable, write_atomic

        if paper not in ("letter", "a4"):
            raise fail(f"--paper: {paper!r} is not one of letter, a4")
        if marking is not None:
            from poam.formats.reports.html import MAX_MARKING, clean_marking

            if clean_marking(marking) is None:
                raise fail("--marking: give the text of the banner, e.g. --marking CUI")
            if len(" ".join(marking.split())) > MAX_MARKING:
                raise fail(f"--marking: a banner of at most {MAX_MARKING} characters")
        day = parse_date(as_of)
        to_stdout = str(out) == "-"
        try:
            if not to_stdout:
                check_writable(out, "--out")
            if pdf is not None:
                check_writable(pdf, "--pdf")
        except OutputError as error:
            raise fail(str(error)) from None
        if pdf is not None and not to_stdout and pdf.resolve() == out.resolve():
            raise fail(f"--pdf: {pdf} is also the HTML file (--out)")
        pair = load_pair(directory, ssp, poam)
        store = FileEvidenceStore((pair.poam_path or pair.ssp_path).parent)
        assessment = assess(pair.ssp, pair.poam, as_of=day, evidence=store)

        from poam.cli.output import write
        from poam.cli.render import error_console
        from poam.formats.reports.html import render_report

        html = render_report(assessment, evidence=store, marking=marking)
        messages = error_console()
        if to_stdout:
            write(html)
        else:
            try:
                write_atomic(out, html, "--out")
            except OutputError as error:
                raise fail(str(error)) from None
            messages.print(f"Wrote {out}.", markup=False)
        if pdf is None:
            return
        from poam.formats.reports.pdf import PdfError, html_to_pdf

        try:
            data = html_to_pdf(
                render_report(assessment, evidence=store, page_size=paper, marking=marking)
            )
            write_atomic(pdf, data, "--pdf")
        except (PdfError, OutputError) as error:
            raise fail(f"--pdf: {error}") from None
        messages.print(f"Wrote {pdf}.", markup=False)
