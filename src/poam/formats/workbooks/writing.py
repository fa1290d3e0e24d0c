"""Writing sheets to XLSX (styled like the templates people know) or CSV, atomically.

A layout describes each sheet as a grid of values from cell A1 plus a few presentation hints;
this module turns that into a file. The file is written beside its target and moved into place
(``poam.formats.files.write_atomically``), so an interrupted export never leaves half a workbook
behind, and it gets the mode a plain ``open()`` would give.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties

from poam.formats.files import write_atomically
from poam.formats.workbooks.cells import cell_text

Cell = Any

DATE_FORMAT = "mm/dd/yyyy"
"""How dates show in Excel: MM/DD/YYYY, as eMASS and US templates write them."""


Operator = Literal["between", "lessThanOrEqual", "greaterThanOrEqual"]


@dataclass(frozen=True, slots=True)
class Validation:
    """A data-validation rule of the templates: a drop-down list, or a check of dates, numbers
    or text length, on ``cells`` (an Excel range list such as ``F8:F1048576``)."""

    cells: str
    kind: Literal["list", "date", "whole", "decimal", "textLength"]
    values: tuple[str, ...] = ()
    """The choices of a list."""
    operator: Operator | None = None
    first: str | None = None
    second: str | None = None
    error: str = ""
    error_title: str = ""
    prompt: str = ""


@dataclass(frozen=True, slots=True)
class PrintSetup:
    """How a sheet prints: landscape, as wide as one page, its header rows on every page, the
    print area around the data, and a banner (such as the CUI marking) at the top and bottom of
    every page."""

    landscape: bool = True
    fit_width: bool = True
    repeat_rows: tuple[int, int] | None = None
    banner: str | None = None
    banner_color: str = "000000"


def column_list(
    cells: str, values: tuple[str, ...], *, error: str = "", error_title: str = ""
) -> Validation:
    return Validation(
        cells,
        "list",
        values,
        error=error or f"Choose one of: {', '.join(values)}",
        error_title=error_title or "Invalid entry",
    )


def date_check(cells: str, *, error: str, error_title: str = "Invalid entry") -> Validation:
    """Dates from 1980 on (Excel serial 29221), as the FedRAMP template checks them."""
    return Validation(
        cells,
        "date",
        operator="greaterThanOrEqual",
        first="29221",
        error=error,
        error_title=error_title,
    )


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
    validations: list[Validation] = field(default_factory=list)
    printing: PrintSetup | None = None


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
        for rule in sheet.validations:
            worksheet.add_data_validation(_validation(rule))
        if sheet.printing is not None:
            _print_setup(worksheet, sheet)
    write_atomically(path, workbook.save)


def _validation(rule: Validation) -> DataValidation:
    formula = None
    if rule.kind == "list":
        formula = '"' + ",".join(rule.values) + '"'  # Excel allows 255 characters here
        if len(formula) > 255 or any("," in value for value in rule.values):
            raise ValueError(f"the list of {rule.cells} cannot be written inline")
    validation = DataValidation(
        type=rule.kind,
        operator=rule.operator,
        formula1=formula or rule.first,
        formula2=rule.second,
        allow_blank=True,
        showErrorMessage=True,
        showInputMessage=bool(rule.prompt),
        error=rule.error or None,
        errorTitle=rule.error_title or None,
        prompt=rule.prompt or None,
    )
    for cells in rule.cells.split():
        validation.add(cells)
    return validation


def _print_setup(worksheet: Any, sheet: SheetOut) -> None:
    setup = sheet.printing
    assert setup is not None
    width = max((len(row) for row in sheet.rows), default=1)
    worksheet.print_area = f"A1:{get_column_letter(width)}{max(len(sheet.rows), 1)}"
    if setup.landscape:
        worksheet.page_setup.orientation = "landscape"
    if setup.fit_width:
        worksheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        worksheet.page_setup.fitToWidth = 1
        worksheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    if setup.repeat_rows is not None:
        first, last = setup.repeat_rows
        worksheet.print_title_rows = f"{first}:{last}"
    worksheet.print_options.horizontalCentered = True
    worksheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.75, bottom=0.75)
    if setup.banner:
        for part in (worksheet.oddHeader.center, worksheet.oddFooter.center):
            part.text = setup.banner
            part.size = 12
            part.font = "Arial,Bold"
            part.color = setup.banner_color


def save_csv(path: Path, sheet: SheetOut) -> None:
    """The sheet's grid as CSV (UTF-8 with a byte-order mark, so Excel reads accents right)."""

    def write(target: Path) -> None:
        with target.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            for values in sheet.rows:
                writer.writerow([cell_text(value) for value in values])

    write_atomically(path, write)


def column_letter(index: int) -> str:
    """The letter of a 1-based column index."""
    return get_column_letter(index)


def save_text(path: Path, text: str) -> None:
    """A text file (the native YAML an import writes), replaced atomically."""
    write_atomically(path, text.encode("utf-8"))
