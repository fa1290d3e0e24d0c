"""``poam report`` end to end: the HTML file, the PDF, and the exact errors."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from poam.cli.app import app
from poam.core.model import ImplementationStatus
from poam.formats.native import dump_poam, dump_ssp
from poam.formats.reports.pdf import INSTALL_HINT
from tests.formats.sprs.systems import internal, item, record, ssp

runner = CliRunner()


def said(text: str) -> str:
    return " ".join(text.replace("│", " ").split())


@pytest.fixture
def system(tmp_path: Path) -> Path:
    folder = tmp_path / "system"
    folder.mkdir()
    (folder / "ssp.yaml").write_text(
        dump_ssp(ssp(record("3.1.21", ImplementationStatus.NOT_IMPLEMENTED), name="CLI Enclave")),
        "utf-8",
    )
    (folder / "poam.yaml").write_text(
        dump_poam(internal(item("P-1", "3.1.21", date(2027, 1, 15)))), "utf-8"
    )
    return folder


def test_writes_one_html_file(system: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", str(system), "--as-of", "2026-11-30", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert said(result.stderr) == f"Wrote {out}."
    html = out.read_text("utf-8")
    assert '<h1 id="summary-title">CLI Enclave</h1>' in html
    assert "As of <strong>2026-11-30</strong>" in html
    assert "@page { size:" not in html  # the browser's paper for the HTML file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "system"]


def test_the_marking_is_in_the_html_at_the_top_and_bottom(system: Path) -> None:
    result = runner.invoke(
        app, ["report", str(system), "--as-of", "2026-11-30", "--out", "-", "--marking", "CUI"]
    )
    assert result.exit_code == 0
    html = result.stdout
    banner = '<div class="marking marking-{}" role="note" aria-label="Marking">CUI</div>'
    assert html.index(banner.format("top")) < html.index("<main") < html.index("</main>")
    assert html.index("</main>") < html.index(banner.format("bottom"))
    assert '@top-center { content: "CUI"; } @bottom-center { content: "CUI"; }' in html


def test_dash_writes_the_html_to_stdout(system: Path) -> None:
    result = runner.invoke(app, ["report", str(system), "--as-of", "2026-11-30", "--out", "-"])
    assert result.exit_code == 0
    assert result.stdout.startswith("<!doctype html>")
    assert result.stderr == ""


def test_without_chromium_the_html_is_written_and_the_pdf_fails_with_exit_2(
    system: Path, tmp_path: Path
) -> None:
    out, pdf = tmp_path / "r.html", tmp_path / "r.pdf"
    missing = tmp_path / "no-chromium"
    result = runner.invoke(
        app,
        ["report", str(system), "--as-of", "2026-11-30", "--out", str(out), "--pdf", str(pdf)],
        env={"POAM_CHROMIUM": str(missing)},
    )
    assert result.exit_code == 2
    assert said(result.stderr) == said(
        f"Wrote {out}. poam: error: --pdf: POAM_CHROMIUM={missing}: no such program; {INSTALL_HINT}"
    )
    assert out.is_file()
    assert not pdf.exists()


def test_writes_the_pdf_with_chromium(system: Path, tmp_path: Path) -> None:
    chosen = os.environ.get("POAM_CHROMIUM") or "/usr/bin/chromium"
    if not Path(chosen).is_file():
        pytest.skip(f"no Chromium at {chosen}")
    out, pdf = tmp_path / "r.html", tmp_path / "r.pdf"
    result = runner.invoke(
        app,
        [
            "report",
            str(system),
            "--as-of",
            "2026-11-30",
            "-o",
            str(out),
            "--pdf",
            str(pdf),
            "--paper",
            "a4",
        ],
        env={"POAM_CHROMIUM": chosen},
    )
    assert result.exit_code == 0, result.output
    assert said(result.stderr) == f"Wrote {out}. Wrote {pdf}."
    assert pdf.read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--as-of", "30/11/2026"],
            "poam: error: --as-of: '30/11/2026' is not a date (YYYY-MM-DD)",
        ),
        (["--paper", "legal"], "poam: error: --paper: 'legal' is not one of letter, a4"),
        (
            ["--marking", " \n "],
            "poam: error: --marking: give the text of the banner, e.g. --marking CUI",
        ),
        (
            ["--marking", "CUI " * 60],
            "poam: error: --marking: a banner of at most 200 characters",
        ),
        (["--out", "{tmp}/nowhere/r.html"], "poam: error: --out: {tmp}/nowhere: no such directory"),
        (["--out", "{tmp}"], "poam: error: --out: {tmp} is a directory, not a file"),
        (["--pdf", "{tmp}/nowhere/r.pdf"], "poam: error: --pdf: {tmp}/nowhere: no such directory"),
        (
            ["--out", "{tmp}/r.html", "--pdf", "{tmp}/r.html"],
            "poam: error: --pdf: {tmp}/r.html is also the HTML file (--out)",
        ),
    ],
)
def test_bad_options_exit_2_with_the_exact_error_and_write_nothing(
    system: Path, tmp_path: Path, arguments: list[str], message: str
) -> None:
    arguments = [a.format(tmp=tmp_path) for a in arguments]
    before = sorted(tmp_path.iterdir())
    result = runner.invoke(app, ["report", str(system), *arguments])
    assert result.exit_code == 2
    assert said(result.stderr) == message.format(tmp=tmp_path)
    assert sorted(tmp_path.iterdir()) == before


def test_a_broken_poam_names_the_file_and_writes_nothing(system: Path, tmp_path: Path) -> None:
    (system / "poam.yaml").write_text("poam:\n  kind: sideways\nitems: []\n", "utf-8")
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["report", str(system), "--out", str(out)])
    assert result.exit_code == 2
    assert said(result.stderr) == (
        f"poam: error: {system / 'poam.yaml'}:2:3: poam.kind: 'sideways' is not one of: "
        "internal, conditional"
    )
    assert not out.exists()
