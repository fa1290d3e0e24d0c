"""Printing the report to PDF: finding Chromium, its failures, and (where it is installed) the
real thing, looked at through poppler's pdftotext and pdfinfo when those are there."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from datetime import date
from pathlib import Path

import pytest

from poam.core.assess import assess
from poam.core.model import ImplementationStatus
from poam.formats.reports import (
    PdfEngineMissing,
    PdfError,
    find_chromium,
    html_to_pdf,
    render_report,
)
from poam.formats.reports.pdf import INSTALL_HINT
from tests.formats.sprs.systems import AS_OF, conditional, item, record, ssp


def chromium() -> Path:
    """The Chromium the tests print with, or skip: POAM_CHROMIUM, else /usr/bin/chromium."""
    chosen = os.environ.get("POAM_CHROMIUM") or "/usr/bin/chromium"
    if not Path(chosen).is_file():
        pytest.skip(f"no Chromium at {chosen}")
    return Path(chosen)


def fake(tmp_path: Path, body: str) -> Path:
    """A stand-in for Chromium: a shell script that gets the same arguments."""
    program = tmp_path / "fake-chromium"
    program.write_text("#!/bin/sh\n" + body + "\n", "utf-8")
    program.chmod(program.stat().st_mode | stat.S_IEXEC)
    return program


def test_find_chromium_prefers_the_environment_variable(tmp_path: Path) -> None:
    program = fake(tmp_path, "exit 0")
    assert find_chromium({"POAM_CHROMIUM": str(program)}) == program


def test_a_missing_chromium_says_what_to_install(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-chromium"
    with pytest.raises(PdfEngineMissing) as caught:
        find_chromium({"POAM_CHROMIUM": str(missing)})
    assert str(caught.value) == f"POAM_CHROMIUM={missing}: no such program; {INSTALL_HINT}"
    assert INSTALL_HINT == (
        "install Chromium (Debian/Ubuntu: `apt-get install chromium`; macOS and Windows: Google "
        "Chrome or Microsoft Edge) or set POAM_CHROMIUM to a Chromium-based browser"
    )


def test_the_pdf_is_read_from_where_chromium_was_told_to_print(tmp_path: Path) -> None:
    program = fake(
        tmp_path,
        'for a in "$@"; do case "$a" in --print-to-pdf=*) printf "%%PDF-1.4 fake" > "${a#*=}";; '
        "esac; done",
    )
    assert html_to_pdf("<!doctype html><p>x</p>", chromium=program) == b"%PDF-1.4 fake"


def test_a_failing_chromium_is_reported_with_its_last_words(tmp_path: Path) -> None:
    program = fake(tmp_path, "echo 'cannot open display' >&2; exit 3")
    with pytest.raises(PdfError) as caught:
        html_to_pdf("<p>x</p>", chromium=program)
    assert str(caught.value) == f"{program} failed to print the PDF (exit 3): cannot open display"


def test_something_that_is_not_a_pdf_is_refused(tmp_path: Path) -> None:
    program = fake(
        tmp_path,
        'for a in "$@"; do case "$a" in --print-to-pdf=*) echo "<html>" > "${a#*=}";; esac; done',
    )
    with pytest.raises(PdfError, match="wrote something that is not a PDF"):
        html_to_pdf("<p>x</p>", chromium=program)


def test_a_hanging_chromium_is_stopped(tmp_path: Path) -> None:
    program = fake(tmp_path, "sleep 30")
    with pytest.raises(PdfError) as caught:
        html_to_pdf("<p>x</p>", chromium=program, timeout=0.5)
    assert str(caught.value) == f"{program} did not finish printing within 0 seconds"


def sample_html(page_size: str) -> str:
    the_ssp = ssp(record("3.1.9", ImplementationStatus.NOT_IMPLEMENTED), name="Printed Enclave")
    the_poam = conditional(item("SF-01", "3.1.9", date(2026, 12, 4)))
    return render_report(assess(the_ssp, the_poam, as_of=AS_OF), page_size=page_size)


@pytest.mark.parametrize(("page_size", "name"), [("letter", "(letter)"), ("a4", "(A4)")])
def test_chromium_prints_the_report_with_page_numbers(page_size: str, name: str) -> None:
    data = html_to_pdf(sample_html(page_size), chromium=chromium())
    assert data.startswith(b"%PDF-")
    if shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None:
        pytest.skip("poppler-utils (pdftotext, pdfinfo) not installed")
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout
    fields = dict(row.split(":", 1) for row in info.decode().splitlines() if ":" in row)
    pages = int(fields["Pages"])
    assert pages >= 5  # the cover and a page per section
    assert fields["Page size"].endswith(name)
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    assert "Printed Enclave" in text
    assert f"Page 1 of {pages}" in text
    assert f"Page {pages} of {pages}" in text
    assert "Printed Enclave · CMMC Level 2 assessor report · as of 2026-11-30" in text
