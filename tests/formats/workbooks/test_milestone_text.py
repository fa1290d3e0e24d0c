"""Milestones typed by hand into the FedRAMP (and NIST) milestone cells: every common spelling is
understood, a cell that cannot be is refused alone with one expected format, and text that is
not a milestone is kept with a warning instead of refusing the workbook."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from poam.core.model import Milestone, MilestoneChange, Poam, PoamItem
from poam.formats.workbooks import fedramp, nist
from poam.formats.workbooks.cells import CellError, parse_text_date
from poam.formats.workbooks.milestones import parse_milestone, split_numbered
from tests.formats.workbooks.helpers import edit, header_cells, problems
from tests.formats.workbooks.strategies import words

FORMAT = "(1) YYYY-MM-DD: description"
DUE = date(2026, 3, 1)
TITLE = "Enable FIPS mode on the firewall"

SPELLINGS = [
    "(1) 2026-03-01: Enable FIPS mode on the firewall",
    "(1) 03/01/2026: Enable FIPS mode on the firewall",
    "(1) 3/1/2026 - Enable FIPS mode on the firewall",
    "(1) 2026-03-01 Enable FIPS mode on the firewall",
    "(1) Mar 1, 2026: Enable FIPS mode on the firewall",
    "(1) March 1st, 2026 – Enable FIPS mode on the firewall",
    "(1) 1 March 2026: Enable FIPS mode on the firewall",
    "(1) 01-Mar-2026: Enable FIPS mode on the firewall",
    "(1) Due 2026-03-01: Enable FIPS mode on the firewall",
    "(1) Enable FIPS mode on the firewall - due 2026-03-01",
    "(1) Enable FIPS mode on the firewall (due 03/01/2026)",
    "(1) Enable FIPS mode on the firewall by Mar 1, 2026",
    "(1) Enable FIPS mode on the firewall: 2026-03-01",
    "1. 2026-03-01: Enable FIPS mode on the firewall",
    "1) 2026-03-01: Enable FIPS mode on the firewall",
    "[1] 2026-03-01: Enable FIPS mode on the firewall",
    "2026-03-01: Enable FIPS mode on the firewall",
    "Enable FIPS mode on the firewall by 3/1/2026",
]


def fedramp_workbook(tmp_path: Path, planned: str, changes: str = "") -> Path:
    path = tmp_path / "poam.xlsx"
    fedramp.write(Poam(items=(PoamItem(id="V-1", requirement="3.13.11", gap="gap"),)), path)

    def type_in(workbook: object) -> None:
        sheet = workbook["Open POA&M Items"]  # type: ignore[index]
        columns = header_cells(sheet, 5)
        sheet[f"{columns['Planned Milestones']}6"] = planned
        sheet[f"{columns['Milestone Changes']}6"] = changes or None

    return edit(path, type_in)


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_common_spellings_of_a_planned_milestone(spelling: str, tmp_path: Path) -> None:
    imported = fedramp.read(fedramp_workbook(tmp_path, spelling))
    assert imported.document.items[0].milestones == (Milestone(TITLE, DUE),)
    assert imported.warnings == ()


@pytest.mark.parametrize(
    "change",
    [
        "(1) Complete 2026-02-27 : milestone completed",
        "(1) Completed 02/27/2026",
        "(1) Completed on Feb 27, 2026",
        "(1) 2026-02-27 Complete: done early",
        "(1) Done - 27 February 2026",
    ],
)
def test_common_spellings_of_a_completion(change: str, tmp_path: Path) -> None:
    path = fedramp_workbook(tmp_path, SPELLINGS[0], change)
    assert fedramp.read(path).document.items[0].milestones == (
        Milestone(TITLE, DUE, date(2026, 2, 27)),
    )


@pytest.mark.parametrize(
    "change",
    [
        "(1) Update 2026-04-15 : the vendor slipped",
        "(1) Updated 4/15/2026 - the vendor slipped",
        "(1) Update: Apr 15, 2026 - the vendor slipped",
        "(1) 2026-04-15 Update: the vendor slipped",
    ],
)
def test_common_spellings_of_a_move(change: str, tmp_path: Path) -> None:
    path = fedramp_workbook(tmp_path, SPELLINGS[0], change)
    [milestone] = fedramp.read(path).document.items[0].milestones
    assert milestone == Milestone(
        TITLE,
        date(2026, 4, 15),
        history=(
            MilestoneChange(
                changed=date(2026, 4, 15),
                from_date=DUE,
                to_date=date(2026, 4, 15),
                justification="the vendor slipped",
            ),
        ),
    )


def test_several_unnumbered_lines_are_several_milestones(tmp_path: Path) -> None:
    path = fedramp_workbook(
        tmp_path, "2026-03-01: Enable FIPS mode\nMar 20, 2026 - Replace the certificate"
    )
    assert fedramp.read(path).document.items[0].milestones == (
        Milestone("Enable FIPS mode", DUE),
        Milestone("Replace the certificate", date(2026, 3, 20)),
    )


def test_a_milestone_without_a_date_is_kept_with_a_warning(tmp_path: Path) -> None:
    """Not a refusal of the workbook: the milestone is imported undated (poam check then says
    the entry has no dated milestone), and the import says so."""
    path = fedramp_workbook(tmp_path, "(1) Finish it by Friday\n(2) 2026-03-01: Enable FIPS")
    imported = fedramp.read(path)
    assert imported.document.items[0].milestones == (
        Milestone("Finish it by Friday"),
        Milestone("Enable FIPS", DUE),
    )
    assert imported.warnings == (
        "sheet 'Open POA&M Items', row 6, column 'Planned Milestones': milestone (1) 'Finish it "
        "by Friday' has no date; imported without one (expected '(1) YYYY-MM-DD: description')",
    )


def test_text_that_is_not_a_change_goes_to_the_comments_with_a_warning(tmp_path: Path) -> None:
    path = fedramp_workbook(tmp_path, SPELLINGS[0], "(1) Postponed to spring\nsee ticket 42")
    imported = fedramp.read(path)
    item = imported.document.items[0]
    assert item.milestones == (Milestone(TITLE, DUE),)
    assert item.comments == "(1) Postponed to spring\nsee ticket 42"
    assert imported.warnings == (
        "sheet 'Open POA&M Items', row 6, column 'Milestone Changes': 'Postponed to "
        "spring\\nsee ticket 42' is not a dated milestone change; kept in Comments (expected "
        "'(1) Update YYYY-MM-DD: description')",
    )


def test_a_bad_cell_is_refused_alone_and_every_other_bad_cell_is_named(tmp_path: Path) -> None:
    path = fedramp_workbook(tmp_path, "(1) 2026-02-30: Enable FIPS\n(2) 13/45/2026: Replace it")
    assert problems(fedramp.read, path) == [
        "sheet 'Open POA&M Items', row 6, column 'Planned Milestones': '2026-02-30' is not a "
        f"date; expected {FORMAT!r}",
        "sheet 'Open POA&M Items', row 6, column 'Planned Milestones': '13/45/2026' is not a "
        f"date; expected {FORMAT!r}",
    ]


@pytest.mark.parametrize(
    "text", ["(1) 2026-02-30: x", "(1) 2026-03-01:", "(1) 99/99/2026: x", "(1) Feb 30, 2026: x"]
)
def test_every_refusal_names_the_one_format(text: str, tmp_path: Path) -> None:
    [message] = problems(fedramp.read, fedramp_workbook(tmp_path, text))
    assert message.endswith(f"expected {FORMAT!r}")
    assert "MM/DD/YYYY" not in message


def test_nist_milestones_accept_the_same_spellings_and_name_its_format(tmp_path: Path) -> None:
    path = tmp_path / "poam.csv"
    path.write_text(
        "Requirement,Weakness,Milestones with Interim Completion Dates,Status\n"
        '3.1.1,Accounts not reviewed,"Review the accounts by Mar 1, 2026",Ongoing\n'
        "3.1.2,Roles not limited,(1) 2026-02-30: Limit them,Ongoing\n",
        "utf-8",
    )
    assert problems(nist.read, path) == [
        "row 3, column 'Milestones with Interim Completion Dates': '2026-02-30' is not a date; "
        "expected '(1) MM/DD/YYYY: description'"
    ]


# --- the parser alone ----------------------------------------------------------------------

STYLES = [
    "{d}: {t}",
    "{d} - {t}",
    "{t} (due {d})",
    "{t} by {d}",
    "Due {d}: {t}",
]
DATE_STYLES = [
    lambda d: d.isoformat(),
    lambda d: f"{d.month}/{d.day}/{d.year}",
    lambda d: d.strftime("%b %-d, %Y"),
    lambda d: d.strftime("%-d %B %Y"),
    lambda d: d.strftime("%d-%b-%Y"),
]


_DUE_WORDS = re.compile(r"(?i)(due|by|on|target(ed)?|planned|scheduled)( (date|for|on|by))?")
titles = words.filter(lambda t: t[0].isalpha() and t[-1].isalnum() and not _DUE_WORDS.fullmatch(t))
"""A description starts with a letter and ends with a letter or digit, and is more than a word
such as "due" (punctuation alone or "due" alone cannot be told from what surrounds a date)."""


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=titles,
    due=st.dates(date(1990, 1, 1), date(2099, 12, 31)),
    style=st.sampled_from(STYLES),
    written=st.sampled_from(DATE_STYLES),
)
def test_any_title_and_date_in_any_spelling_read_back(
    title: str, due: date, style: str, written: object
) -> None:
    text = style.format(d=written(due), t=title)  # type: ignore[operator]
    read = parse_milestone(text, FORMAT)
    assert read.dated
    assert read.milestone.due == due
    assert read.milestone.title == title


@settings(max_examples=200)
@given(st.text(max_size=80))
def test_any_text_is_a_milestone_or_a_cell_error(text: str) -> None:
    for entry in split_numbered(text):
        try:
            parse_milestone(entry.text, FORMAT)
        except CellError as error:
            assert str(error).endswith(f"expected {FORMAT!r}")


def test_dates_with_month_names() -> None:
    for text in ("Mar 1, 2026", "1 March 2026", "01-Mar-2026", "march 1st 2026", "Sept. 1 2026"):
        assert parse_text_date(text).day == 1
    with pytest.raises(CellError, match=r"'Feb 29, 2026' is not a date \(YYYY-MM-DD\)"):
        parse_text_date("Feb 29, 2026", "YYYY-MM-DD")
