"""The eMASS POA&M template: written like the real templates, read back by header text."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from poam.core.model import (
    ItemStatus,
    Milestone,
    MilestoneChange,
    Poam,
    PoamItem,
    PoamKind,
    Ssp,
)
from poam.formats.workbooks import emass
from poam.formats.workbooks.facts import CONDITIONAL_CHECKS
from tests.formats.workbooks.helpers import edit, header_cells, load, problems
from tests.formats.workbooks.strategies import poams

EXPORTED = date(2026, 10, 1)
TEMPLATES = {
    "navy": "emass/NAVY_eMASS_TEMPLATE.xlsx",
    "army": "emass/ARMY_eMASS_TEMPLATE.xlsx",
    "marine-corps": "emass/MARINE_CORPS_eMASS_TEMPLATE.xlsx",
}


def from_elsewhere(poam: Poam) -> Poam:
    """What a workbook filled in by hand or exported by eMASS gives: no POA&M facts beside the
    header block, so an internal POA&M with no review facts."""
    return dataclasses.replace(
        emass.carried(poam),
        kind=PoamKind.INTERNAL,
        conditional=None,
        last_reviewed=None,
        review_cadence_days=None,
    )


NO_KIND = (
    "the workbook does not say whether the POA&M is Conditional (no 'POA&M Kind' in its "
    f"header): imported as internal, so {', '.join(CONDITIONAL_CHECKS)} do not run; if it is "
    "a Conditional POA&M, set kind: conditional and conditional: {assessment, status_date} in "
    "poam.yaml"
)


def test_examples_round_trip_what_emass_carries(example: tuple[Ssp, Poam], tmp_path: Path) -> None:
    ssp, poam = example
    for name in ("poam.xlsx", "poam.csv"):
        path = tmp_path / name
        emass.write(poam, path, exported=EXPORTED, ssp=ssp, fmt=path.suffix[1:])
        imported = emass.read(path)
        assert imported.document == emass.carried(poam)
        assert (imported.notes, imported.warnings) == ((), ())


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(poam=poams())
def test_any_poam_round_trips_what_emass_carries(poam: Poam, tmp_path: Path) -> None:
    path = tmp_path / "poam.xlsx"
    emass.write(poam, path, exported=EXPORTED)
    assert emass.read(path).document == emass.carried(poam)


# --- the real templates ----------------------------------------------------------------------


@pytest.mark.shared
@pytest.mark.parametrize("variant", sorted(TEMPLATES))
def test_export_looks_like_the_real_template(
    variant: str, templates: Path, tmp_path: Path, acme: tuple[Ssp, Poam]
) -> None:
    ssp, poam = acme
    path = tmp_path / "out.xlsx"
    emass.write(poam, path, exported=EXPORTED, ssp=ssp, variant=variant)
    ours, theirs = load(path)["POA&M"], load(templates / TEMPLATES[variant])["POA&M"]

    def headers(sheet: object) -> list[object]:
        values = [cell.value for cell in sheet[7]]  # type: ignore[index]
        while values and values[-1] is None:
            values.pop()
        return values

    assert headers(ours) == headers(theirs)  # the same texts, in the same order and columns
    assert ours["A7"].value is None and ours["B7"].value == "POA&M Item ID"
    labels = {
        cell.coordinate: cell.value
        for row in theirs.iter_rows(min_row=1, max_row=6)
        for cell in row
        if isinstance(cell.value, str)
    }
    assert {c: ours[c].value for c in labels} == labels
    block = {str(r) for r in theirs.merged_cells.ranges if r.min_row > 1 and r.max_row < 7}
    assert {str(r) for r in ours.merged_cells.ranges if r.min_row > 1} == block
    assert ours["D5"].value == ssp.system.name
    assert ours["D2"].value.date() == EXPORTED
    assert ours["D2"].number_format == "mm/dd/yyyy"


def test_one_row_per_milestone_with_the_entry_on_its_first_row(tmp_path: Path) -> None:
    item = PoamItem(
        id="POAM-002",
        requirement="3.13.11",
        gap="FortiGate not in FIPS-CC mode",
        owner="Tom Reyes",
        status=ItemStatus.IN_PROGRESS,
        milestones=(
            Milestone("Look up the CMVP certificate", date(2026, 11, 2), date(2026, 10, 30)),
            Milestone("Enable FIPS-CC mode", date(2026, 12, 12)),
            Milestone("Update the SSP", date(2027, 3, 12)),
        ),
    )
    path = tmp_path / "poam.xlsx"
    emass.write(Poam(items=(item,)), path, exported=EXPORTED)
    sheet = load(path)["POA&M"]
    col = header_cells(sheet, 7)
    assert [sheet[f"{col['POA&M Item ID']}{r}"].value for r in (8, 9, 10, 11)] == [
        "POAM-002",
        None,
        None,
        None,
    ]
    assert sheet[f"{col['Controls / APs']}8"].value == "SC.L2-3.13.11"
    assert sheet[f"{col['POA&M Status']}8"].value == "Ongoing"
    assert sheet[f"{col['POA&M Scheduled Completion Date']}8"].value.date() == date(2027, 3, 12)
    assert [sheet[f"{col['Milestone Status']}{r}"].value for r in (8, 9, 10)] == [
        "Completed",
        "In Progress",
        "Open",
    ]
    assert [sheet[f"{col['Milestone ID']}{r}"].value for r in (8, 9, 10)] == [1, 2, 3]
    assert sheet[f"{col['Milestone Scheduled Completion Date']}9"].number_format == "mm/dd/yyyy"


@pytest.mark.shared
@pytest.mark.parametrize("variant", sorted(TEMPLATES))
def test_blank_real_templates_import_as_an_empty_poam(variant: str, templates: Path) -> None:
    imported = emass.read(templates / TEMPLATES[variant])
    assert imported.document == Poam()
    assert imported.warnings == (NO_KIND,)


@pytest.mark.shared
@pytest.mark.parametrize("variant", sorted(TEMPLATES))
def test_a_real_template_filled_in_imports(
    variant: str, templates: Path, tmp_path: Path, acme: tuple[Ssp, Poam]
) -> None:
    """Entries typed into the real template (its header block, styles and validations kept)."""
    ssp, poam = acme
    ours = tmp_path / "ours.xlsx"
    emass.write(poam, ours, exported=EXPORTED, ssp=ssp, variant=variant)
    rows = list(load(ours)["POA&M"].iter_rows(min_row=8, values_only=True))

    def fill(workbook: object) -> None:
        sheet = workbook["POA&M"]  # type: ignore[index]
        sheet["M4"] = poam.maintainer
        for offset, values in enumerate(rows):
            for column, value in enumerate(values, start=1):
                if value is not None:
                    sheet.cell(row=8 + offset, column=column, value=value)

    filled = edit(templates / TEMPLATES[variant], fill, tmp_path / "filled.xlsx")
    imported = emass.read(filled)
    assert imported.document == from_elsewhere(poam)
    assert imported.warnings == (NO_KIND,)


@pytest.mark.shared
def test_the_templates_example_sheet_is_refused_cell_by_cell(
    templates: Path, tmp_path: Path
) -> None:
    """The Example sheet holds NIST SP 800-53 controls and a Risk Accepted item: no CMMC POA&M."""

    def example_as_poam(workbook: object) -> None:
        del workbook["POA&M"]  # type: ignore[attr-defined]
        workbook["Example"].title = "POA&M"  # type: ignore[index]

    path = edit(templates / TEMPLATES["navy"], example_as_poam, tmp_path / "example.xlsx")
    assert problems(emass.read, path) == [
        "sheet 'POA&M', row 8, column 'Controls / APs': 'AC-1' is not a NIST SP 800-171 Rev 2 "
        "requirement (write it as 3.1.1 or AC.L2-3.1.1)",
        "sheet 'POA&M', row 8, column 'Milestone Completion Date': is empty; a Completed "
        "milestone needs its completion date",
        "sheet 'POA&M', row 11, column 'Controls / APs': 'SA-1.4' is not a NIST SP 800-171 "
        "Rev 2 requirement (write it as 3.1.1 or AC.L2-3.1.1)",
        "sheet 'POA&M', row 11, column 'POA&M Status': 'Risk Accepted' cannot be imported: "
        "CMMC has no risk acceptance: a requirement NOT MET stays NOT MET (32 CFR 170.24); "
        "record a permanent exception as an enduring exception in the SSP",
        "sheet 'POA&M', row 12, column 'Controls / APs': is empty; each entry names its "
        "requirement",
        "sheet 'POA&M', row 13, column 'Controls / APs': 'AT-2' is not a NIST SP 800-171 Rev 2 "
        "requirement (write it as 3.1.1 or AC.L2-3.1.1)",
        "sheet 'POA&M', row 13, column 'POA&M Status': 'Risk Accepted' cannot be imported: "
        "CMMC has no risk acceptance: a requirement NOT MET stays NOT MET (32 CFR 170.24); "
        "record a permanent exception as an enduring exception in the SSP",
    ]


@pytest.mark.shared
def test_the_blank_legacy_template_imports_as_an_empty_poam(templates: Path) -> None:
    path = templates / "emass/legacy-2024/eMASS_Template.xlsx"
    assert emass.read(path).document == Poam()


@pytest.mark.shared
def test_the_legacy_templates_example_reads_with_the_layouts_own_rules(
    templates: Path, tmp_path: Path
) -> None:
    """Milestones and their dates in one cell, changes dated by Date Exported, status dates."""

    def example_as_poam(workbook: object) -> None:
        del workbook["POA&M"]  # type: ignore[attr-defined]
        sheet = workbook["Example"]  # type: ignore[index]
        sheet.title = "POA&M"
        sheet["D8"], sheet["D11"], sheet["D12"] = "AC.L2-3.1.1", "3.1.2", "IA-3.5.3[a]"
        sheet["M11"] = "Ongoing"  # was Risk Accepted, which CMMC has no equivalent for

    path = edit(
        templates / "emass/legacy-2024/eMASS_Template.xlsx", example_as_poam, tmp_path / "l.xlsx"
    )
    imported = emass.read(path)
    first, second, third = imported.document.items
    assert imported.document.maintainer == "John Smith"
    assert (first.id, first.requirement, first.status) == ("1", "3.1.1", ItemStatus.IN_PROGRESS)
    assert first.milestones == (
        Milestone("Implement Procedure A", date(2018, 10, 25)),
        Milestone("Implement Procedure B", date(2018, 10, 31)),
        Milestone("Implement Procedure C", date(2018, 11, 5)),
    )
    assert first.owner == "DoD, John Smith, 7033775472, smith_john@email.com"
    assert (second.requirement, second.milestones) == ("3.1.2", ())
    assert (third.requirement, third.objectives) == ("3.5.3", ("a",))
    assert (third.status, third.updated) == (ItemStatus.CLOSED, date(2018, 11, 13))
    assert third.milestones == (
        Milestone(
            "Updated Milestone Description",
            date(2018, 10, 22),
            history=(
                MilestoneChange(
                    changed=date(2018, 2, 20),
                    from_date=date(2018, 10, 17),
                    to_date=date(2018, 10, 22),
                    justification="Legacy eMASS milestone change: Updated Milestone "
                    "Description 10/22/2018",
                ),
            ),
        ),
    )
    assert imported.notes[1:] == (
        "sheet 'POA&M', row 12: the legacy template does not date milestone changes; "
        "02/20/2018 was used",
        "read as the legacy eMASS template (2024 and earlier): Ongoing items were imported as "
        "in-progress",
    )


@pytest.mark.shared
def test_the_legacy_templates_example_as_it_is_is_refused_cell_by_cell(
    templates: Path, tmp_path: Path
) -> None:
    def example_as_poam(workbook: object) -> None:
        del workbook["POA&M"]  # type: ignore[attr-defined]
        workbook["Example"].title = "POA&M"  # type: ignore[index]

    path = edit(
        templates / "emass/legacy-2024/eMASS_Template.xlsx", example_as_poam, tmp_path / "l.xlsx"
    )
    assert problems(emass.read, path) == [
        "sheet 'POA&M', row 8, column 'Controls / APs': 'AC-1' is not a NIST SP 800-171 Rev 2 "
        "requirement (write it as 3.1.1 or AC.L2-3.1.1)",
        "sheet 'POA&M', row 11, column 'Controls / APs': 'SA-1.4' is not a NIST SP 800-171 "
        "Rev 2 requirement (write it as 3.1.1 or AC.L2-3.1.1)",
        "sheet 'POA&M', row 11, column 'Status': 'Risk Accepted' cannot be imported: CMMC has "
        "no risk acceptance: a requirement NOT MET stays NOT MET (32 CFR 170.24); record a "
        "permanent exception as an enduring exception in the SSP",
        "sheet 'POA&M', row 12, column 'Controls / APs': is empty; each entry names its "
        "requirement",
    ]


# --- reading by header text, and bad input ---------------------------------------------------


@pytest.fixture
def written(tmp_path: Path) -> tuple[Path, Poam]:
    item = PoamItem(
        id="POAM-001",
        requirement="3.5.3",
        objectives=("d",),
        gap="MFA is not enforced for general users on the CAD workstations",
        remediation=("Enable Windows Hello for Business", "Enforce it with Intune"),
        owner="Tom Reyes, Systems Administrator",
        status=ItemStatus.IN_PROGRESS,
        milestones=(
            Milestone("Pilot on two workstations", date(2026, 12, 1), date(2026, 11, 28)),
            Milestone("All workstations", date(2027, 2, 26)),
        ),
        identified_by="Self-assessment, 2025-10",
    )
    poam = Poam(maintainer="Maria Kowalski", items=(item,))
    path = tmp_path / "poam.xlsx"
    emass.write(poam, path, exported=EXPORTED)
    return path, poam


def _set(path: Path, header: str, row: int, value: object) -> None:
    def change(workbook: object) -> None:
        sheet = workbook["POA&M"]  # type: ignore[index]
        sheet[f"{header_cells(sheet, 7)[header]}{row}"] = value

    edit(path, change)


def test_columns_moved_renamed_in_case_and_spacing_read_the_same(
    written: tuple[Path, Poam],
) -> None:
    path, poam = written

    def shuffle(workbook: object) -> None:
        sheet = workbook["POA&M"]  # type: ignore[index]
        sheet.move_range("C7:C9", rows=0, cols=40)  # description to the far right
        sheet.move_range("K7:K9", rows=0, cols=-10)  # milestone description into column A
        sheet["A7"] = "  milestone\nDESCRIPTION "
        sheet["AX7"] = "My own notes"
        sheet["AX8"] = "kept for me"

    edit(path, shuffle)
    imported = emass.read(path)
    assert imported.document == emass.carried(poam)
    assert imported.notes == (
        "sheet 'POA&M': ignored columns poam does not know: 'My own notes' (column AX)",
    )


def test_a_bad_date_is_reported_precisely(written: tuple[Path, Poam]) -> None:
    path, _ = written
    _set(path, "Milestone Scheduled Completion Date", 9, "13/45/2026")
    assert problems(emass.read, path) == [
        "sheet 'POA&M', row 9, column 'Milestone Scheduled Completion Date': '13/45/2026' is not "
        "a date (MM/DD/YYYY)"
    ]


def test_text_dates_and_serial_dates_are_accepted(written: tuple[Path, Poam]) -> None:
    path, poam = written
    _set(path, "Milestone Scheduled Completion Date", 8, "12/1/2026")
    _set(path, "Milestone Completion Date", 8, 46354)  # 11/28/2026 as an Excel serial
    assert emass.read(path).document == emass.carried(poam)


@pytest.mark.parametrize(
    ("header", "value", "message"),
    [
        ("POA&M Status", "Done", "'Done' is not one of Ongoing, Completed (eMASS POA&M Status)"),
        (
            "POA&M Status",
            "Not Applicable",
            "'Not Applicable' cannot be imported: a requirement "
            "that does not apply is marked not-applicable in the SSP (32 CFR 170.24(b)(3)), not "
            "carried on the POA&M",
        ),
        ("POA&M Status", None, "is empty; expected Ongoing or Completed"),
        (
            "Milestone Status",
            "Finished",
            "'Finished' is not one of Open, In Progress, Completed, "
            "Archived (eMASS Milestone Status)",
        ),
        (
            "Milestone Status",
            "Open",
            "is 'Open' but the milestone has a completion date (11/28/2026); set it to Completed",
        ),
        (
            "Controls / APs",
            "3.1.1; 3.1.2",
            "'3.1.1; 3.1.2' names 2 requirements (3.1.1, 3.1.2); "
            "poam keeps one requirement per entry: split it into one entry per requirement",
        ),
        (
            "Milestone Status Comments",
            "moved from 01/01/2026 to 13/01/2026 on 01/01/2026",
            "'13/01/2026' is not a date (MM/DD/YYYY)",
        ),
    ],
)
def test_bad_cells_name_sheet_row_column_and_expectation(
    written: tuple[Path, Poam], header: str, value: object, message: str
) -> None:
    path, _ = written
    _set(path, header, 8, value)
    assert problems(emass.read, path) == [f"sheet 'POA&M', row 8, column {header!r}: {message}"]


def test_missing_required_columns_are_named_with_the_header_row(
    written: tuple[Path, Poam],
) -> None:
    path, _ = written

    def drop(workbook: object) -> None:
        sheet = workbook["POA&M"]  # type: ignore[index]
        columns = header_cells(sheet, 7)
        sheet[f"{columns['Milestone Description']}7"] = None
        sheet[f"{columns['Office/Org']}7"] = "Office"

    edit(path, drop)
    assert problems(emass.read, path) == [
        "sheet 'POA&M', row 7: missing required columns 'Milestone Description', 'Office/Org' "
        "(headers were expected on row 7)"
    ]


def test_a_sheet_without_headers_or_the_wrong_sheet(tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "POA&M"
    sheet["A1"] = "nothing here"
    workbook.create_sheet("Notes")
    workbook.save(tmp_path / "blank.xlsx")
    assert problems(emass.read, tmp_path / "blank.xlsx") == [
        "sheet 'POA&M': no header row found in the first 30 rows of sheet 'POA&M'; expected the "
        "headers 'Control Vulnerability Description', 'Controls / APs', 'POA&M Status', "
        "'Milestone Description', 'Milestone Status', 'Milestone Scheduled Completion Date', "
        "'Office/Org' on row 7"
    ]
    sheet.title = "Sheet1"
    workbook.save(tmp_path / "other.xlsx")
    assert problems(emass.read, tmp_path / "other.xlsx") == [
        "has no sheet 'POA&M' (its sheets: 'Sheet1', 'Notes'); is this an eMASS POA&M workbook?"
    ]


def test_duplicate_ids_and_orphan_milestone_rows(written: tuple[Path, Poam]) -> None:
    path, _ = written

    def change(workbook: object) -> None:
        sheet = workbook["POA&M"]  # type: ignore[index]
        columns = header_cells(sheet, 7)
        sheet.insert_rows(8)
        sheet[f"{columns['Milestone Description']}8"] = "An orphan milestone"
        sheet[f"{columns['POA&M Item ID']}11"] = "POAM-001"
        sheet[f"{columns['Control Vulnerability Description']}11"] = "Another gap"
        sheet[f"{columns['Controls / APs']}11"] = "3.1.1"
        sheet[f"{columns['POA&M Status']}11"] = "Ongoing"

    edit(path, change)
    assert problems(emass.read, path) == [
        "sheet 'POA&M', row 8, column 'Milestone Description': a milestone row before any POA&M "
        "item: an item's first row holds its description, controls and status",
        "sheet 'POA&M', row 11, column 'POA&M Item ID': 'POAM-001' is already the id of the "
        "entry on row 9",
    ]


def test_entry_fields_on_a_milestone_row_are_refused(written: tuple[Path, Poam]) -> None:
    path, _ = written
    _set(path, "Comments", 9, "About the second milestone")
    assert problems(emass.read, path) == [
        "sheet 'POA&M', row 9, column 'Comments': a milestone row (no item id, description, "
        "controls or status) holds the item's 'Comments': put them on the item's first row"
    ]


def test_blank_ids_are_numbered_and_facts_emass_derives_are_noted(
    written: tuple[Path, Poam],
) -> None:
    path, _ = written
    _set(path, "POA&M Item ID", 8, None)
    _set(path, "POA&M Scheduled Completion Date", 8, date(2027, 3, 31))
    imported = emass.read(path)
    assert imported.document.items[0].id == "POAM-001"
    assert imported.notes == (
        "sheet 'POA&M', row 8: POA&M Scheduled Completion Date 03/31/2027 not kept (poam takes "
        "it from the last milestone)",
    )


def test_many_bad_cells_are_all_reported_up_to_a_cap(tmp_path: Path) -> None:
    items = tuple(
        PoamItem(id=f"P-{n}", requirement="3.1.1", milestones=(Milestone("m", date(2027, 1, 1)),))
        for n in range(150)
    )
    path = tmp_path / "poam.csv"
    emass.write(Poam(items=items), path, exported=EXPORTED, fmt="csv")
    path.write_text(path.read_text("utf-8-sig").replace("01/01/2027", "01/32/2027"), "utf-8")
    found = problems(emass.read, path)
    assert len(found) == 101
    assert found[:2] == [
        "row 8, column 'POA&M Scheduled Completion Date': '01/32/2027' is not a date (MM/DD/YYYY)",
        "row 8, column 'Milestone Scheduled Completion Date': '01/32/2027' is not a date "
        "(MM/DD/YYYY)",
    ]
    assert found[-1] == "... and 200 more problems (the first 100 are listed)"
