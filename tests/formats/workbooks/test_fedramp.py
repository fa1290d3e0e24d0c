"""The FedRAMP POA&M template v2.1: open and closed sheets, milestones in one cell."""

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
from poam.formats.workbooks import fedramp
from tests.formats.workbooks.helpers import edit, header_cells, load, problems
from tests.formats.workbooks.strategies import poams

TEMPLATE = "fedramp/FedRAMP-POAM-Template.xlsx"


def test_examples_round_trip_what_fedramp_carries(
    example: tuple[Ssp, Poam], tmp_path: Path
) -> None:
    ssp, poam = example
    path = tmp_path / "poam.xlsx"
    fedramp.write(poam, path, ssp=ssp)
    imported = fedramp.read(path)
    assert imported.document == fedramp.carried(poam)
    assert (imported.notes, imported.warnings) == ((), ())


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(poam=poams())
def test_any_poam_round_trips_what_fedramp_carries(poam: Poam, tmp_path: Path) -> None:
    path = tmp_path / "poam.xlsx"
    fedramp.write(poam, path)
    assert fedramp.read(path).document == fedramp.carried(poam)


def test_the_closed_sheet_says_whether_each_closure_was_verified(tmp_path: Path) -> None:
    """One Closed sheet holds both: a Comments line tells them apart, and an entry without it
    (typed by hand) is imported as closed with a warning naming the check that then does not
    run (a pending entry's milestone past the deadline is an error, a closed one's is not)."""
    done = Milestone("m", date(2026, 1, 1), date(2026, 1, 1))
    items = (
        PoamItem(id="V-1", requirement="3.1.1", status=ItemStatus.CLOSED, milestones=(done,)),
        PoamItem(
            id="V-2",
            requirement="3.1.2",
            status=ItemStatus.COMPLETED_PENDING_VERIFICATION,
            milestones=(done,),
            comments="Waiting for the assessor",
        ),
    )
    path = tmp_path / "poam.xlsx"
    fedramp.write(Poam(items=items), path)
    sheet = load(path)["Closed POA&M Items"]
    column = header_cells(sheet, 5)["Comments"]
    assert [sheet[f"{column}{row}"].value for row in (6, 7)] == [
        "Closure: verified",
        "Waiting for the assessor\nClosure: pending verification",
    ]
    assert fedramp.read(path).document.items == items

    def forget(workbook: object) -> None:
        workbook["Closed POA&M Items"][f"{column}7"] = "Waiting for the assessor"  # type: ignore[index]

    edit(path, forget)
    imported = fedramp.read(path)
    assert [i.status for i in imported.document.items] == [ItemStatus.CLOSED, ItemStatus.CLOSED]
    assert imported.warnings == (
        "1 entry on 'Closed POA&M Items' does not say whether the closure was verified (no "
        "'Closure: verified' or 'Closure: pending verification' line in Comments): imported as "
        "closed, so milestone-after-closeout-deadline does not run on it; set status: "
        "completed-pending-verification in poam.yaml for those not yet verified",
    )


def test_csv_is_refused_for_a_layout_of_several_sheets(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="several sheets"):
        fedramp.write(Poam(), tmp_path / "poam.csv", fmt="csv")
    (tmp_path / "poam.csv").write_text("POAM ID,Controls\n", "utf-8")
    assert problems(fedramp.read, tmp_path / "poam.csv") == [
        "this layout has several sheets: give an .xlsx file"
    ]


def test_milestones_as_planned_and_their_changes(tmp_path: Path) -> None:
    move = MilestoneChange(
        changed=date(2026, 9, 2),
        from_date=date(2026, 9, 26),
        to_date=date(2026, 12, 12),
        by="Maria Kowalski, IT Manager",
        justification="Outage window moved to the December shutdown",
    )
    item = PoamItem(
        id="V-2",
        requirement="3.13.11",
        gap="Not FIPS",
        status=ItemStatus.IN_PROGRESS,
        milestones=(
            Milestone("Certificate found", date(2026, 8, 1), date(2026, 7, 30)),
            Milestone("FIPS-CC mode on", date(2026, 12, 12), history=(move,)),
        ),
    )
    path = tmp_path / "poam.xlsx"
    fedramp.write(Poam(items=(item,)), path)
    sheet = load(path)["Open POA&M Items"]
    columns = header_cells(sheet, 5)
    assert sheet[f"{columns['Planned Milestones']}6"].value == (
        "(1) 2026-08-01: Certificate found\n\n(2) 2026-09-26: FIPS-CC mode on"
    )
    assert sheet[f"{columns['Milestone Changes']}6"].value == (
        "(1) Complete 2026-07-30 : milestone completed\n\n(2) Update 2026-12-12 : moved from "
        "2026-09-26 to 2026-12-12 on 2026-09-02 by Maria Kowalski, IT Manager: Outage window "
        "moved to the December shutdown"
    )
    assert sheet[f"{columns['Weakness Name']}6"].value == "CUI Encryption"  # the catalog title
    assert sheet[f"{columns['Scheduled Completion Date']}6"].value.date() == date(2026, 12, 12)
    assert fedramp.read(path).document.items == (item,)


def test_changes_written_by_hand_are_understood(tmp_path: Path) -> None:
    """The template's own example wording: '(2) Update 2014-06-18 : reason', '(3) New ...'."""
    path = tmp_path / "poam.xlsx"
    fedramp.write(Poam(items=(PoamItem(id="V-1", requirement="3.1.1", gap="gap"),)), path)

    def type_in(workbook: object) -> None:
        sheet = workbook["Open POA&M Items"]  # type: ignore[index]
        columns = header_cells(sheet, 5)
        sheet[f"{columns['Planned Milestones']}6"] = (
            "(1) 2014/05/23: Milestone Description\n\n(2) 2014-06-12: Milestone \nDescription"
        )
        sheet[f"{columns['Milestone Changes']}6"] = (
            "(2) Update 2014-06-18 : That milestone was delayed due to a Vendor Dependency\n\n"
            "(3) New 2014-06-13 : This is the details of this new milestone"
        )
        sheet[f"{columns['Status Date']}6"] = date(2014, 6, 20)

    edit(path, type_in)
    read = fedramp.read(path).document.items[0]
    assert read.milestones == (
        Milestone("Milestone Description", date(2014, 5, 23)),
        Milestone(
            "Milestone\nDescription",
            date(2014, 6, 18),
            history=(
                MilestoneChange(
                    changed=date(2014, 6, 20),
                    from_date=date(2014, 6, 12),
                    to_date=date(2014, 6, 18),
                    justification="That milestone was delayed due to a Vendor Dependency",
                ),
            ),
        ),
        Milestone("This is the details of this new milestone", date(2014, 6, 13)),
    )
    assert read.updated == date(2014, 6, 20)


@pytest.mark.parametrize(
    ("header", "value", "message"),
    [
        (
            "Planned Milestones",
            "(1) 2026-02-30: Finish",
            "'2026-02-30' is not a date; expected '(1) YYYY-MM-DD: description'",
        ),
        (
            "Planned Milestones",
            "(1) 2026-03-01:",
            "'2026-03-01:' has no description; expected '(1) YYYY-MM-DD: description'",
        ),
        (
            "Planned Milestones",
            "(1) Mar 32, 2026: Finish",
            "'Mar 32, 2026' is not a date; expected '(1) YYYY-MM-DD: description'",
        ),
        (
            "Milestone Changes",
            "(4) Complete 2026-01-01 : done",
            "(4) Complete: there is no milestone (4) in Planned Milestones",
        ),
        (
            "Milestone Changes",
            "(1) Update 2026-02-30 : the vendor slipped",
            "'2026-02-30' is not a date; expected '(1) Update YYYY-MM-DD: description'",
        ),
        ("Original Detection Date", "yesterday", "'yesterday' is not a date (YYYY-MM-DD)"),
        ("POAM ID", None, None),
        (
            "Controls",
            "AC-2",
            "'AC-2' is not a NIST SP 800-171 Rev 2 requirement (write it as 3.1.1 or AC.L2-3.1.1)",
        ),
    ],
)
def test_bad_cells(tmp_path: Path, header: str, value: object, message: str | None) -> None:
    path = tmp_path / "poam.xlsx"
    item = PoamItem(
        id="V-1", requirement="3.1.1", gap="gap", milestones=(Milestone("m", date(2026, 1, 1)),)
    )
    fedramp.write(Poam(items=(item,)), path)

    def change(workbook: object) -> None:
        sheet = workbook["Open POA&M Items"]  # type: ignore[index]
        sheet[f"{header_cells(sheet, 5)[header]}6"] = value

    edit(path, change)
    if message is None:  # a blank id is numbered, as eMASS does
        assert fedramp.read(path).document.items[0].id == "POAM-001"
        return
    assert problems(fedramp.read, path) == [
        f"sheet 'Open POA&M Items', row 6, column {header!r}: {message}"
    ]


# --- the real template -----------------------------------------------------------------------


@pytest.mark.shared
def test_export_has_the_templates_sheets_headers_and_header_row(
    templates: Path, tmp_path: Path, acme: tuple[Ssp, Poam]
) -> None:
    ssp, poam = acme
    path = tmp_path / "out.xlsx"
    fedramp.write(poam, path, ssp=ssp)
    ours, theirs = load(path), load(templates / TEMPLATE)
    for name in ("Open POA&M Items", "Closed POA&M Items", "Configuration Findings"):
        assert name in ours.sheetnames and name in theirs.sheetnames
        header = [c.value for c in theirs[name][5] if c.value is not None]
        assert [c.value for c in ours[name][5] if c.value is not None] == header
        assert [ours[name][f"{c}2"].value for c in "ABCD"] == [
            theirs[name][f"{c}2"].value for c in "ABCD"
        ]
        if name != "Configuration Findings":
            assert ours[name].freeze_panes == theirs[name].freeze_panes == "A6"
    assert ours["Open POA&M Items"]["B3"].value == ssp.system.name
    assert ours["Open POA&M Items"]["C3"].value == "Moderate"


@pytest.mark.shared
def test_the_blank_real_template_imports_as_an_empty_poam(templates: Path) -> None:
    """Its description, format-hint and example rows are the template's own, not entries."""
    imported = fedramp.read(templates / TEMPLATE)
    assert imported.document == Poam()
    assert imported.notes == (
        "sheet 'Open POA&M Items', row 8: the template's example entry V-1Example was skipped",
    )


@pytest.mark.shared
def test_the_real_template_filled_in_imports(
    templates: Path, tmp_path: Path, acme: tuple[Ssp, Poam]
) -> None:
    ssp, poam = acme
    ours = tmp_path / "ours.xlsx"
    fedramp.write(poam, ours, ssp=ssp)
    written = load(ours)

    def fill(workbook: object) -> None:
        for name in ("Open POA&M Items", "Closed POA&M Items"):
            sheet = workbook[name]  # type: ignore[index]
            sheet["D3"] = poam.last_reviewed
            rows = list(written[name].iter_rows(min_row=6, values_only=True))
            for offset, values in enumerate(rows):  # below the example row 8, as people do
                for column, value in enumerate(values, start=1):
                    sheet.cell(row=9 + offset, column=column, value=value)

    filled = edit(templates / TEMPLATE, fill, tmp_path / "filled.xlsx")
    imported = fedramp.read(filled)
    assert imported.document == dataclasses.replace(
        fedramp.carried(poam),
        kind=PoamKind.INTERNAL,
        conditional=None,
        maintainer="",
        review_cadence_days=None,
    )
    assert [w.split(" (")[0] for w in imported.warnings] == [
        "the workbook does not say whether the POA&M is Conditional"
    ]
