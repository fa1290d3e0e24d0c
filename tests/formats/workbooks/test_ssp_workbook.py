"""The SSP workbook: one row per requirement and per objective; lossless both ways."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from poam.core.catalog import Catalog
from poam.core.model import Poam, Ssp
from poam.formats.workbooks import ssp_workbook
from tests.formats.workbooks.helpers import edit, header_cells, load, problems
from tests.formats.workbooks.strategies import ssps


def test_examples_round_trip_exactly(example: tuple[Ssp, Poam], tmp_path: Path) -> None:
    ssp, _ = example
    path = tmp_path / "ssp.xlsx"
    ssp_workbook.write(ssp, path)
    imported = ssp_workbook.read(path)
    assert imported.document == ssp
    assert imported.notes == ()


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ssp=ssps(with_cmmc=True))
def test_any_ssp_round_trips_exactly(ssp: Ssp, tmp_path: Path) -> None:
    """Everything, the update cadence and the CMMC status record included."""
    path = tmp_path / "ssp.xlsx"
    ssp_workbook.write(ssp, path)
    assert ssp_workbook.read(path).document == ssp


def test_values_that_read_like_labels_stay_values(tmp_path: Path, acme: tuple[Ssp, Poam]) -> None:
    # Found by hypothesis: a description of "organization" was taken for the next label.
    ssp = acme[0]
    system = replace(
        ssp.system, name="Scope", organization="Description", description="organization"
    )
    path = tmp_path / "ssp.xlsx"
    ssp_workbook.write(replace(ssp, system=system), path)
    assert ssp_workbook.read(path).document.system == system


def test_every_requirement_and_objective_has_a_row(
    tmp_path: Path, acme: tuple[Ssp, Poam], catalog: Catalog
) -> None:
    path = tmp_path / "ssp.xlsx"
    ssp_workbook.write(acme[0], path)
    book = load(path)
    assert book.sheetnames == [
        "System",
        "Requirements",
        "Objectives",
        "Assessments",
        "Affirmations",
    ]
    requirements, objectives = book["Requirements"], book["Objectives"]
    assert [c.value for c in requirements[1]] == [
        "Requirement",
        "Title",
        "Points",
        "Status",
        "Narrative",
        "Responsible",
        "Partial-credit state",
        "Enduring exception",
        "Temporary deficiency plan",
        "Temporary deficiency description",
    ]
    assert requirements.max_row == 1 + len(catalog) == 111
    assert objectives.max_row == 1 + catalog.total_objectives == 321
    row = {c.value: c.column_letter for c in requirements[1]}
    mfa = next(r for r in range(2, 112) if requirements[f"A{r}"].value == "IA.L2-3.5.3")
    assert requirements[f"{row['Points']}{mfa}"].value == "3 or 5"
    assert requirements[f"{row['Partial-credit state']}{mfa}"].value in (
        "No MFA",
        "MFA for remote and privileged users only",
        "MFA for all users",
    )


def test_hand_typed_values_and_blank_rows(tmp_path: Path, acme: tuple[Ssp, Poam]) -> None:
    path = tmp_path / "ssp.xlsx"
    ssp_workbook.write(acme[0], path)

    def type_in(workbook: object) -> None:
        sheet = workbook["Requirements"]  # type: ignore[index]
        columns = header_cells(sheet, 1)
        sheet[f"{columns['Requirement']}2"] = "AC-3.1.1 "
        sheet[f"{columns['Status']}2"] = "NOT-IMPLEMENTED"
        sheet[f"{columns['Status']}3"] = None  # 3.1.2 becomes unassessed
        sheet[f"{columns['Narrative']}3"] = None
        sheet[f"{columns['Responsible']}3"] = None
        workbook["System"]["B8"] = "2026-10-01"  # type: ignore[index]

    edit(path, type_in)
    ssp = ssp_workbook.read(path).document
    assert ssp.requirements["3.1.1"].status.value == "not-implemented"
    assert "3.1.2" not in ssp.requirements
    assert ssp.info.date == date(2026, 10, 1)


@pytest.mark.parametrize(
    ("sheet", "header", "row", "value", "message"),
    [
        (
            "Requirements",
            "Requirement",
            2,
            "3.15.3",
            "'3.15.3' is not a NIST SP 800-171 Rev 2 "
            "requirement (write it as 3.1.1 or AC.L2-3.1.1)",
        ),
        ("Requirements", "Requirement", 3, "AC.L2-3.1.1", "AC.L2-3.1.1 is already on row 2"),
        (
            "Requirements",
            "Status",
            2,
            "Done",
            "'Done' is not one of Implemented, Partially "
            "implemented, Planned, Not implemented, Not applicable",
        ),
        (
            "Requirements",
            "Partial-credit state",
            2,
            "No MFA",
            "AC.L2-3.1.1 has no partial "
            "credit; only IA.L2-3.5.3 and SC.L2-3.13.11 do (32 CFR 170.24(c)(2)(i)(B)(4))",
        ),
        (
            "Objectives",
            "Result",
            2,
            "Passed",
            "'Passed' is not one of Met, Not met, Not applicable",
        ),
        (
            "Objectives",
            "Objective",
            2,
            "z",
            "'z' is not an objective of AC.L2-3.1.1 (its objectives are a, b, c, d, e, f)",
        ),
        ("Objectives", "Objective", 3, "a", "AC.L2-3.1.1[a] is listed twice"),
    ],
)
def test_bad_cells(
    tmp_path: Path,
    acme: tuple[Ssp, Poam],
    sheet: str,
    header: str,
    row: int,
    value: object,
    message: str,
) -> None:
    path = tmp_path / "ssp.xlsx"
    ssp_workbook.write(acme[0], path)

    def change(workbook: object) -> None:
        worksheet = workbook[sheet]  # type: ignore[index]
        worksheet[f"{header_cells(worksheet, 1)[header]}{row}"] = value
        if sheet == "Objectives":
            worksheet[f"{header_cells(worksheet, 1)['Result']}3"] = "Met"

    edit(path, change)
    assert problems(ssp_workbook.read, path) == [
        f"sheet {sheet!r}, row {row}, column {header!r}: {message}"
    ]


def test_objectives_of_an_unassessed_requirement_and_a_missing_date(
    tmp_path: Path, acme: tuple[Ssp, Poam]
) -> None:
    path = tmp_path / "ssp.xlsx"
    ssp_workbook.write(acme[0], path)

    def change(workbook: object) -> None:
        requirements = workbook["Requirements"]  # type: ignore[index]
        columns = header_cells(requirements, 1)
        for key in ("Status", "Narrative", "Responsible"):
            requirements[f"{columns[key]}2"] = None
        workbook["System"]["B8"] = None  # type: ignore[index]

    edit(path, change)
    assert problems(ssp_workbook.read, path) == [
        "sheet 'System', row 8, column 'SSP date': is missing; expected the SSP's date "
        "(MM/DD/YYYY)",
    ]
    edit(path, lambda workbook: workbook["System"].__setitem__("B8", date(2026, 9, 30)))
    assert problems(ssp_workbook.read, path) == [
        "sheet 'Objectives', row 2, column 'Result': AC.L2-3.1.1 has objective results but no "
        "Status on sheet 'Requirements'",
        *(
            f"sheet 'Objectives', row {r}, column 'Result': AC.L2-3.1.1 has objective results "
            "but no Status on sheet 'Requirements'"
            for r in range(3, 8)
        ),
    ]


def test_not_an_ssp_workbook(tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.save(tmp_path / "book.xlsx")
    assert problems(ssp_workbook.read, tmp_path / "book.xlsx") == [
        "has no sheet 'System' or 'Requirements' (its sheets: 'Sheet'); is this an SSP workbook?"
    ]


def test_what_the_ssp_workbook_gives_back_is_what_it_reads(tmp_path: Path) -> None:
    """``carried`` (from which the export note is made) is exactly what an import gives."""
    from poam.formats.native import load_ssp
    from poam.formats.workbooks.carry import ssp_losses
    from tests.conftest import EXAMPLES

    ssp = load_ssp(EXAMPLES / "acme-enclave" / "ssp.yaml")
    path = tmp_path / "ssp.xlsx"
    ssp_workbook.write(ssp, path)
    assert ssp_workbook.read(path).document == ssp_workbook.carried(ssp)
    assert ssp_losses(ssp, ssp_workbook.carried(ssp)) == []
