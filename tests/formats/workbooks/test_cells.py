"""The cell parsers every layout shares: headers, dates, requirement ids, numbered steps."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from poam.core.catalog import Catalog
from poam.formats.workbooks.cells import (
    CellError,
    cell_text,
    normalize_header,
    parse_date,
    parse_requirement,
    parse_requirement_list,
    parse_steps,
    requirement_reference,
    steps_text,
    us_date,
)


def test_headers_match_after_trimming_and_folding_whitespace_and_case() -> None:
    assert normalize_header("  Personnel Resources: \nCost Code ") == normalize_header(
        "personnel resources: cost code"
    )
    assert normalize_header("Identification Source ") == "identification source"
    assert normalize_header("Milestone\u00a0ID") == "milestone id"
    assert normalize_header(None) == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2026, 11, 23, 0, 0), date(2026, 11, 23)),
        (date(2026, 11, 23), date(2026, 11, 23)),
        ("11/23/2026", date(2026, 11, 23)),
        ("1/5/2027", date(2027, 1, 5)),
        (" 2026-11-23 ", date(2026, 11, 23)),
        ("2014/05/23", date(2014, 5, 23)),
        (46349, date(2026, 11, 23)),  # an Excel serial number in a General cell
        (46349.0, date(2026, 11, 23)),
        (None, None),
        ("  ", None),
    ],
)
def test_dates_as_excel_dates_serials_or_text(value: object, expected: date | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("13/45/2026", "'13/45/2026' is not a date (MM/DD/YYYY)"),
        ("02/30/2026", "'02/30/2026' is not a date (MM/DD/YYYY)"),
        ("next week", "'next week' is not a date (MM/DD/YYYY)"),
        ("23.11.2026", "'23.11.2026' is not a date (MM/DD/YYYY)"),
        (12, "'12' is not a date (MM/DD/YYYY)"),
        (True, "'True' is not a date (MM/DD/YYYY)"),
    ],
)
def test_bad_dates_say_what_was_expected(value: object, message: str) -> None:
    with pytest.raises(CellError) as error:
        parse_date(value)
    assert str(error.value) == message


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(9999, 12, 31)))
def test_us_dates_read_back(day: date) -> None:
    assert parse_date(us_date(day)) == day
    assert parse_date(day.isoformat()) == day


def test_cell_text_drops_spurious_decimals_and_trims() -> None:
    assert cell_text(3.0) == "3"
    assert cell_text(2.5) == "2.5"
    assert cell_text(" a \r\nb  ") == "a\nb"
    assert cell_text(datetime(2026, 1, 2)) == "01/02/2026"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3.5.3", ("3.5.3", None)),
        ("IA.L2-3.5.3", ("3.5.3", None)),
        ("ia.l2-3.5.3", ("3.5.3", None)),
        ("IA-3.5.3", ("3.5.3", None)),
        ("AC-3.1.1", ("3.1.1", None)),
        ("AC 3.1.1", ("3.1.1", None)),
        ("3.1.1 ", ("3.1.1", None)),
        ("3.1.1.", ("3.1.1", None)),
        ("NIST SP 800-171 3.1.1", ("3.1.1", None)),
        ("3.5.3[d]", ("3.5.3", "d")),
        ("IA.L2-3.5.3(B)", ("3.5.3", "b")),
    ],
)
def test_requirement_spellings(
    catalog: Catalog, text: str, expected: tuple[str, str | None]
) -> None:
    assert parse_requirement(text, catalog) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "3.15.3",
            "'3.15.3' is not a NIST SP 800-171 Rev 2 requirement "
            "(write it as 3.1.1 or AC.L2-3.1.1)",
        ),
        (
            "03.01.01",
            "'03.01.01' is NIST SP 800-171 Rev 3 numbering; CMMC Level 2 assesses the 110 "
            "requirements of Rev 2 (ids such as 3.1.1 or AC.L2-3.1.1). Rev 3 renumbered, merged "
            "and withdrew requirements, so poam does not translate Rev 3 ids: map each one to "
            "its Rev 2 requirement (see `poam catalog`)",
        ),
        (
            "AC-1",
            "'AC-1' is not a NIST SP 800-171 Rev 2 requirement (write it as 3.1.1 or AC.L2-3.1.1)",
        ),
        (
            "IA.L2-3.1.1",
            "'IA.L2-3.1.1' is not a NIST SP 800-171 Rev 2 requirement "
            "(write it as 3.1.1 or AC.L2-3.1.1)",
        ),
        (
            "3.1.1[z]",
            "'3.1.1[z]': 3.1.1 has no objective [z] (its objectives are a, b, c, d, e, f)",
        ),
    ],
)
def test_unknown_requirements_and_objectives(catalog: Catalog, text: str, message: str) -> None:
    with pytest.raises(CellError) as error:
        parse_requirement(text, catalog)
    assert str(error.value) == message


def test_requirement_lists(catalog: Catalog) -> None:
    assert parse_requirement_list("IA.L2-3.5.3[a]; IA.L2-3.5.3[d]", catalog) == (
        "3.5.3",
        ("a", "d"),
    )
    assert parse_requirement_list("3.5.3,\n3.5.3[b]", catalog) == ("3.5.3", ("b",))
    with pytest.raises(CellError) as error:
        parse_requirement_list("3.1.1; 3.1.2", catalog)
    assert str(error.value) == (
        "'3.1.1; 3.1.2' names 2 requirements (3.1.1, 3.1.2); poam keeps one requirement per "
        "entry: split it into one entry per requirement"
    )


def test_requirement_reference_writes_cmmc_ids_and_objectives(catalog: Catalog) -> None:
    assert requirement_reference("3.5.3", (), catalog) == "IA.L2-3.5.3"
    assert requirement_reference("3.5.3", ("a", "d"), catalog) == "IA.L2-3.5.3[a]; IA.L2-3.5.3[d]"
    assert requirement_reference("3.15.3", (), catalog) == "3.15.3"


def test_steps_numbered_bulleted_or_plain() -> None:
    assert parse_steps("1. Buy it\n2. Install it\n   on every laptop") == (
        "Buy it",
        "Install it\non every laptop",
    )
    assert parse_steps("- one\n- two") == ("one", "two")
    assert parse_steps("one\ntwo") == ("one", "two")
    assert parse_steps("") == ()
    assert parse_steps("1. Upgrade to version\n2. 5 is not a step number here") == (
        "Upgrade to version",
        "5 is not a step number here",
    )


@given(
    st.lists(
        st.text(st.characters(categories=("L", "N", "Zs")), min_size=1)
        .map(lambda t: " ".join(t.split()))
        .filter(bool),
        max_size=5,
    )
)
def test_steps_read_back(steps: list[str]) -> None:
    assert parse_steps(steps_text(steps)) == tuple(steps)
