"""XLSX packages written byte by byte, as an attacker or a broken tool would write them.

openpyxl cannot write a dangling shared-string index, a document type declaration or a part
nested ten thousand deep, so the hostile workbooks of the tests and the bench are assembled here
from their XML parts.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONS = "http://schemas.openxmlformats.org/package/2006/relationships"

NIST_HEADERS = (
    "Requirement",
    "Weakness",
    "Milestones with Interim Completion Dates",
    "Status (Ongoing or Complete)",
)
"""The required columns of the NIST layout: a sheet with them reads as a POA&M."""
NIST_ROW = ("3.1.1", "Accounts are not reviewed", "(1) 01/15/2027: Review them", "Ongoing")


def letters(index: int) -> str:
    out = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        out = chr(65 + remainder) + out
    return out


def cell(reference: str, value: object, strings: list[str] | None) -> str:
    """A ``<c>``: shared string (when ``strings`` is given), inline string, or number."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<c r="{reference}"><v>{value}</v></c>'
    text = str(value)
    if strings is not None:
        if text not in strings:
            strings.append(text)
        return f'<c r="{reference}" t="s"><v>{strings.index(text)}</v></c>'
    return f'<c r="{reference}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def sheet(
    rows: Iterable[Sequence[object]] = (NIST_HEADERS, NIST_ROW),
    *,
    strings: list[str] | None = None,
    dimension: str | None = None,
    body: str = "",
) -> bytes:
    """A worksheet part: ``rows`` from row 1 (None cells left out), then raw ``body`` XML."""
    parts = [f'<worksheet xmlns="{MAIN}">']
    if dimension:
        parts.append(f'<dimension ref="{dimension}"/>')
    parts.append("<sheetData>")
    for number, values in enumerate(rows, start=1):
        cells = "".join(
            cell(f"{letters(column)}{number}", value, strings)
            for column, value in enumerate(values, start=1)
            if value is not None
        )
        parts.append(f'<row r="{number}">{cells}</row>')
    parts.append(body)
    parts.append("</sheetData></worksheet>")
    return "".join(parts).encode()


def shared_strings(strings: Sequence[str]) -> bytes:
    items = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    return f'<sst xmlns="{MAIN}" count="{len(strings)}">{items}</sst>'.encode()


def build(
    path: Path,
    sheets: Mapping[str, bytes],
    *,
    strings: bytes | None = None,
    styles: bytes | None = None,
    parts: Mapping[str, bytes] | None = None,
    leave_out: Iterable[str] = (),
    compression: int = zipfile.ZIP_DEFLATED,
) -> Path:
    """A package with ``sheets`` (name -> worksheet part) and the parts a workbook needs;
    ``parts`` adds or replaces any part by name, ``leave_out`` names parts not to write (to add
    them afterwards with :func:`deflate_bomb`)."""
    listed = "".join(
        f'<sheet name={quoteattr(name)} sheetId="{n}" r:id="rId{n}"/>'
        for n, name in enumerate(sheets, start=1)
    )
    relations = [
        f'<Relationship Id="rId{n}" Type="{RELATIONS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, len(sheets) + 1)
    ]
    files: dict[str, bytes] = {
        "[Content_Types].xml": _content_types(len(sheets), strings is not None, styles is not None),
        "_rels/.rels": (
            f'<Relationships xmlns="{PACKAGE_RELATIONS}"><Relationship Id="rId1" '
            f'Type="{RELATIONS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ).encode(),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONS}"><sheets>{listed}</sheets></workbook>'
        ).encode(),
    }
    for n, data in enumerate(sheets.values(), start=1):
        files[f"xl/worksheets/sheet{n}.xml"] = data
    if strings is not None:
        relations.append(
            f'<Relationship Id="rIdS" Type="{RELATIONS}/sharedStrings" Target="sharedStrings.xml"/>'
        )
        files["xl/sharedStrings.xml"] = strings
    if styles is not None:
        relations.append(f'<Relationship Id="rIdT" Type="{RELATIONS}/styles" Target="styles.xml"/>')
        files["xl/styles.xml"] = styles
    files["xl/_rels/workbook.xml.rels"] = (
        f'<Relationships xmlns="{PACKAGE_RELATIONS}">{"".join(relations)}</Relationships>'
    ).encode()
    files.update(parts or {})
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in files.items():
            if name not in leave_out:
                archive.writestr(name, data)
    return path


_TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _content_types(sheets: int, strings: bool, styles: bool) -> bytes:
    """The content types of the parts (openpyxl finds the workbook by them; poam does not)."""
    parts = [("/xl/workbook.xml", f"{_TYPES}.sheet.main+xml")]
    parts += [
        (f"/xl/worksheets/sheet{n}.xml", f"{_TYPES}.worksheet+xml") for n in range(1, sheets + 1)
    ]
    if strings:
        parts.append(("/xl/sharedStrings.xml", f"{_TYPES}.sharedStrings+xml"))
    if styles:
        parts.append(("/xl/styles.xml", f"{_TYPES}.styles+xml"))
    overrides = "".join(f'<Override PartName="{n}" ContentType="{t}"/>' for n, t in parts)
    return (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>'
    ).encode()


def nist_book(
    path: Path, rows: Iterable[Sequence[object]] | None = None, **options: object
) -> Path:
    """A one-sheet workbook the NIST layout reads, its strings shared."""
    strings: list[str] = []
    data = sheet(rows if rows is not None else (NIST_HEADERS, NIST_ROW), strings=strings)
    return build(path, {"Plan of Action": data}, strings=shared_strings(strings), **options)  # type: ignore[arg-type]


def declare_size(path: Path, member: str, size: int) -> None:
    """Rewrite the uncompressed size that the local and central headers of ``member`` declare
    (a "lying" archive: the data inflates to another size)."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            length = struct.unpack_from("<H", data, start + (26 if offset == 22 else 28))[0]
            if bytes(data[name_at : name_at + length]) == name:
                struct.pack_into("<I", data, start + offset, size)
            start += 4
    path.write_bytes(bytes(data))


def deflate_bomb(path: Path, member: str, size: int, prefix: bytes, filler: bytes = b" ") -> None:
    """Add ``member`` to the archive at ``path``: ``prefix`` then filler up to ``size`` bytes,
    written in chunks so that building it needs little memory."""
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo(member)
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as stream:
            stream.write(prefix)
            chunk = filler * (1024 * 1024 // len(filler))
            written = len(prefix)
            while written < size:
                piece = chunk[: size - written]
                stream.write(piece)
                written += len(piece)
