"""A bounded, streaming reader of XLSX workbooks: cell values only, and never more than it must.

Workbooks come from people and from other tools, and a POA&M import is a place where an attacker
can hand poam a file. openpyxl reads whatever a package declares (a sheet declaring 16,384
columns has every row returned 16,384 cells wide, a 1 GB zip bomb is inflated, a million nested
elements are parsed, a dangling string index is an IndexError deep in a generator: see
bench/RESULTS.md), so poam reads the package itself, with the standard library's expat parser,
and refuses before or while reading, in bounded time and memory:

- a package whose parts declare more than :data:`MAX_UNPACKED_BYTES` unpacked, or more than
  :data:`MAX_MEMBERS` parts (zip bombs; the zip module never returns more than a part declares);
- any document type declaration (entity expansion: "billion laughs"), and XML nested deeper than
  :data:`MAX_DEPTH` elements;
- more than :data:`MAX_SHARED_STRINGS` shared strings (or :data:`MAX_SHARED_CHARACTERS`
  characters in them), :data:`MAX_SHEETS` sheets or :data:`MAX_CELL_FORMATS` cell formats;
- a value in a column beyond :data:`MAX_COLUMNS`, a cell longer than Excel's 32,767 characters,
  a row or column number outside what Excel allows, a shared-string index that points nowhere;
- a damaged package (bad CRC, truncated or undecodable part, XML that is not well formed).

Every refusal is an :class:`InputError` naming the file, and the sheet, row and column where
there is one. Date cells are recognised by their number format, as Excel shows them; formulas
give their cached value.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.parsers import expat

from poam.formats.errors import InputError, Problem
from poam.formats.workbooks.cells import whole_number

MAX_UNPACKED_BYTES = 150 * 1024 * 1024
"""Most bytes the parts of one workbook may declare once unzipped."""
MAX_MEMBERS = 10_000
"""Most parts in one package (a workbook has a few dozen)."""
MAX_DEPTH = 48
"""Deepest element nesting read (a sheet's cells sit at depth 4 to 7)."""
MAX_SHEETS = 256
MAX_SHARED_STRINGS = 250_000
"""Most distinct strings: five per row of the largest sheet poam reads is far beyond a POA&M."""
MAX_SHARED_CHARACTERS = 20_000_000
"""Most characters in all shared strings together (a 5,000-entry eMASS sheet has 2.4 million),
so that the table, which is kept in memory, stays well under 100 MB."""
MAX_CELL_FORMATS = 65_000
"""Most cell formats (Excel's own limit is 64,000)."""
MAX_COLUMNS = 1_000
"""Values right of this column are refused (the widest template, the Army eMASS, has 44)."""
MAX_CELL_CHARS = 32_767
"""Excel's own limit on the text of one cell."""
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384
_CHUNK = 64 * 1024

_MAIN = "officeDocument/2006/relationships/officeDocument"
_WORKSHEET = "/worksheet"
_SHARED_STRINGS = "/sharedStrings"
_STYLES = "/styles"
_REFERENCE = re.compile(r"^([A-Za-z]{1,3})(\d{1,7})$")
_EXCEL_EPOCH = datetime(1899, 12, 30)
_MAC_EPOCH = datetime(1904, 1, 1)

Cell = Any
"""A cell value: str, int, float, bool, datetime, or None."""


def column_name(index: int) -> str:
    """The letters of a 1-based column index (1 -> A, 28 -> AB)."""
    letters = ""
    while index > 0:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _column_index(letters: str) -> int:
    index = 0
    for char in letters.upper():
        index = index * 26 + ord(char) - 64
    return index


def _local(name: str) -> str:
    """An element or attribute name without its namespace prefix (``x:row`` -> ``row``)."""
    return name.rpartition(":")[2]


class _Refused(Exception):
    """Raised inside a parser callback; turned into an InputError with the place it names."""

    def __init__(self, message: str, row: int | None = None, column: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column


# --- the package ---------------------------------------------------------------------------


@dataclass
class _Sheet:
    name: str
    part: str | None
    """The worksheet part, or None for a chart sheet or a missing relationship (no cells)."""


@dataclass
class Package:
    """An open XLSX package: its sheets, shared strings and date styles, read and bounded."""

    file: str
    archive: zipfile.ZipFile
    sheets: list[_Sheet] = field(default_factory=list)
    strings: list[str] = field(default_factory=list)
    date_styles: frozenset[int] = frozenset()
    epoch: datetime = _EXCEL_EPOCH

    @property
    def sheet_names(self) -> tuple[str, ...]:
        return tuple(sheet.name for sheet in self.sheets)

    def close(self) -> None:
        self.archive.close()

    def rows(self, name: str) -> Generator[tuple[int, tuple[Cell, ...]]]:
        """(row number, values from column A) for each row of sheet ``name`` holding a value."""
        sheet = next(s for s in self.sheets if s.name == name)
        if sheet.part is None:
            return
        yield from _SheetReader(self, sheet).rows()

    # -- reading parts, bounded

    def problem(self, message: str, **place: Any) -> InputError:
        return InputError([Problem(self.file, message, **place)])

    def parse(
        self,
        part: str,
        start: Callable[[str, dict[str, str]], None],
        end: Callable[[str], None] | None = None,
        text: Callable[[str], None] | None = None,
        sheet: _SheetReader | None = None,
    ) -> Iterator[list[Any]]:
        """Stream ``part`` through expat with the guards of this module. For a sheet, yield
        the rows its reader completed after each chunk, and name the sheet and row in errors."""
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.buffer_size = _CHUNK
        depth = 0

        def on_start(name: str, attributes: dict[str, str]) -> None:
            nonlocal depth
            depth += 1
            if depth > MAX_DEPTH:
                raise _Refused(f"its XML is nested more than {MAX_DEPTH} elements deep")
            start(_local(name), attributes)

        def on_end(name: str) -> None:
            nonlocal depth
            depth -= 1
            if end is not None:
                end(_local(name))

        def no_doctype(*_: object) -> None:
            raise _Refused("it declares a document type, which no workbook part has")

        parser.StartElementHandler = on_start
        parser.EndElementHandler = on_end
        if text is not None:
            parser.CharacterDataHandler = text
        parser.StartDoctypeDeclHandler = no_doctype
        parser.EntityDeclHandler = no_doctype
        try:
            with self.archive.open(part) as stream:
                while chunk := stream.read(_CHUNK):
                    parser.Parse(chunk, False)
                    if sheet is not None:
                        yield sheet.take()
                parser.Parse(b"", True)
            if sheet is not None:
                yield sheet.take()
        except _Refused as refused:
            raise self._error(part, sheet, refused.message, refused.row, refused.column) from None
        except expat.ExpatError as error:
            reason = expat.errors.messages[error.code] if error.code else str(error)
            message = (
                f"is damaged: not well-formed XML ({reason}, line {error.lineno}, "
                f"column {error.offset + 1})"
            )
            raise self._error(part, sheet, message) from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
            raise self._error(part, sheet, f"is damaged ({error})") from None
        except (NotImplementedError, RuntimeError) as error:  # unsupported or encrypted part
            raise self._error(part, sheet, f"cannot be read ({error})") from None

    def _error(
        self,
        part: str,
        sheet: _SheetReader | None,
        message: str,
        row: int | None = None,
        column: str = "",
    ) -> InputError:
        """The problem at a place: in a sheet (its name, the row being read, the column), or in
        another part of the package (named by its path)."""
        about_part = message.startswith(("is ", "cannot "))
        if sheet is None:
            return self.problem(f"the part {part}{' ' if about_part else ': '}{message}")
        if about_part:
            message = f"its part {part} {message}"
        return InputError(
            [
                Problem(
                    self.file,
                    message,
                    field=column,
                    line=row if row is not None else sheet.row_number or None,
                    sheet=sheet.sheet.name,
                )
            ]
        )


def open_package(path: Path) -> Package:
    """Open ``path`` as an XLSX package and read its workbook, relationships, shared strings
    and styles, refusing what this module's limits exclude. The caller closes it."""
    name = str(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        raise InputError.single(
            name, "is not an XLSX workbook: the zip archive is damaged or truncated"
        ) from None
    package = Package(name, archive)
    try:
        _check_members(package)
        _read_structure(package)
    except BaseException:
        archive.close()
        raise
    return package


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _check_members(package: Package) -> None:
    infos = package.archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise package.problem(
            f"is not an XLSX workbook poam reads: its archive holds {len(infos):,} parts "
            f"(at most {MAX_MEMBERS:,})"
        )
    unpacked = sum(info.file_size for info in infos)
    if unpacked > MAX_UNPACKED_BYTES:
        raise package.problem(
            f"unpacks to {_mb(unpacked)}; poam reads workbooks that unpack to at most "
            f"{_mb(MAX_UNPACKED_BYTES)} (a guard against zip bombs)"
        )


def _drain(chunks: Iterator[list[Any]]) -> None:
    for _ in chunks:
        pass


def _relationships(package: Package, part: str) -> dict[str, tuple[str, str]]:
    """Id -> (type, target part) of the relationships of ``part``."""
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    found: dict[str, tuple[str, str]] = {}
    if rels not in package.archive.NameToInfo:
        return found

    def start(name: str, attributes: dict[str, str]) -> None:
        if name == "Relationship" and attributes.get("TargetMode") != "External":
            target = attributes.get("Target", "")
            resolved = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(folder, target))
            )
            found[attributes.get("Id", "")] = (attributes.get("Type", ""), resolved)

    _drain(package.parse(rels, start))
    return found


def _read_structure(package: Package) -> None:
    archive = package.archive
    main = next(
        (t for kind, t in _relationships(package, "").values() if kind.endswith(_MAIN)),
        "xl/workbook.xml",
    )
    if main not in archive.NameToInfo:
        raise package.problem(f"is not an XLSX workbook (no {main} inside)")
    listed: list[tuple[str, str]] = []

    def start(name: str, attributes: dict[str, str]) -> None:
        if name == "sheet":
            if len(listed) >= MAX_SHEETS:
                raise _Refused(f"it has more than {MAX_SHEETS} sheets")
            rid = next((v for k, v in attributes.items() if _local(k) == "id"), "")
            listed.append((attributes.get("name", ""), rid))
        elif name == "workbookPr" and attributes.get("date1904") in ("1", "true"):
            package.epoch = _MAC_EPOCH

    _drain(package.parse(main, start))
    relationships = _relationships(package, main)
    for sheet_name, rid in listed:
        kind, target = relationships.get(rid, ("", ""))
        part = target if kind.endswith(_WORKSHEET) and target in archive.NameToInfo else None
        if kind.endswith(_WORKSHEET) and part is None:
            raise package.problem(
                f"is damaged: sheet {sheet_name!r} has no part ({target or 'no target'} is missing)"
            )
        package.sheets.append(_Sheet(sheet_name, part))
    for kind, target in relationships.values():
        if target not in archive.NameToInfo:
            continue
        if kind.endswith(_SHARED_STRINGS):
            package.strings = _shared_strings(package, target)
        elif kind.endswith(_STYLES):
            package.date_styles = _date_styles(package, target)


def _shared_strings(package: Package, part: str) -> list[str]:
    """Every shared string (rich-text runs joined, phonetic hints left out), bounded."""
    strings: list[str] = []
    buffer: list[str] = []
    state = {"in_t": False, "skip": 0, "size": 0, "total": 0}

    def start(name: str, attributes: dict[str, str]) -> None:
        if name == "si":
            if len(strings) >= MAX_SHARED_STRINGS:
                raise _Refused(
                    f"its shared-string table holds more than {MAX_SHARED_STRINGS:,} strings, "
                    "more than poam reads"
                )
            buffer.clear()
            state["size"] = 0
        elif name in ("rPh", "phoneticPr"):
            state["skip"] += 1
        elif name == "t" and not state["skip"]:
            state["in_t"] = True

    def end(name: str) -> None:
        if name == "si":
            strings.append("".join(buffer))
        elif name in ("rPh", "phoneticPr"):
            state["skip"] -= 1
        elif name == "t":
            state["in_t"] = False

    def text(data: str) -> None:
        if state["in_t"]:
            state["size"] += len(data)
            state["total"] += len(data)
            if state["size"] > MAX_CELL_CHARS:
                raise _Refused(
                    f"shared string {len(strings)} is longer than the {MAX_CELL_CHARS:,} "
                    "characters a cell holds"
                )
            if state["total"] > MAX_SHARED_CHARACTERS:
                raise _Refused(
                    f"its shared strings hold more than {MAX_SHARED_CHARACTERS:,} characters, "
                    "more than poam reads"
                )
            buffer.append(data)

    _drain(package.parse(part, start, end, text))
    return strings


def _date_styles(package: Package, part: str) -> frozenset[int]:
    """The indexes of the cell formats that show a number as a date or a time."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

    custom: dict[int, str] = {}
    formats: list[int] = []
    state = {"in_xfs": False}

    def start(name: str, attributes: dict[str, str]) -> None:
        if len(formats) + len(custom) >= MAX_CELL_FORMATS:
            raise _Refused(f"it has more than {MAX_CELL_FORMATS:,} cell formats")
        if name == "numFmt":
            number = whole_number(attributes.get("numFmtId", ""))
            if number is not None:
                custom[number] = attributes.get("formatCode", "")
        elif name == "cellXfs":
            state["in_xfs"] = True
        elif name == "xf" and state["in_xfs"]:
            formats.append(whole_number(attributes.get("numFmtId", "0")) or 0)

    def end(name: str) -> None:
        if name == "cellXfs":
            state["in_xfs"] = False

    _drain(package.parse(part, start, end))
    dates = set()
    for index, number in enumerate(formats):
        code = custom.get(number) or BUILTIN_FORMATS.get(number, "")
        if code and is_date_format(code):
            dates.add(index)
    return frozenset(dates)


# --- one sheet -----------------------------------------------------------------------------


class _SheetReader:
    """Streams the rows of one worksheet part: every cell decoded, every limit enforced."""

    def __init__(self, package: Package, sheet: _Sheet) -> None:
        self.package = package
        self.sheet = sheet
        self.ready: list[tuple[int, tuple[Cell, ...]]] = []
        self.row_number = 0
        self.cells: dict[int, Cell] = {}
        self.column = 0
        self.reference = ""
        self.kind = "n"
        self.style = -1
        self.text: list[str] = []
        self.size = 0
        self.collect = False
        self.inline = False
        self.skip = 0

    def rows(self) -> Iterator[tuple[int, tuple[Cell, ...]]]:
        assert self.sheet.part is not None
        for batch in self.package.parse(
            self.sheet.part, self.start, self.end, self.characters, sheet=self
        ):
            yield from batch

    def take(self) -> list[tuple[int, tuple[Cell, ...]]]:
        ready, self.ready = self.ready, []
        return ready

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if name == "c":
            self.begin_cell(attributes)
        elif name == "v" or (name == "t" and self.inline and not self.skip):
            self.collect = True
        elif name == "is":
            self.inline = True
        elif name == "rPh":
            self.skip += 1
        elif name == "row":
            number = attributes.get("r")
            self.row_number = self.number(number) if number else self.row_number + 1
            self.cells = {}
            self.column = 0

    def number(self, text: str) -> int:
        value = whole_number(text)
        if value is None or not 1 <= value <= EXCEL_ROWS:
            raise _Refused(f"{text[:20]!r} is not a row number", self.row_number or None)
        if value <= self.row_number:
            raise _Refused(f"row {value} comes after row {self.row_number}", value)
        return value

    def begin_cell(self, attributes: dict[str, str]) -> None:
        reference = attributes.get("r")
        if reference:
            match = _REFERENCE.match(reference)
            column = _column_index(match[1]) if match else 0
            if match is None or int(match[2]) != self.row_number or column > EXCEL_COLUMNS:
                raise _Refused(
                    f"{reference[:20]!r} is not a cell of row {self.row_number}", self.row_number
                )
            self.column = column
        else:
            self.column += 1
        self.reference = reference or f"{column_name(self.column)}{self.row_number}"
        self.kind = attributes.get("t", "n")
        style = attributes.get("s", "")
        index = whole_number(style)
        self.style = -1 if index is None else index
        self.text = []
        self.size = 0
        self.inline = False

    def characters(self, data: str) -> None:
        if self.collect:
            self.size += len(data)
            if self.size > MAX_CELL_CHARS:
                raise self.refuse(
                    f"cell {self.reference} holds more than the {MAX_CELL_CHARS:,} characters "
                    "a cell can"
                )
            self.text.append(data)

    def end(self, name: str) -> None:
        if name in ("v", "t"):
            self.collect = False
        elif name == "rPh":
            self.skip -= 1
        elif name == "c":
            self.end_cell()
        elif name == "row":
            if self.cells:
                width = max(self.cells)
                self.ready.append(
                    (self.row_number, tuple(self.cells.get(i) for i in range(1, width + 1)))
                )
            self.cells = {}

    def refuse(self, message: str) -> _Refused:
        return _Refused(message, self.row_number, column_name(self.column))

    def end_cell(self) -> None:
        if not self.text:
            return
        value = self.value("".join(self.text))
        if value is None or value == "":
            return
        if self.column > MAX_COLUMNS:
            raise self.refuse(
                f"cell {self.reference} holds a value, but poam reads only the first "
                f"{MAX_COLUMNS:,} columns (up to {column_name(MAX_COLUMNS)}): delete it"
            )
        self.cells[self.column] = value

    def value(self, raw: str) -> Cell:
        kind = self.kind
        if kind == "s":
            strings = self.package.strings
            index = whole_number(raw.strip())
            if index is None or index >= len(strings):
                raise self.refuse(
                    f"cell {self.reference} refers to shared string {raw.strip()[:20]!r}, but "
                    f"the workbook has {len(strings):,}: the file is damaged"
                )
            return strings[index]
        if kind in ("inlineStr", "str", "e"):
            return raw
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "d":
            try:
                return datetime.fromisoformat(raw.strip())
            except ValueError:
                raise self.refuse(f"cell {self.reference}: {raw[:40]!r} is not a date") from None
        return self.numeric(raw.strip())

    def numeric(self, raw: str) -> Cell:
        try:
            whole = whole_number(raw.removeprefix("-"))
            number: int | float = (
                (-whole if raw.startswith("-") else whole) if whole is not None else float(raw)
            )
        except ValueError:
            raise self.refuse(f"cell {self.reference}: {raw[:40]!r} is not a number") from None
        if self.style in self.package.date_styles:
            from openpyxl.utils.datetime import from_excel

            try:
                return from_excel(number, self.package.epoch)
            except (OverflowError, ValueError):
                return number  # Excel shows ##### here; the layout names it as not a date
        return number
