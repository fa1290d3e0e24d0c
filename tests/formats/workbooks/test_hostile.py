"""Workbooks made to hurt: zip bombs, huge shared-string tables, absurd dimensions, deep or
entity-laden XML, damaged packages. Each is refused with an InputError naming the file (and the
sheet, row and column where there is one), quickly, before it can take the memory it asks for.
Peak memory and time of the same files are measured in bench/hostile_workbooks.py."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from poam.formats.errors import InputError
from poam.formats.workbooks import emass, nist, xlsx
from tests.formats.workbooks.helpers import problems
from tests.formats.workbooks.packages import (
    MAIN,
    NIST_HEADERS,
    NIST_ROW,
    build,
    declare_size,
    deflate_bomb,
    nist_book,
    shared_strings,
    sheet,
)

SHEET = "Plan of Action"


def test_the_hand_built_package_reads(tmp_path: Path) -> None:
    """The baseline the hostile variants below depart from."""
    poam = nist.read(nist_book(tmp_path / "ok.xlsx")).document
    assert [(i.requirement, i.gap) for i in poam.items] == [("3.1.1", "Accounts are not reviewed")]


# --- zip bombs and lying archives ------------------------------------------------------------


@pytest.mark.big
def test_a_zip_bomb_is_refused_by_what_its_parts_declare(tmp_path: Path) -> None:
    """160 MB of sheet XML in a file of about 160 KB: refused before a byte is inflated."""
    path = build(
        tmp_path / "bomb.xlsx",
        {SHEET: b""},
        leave_out={"xl/worksheets/sheet1.xml"},
    )
    deflate_bomb(
        path,
        "xl/worksheets/sheet1.xml",
        160 * 1024 * 1024,
        f'<worksheet xmlns="{MAIN}"><sheetData>'.encode(),
    )
    assert path.stat().st_size < 400 * 1024
    assert problems(nist.read, path) == [
        "unpacks to 160.0 MB; poam reads workbooks that unpack to at most 150.0 MB "
        "(a guard against zip bombs)"
    ]


def test_the_unpacked_limit_counts_every_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx, "MAX_UNPACKED_BYTES", 1024 * 1024)
    path = nist_book(tmp_path / "bomb.xlsx")
    deflate_bomb(path, "xl/media/image1.png", 2 * 1024 * 1024, b"")
    assert problems(nist.read, path) == [
        "unpacks to 2.0 MB; poam reads workbooks that unpack to at most 1.0 MB "
        "(a guard against zip bombs)"
    ]


def test_a_part_that_inflates_past_what_it_declares_is_damaged(tmp_path: Path) -> None:
    """The zip module stops at the declared size; the checksum then fails."""
    path = nist_book(tmp_path / "lying.xlsx")
    declare_size(path, "xl/worksheets/sheet1.xml", 40)
    found = problems(nist.read, path)
    assert len(found) == 1
    assert found[0].startswith("the part xl/worksheets/sheet1.xml is damaged") or found[
        0
    ].startswith(f"sheet {SHEET!r}")


def test_too_many_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx, "MAX_MEMBERS", 20)
    parts = {f"xl/media/p{n}.bin": b"" for n in range(30)}
    path = nist_book(tmp_path / "many.xlsx", parts=parts)
    assert problems(nist.read, path) == [
        "is not an XLSX workbook poam reads: its archive holds 36 parts (at most 20)"
    ]


# --- shared strings ------------------------------------------------------------------------


def test_a_huge_shared_string_table_is_refused_as_soon_as_it_is_too_long(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx, "MAX_SHARED_STRINGS", 1_000)
    strings = shared_strings([f"s{n}" for n in range(5_000)])
    path = build(tmp_path / "sst.xlsx", {SHEET: sheet()}, strings=strings)
    assert problems(nist.read, path) == [
        "the part xl/sharedStrings.xml: its shared-string table holds more than 1,000 strings, "
        "more than poam reads"
    ]


def test_the_real_shared_string_limit_holds_without_patching(tmp_path: Path) -> None:
    table = (
        f'<sst xmlns="{MAIN}">'.encode()
        + b"<si><t>x</t></si>" * (xlsx.MAX_SHARED_STRINGS + 1)
        + b"</sst>"
    )
    path = build(tmp_path / "sst.xlsx", {SHEET: sheet()}, strings=table)
    assert problems(nist.read, path) == [
        "the part xl/sharedStrings.xml: its shared-string table holds more than 250,000 "
        "strings, more than poam reads"
    ]


def test_a_dangling_shared_string_index_names_the_cell(tmp_path: Path) -> None:
    strings: list[str] = []
    data = sheet((NIST_HEADERS, NIST_ROW), strings=strings)
    data = data.replace(b'<c r="B2" t="s"><v>5</v>', b'<c r="B2" t="s"><v>999</v>')
    path = build(tmp_path / "dangling.xlsx", {SHEET: data}, strings=shared_strings(strings))
    assert problems(nist.read, path) == [
        "sheet 'Plan of Action', row 2, column 'B': cell B2 refers to shared string '999', but "
        "the workbook has 8: the file is damaged"
    ]


def test_a_shared_string_index_without_a_table(tmp_path: Path) -> None:
    data = sheet((NIST_HEADERS, NIST_ROW), strings=[])
    path = build(tmp_path / "no-table.xlsx", {SHEET: data})
    assert problems(nist.read, path) == [
        "sheet 'Plan of Action', row 1, column 'A': cell A1 refers to shared string '0', but "
        "the workbook has 0: the file is damaged"
    ]


def test_a_cell_longer_than_excel_allows(tmp_path: Path) -> None:
    rows = (NIST_HEADERS, (NIST_ROW[0], "x" * 40_000, *NIST_ROW[2:]))
    path = build(tmp_path / "long.xlsx", {SHEET: sheet(rows)})
    assert problems(nist.read, path) == [
        "sheet 'Plan of Action', row 2, column 'B': cell B2 holds more than the 32,767 "
        "characters a cell can"
    ]


# --- dimensions ----------------------------------------------------------------------------


def test_an_absurd_declared_dimension_alone_is_harmless(tmp_path: Path) -> None:
    """openpyxl pads every row to the declared width; poam reads only the cells present."""
    data = sheet(dimension="A1:XFD1048576")
    path = build(tmp_path / "wide.xlsx", {SHEET: data})
    assert len(nist.read(path).document.items) == 1


def test_a_value_far_right_is_refused_with_its_cell(tmp_path: Path) -> None:
    data = sheet(body='<row r="3"><c r="XFD3"><v>1</v></c></row>')
    path = build(tmp_path / "far.xlsx", {SHEET: data})
    assert problems(nist.read, path) == [
        "sheet 'Plan of Action', row 3, column 'XFD': cell XFD3 holds a value, but poam reads "
        "only the first 1,000 columns (up to ALL): delete it"
    ]


def test_empty_formatted_cells_far_right_and_far_below_are_read_past(tmp_path: Path) -> None:
    body = '<row r="3"><c r="XFD3" s="0"/></row><row r="1048576" ht="20" customHeight="1"/>'
    path = build(tmp_path / "formatted.xlsx", {SHEET: sheet(body=body)})
    assert len(nist.read(path).document.items) == 1


def test_a_value_below_the_row_limit_is_refused_with_its_row(tmp_path: Path) -> None:
    body = '<row r="900000"><c r="A900000"><v>1</v></c></row>'
    path = build(tmp_path / "deep.xlsx", {SHEET: sheet(body=body)})
    assert problems(nist.read, path) == [
        "sheet 'Plan of Action', row 900000: holds a value, but poam reads at most 50,000 rows "
        "of data from one sheet: split the workbook, or delete what is below the data"
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            '<row r="2000000"/>',
            "row 2: '2000000' is not a row number",
        ),
        ('<row r="1"/>', "row 1: row 1 comes after row 2"),
        ('<row r="3"><c r="A4"><v>1</v></c></row>', "row 3: 'A4' is not a cell of row 3"),
        ('<row r="3"><c r="ZZZZ3"><v>1</v></c></row>', "row 3: 'ZZZZ3' is not a cell of row 3"),
        (
            '<row r="3"><c r="A3"><v>one</v></c></row>',
            "row 3, column 'A': cell A3: 'one' is not a number",
        ),
        (
            '<row r="3"><c r="A3" t="d"><v>soon</v></c></row>',
            "row 3, column 'A': cell A3: 'soon' is not a date",
        ),
    ],
)
def test_impossible_rows_and_cells(tmp_path: Path, body: str, message: str) -> None:
    path = build(tmp_path / "bad.xlsx", {SHEET: sheet(body=body)})
    assert problems(nist.read, path) == [f"sheet 'Plan of Action', {message}"]


# --- XML made to hurt ----------------------------------------------------------------------


def test_deeply_nested_xml_in_a_sheet_is_refused_at_the_depth_limit(tmp_path: Path) -> None:
    body = "<x>" * 100_000 + "</x>" * 100_000
    path = build(tmp_path / "nested.xlsx", {SHEET: sheet(body=body)})
    assert problems(nist.read, path) == [
        "sheet 'Plan of Action', row 2: its XML is nested more than 48 elements deep"
    ]


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/styles.xml", "xl/_rels/workbook.xml.rels"])
def test_deeply_nested_xml_in_any_part_is_refused(tmp_path: Path, part: str) -> None:
    nested = ("<x>" * 5_000 + "</x>" * 5_000).encode()
    root = {"xl/workbook.xml": "workbook", "xl/styles.xml": "styleSheet"}.get(part, "Relationships")
    data = f'<{root} xmlns="{MAIN}">'.encode() + nested + f"</{root}>".encode()
    path = build(
        tmp_path / "nested.xlsx", {SHEET: sheet()}, styles=b"<styleSheet/>", parts={part: data}
    )
    assert problems(nist.read, path) == [
        f"the part {part}: its XML is nested more than 48 elements deep"
    ]


def test_entity_expansion_is_refused_before_any_entity_is_declared(tmp_path: Path) -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;'
        b'&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b'<sst xmlns="' + MAIN.encode() + b'"><si><t>&c;</t></si></sst>'
    )
    path = build(tmp_path / "laughs.xlsx", {SHEET: sheet()}, strings=laughs)
    assert problems(nist.read, path) == [
        "the part xl/sharedStrings.xml: it declares a document type, which no workbook part has"
    ]


def test_an_external_entity_is_never_fetched(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read me", "utf-8")
    xxe = (
        f'<!DOCTYPE worksheet [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&x;'
        "</t></is></c></row></sheetData></worksheet>"
    ).encode()
    path = build(tmp_path / "xxe.xlsx", {SHEET: xxe})
    assert problems(nist.read, path) == [
        "sheet 'Plan of Action': it declares a document type, which no workbook part has"
    ]


def test_too_many_sheets(tmp_path: Path) -> None:
    sheets = {f"S{n}": sheet() for n in range(xlsx.MAX_SHEETS + 1)}
    path = build(tmp_path / "sheets.xlsx", sheets)
    assert problems(nist.read, path) == ["the part xl/workbook.xml: it has more than 256 sheets"]


# --- damaged packages ----------------------------------------------------------------------


def test_a_truncated_workbook(tmp_path: Path) -> None:
    path = nist_book(tmp_path / "cut.xlsx")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert problems(nist.read, path) == [
        "is not an XLSX workbook: the zip archive is damaged or truncated"
    ]


def test_a_part_with_a_bad_checksum(tmp_path: Path) -> None:
    path = nist_book(tmp_path / "crc.xlsx", compression=zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    at = data.index(b"Accounts are not reviewed")
    data[at] = ord("a")
    path.write_bytes(bytes(data))
    assert problems(nist.read, path) == [
        "the part xl/sharedStrings.xml is damaged (Bad CRC-32 for file 'xl/sharedStrings.xml')"
    ]


def test_not_well_formed_xml_in_a_sheet_names_the_sheet_and_row(tmp_path: Path) -> None:
    data = sheet().replace(b"</sheetData>", b"<row r='9'><c r='A9'></sheetData>")
    path = build(tmp_path / "broken.xlsx", {SHEET: data})
    [found] = problems(nist.read, path)
    assert re.fullmatch(
        r"sheet 'Plan of Action', row 9: its part xl/worksheets/sheet1.xml is damaged: not "
        r"well-formed XML \(mismatched tag, line 1, column \d+\)",
        found,
    )


def test_a_sheet_whose_part_is_missing(tmp_path: Path) -> None:
    path = build(
        tmp_path / "missing.xlsx", {SHEET: sheet()}, leave_out={"xl/worksheets/sheet1.xml"}
    )
    assert problems(nist.read, path) == [
        "is damaged: sheet 'Plan of Action' has no part (xl/worksheets/sheet1.xml is missing)"
    ]


def test_a_workbook_without_its_workbook_part(tmp_path: Path) -> None:
    path = tmp_path / "poam.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert problems(nist.read, path) == ["is not an XLSX workbook (no xl/workbook.xml inside)"]


def test_an_encrypted_part(tmp_path: Path) -> None:
    path = nist_book(tmp_path / "locked.xlsx")
    data = bytearray(path.read_bytes())
    for signature, flags in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            data[start + flags] |= 1
            start += 4
    path.write_bytes(bytes(data))
    found = problems(nist.read, path)
    assert len(found) == 1 and "cannot be read (" in found[0] and "encrypted" in found[0]


# --- anything at all -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("sample") / "sample.xlsx"
    return nist_book(path, compression=zipfile.ZIP_STORED).read_bytes()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    damage=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1, max_size=8),
    cut=st.none() | st.integers(0, 10**6),
)
def test_any_damage_to_a_package_gives_a_document_or_an_input_error(
    sample: bytes, damage: list[tuple[int, int]], cut: int | None, tmp_path: Path
) -> None:
    """Bytes flipped anywhere (headers, names, XML, checksums) or the file cut short."""
    data = bytearray(sample)
    for position, value in damage:
        data[position % len(data)] = value
    if cut is not None:
        data = data[: cut % len(data)]
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(bytes(data))
    try:
        nist.read(path)
    except InputError as error:
        assert error.problems
        assert all(str(p).startswith(str(path)) for p in error.problems)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    xml=st.binary(max_size=300)
    | st.text(st.sampled_from("<>/=\"' &;!?[]abcrtvsi0129:"), max_size=200).map(str.encode)
)
def test_any_bytes_as_a_part_give_a_document_or_an_input_error(xml: bytes, tmp_path: Path) -> None:
    for part in ("xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml"):
        path = nist_book(tmp_path / "part.xlsx", parts={part: xml})
        try:
            nist.read(path)
        except InputError as error:
            assert error.problems


def test_the_csv_column_limit(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(",".join(NIST_HEADERS) + "\n" + "," * 5_000 + "x\n", "utf-8")
    assert problems(nist.read, path) == [
        "row 2, column 'GJI': line 2 has a value in column 5,001, but poam reads only the first "
        "1,000 columns"
    ]


def test_a_csv_field_larger_than_the_csv_module_allows(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text(",".join(NIST_HEADERS) + '\n"' + "x" * 200_000 + '",a,b,c\n', "utf-8")
    assert problems(nist.read, path) == [
        "row 2: is not a valid CSV file: field larger than field limit (131072)"
    ]


def test_emass_reads_through_the_same_guards(tmp_path: Path) -> None:
    data = sheet(body="<x>" * 60 + "</x>" * 60)
    path = build(tmp_path / "emass.xlsx", {"POA&M": data})
    assert problems(emass.read, path) == [
        "sheet 'POA&M', row 2: its XML is nested more than 48 elements deep"
    ]


def test_an_archive_needing_an_unknown_zip_version(tmp_path: Path, sample: bytes) -> None:
    """Found by the property above: the zip module raised NotImplementedError here."""
    path = tmp_path / "version.xlsx"
    data = bytearray(sample)
    at = data.rindex(b"PK\x01\x02")  # the central directory entry of the last part
    data[at + 6] = 64  # "version needed to extract": 6.4
    path.write_bytes(bytes(data))
    assert problems(nist.read, path) == [
        "is not an XLSX workbook: the zip archive is damaged or truncated"
    ]


def test_shared_strings_too_long_together(tmp_path: Path) -> None:
    """Each string may be a full cell; together they are kept in memory, so they are bounded."""
    table = (
        f'<sst xmlns="{MAIN}">'.encode()
        + (b"<si><t>" + b"x" * 30_000 + b"</t></si>") * 700
        + b"</sst>"
    )
    path = build(tmp_path / "sst.xlsx", {SHEET: sheet()}, strings=table)
    assert problems(nist.read, path) == [
        "the part xl/sharedStrings.xml: its shared strings hold more than 20,000,000 "
        "characters, more than poam reads"
    ]


def test_too_many_cell_formats(tmp_path: Path) -> None:
    styles = f'<styleSheet xmlns="{MAIN}"><cellXfs>'.encode() + b"<xf/>" * 70_000
    styles += b"</cellXfs></styleSheet>"
    path = build(tmp_path / "styles.xlsx", {SHEET: sheet()}, styles=styles)
    assert problems(nist.read, path) == [
        "the part xl/styles.xml: it has more than 65,000 cell formats"
    ]


def test_dates_are_read_by_their_cell_format(tmp_path: Path) -> None:
    """A number shown as a date (built-in format 14, or a custom one) is a date; text in runs
    is joined."""
    styles = (
        f'<styleSheet xmlns="{MAIN}"><numFmts><numFmt numFmtId="164" formatCode="dd-mmm-yyyy"/>'
        '</numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/>'
        "</cellXfs></styleSheet>"
    ).encode()
    headers = (*NIST_HEADERS, "Created", "Last Updated")
    body = (
        '<row r="2"><c r="A2" t="inlineStr"><is><t>3.1.1</t></is></c>'
        '<c r="B2" t="inlineStr"><is><t>gap</t></is></c>'
        '<c r="C2" t="inlineStr"><is><r><t>(1) 01/15/2027: </t></r><r><t>do it</t></r>'
        "<rPh><t>phonetic</t></rPh></is></c>"
        '<c r="D2" t="inlineStr"><is><t>Ongoing</t></is></c>'
        '<c r="E2" s="1"><v>46023</v></c><c r="F2" s="2"><v>46024</v></c></row>'
    )
    path = build(tmp_path / "dates.xlsx", {SHEET: sheet((headers,), body=body)}, styles=styles)
    item = nist.read(path).document.items[0]
    assert (item.created, item.updated) == (date(2026, 1, 1), date(2026, 1, 2))
    assert item.milestones[0].title == "do it"  # rich-text runs joined, phonetic hints left out


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('<row r="²"/>', "sheet 'Plan of Action', row 2: '²' is not a row number"),
        (
            '<row r="3"><c r="A3" t="s"><v>²</v></c></row>',
            "sheet 'Plan of Action', row 3, column 'A': cell A3 refers to shared string '²', but "
            "the workbook has 8: the file is damaged",
        ),
        (
            '<row r="3"><c r="A3"><v>²</v></c></row>',
            "sheet 'Plan of Action', row 3, column 'A': cell A3: '²' is not a number",
        ),
    ],
)
def test_digits_that_are_not_ascii(tmp_path: Path, body: str, message: str) -> None:
    """'²'.isdigit() is True and int('²') raises: such text must not reach int()."""
    strings: list[str] = []
    data = sheet(strings=strings, body=body)
    path = build(tmp_path / "digits.xlsx", {SHEET: data}, strings=shared_strings(strings))
    assert problems(nist.read, path) == [message]


def test_a_review_cadence_in_superscript_digits(tmp_path: Path) -> None:
    path = tmp_path / "poam.csv"
    path.write_text(
        ",\nReview cadence (days):,²\n" + ",".join(NIST_HEADERS) + "\n" + ",".join(NIST_ROW) + "\n",
        "utf-8",
    )
    assert problems(nist.read, path) == [
        "row 2, column 'Review cadence (days)': '²' is not a number of days"
    ]
