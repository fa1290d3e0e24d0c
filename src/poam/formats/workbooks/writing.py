"""Writing sheets to XLSX (styled like the templates people know) or CSV, atomically.

A layout describes each sheet as a grid of values from cell A1 plus a few presentation hints;
this module turns that into a file. The file is written beside its target and moved into place,
so an interrupted export never leaves half a workbook behind.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from poam.formats.workbooks.cells import cell_text

Cell = Any

DATE_FORMAT = "mm/dd/yyyy"
"""How dates show in Excel: MM/DD/YYYY, as eMASS and US templates write them."""


@dataclass
class SheetOut:
    """One sheet to write: its cells from A1, and how it should look."""

    title: str
    rows: list[list[Cell]]
    header_row: int
    """1-based row of the column headers (bold, wrapped, filled, bordered); 0 for none."""
    widths: dict[str, float] = field(default_factory=dict)
    merges: list[str] = field(default_factory=list)
    bold: list[str] = field(default_factory=list)
    """Cells (e.g. the labels of a header block) shown in bold."""
    banner: str | None = None
    """A cell holding a banner such as ``***** CONTROLLED UNCLASSIFIED INFORMATION *****``."""
    freeze: str | None = None
    header_fill: str = "D9D9D9"
    row_heights: dict[int, float] = field(default_factory=dict)


def _save_atomically(path: Path, write: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        write(Path(temporary))
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def save_xlsx(path: Path, sheets: Sequence[SheetOut]) -> None:
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for sheet in sheets:
        worksheet = workbook.create_sheet(sheet.title)
        for r, values in enumerate(sheet.rows, start=1):
            for c, raw in enumerate(values, start=1):
                if raw is None or raw == "":
                    continue
                value = ILLEGAL_CHARACTERS_RE.sub("", raw) if isinstance(raw, str) else raw
                cell = worksheet.cell(row=r, column=c, value=value)
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # text that looks like a formula stays text
                if isinstance(value, (date, datetime)):
                    cell.number_format = DATE_FORMAT
                if isinstance(value, str) and "\n" in value:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        header_font = Font(bold=True)
        fill = PatternFill("solid", fgColor=sheet.header_fill)
        for cell in worksheet[sheet.header_row] if sheet.header_row > 0 else ():
            if cell.value is None:
                continue
            cell.font = header_font
            cell.fill = fill
            cell.border = border
            cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        for coordinate in sheet.bold:
            worksheet[coordinate].font = header_font
        if sheet.banner:
            worksheet[sheet.banner].font = Font(bold=True, size=14)
        for merge in sheet.merges:
            worksheet.merge_cells(merge)
        for letter, width in sheet.widths.items():
            worksheet.column_dimensions[letter].width = width
        for row, height in sheet.row_heights.items():
            worksheet.row_dimensions[row].height = height
        if sheet.freeze:
            worksheet.freeze_panes = sheet.freeze
    _save_atomically(path, workbook.save)


def save_csv(path: Path, sheet: SheetOut) -> None:
    """The sheet's grid as CSV (UTF-8 with a byte-order mark, so Excel reads accents right)."""

    def write(target: Path) -> None:
        with target.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            for values in sheet.rows:
                writer.writerow([cell_text(value) for value in values])

    _save_atomically(path, write)


def column_letter(index: int) -> str:
    """The letter of a 1-based column index."""
    return get_column_letter(index)


def save_text(path: Path, text: str) -> None:
    """A text file (the native YAML an import writes), replaced atomically."""
    _save_atomically(path, lambda target: target.write_text(text, "utf-8"))
