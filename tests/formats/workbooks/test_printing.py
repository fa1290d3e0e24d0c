"""Exports keep what the templates do for the people who fill and print them: drop-down lists and
checks on the data rows, and a print setup (landscape, one page wide, header row on every page,
print area around the data, the CUI banner of eMASS at the top and bottom of every page).

Checked with openpyxl against the real templates; where LibreOffice is installed, an export is
also printed to PDF and its pages are counted and read (skipped cleanly without it).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl.utils import get_column_letter

from poam.core.catalog import load_catalog
from poam.core.model import ItemStatus, Milestone, Poam, PoamItem, Ssp
from poam.formats.workbooks import emass, fedramp, nist, ssp_workbook
from tests.formats.workbooks.helpers import header_cells, load

EMASS_TEMPLATES = {
    "navy": "emass/NAVY_eMASS_TEMPLATE.xlsx",
    "army": "emass/ARMY_eMASS_TEMPLATE.xlsx",
    "marine-corps": "emass/MARINE_CORPS_eMASS_TEMPLATE.xlsx",
}


def lists(sheet: Any, row: int) -> dict[str, tuple[str, ...]]:
    """Column letter -> the choices of the list validation that covers ``row`` there."""
    found = {}
    for rule in sheet.data_validations.dataValidation:
        if rule.type != "list" or not (rule.formula1 or "").startswith('"'):
            continue
        for cells in rule.sqref.ranges:
            if cells.min_row <= row <= cells.max_row:
                for column in range(cells.min_col, cells.max_col + 1):
                    letter = get_column_letter(column)
                    found[letter] = tuple(rule.formula1.strip('"').split(","))
    return found


def checked(sheet: Any, row: int, kind: str) -> set[str]:
    """Column letters where a validation of ``kind`` (date, decimal...) covers ``row``."""
    letters = set()
    for rule in sheet.data_validations.dataValidation:
        if rule.type != kind:
            continue
        for cells in rule.sqref.ranges:
            if cells.min_row <= row <= cells.max_row:
                letters |= {get_column_letter(c) for c in range(cells.min_col, cells.max_col + 1)}
    return letters


def assert_prints_one_page_wide(sheet: Any, header_row: int) -> None:
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == f"${header_row}:${header_row}"
    last = get_column_letter(sheet.max_column)
    assert sheet.print_area == f"'{sheet.title}'!$A$1:${last}${sheet.max_row}"


def big_poam(entries: int = 110) -> Poam:
    """Every requirement of the catalog on the POA&M, three milestones each."""
    requirements = load_catalog().requirements[:entries]
    items = []
    for index, requirement in enumerate(requirements, start=1):
        start = date(2026, 7, 1) + timedelta(days=index)
        items.append(
            PoamItem(
                id=f"POAM-{index:03d}",
                requirement=requirement.nist_id,
                gap=f"{requirement.title}: not yet in place on the engineering workstations.",
                remediation=("Write the procedure", "Configure the systems"),
                owner="Tom Reyes, Systems Administrator",
                status=ItemStatus.IN_PROGRESS,
                milestones=tuple(
                    Milestone(f"Step {n}", start + timedelta(days=30 * n)) for n in (1, 2, 3)
                ),
            )
        )
    return Poam(maintainer="Maria Kowalski, IT Manager", items=tuple(items))


# --- eMASS ---------------------------------------------------------------------------------


@pytest.mark.shared
@pytest.mark.parametrize("variant", sorted(EMASS_TEMPLATES))
def test_emass_keeps_the_templates_lists_and_checks(
    variant: str, templates: Path, tmp_path: Path, acme: tuple[Ssp, Poam]
) -> None:
    ssp, poam = acme
    path = tmp_path / "out.xlsx"
    emass.write(poam, path, exported=date(2026, 10, 1), ssp=ssp, variant=variant)
    ours = load(path)["POA&M"]
    theirs = load(templates / EMASS_TEMPLATES[variant])["POA&M"]
    values = json.loads((templates / "columns.json").read_text("utf-8"))
    expected_values = values["emass_poam_navy_2026"]["values"]
    by_letter = {letter: header.strip() for header, letter in header_cells(ours, 7).items()}
    their_headers = {letter: header.strip() for header, letter in header_cells(theirs, 7).items()}
    # Every column the template gives a list (their lists point at a sheet it no longer holds),
    # ours gives the choices of the eMASS import rules.
    template_listed = {their_headers[c] for c in checked(theirs, 8, "list") if c in their_headers}
    ours_listed = {by_letter[c]: choices for c, choices in lists(ours, 8).items()}
    assert template_listed <= set(ours_listed)
    for header in template_listed:
        assert ours_listed[header] == tuple(expected_values[header])
    assert ours_listed["POA&M Status"] == (
        "Ongoing",
        "Risk Accepted",
        "Completed",
        "Not Applicable",
    )
    # Every column the template checks as a date or a number or a length, ours checks too.
    for kind in ("date", "decimal", "textLength"):
        theirs_checked = {their_headers[c] for c in checked(theirs, 9, kind) if c in their_headers}
        assert theirs_checked <= {by_letter[c] for c in checked(ours, 9, kind)}, kind
    # ... down to the last row Excel has, as the template does.
    assert lists(ours, 1_048_576).keys() == lists(ours, 8).keys()


@pytest.mark.shared
def test_emass_prints_like_the_template_but_around_the_data(
    templates: Path, tmp_path: Path, acme: tuple[Ssp, Poam]
) -> None:
    ssp, poam = acme
    path = tmp_path / "out.xlsx"
    emass.write(poam, path, exported=date(2026, 10, 1), ssp=ssp)
    ours = load(path)["POA&M"]
    theirs = load(templates / EMASS_TEMPLATES["navy"])["POA&M"]
    assert_prints_one_page_wide(ours, 7)
    assert (
        theirs.page_setup.orientation == "landscape"
        and theirs.sheet_properties.pageSetUpPr.fitToPage
    )
    banner = "***** CONTROLLED UNCLASSIFIED INFORMATION *****"
    assert banner in theirs.oddHeader.center.text and banner in theirs.oddFooter.center.text
    assert ours.oddHeader.center.text == ours.oddFooter.center.text == banner


# --- FedRAMP, NIST, SSP workbook ----------------------------------------------------------------


@pytest.mark.shared
def test_fedramp_keeps_the_templates_lists_and_checks(
    templates: Path, tmp_path: Path, acme: tuple[Ssp, Poam]
) -> None:
    ssp, poam = acme
    path = tmp_path / "out.xlsx"
    fedramp.write(poam, path, ssp=ssp)
    written = load(path)
    theirs = load(templates / "fedramp/FedRAMP-POAM-Template.xlsx")["Open POA&M Items"]
    for name in ("Open POA&M Items", "Closed POA&M Items"):
        ours = written[name]
        headers = {letter: header for header, letter in header_cells(theirs, 5).items()}
        ours_headers = {letter: header for header, letter in header_cells(ours, 5).items()}
        theirs_lists = {headers[c]: v for c, v in lists(theirs, 9).items() if c in headers}
        assert {ours_headers[c]: v for c, v in lists(ours, 9).items()} == theirs_lists
        assert lists(ours, 3)["C"] == lists(theirs, 3)["C"] == ("Low", "Moderate", "High")
        theirs_dates = {headers[c] for c in checked(theirs, 9, "date") if c in headers}
        assert theirs_dates <= {ours_headers[c] for c in checked(ours, 9, "date")}
        assert_prints_one_page_wide(ours, 5)


def test_nist_and_ssp_workbooks_have_lists_and_print_setup(
    tmp_path: Path, acme: tuple[Ssp, Poam]
) -> None:
    ssp, poam = acme
    path = tmp_path / "nist.xlsx"
    nist.write(poam, path, ssp=ssp)
    sheet = load(path)["Plan of Action"]
    status = header_cells(sheet, 11)["Status (Ongoing or Complete)"]
    assert lists(sheet, 12)[status] == tuple(nist.STATUS_OUT.values())
    assert lists(sheet, 4)["B"] == ("internal", "conditional")
    assert_prints_one_page_wide(sheet, 11)
    path = tmp_path / "ssp.xlsx"
    ssp_workbook.write(ssp, path)
    book = load(path)
    assert lists(book["Requirements"], 40)["D"] == tuple(ssp_workbook.STATUS_TEXT.values())
    assert lists(book["Objectives"], 300)["D"] == tuple(ssp_workbook.RESULT_TEXT.values())
    mfa_row = 2 + [r.nist_id for r in load_catalog().requirements].index("3.5.3")
    assert lists(book["Requirements"], mfa_row)["G"] == tuple(ssp_workbook.MFA_TEXT.values())
    assert_prints_one_page_wide(book["Requirements"], 1)


def test_what_the_lists_offer_reads_back(tmp_path: Path) -> None:
    """Each choice of the NIST status list is a status the reader takes."""
    for index, choice in enumerate(nist.STATUS_OUT.values()):
        path = tmp_path / f"{index}.csv"
        path.write_text(
            "Requirement,Weakness,Milestones with Interim Completion Dates,Status\n"
            f'3.1.1,gap,"(1) 01/15/2027: do it",{choice}\n',
            "utf-8",
        )
        assert nist.read(path).document.items[0].status is list(nist.STATUS_OUT)[index]


# --- printed by LibreOffice --------------------------------------------------------------------


def soffice() -> str:
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    if shutil.which("pdfinfo") is None or shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdfinfo, pdftotext) not installed")
    return program


def print_to_pdf(path: Path) -> list[str]:
    """The text of each page LibreOffice prints of ``path`` (all its sheets)."""
    out = path.parent
    subprocess.run(
        [
            soffice(),
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(out / 'lo-profile').as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pdf = path.with_suffix(".pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True).stdout.decode()
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    width, _, height = fields["Page size"].split()[:3]
    assert float(width) > float(height), "the pages are landscape"
    pages = int(fields["Pages"])
    return [
        subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],
            capture_output=True,
            check=True,
        ).stdout.decode()
        for n in range(1, pages + 1)
    ]


@pytest.mark.big
def test_libreoffice_prints_an_emass_export_one_page_wide_with_its_header_on_each_page(
    tmp_path: Path,
) -> None:
    """Before: 25 portrait pages of one column each. 110 entries of three milestones (330
    rows) now print landscape, every column on each page, the column headers repeated."""
    path = tmp_path / "emass.xlsx"
    emass.write(big_poam(), path, exported=date(2026, 10, 1))
    pages = print_to_pdf(path)
    assert 1 < len(pages) <= 12
    for text in pages:
        assert "POA&M Item ID" in text  # the first column's header: repeated, not cut
        assert "Recommendations" in text  # and the last kept column's, on the same page
        assert "CONTROLLED UNCLASSIFIED INFORMATION" in text
    assert "POAM-110" in pages[-1]


@pytest.mark.big
def test_libreoffice_prints_a_fedramp_export_one_page_wide(tmp_path: Path) -> None:
    path = tmp_path / "fedramp.xlsx"
    fedramp.write(big_poam(), path)
    pages = print_to_pdf(path)
    assert len(pages) <= 16
    for text in pages:
        assert "POAM ID" in text and "Service Name" in text
