"""Opening a workbook (XLSX or CSV) safely and finding its tables by header text.

Every layout reader goes through here, so that the limits, the header matching (by normalized
text, never by column letter) and the error messages are the same for all of them:

- a file larger than :data:`MAX_FILE_BYTES` is refused before it is opened; an XLSX package is
  read by :mod:`poam.formats.workbooks.xlsx`, which bounds everything inside it (zip bombs,
  shared strings, nesting, columns, damaged parts); a sheet or CSV file with a value below row
  :data:`MAX_ROWS` (plus the rows above its header) is refused where that row is met;
- a file that is not a zip archive is refused as "not an XLSX workbook";
- cell problems are collected (up to :data:`MAX_PROBLEMS`) and raised together.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from poam.formats.errors import InputError, Problem
from poam.formats.workbooks.cells import cell_text, is_blank, normalize_header
from poam.formats.workbooks.xlsx import MAX_COLUMNS, Package, column_name, open_package

MAX_FILE_BYTES = 10 * 1024 * 1024
"""Largest file read. A POA&M workbook of 10 MB already holds about 300,000 filled rows, far
beyond any CMMC POA&M (110 requirements); see bench/RESULTS.md for the time per row."""
MAX_ROWS = 50_000
"""Most data rows read from one sheet (far beyond a CMMC POA&M's few hundred)."""
MAX_PROBLEMS = 100
"""Most cell problems listed; the rest are counted."""
HEADER_SEARCH_ROWS = 30
"""How far down a sheet its header row is looked for."""

Cell = Any
"""A cell value: str, int, float, bool, datetime, or None."""
Numbered = tuple[int, tuple[Cell, ...]]
"""A row of values from column A, with its number in the sheet (or line in a CSV file)."""


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
    """An open workbook: sheet names and a stream of numbered rows per sheet (CSV: one sheet
    named "")."""

    file: str
    is_csv: bool
    sheet_names: tuple[str, ...]
    _package: Package | None = None
    _csv_text: str | None = None

    def rows(self, sheet: str) -> Iterator[Numbered]:
        """The rows holding a value, in order, each with its number; refused past the limit."""
        stream = self._csv_rows() if self._package is None else self._package.rows(sheet)
        with closing(stream):  # a refusal below must not leave the sheet's part open
            for number, cells in stream:
                if number > MAX_ROWS + HEADER_SEARCH_ROWS:
                    raise _too_many_rows(self.file, sheet, number)
                yield number, cells

    def _csv_rows(self) -> Generator[Numbered]:
        assert self._csv_text is not None
        reader = csv.reader(io.StringIO(self._csv_text, newline=""))
        try:
            for cells in reader:
                if any(cells):
                    yield reader.line_num, _csv_cells(self.file, reader.line_num, cells)
        except csv.Error as error:
            raise InputError(
                [
                    Problem(
                        self.file,
                        f"is not a valid CSV file: {error}",
                        line=reader.line_num,
                        sheet="",
                    )
                ]
            ) from None

    def close(self) -> None:
        if self._package is not None:
            self._package.close()

    def __enter__(self) -> Book:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _csv_cells(file: str, line: int, cells: list[str]) -> tuple[Cell, ...]:
    """A CSV row's values, with the column limit of XLSX sheets (trailing empties dropped)."""
    while cells and not cells[-1]:
        cells.pop()
    if len(cells) > MAX_COLUMNS:
        raise InputError(
            [
                Problem(
                    file,
                    f"line {line} has a value in column {len(cells):,}, but poam reads only the "
                    f"first {MAX_COLUMNS:,} columns",
                    line=line,
                    field=column_name(len(cells)),
                    sheet="",
                )
            ]
        )
    return tuple(cells)


def first_rows(book: Book, sheet: str, count: int) -> list[tuple[Cell, ...]]:
    """Rows 1 to ``count`` of a sheet (empty ones too), so that row n is at index n - 1."""
    rows: list[tuple[Cell, ...]] = []
    for number, cells in book.rows(sheet):
        if number > count:
            break
        rows += [()] * (number - 1 - len(rows))
        rows.append(cells)
    return rows


def _too_many_rows(file: str, sheet: str, row: int) -> InputError:
    return InputError(
        [
            Problem(
                file,
                f"holds a value, but poam reads at most {MAX_ROWS:,} rows of data from one "
                "sheet: split the workbook, or delete what is below the data",
                line=row,
                sheet=sheet,
            )
        ]
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
    return Book(name, True, ("",), _csv_text=text)


def _open_xlsx(path: Path) -> Book:
    name = str(path)
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
    except OSError as error:
        raise InputError.single(name, f"cannot be read: {error.strerror}") from None
    if magic != b"PK\x03\x04":
        hint = (
            " (it looks like an old .xls file: save it as .xlsx)"
            if magic == b"\xd0\xcf\x11\xe0"
            else ""
        )
        raise InputError.single(name, f"is not an XLSX workbook (not a zip archive){hint}")
    package = open_package(path)
    return Book(name, False, package.sheet_names, _package=package)


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


def _display(header: object) -> str:
    return " ".join(str(header).split())


def _where(sheet: str) -> str:
    return f"sheet {sheet!r}" if sheet else "the file"


def _find_header(
    stream: Iterator[Numbered],
    sheet: str,
    columns: Sequence[Column],
    expected_row: int,
    problems: Problems,
) -> tuple[int, tuple[Cell, ...], list[tuple[Cell, ...]]] | None:
    """The header row (the first with every required column) and the rows above it (one per
    row number from 1, empty rows included, so that a row's place in the list is its number)."""
    known = {name for column in columns for name in column.names()}
    required = [column for column in columns if column.required]
    above: list[tuple[Cell, ...]] = []
    best: tuple[int, int, set[str]] | None = None  # (matches, row number, headers found)
    for number, cells in stream:
        if number > HEADER_SEARCH_ROWS:
            break
        above += [()] * (number - 1 - len(above))
        found = {normalize_header(c) for c in cells} & known
        if found and all(set(column.names()) & found for column in required):
            return number, cells, above
        if len(found) >= 2 and (best is None or len(found) > best[0]):
            best = (len(found), number, found)
        above.append(cells)
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
        letter = column_name(position + 1)
        if column is None:
            if not is_blank(value):
                ignored.append(f"{_display(value)!r} (column {letter})")
        elif column.key in index:
            first = column_name(index[column.key] + 1)
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
    stream: Iterator[Numbered],
    index: dict[str, int],
    unkept: set[str],
    skip: Callable[[dict[str, Cell]], str | None] | None,
) -> None:
    unkept_rows: dict[str, int] = {}
    for number, cells in stream:
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
    """What a layout reader gives back: the document, notes for the user (ignored columns,
    values poam has no field for, facts it derived), and warnings."""

    document: Document
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    """What the workbook could not restore that changes what poam checks (a POA&M whose kind is
    not recorded is read as internal): printed as warnings by the CLI, for the web to show."""
