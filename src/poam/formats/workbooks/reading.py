"""Opening a workbook (XLSX or CSV) safely and finding its tables by header text.

Every layout reader goes through here, so that the limits, the header matching (by normalized
text, never by column letter) and the error messages are the same for all of them:

- a file larger than :data:`MAX_FILE_BYTES`, a workbook whose sheets unpack to more than
  :data:`MAX_UNPACKED_BYTES`, or a sheet with more than :data:`MAX_ROWS` rows is refused with the
  limit named, before it can exhaust memory (sheets are streamed with openpyxl's read-only mode);
- a file that is not a zip archive, or a damaged one, is refused as "not an XLSX workbook";
- cell problems are collected (up to :data:`MAX_PROBLEMS`) and raised together.
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import openpyxl
from openpyxl.utils import get_column_letter

from poam.formats.errors import InputError, Problem
from poam.formats.workbooks.cells import cell_text, is_blank, normalize_header

MAX_FILE_BYTES = 10 * 1024 * 1024
"""Largest file read. A POA&M workbook of 10 MB already holds about 300,000 filled rows, far
beyond any CMMC POA&M (110 requirements); see bench/RESULTS.md for the time per row."""
MAX_UNPACKED_BYTES = 150 * 1024 * 1024
"""Largest total size of the sheets and shared strings once unzipped (a guard against zip bombs)."""
MAX_ROWS = 50_000
"""Most rows read from one sheet (openpyxl reads about 2,000 rows a second)."""
MAX_PROBLEMS = 100
"""Most cell problems listed; the rest are counted."""
HEADER_SEARCH_ROWS = 30
"""How far down a sheet its header row is looked for."""

Cell = Any
"""A cell value as openpyxl gives it: str, int, float, bool, datetime, or None."""


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


class Problems:
    """Cell problems of one file, collected up to a cap so that a user sees them all at once."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[Problem] = []
        self.dropped = 0

    def add(self, sheet: str, row: int | None, header: str, message: str) -> None:
        if len(self.items) >= MAX_PROBLEMS:
            self.dropped += 1
            return
        self.items.append(Problem(self.file, message, field=header, line=row, sheet=sheet))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if not self.items:
            return
        problems = list(self.items)
        if self.dropped:
            problems.append(
                Problem(
                    self.file,
                    f"... and {self.dropped} more problems (the first {MAX_PROBLEMS} are listed)",
                )
            )
        raise InputError(problems)


# --- opening files ---------------------------------------------------------------------------


@dataclass
class Book:
    """An open workbook: sheet names and a row stream per sheet (CSV: one unnamed sheet)."""

    file: str
    is_csv: bool
    sheet_names: tuple[str, ...]
    _workbook: Any = None
    _csv_rows: list[list[str]] | None = None

    def rows(self, sheet: str) -> Iterator[tuple[Cell, ...]]:
        if self._csv_rows is not None:
            for count, row in enumerate(self._csv_rows, start=1):
                if count > MAX_ROWS + HEADER_SEARCH_ROWS:
                    raise _too_many_rows(self.file, sheet)
                yield tuple(row)
            return
        worksheet = self._workbook[sheet]
        declared = worksheet.max_row  # from the sheet's <dimension>, when the writer stored it
        if declared is not None and declared > MAX_ROWS + HEADER_SEARCH_ROWS:
            raise _too_many_rows(self.file, sheet)
        with warnings.catch_warnings():
            # read-only sheets are parsed while iterating; see _open_xlsx on these warnings
            warnings.simplefilter("ignore")
            for count, row in enumerate(worksheet.iter_rows(values_only=True), start=1):
                if count > MAX_ROWS + HEADER_SEARCH_ROWS:
                    raise _too_many_rows(self.file, sheet)
                yield row

    def close(self) -> None:
        if self._workbook is not None:
            self._workbook.close()

    def __enter__(self) -> Book:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _too_many_rows(file: str, sheet: str) -> InputError:
    where = f"sheet {sheet!r} has" if sheet else "it has"
    return InputError.single(
        file,
        f"{where} more than {MAX_ROWS:,} rows, the most poam reads from one sheet; "
        "split the workbook or delete the empty formatted rows below the data",
    )


def open_book(path: Path, *, csv_allowed: bool) -> Book:
    """Open ``path`` as CSV (by its ``.csv`` suffix) or XLSX, enforcing the limits."""
    name = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError.single(name, "no such file") from None
    except OSError as error:
        raise InputError.single(name, f"cannot be read: {error.strerror}") from None
    if path.is_dir():
        raise InputError.single(name, "is a directory, not a file")
    if size > MAX_FILE_BYTES:
        raise InputError.single(
            name,
            f"is {_mb(size)}; poam reads workbooks of up to {_mb(MAX_FILE_BYTES)} "
            "(a POA&M or SSP workbook that size holds hundreds of thousands of rows): "
            "remove embedded pictures and unrelated sheets, or split it",
        )
    if path.suffix.lower() == ".csv":
        if not csv_allowed:
            raise InputError.single(name, "this layout has several sheets: give an .xlsx file")
        return _open_csv(path)
    return _open_xlsx(path)


def _open_csv(path: Path) -> Book:
    name = str(path)
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly everything
        raise InputError.single(name, "is neither UTF-8 nor Windows-1252 text")
    if "\x00" in text:
        raise InputError.single(name, "is not a CSV file (it holds binary data)")
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise InputError.single(name, f"is not a valid CSV file: {error}") from None
    if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
        raise _too_many_rows(name, "")
    return Book(name, True, ("",), _csv_rows=rows)


def _open_xlsx(path: Path) -> Book:
    name = str(path)
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic != b"PK\x03\x04":
        hint = (
            " (it looks like an old .xls file: save it as .xlsx)"
            if magic == b"\xd0\xcf\x11\xe0"
            else ""
        )
        raise InputError.single(name, f"is not an XLSX workbook (not a zip archive){hint}")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError):
        raise InputError.single(
            name, "is not an XLSX workbook: the zip archive is damaged or truncated"
        ) from None
    unpacked = sum(
        info.file_size
        for info in infos
        if info.filename.startswith(("xl/worksheets/", "xl/sharedStrings"))
    )
    if unpacked > MAX_UNPACKED_BYTES:
        raise InputError.single(
            name,
            f"its sheets unpack to {_mb(unpacked)}; poam reads up to "
            f"{_mb(MAX_UNPACKED_BYTES)} of sheet data",
        )
    if not any(info.filename == "xl/workbook.xml" for info in infos):
        raise InputError.single(name, "is not an XLSX workbook (no xl/workbook.xml inside)")
    try:
        with warnings.catch_warnings():
            # Templates carry extensions openpyxl does not support (e.g. x14 data validation);
            # they do not affect the cell values read here.
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for damaged parts
        raise InputError.single(
            name, f"is not a readable XLSX workbook ({type(error).__name__}: {error})"
        ) from None
    return Book(name, False, tuple(workbook.sheetnames), _workbook=workbook)


# --- tables ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    """A column a layout knows: its key, its header as written, other accepted headers."""

    key: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    kept: bool = True
    """False for template columns poam has no field for: values there are reported as not kept."""
    derived: bool = False
    """True for columns poam writes from its catalog (titles, points): read past silently."""

    def names(self) -> tuple[str, ...]:
        return tuple(normalize_header(h) for h in (self.header, *self.aliases))


@dataclass
class Row:
    """One data row: its number in the sheet and its cells by column key."""

    number: int
    cells: dict[str, Cell]

    def __getitem__(self, key: str) -> Cell:
        return self.cells.get(key)

    def text(self, key: str) -> str:
        return cell_text(self.cells.get(key))

    def blank(self, *keys: str) -> bool:
        return all(is_blank(self.cells.get(key)) for key in keys)


@dataclass
class Table:
    """A sheet's table: where its header row is, which column holds what, and its data rows."""

    sheet: str
    header_row: int
    headers: dict[str, str]
    """Column key -> the header as written in the file (used in error messages)."""
    above: list[tuple[Cell, ...]]
    """The rows above the header row (a header block such as eMASS's)."""
    rows: list[Row]
    notes: list[str] = field(default_factory=list)

    def header(self, key: str) -> str:
        return self.headers.get(key, key)

    def has(self, key: str) -> bool:
        return key in self.headers


def _display(header: object) -> str:
    return " ".join(str(header).split())


def _where(sheet: str) -> str:
    return f"sheet {sheet!r}" if sheet else "the file"


def _find_header(
    stream: Iterator[tuple[Cell, ...]],
    sheet: str,
    columns: Sequence[Column],
    expected_row: int,
    problems: Problems,
) -> tuple[int, tuple[Cell, ...], list[tuple[Cell, ...]]] | None:
    """The header row (the first with every required column) and the rows above it."""
    known = {name for column in columns for name in column.names()}
    required = [column for column in columns if column.required]
    above: list[tuple[Cell, ...]] = []
    best: tuple[int, int, set[str]] | None = None  # (matches, row number, headers found)
    for number, cells in enumerate(stream, start=1):
        found = {normalize_header(c) for c in cells} & known
        if found and all(set(column.names()) & found for column in required):
            return number, cells, above
        if len(found) >= 2 and (best is None or len(found) > best[0]):
            best = (len(found), number, found)
        above.append(cells)
        if number >= HEADER_SEARCH_ROWS:
            break
    if best is not None:
        missing = ", ".join(repr(c.header) for c in required if not set(c.names()) & best[2])
        problems.add(
            sheet,
            best[1],
            "",
            f"missing required columns {missing} (headers were expected on row {expected_row})",
        )
    else:
        names = ", ".join(repr(c.header) for c in required)
        problems.add(
            sheet,
            None,
            "",
            f"no header row found in the first {HEADER_SEARCH_ROWS} "
            f"rows of {_where(sheet)}; expected the headers {names} on row "
            f"{expected_row}",
        )
    return None


def read_table(
    book: Book,
    sheet: str,
    columns: Sequence[Column],
    *,
    expected_row: int,
    problems: Problems,
    skip: Callable[[dict[str, Cell]], str | None] | None = None,
) -> Table | None:
    """The table of ``sheet``: finds the header row by text, maps columns, collects data rows.

    ``skip`` recognises a template's own rows (hints, examples): it returns None to keep a row,
    "" to pass over it silently, or a note to pass over it and tell the user.
    Returns None (with a problem recorded) when the header row or a required column is missing.
    """
    by_name = {name: column for column in columns for name in column.names()}
    stream = book.rows(sheet)
    header = _find_header(stream, sheet, columns, expected_row, problems)
    if header is None:
        return None
    header_row, header_cells, above = header
    index: dict[str, int] = {}
    headers: dict[str, str] = {}
    ignored: list[str] = []
    for position, value in enumerate(header_cells):
        column = None if is_blank(value) else by_name.get(normalize_header(value))
        letter = get_column_letter(position + 1)
        if column is None:
            if not is_blank(value):
                ignored.append(f"{_display(value)!r} (column {letter})")
        elif column.key in index:
            first = get_column_letter(index[column.key] + 1)
            problems.add(
                sheet, header_row, _display(value), f"appears twice (columns {first} and {letter})"
            )
        else:
            index[column.key] = position
            headers[column.key] = _display(value)
    table = Table(sheet, header_row, headers, above, [])
    if ignored:
        table.notes.append(
            f"{_where(sheet)}: ignored columns poam does not know: {', '.join(ignored)}"
        )
    _collect_rows(table, stream, index, {c.key for c in columns if not c.kept}, skip)
    return table


def _collect_rows(
    table: Table,
    stream: Iterator[tuple[Cell, ...]],
    index: dict[str, int],
    unkept: set[str],
    skip: Callable[[dict[str, Cell]], str | None] | None,
) -> None:
    unkept_rows: dict[str, int] = {}
    for number, cells in enumerate(stream, start=table.header_row + 1):
        values = {
            key: cells[position] if position < len(cells) else None
            for key, position in index.items()
        }
        if all(is_blank(v) for v in values.values()):
            continue
        reason = skip(values) if skip is not None else None
        if reason is not None:
            if reason:
                table.notes.append(f"{_where(table.sheet)}, row {number}: {reason}")
            continue
        for key in unkept:
            if not is_blank(values.get(key)):
                unkept_rows[key] = unkept_rows.get(key, 0) + 1
        table.rows.append(Row(number, values))
    if unkept_rows:
        listed = ", ".join(f"{table.headers[k]!r} ({n} rows)" for k, n in unkept_rows.items())
        table.notes.append(
            f"{_where(table.sheet)}: values not kept (poam has no field for them): {listed}"
        )


def header_block(
    above: Sequence[Sequence[Cell]],
    labels: dict[str, str],
    rows: dict[str, int] | None = None,
) -> dict[str, Cell]:
    """Values of a header block such as eMASS's ``System / Project Name: | value``.

    ``labels`` maps a key to its label; a label is found by text anywhere in the block, and its
    value is the next non-empty cell to its right on the same row. ``rows``, when given,
    receives the row number of each label found (for error messages).
    """
    wanted = {normalize_header(label).rstrip(":").strip(): key for key, label in labels.items()}
    found: dict[str, Cell] = {}
    for number, cells in enumerate(above, start=1):
        for position, value in enumerate(cells):
            key = wanted.get(normalize_header(value).rstrip(":").strip())
            if key is None or key in found:
                continue
            if rows is not None:
                rows[key] = number
            for right in cells[position + 1 :]:
                if not is_blank(right):
                    if not _is_label(right, wanted):
                        found[key] = right
                    break
    return found


def _is_label(cell: Cell, wanted: dict[str, str]) -> bool:
    """Whether a cell right of a label is the next label (its value left blank) rather than a
    value: labels end with a colon, so a value that merely reads like one ("Organization") stays
    a value."""
    text = normalize_header(cell)
    return text.endswith(":") and text.rstrip(":").strip() in wanted


# --- results ---------------------------------------------------------------------------------


Document = TypeVar("Document")


@dataclass(frozen=True, slots=True)
class Imported(Generic[Document]):
    """What a layout reader gives back: the document, and notes for the user (ignored columns,
    values poam has no field for, facts it derived)."""

    document: Document
    notes: tuple[str, ...] = ()
