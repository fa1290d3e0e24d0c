"""The CMMC status record and the update cadence in the SSP workbook: written in poam's words,
read back exactly, typed in by hand, refused cell by cell when wrong."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from poam.core.model import (
    Affirmation,
    AffirmationKind,
    AssessmentOfRecord,
    AssessmentResult,
    AssessmentType,
    Closeout,
    CloseoutResult,
    CmmcRecord,
    Poam,
    Ssp,
    SspInfo,
)
from poam.formats.workbooks import ssp_workbook
from poam.formats.workbooks.carry import ssp_losses
from tests.formats.workbooks.helpers import edit, header_cells, load, problems

RECORD = CmmcRecord(
    assessments=(
        AssessmentOfRecord(
            AssessmentType.C3PAO,
            date(2026, 6, 12),
            date(2026, 6, 20),
            AssessmentResult.CONDITIONAL,
            score=-12,
            uid="L2C3-8F4K2Q7M1X",
            closeout=Closeout(date(2026, 11, 30), CloseoutResult.NOT_MET),
        ),
        AssessmentOfRecord(
            AssessmentType.SELF, date(2023, 1, 5), date(2023, 1, 9), AssessmentResult.FINAL
        ),
    ),
    affirmations=(
        Affirmation(
            AffirmationKind.INITIAL, date(2026, 6, 22), "Daniel Ortiz", "President and CEO"
        ),
        Affirmation(AffirmationKind.POST_CLOSEOUT, date(2026, 12, 1), "Ana Ruiz", "COO"),
    ),
)


@pytest.fixture
def recorded(acme: tuple[Ssp, Poam]) -> Ssp:
    ssp = acme[0]
    return replace(ssp, info=replace(ssp.info, update_cadence_days=180), cmmc=RECORD)


@pytest.fixture
def path(tmp_path: Path, recorded: Ssp) -> Path:
    target = tmp_path / "ssp.xlsx"
    ssp_workbook.write(recorded, target)
    return target


def test_the_record_is_written_in_poams_words(path: Path) -> None:
    book = load(path)
    system = book["System"]
    assert (system["A9"].value, system["B9"].value) == ("SSP update cadence (days):", 180)
    rows = [[cell.value for cell in row] for row in book["Assessments"].iter_rows()]
    assert rows[0] == [
        "Assessment type",
        "Assessment date",
        "CMMC Status Date",
        "CMMC Status",
        "Score",
        "CMMC UID",
        "POA&M closeout date",
        "POA&M closeout result",
    ]
    assert [rows[1][0], rows[1][3], rows[1][4], rows[1][5], rows[1][7]] == [
        "C3PAO",
        "Conditional Level 2",
        -12,
        "L2C3-8F4K2Q7M1X",
        "Not met",
    ]
    assert rows[2][0] == "Self" and rows[2][3] == "Final Level 2" and rows[2][6:] == [None, None]
    affirmations = [[cell.value for cell in row] for row in book["Affirmations"].iter_rows()]
    assert affirmations[0] == ["Affirmation", "Date", "Affirming Official", "Title"]
    assert [row[0] for row in affirmations[1:]] == ["Upon the status", "After the POA&M closeout"]


def test_it_reads_back_exactly_and_nothing_is_lost(path: Path, recorded: Ssp) -> None:
    imported = ssp_workbook.read(path)
    assert imported.document == recorded
    assert imported.notes == ()
    assert ssp_losses(recorded, ssp_workbook.carried(recorded)) == []


def test_an_implied_assessment_stays_in_the_poam(tmp_path: Path, recorded: Ssp) -> None:
    implied = AssessmentOfRecord(
        AssessmentType.SELF,
        date(2026, 1, 1),
        date(2026, 1, 1),
        AssessmentResult.CONDITIONAL,
        implied=True,
    )
    ssp = replace(recorded, cmmc=replace(RECORD, assessments=(*RECORD.assessments, implied)))
    target = tmp_path / "ssp.xlsx"
    ssp_workbook.write(ssp, target)
    assert ssp_workbook.read(target).document == ssp_workbook.carried(ssp) == recorded


def test_a_workbook_without_the_record_reads_as_no_record(path: Path, recorded: Ssp) -> None:
    def older(workbook: object) -> None:
        for name in ("Assessments", "Affirmations"):
            del workbook[name]  # type: ignore[attr-defined]
        workbook["System"]["A9"] = None  # type: ignore[index]
        workbook["System"]["B9"] = None  # type: ignore[index]

    edit(path, older)
    ssp = ssp_workbook.read(path).document
    assert ssp.cmmc == CmmcRecord()
    assert ssp.info == SspInfo(recorded.info.version, recorded.info.date)


def test_hand_typed_rows(path: Path) -> None:
    def type_in(workbook: object) -> None:
        sheet = workbook["Assessments"]  # type: ignore[index]
        sheet.delete_rows(2, 2)
        sheet.append(
            ["c3pao", "06/12/2026", "2026-06-20", "Conditional", "91", "  L2C3-1 ", "", ""]
        )
        sheet.append(["SELF", "Jan 5, 2023", date(2023, 1, 9), "final", None, None, None, None])
        affirmations = workbook["Affirmations"]  # type: ignore[index]
        affirmations.delete_rows(2, 2)
        affirmations.append(["post-closeout", "12/01/2026", "Ana Ruiz", "COO"])
        affirmations.append(["ANNUAL", date(2027, 11, 30), "Ana Ruiz", "COO"])
        workbook["System"]["B9"] = "90"  # type: ignore[index]

    edit(path, type_in)
    ssp = ssp_workbook.read(path).document
    assert ssp.info.update_cadence_days == 90
    assert ssp.cmmc == CmmcRecord(
        (
            AssessmentOfRecord(
                AssessmentType.C3PAO,
                date(2026, 6, 12),
                date(2026, 6, 20),
                AssessmentResult.CONDITIONAL,
                score=91,
                uid="L2C3-1",
            ),
            AssessmentOfRecord(
                AssessmentType.SELF, date(2023, 1, 5), date(2023, 1, 9), AssessmentResult.FINAL
            ),
        ),
        (
            Affirmation(AffirmationKind.POST_CLOSEOUT, date(2026, 12, 1), "Ana Ruiz", "COO"),
            Affirmation(AffirmationKind.ANNUAL, date(2027, 11, 30), "Ana Ruiz", "COO"),
        ),
    )


@pytest.mark.parametrize(
    ("sheet", "header", "value", "message"),
    [
        (
            "Assessments",
            "Assessment type",
            "DIBCAC",
            "'DIBCAC' is not one of Self, C3PAO",
        ),
        ("Assessments", "Assessment type", None, "is empty; expected one of Self, C3PAO"),
        ("Assessments", "Assessment date", "13/45/2026", "'13/45/2026' is not a date (MM/DD/YYYY)"),
        ("Assessments", "CMMC Status Date", None, "is empty; expected a date (MM/DD/YYYY)"),
        (
            "Assessments",
            "CMMC Status",
            "Provisional",
            "'Provisional' is not one of Conditional Level 2, Final Level 2",
        ),
        ("Assessments", "Score", "111", "'111' is not a score from -203 to 110"),
        ("Assessments", "Score", "-204", "'-204' is not a score from -203 to 110"),
        ("Assessments", "Score", "ninety", "'ninety' is not a score from -203 to 110"),
        ("Assessments", "Score", "²", "'²' is not a score from -203 to 110"),
        ("Assessments", "CMMC UID", "U" * 65, "holds 65 characters; at most 64"),
        (
            "Assessments",
            "POA&M closeout result",
            "Passed",
            "'Passed' is not one of Met, Not met",
        ),
        (
            "Assessments",
            "POA&M closeout result",
            None,
            "is empty, but a closeout date is given; expected one of Met, Not met",
        ),
        (
            "Assessments",
            "POA&M closeout date",
            None,
            "is empty, but a closeout result is given",
        ),
        (
            "Affirmations",
            "Affirmation",
            "Monthly",
            "'Monthly' is not one of Upon the status, After the POA&M closeout, Annual",
        ),
        ("Affirmations", "Date", "soon", "'soon' is not a date (MM/DD/YYYY)"),
        ("Affirmations", "Affirming Official", "  ", "is empty"),
        ("Affirmations", "Title", "T" * 201, "holds 201 characters; at most 200"),
    ],
)
def test_bad_cells_are_named(
    path: Path, sheet: str, header: str, value: object, message: str
) -> None:
    def change(workbook: object) -> None:
        worksheet = workbook[sheet]  # type: ignore[index]
        worksheet[f"{header_cells(worksheet, 1)[header]}2"] = value

    edit(path, change)
    assert problems(ssp_workbook.read, path) == [
        f"sheet {sheet!r}, row 2, column {header!r}: {message}"
    ]


@pytest.mark.parametrize("value", ["0", "3651", "often", "-5", "1.5"])
def test_a_bad_update_cadence_is_named(path: Path, value: str) -> None:
    edit(path, lambda workbook: workbook["System"].__setitem__("B9", value))
    assert problems(ssp_workbook.read, path) == [
        f"sheet 'System', row 9, column 'SSP update cadence (days)': {value!r} is not a number "
        "of days from 1 to 3650"
    ]


def test_every_bad_cell_of_both_sheets_is_reported_at_once(path: Path) -> None:
    def change(workbook: object) -> None:
        workbook["Assessments"]["E3"] = "lots"  # type: ignore[index]
        workbook["Affirmations"]["C3"] = None  # type: ignore[index]
        workbook["Requirements"]["D2"] = "Done"  # type: ignore[index]

    edit(path, change)
    assert [p.split(":")[0] for p in problems(ssp_workbook.read, path)] == [
        "sheet 'Requirements', row 2, column 'Status'",
        "sheet 'Assessments', row 3, column 'Score'",
        "sheet 'Affirmations', row 3, column 'Affirming Official'",
    ]


def test_a_missing_required_column_is_named(path: Path) -> None:
    edit(path, lambda workbook: workbook["Affirmations"].__setitem__("C1", "Signer"))
    assert problems(ssp_workbook.read, path) == [
        "sheet 'Affirmations', row 1: missing required columns 'Affirming Official' (headers "
        "were expected on row 1)"
    ]
