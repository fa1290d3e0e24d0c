"""Files that are not workbooks, and big ones: refused cleanly, with the limit (hostile
packages are in test_hostile.py)."""

from __future__ import annotations

import os
import zipfile
from datetime import date
from pathlib import Path

import pytest

from poam.core.model import Milestone, Poam, PoamItem
from poam.formats.workbooks import emass, nist, reading
from tests.formats.workbooks.helpers import problems


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    item = PoamItem(id="P-1", requirement="3.1.1", milestones=(Milestone("m", date(2027, 1, 1)),))
    path = tmp_path / "poam.xlsx"
    emass.write(Poam(items=(item,)), path, exported=date(2026, 10, 1))
    return path


def test_not_a_zip_an_old_xls_an_empty_file_a_folder(tmp_path: Path) -> None:
    text = tmp_path / "poam.xlsx"
    text.write_text("POA&M Item ID,Controls / APs\n", "utf-8")
    assert problems(emass.read, text) == ["is not an XLSX workbook (not a zip archive)"]
    old = tmp_path / "old.xlsx"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    assert problems(emass.read, old) == [
        "is not an XLSX workbook (not a zip archive) (it looks like an old .xls file: save it "
        "as .xlsx)"
    ]
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    assert problems(emass.read, empty) == ["is not an XLSX workbook (not a zip archive)"]
    assert problems(emass.read, tmp_path) == ["is a directory, not a file"]
    assert problems(emass.read, tmp_path / "missing.xlsx") == ["no such file"]


@pytest.mark.big
def test_a_50_mb_file_is_refused_with_the_limit_before_it_is_read(workbook: Path) -> None:
    """A real workbook made 50 MB by an embedded picture: refused by size, in milliseconds."""
    with zipfile.ZipFile(workbook, "a", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/media/image1.png", os.urandom(50 * 1024 * 1024))
    assert workbook.stat().st_size > 50 * 1024 * 1024
    assert problems(emass.read, workbook) == [
        "is 50.0 MB; poam reads workbooks of up to 10.0 MB (a POA&M or SSP workbook that size "
        "holds hundreds of thousands of rows): remove embedded pictures and unrelated sheets, "
        "or split it"
    ]


def test_too_many_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_ROWS", 20)
    items = tuple(PoamItem(id=f"P-{n}", requirement="3.1.1") for n in range(60))
    for name in ("poam.xlsx", "poam.csv"):
        path = tmp_path / name
        nist.write(Poam(items=items), path, fmt=path.suffix[1:])
        where = "sheet 'Plan of Action', row 51" if name.endswith("xlsx") else "row 51"
        assert problems(nist.read, path) == [
            f"{where}: holds a value, but poam reads at most 20 rows of data from one sheet: "
            "split the workbook, or delete what is below the data"
        ]


def test_csv_in_windows_1252_and_with_a_byte_order_mark(tmp_path: Path) -> None:
    header = "Requirement,Weakness,Milestones with Interim Completion Dates,Status\n"
    row = "3.1.1,Caf\u00e9 r\u00e9seau non revu,(1) 01/15/2027: Revue,Ongoing\n"
    legacy = tmp_path / "legacy.csv"
    legacy.write_bytes((header + row).encode("cp1252"))
    bom = tmp_path / "bom.csv"
    bom.write_bytes((header + row).encode("utf-8-sig"))
    for path in (legacy, bom):
        assert nist.read(path).document.items[0].gap == "Caf\u00e9 r\u00e9seau non revu"


def test_a_binary_file_named_csv(tmp_path: Path) -> None:
    path = tmp_path / "poam.csv"
    path.write_bytes(b"PK\x03\x04\x00\x00binary")
    assert problems(nist.read, path) == ["is not a CSV file (it holds binary data)"]


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    item = PoamItem(id="P-1", requirement="3.1.1", gap="=SUM(A1:A9) is what the auditor typed")
    path = tmp_path / "poam.xlsx"
    nist.write(Poam(items=(item,)), path)
    assert nist.read(path).document.items[0].gap == item.gap
