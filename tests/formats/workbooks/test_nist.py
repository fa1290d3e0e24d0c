"""The NIST SP 800-171 plan-of-action layout: every field of a POA&M round-trips."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from poam.core.model import Poam, Ssp
from poam.formats.workbooks import nist
from tests.formats.workbooks.helpers import edit, header_cells, load, problems
from tests.formats.workbooks.strategies import poams

NIST_COLUMNS = [
    "Weakness",
    "Responsible Office/Organization",
    "Resource Estimate (funded/unfunded/reallocation)",
    "Scheduled Completion Date",
    "Milestones with Interim Completion Dates",
    "Changes to Milestones",
    "How was the weakness identified?",
    "Status (Ongoing or Complete)",
]


def test_examples_round_trip_exactly(example: tuple[Ssp, Poam], tmp_path: Path) -> None:
    ssp, poam = example
    for name in ("poam.xlsx", "poam.csv"):
        path = tmp_path / name
        nist.write(poam, path, ssp=ssp, fmt=path.suffix[1:])
        imported = nist.read(path)
        assert imported.document == poam
        assert imported.notes == ()


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(poam=poams())
def test_any_poam_round_trips_exactly_as_xlsx_and_csv(poam: Poam, tmp_path: Path) -> None:
    for name in ("poam.xlsx", "poam.csv"):
        path = tmp_path / name
        nist.write(poam, path, fmt=path.suffix[1:])
        assert nist.read(path).document == poam


def test_the_nist_columns_in_their_order(tmp_path: Path, acme: tuple[Ssp, Poam]) -> None:
    ssp, poam = acme
    path = tmp_path / "poam.xlsx"
    nist.write(poam, path, ssp=ssp)
    sheet = load(path)["Plan of Action"]
    headers = [c.value for c in sheet[11] if c.value is not None]
    assert [h for h in headers if h in NIST_COLUMNS] == NIST_COLUMNS
    assert sheet["B2"].value == ssp.system.name
    columns = header_cells(sheet, 11)
    first = poam.items[0]
    assert sheet[f"{columns['Status (Ongoing or Complete)']}12"].value == "Ongoing (in progress)"
    assert sheet[f"{columns['Milestones with Interim Completion Dates']}12"].value == (
        "(1) 02/26/2027: MFA for all users"
    )
    assert first.milestones[0].due == date(2027, 2, 26)


def test_plain_statuses_and_a_single_sheet_under_another_name(tmp_path: Path) -> None:
    path = tmp_path / "poam.csv"
    path.write_text(
        "Requirement,Weakness,Milestones with Interim Completion Dates,Status\n"
        "3.1.1,No review,(1) 01/15/2027: Review accounts,Ongoing\n"
        'AC-3.1.2,Roles,"(1) 01/15/2026: Matrix (completed 01/10/2026)",Complete\n'
        "3.1.3,Flows,(1) 01/15/2026: Diagram (completed 01/10/2026),Ongoing\n",
        "utf-8",
    )
    items = nist.read(path).document.items
    assert [(i.id, i.requirement, i.status.value) for i in items] == [
        ("POAM-001", "3.1.1", "not-started"),
        ("POAM-002", "3.1.2", "closed"),
        ("POAM-003", "3.1.3", "in-progress"),
    ]


@pytest.mark.parametrize(
    ("header", "value", "message"),
    [
        (
            "Status (Ongoing or Complete)",
            "Paused",
            "'Paused' is not one of Ongoing, Complete, "
            "Ongoing (not started), Ongoing (in progress), Complete (pending verification), "
            "Complete (closed)",
        ),
        (
            "Milestones with Interim Completion Dates",
            "(1) 13/45/2026: finish",
            "'13/45/2026' is not a date; expected '(1) MM/DD/YYYY: description'",
        ),
        (
            "Changes to Milestones",
            "(7) moved from 01/01/2027 to 02/01/2027 on 12/01/2026",
            "'moved from 01/01/2027 to 02/01/2027 on 12/01/2026': start each change with the "
            "number of a milestone in the column before, e.g. '(1) moved from ...'",
        ),
        (
            "Changes to Milestones",
            "(1) pushed back a month",
            "'pushed back a month' is not a "
            "milestone change (expected 'moved from MM/DD/YYYY to MM/DD/YYYY on MM/DD/YYYY by "
            "NAME: reason')",
        ),
        ("Created", "31/12/2026", "'31/12/2026' is not a date (MM/DD/YYYY)"),
        ("Requirement", "", "is empty; each entry names its requirement"),
    ],
)
def test_bad_cells(
    tmp_path: Path, acme: tuple[Ssp, Poam], header: str, value: object, message: str
) -> None:
    path = tmp_path / "poam.xlsx"
    nist.write(acme[1], path)

    def change(workbook: object) -> None:
        sheet = workbook["Plan of Action"]  # type: ignore[index]
        sheet[f"{header_cells(sheet, 11)[header]}12"] = value

    edit(path, change)
    assert problems(nist.read, path) == [
        f"sheet 'Plan of Action', row 12, column {header!r}: {message}"
    ]


def test_bad_facts_above_the_table(tmp_path: Path, acme: tuple[Ssp, Poam]) -> None:
    path = tmp_path / "poam.xlsx"
    nist.write(acme[1], path)

    def change(workbook: object) -> None:
        sheet = workbook["Plan of Action"]  # type: ignore[index]
        sheet["B4"] = "quarterly"  # POA&M kind
        sheet["B6"] = "last spring"  # last reviewed
        sheet["B7"] = "ninety"  # review cadence

    edit(path, change)
    assert problems(nist.read, path) == [
        "sheet 'Plan of Action', row 4, column 'POA&M kind': 'quarterly' is not one of "
        "internal, conditional",
        "sheet 'Plan of Action', row 7, column 'Review cadence (days)': 'ninety' is not a number "
        "of days",
        "sheet 'Plan of Action', row 6, column 'Last reviewed': 'last spring' is not a date "
        "(MM/DD/YYYY)",
    ]
