"""Time and peak memory of importing hostile workbooks, each in a fresh process, against openpyxl.

    .venv/bin/python bench/hostile_workbooks.py [--openpyxl] [--only NAME]

Each file is built in bench/out/hostile/ (by tests/formats/workbooks/packages.py, as the tests
build them, but at full size: no limit is lowered) and imported with the NIST layout's reader in
a child process, as `poam import` would: wall time, and the child's peak resident memory
(VmHWM, reset when it starts). The baseline is the same process reading a two-row workbook.
--openpyxl also reads each file as poam did before (openpyxl, read-only, every row of every
sheet), in a child limited to 2 GiB of address space and 60 seconds.
"""

from __future__ import annotations

import argparse
import struct
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.formats.workbooks.packages import (  # noqa: E402 -- after the path is set
    MAIN,
    NIST_HEADERS,
    NIST_ROW,
    build,
    deflate_bomb,
    nist_book,
    sheet,
)

OUT = ROOT / "bench" / "out" / "hostile"
SHEET = "Plan of Action"
MB = 1024 * 1024

PEAK = """
def peak():  # this process's own peak resident memory, in MiB
    status = open("/proc/self/status").read()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024
open("/proc/self/clear_refs", "w").write("5")  # start the peak afresh, not from the parent's
"""
POAM_CHILD = (
    PEAK
    + """
import sys
from pathlib import Path
from poam.formats.errors import InputError
from poam.formats.workbooks import nist
try:
    imported = nist.read(Path(sys.argv[1]))
    said = f"read, {len(imported.document.items):,} entries"
except InputError as error:
    said = "refused: " + str(error.problems[0]).split(": ", 1)[1][:90]
print(peak(), said)
"""
)
OPENPYXL_CHILD = (
    PEAK
    + """
import resource, sys, warnings
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
import openpyxl
warnings.simplefilter("ignore")
try:
    book = openpyxl.load_workbook(sys.argv[1], read_only=True, data_only=True)
    rows = sum(1 for ws in book.worksheets for _ in ws.iter_rows(values_only=True))
    said = f"read, {rows:,} rows"
except MemoryError:
    said = "MemoryError"
except Exception as error:
    said = f"{type(error).__name__}: {str(error)[:60]}"
print(peak(), said)
"""
)


def normal(path: Path) -> None:
    nist_book(path)


def zip_bomb(path: Path) -> None:
    """A sheet declaring 1 GB of XML, in a file of about 1 MB."""
    build(path, {SHEET: b""}, leave_out={"xl/worksheets/sheet1.xml"})
    deflate_bomb(
        path,
        "xl/worksheets/sheet1.xml",
        1024 * MB,
        f'<worksheet xmlns="{MAIN}"><sheetData>'.encode(),
    )


def bomb_under_the_limit(path: Path) -> None:
    """148 MB of blanks inside the sheet data, just under the unpacked limit: read to the end
    (where the XML is found unfinished)."""
    build(path, {SHEET: b""}, leave_out={"xl/worksheets/sheet1.xml"})
    deflate_bomb(
        path,
        "xl/worksheets/sheet1.xml",
        148 * MB,
        sheet().replace(b"</sheetData></worksheet>", b""),
    )


def shared_strings(path: Path, count: int, size: int) -> None:
    table = (
        f'<sst xmlns="{MAIN}">'.encode()
        + b"".join(
            b"<si><t>" + str(n).encode().ljust(size, b"x") + b"</t></si>" for n in range(count)
        )
        + b"</sst>"
    )
    build(path, {SHEET: sheet()}, strings=table)


def absurd_dimension(path: Path) -> None:
    """A sheet declaring A1:XFD1048576 whose 20,000 rows each hold a number in column XFD:
    openpyxl makes every row 16,384 cells wide; poam refuses the first such cell."""
    rows = "".join(f'<row r="{n}"><c r="XFD{n}"><v>1</v></c></row>' for n in range(3, 20003))
    build(path, {SHEET: sheet(dimension="A1:XFD1048576", body=rows)})


def formatted_far(path: Path) -> None:
    """The same, the cells empty (formatting only): read past by both."""
    rows = "".join(f'<row r="{n}"><c r="XFD{n}" s="0"/></row>' for n in range(3, 20003))
    build(path, {SHEET: sheet(dimension="A1:XFD1048576", body=rows)})


def wide_values(path: Path) -> None:
    """A value in column XFD of row 3."""
    build(path, {SHEET: sheet(body='<row r="3"><c r="XFD3"><v>1</v></c></row>')})


def deep_nesting(path: Path) -> None:
    """One million nested elements in the sheet data (13 MB)."""
    body = "<x>" * 1_000_000 + "</x>" * 1_000_000
    build(path, {SHEET: sheet(body=body)})


def entities(path: Path) -> None:
    """The billion laughs in the shared-string table."""
    lol = '<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10)
    )
    table = (
        f'<?xml version="1.0"?><!DOCTYPE sst [{lol}]><sst xmlns="{MAIN}"><si><t>&l9;</t></si></sst>'
    )
    build(path, {SHEET: sheet()}, strings=table.encode())


def rows(path: Path, count: int) -> None:
    values = [NIST_HEADERS] + [NIST_ROW] * count
    nist_book(path, values)


def damaged_late(path: Path) -> None:
    """A 60 MB sheet (a small file) whose compressed data is damaged near its end."""
    build(path, {SHEET: b""}, leave_out={"xl/worksheets/sheet1.xml"})
    deflate_bomb(path, "xl/worksheets/sheet1.xml", 60 * MB, sheet()[:-24], filler=b"<!-- -->")
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(path.read_bytes())
    name, extra = struct.unpack_from("<HH", data, info.header_offset + 26)
    end = info.header_offset + 30 + name + extra + info.compress_size
    data[end - 40] ^= 0xFF
    path.write_bytes(bytes(data))


CASES: dict[str, tuple[str, Callable[[Path], None]]] = {
    "normal": ("a two-row workbook (the baseline)", normal),
    "zip-bomb": ("zip bomb: 1 GB declared in a 1 MB file", zip_bomb),
    "bomb-under-limit": ("148 MB of blanks in a sheet, under the limit", bomb_under_the_limit),
    "strings-over": ("250,001 shared strings", lambda p: shared_strings(p, 250_001, 4)),
    "strings-under": (
        "190,000 shared strings of 100 characters (19 million)",
        lambda p: shared_strings(p, 190_000, 100),
    ),
    "characters-over": (
        "700 shared strings of 30,000 characters (21 million)",
        lambda p: shared_strings(p, 700, 30_000),
    ),
    "dimension": ("dimension A1:XFD1048576, 20,000 rows with a value in XFD", absurd_dimension),
    "formatted": ("dimension A1:XFD1048576, 20,000 empty cells in XFD", formatted_far),
    "far-value": ("a value in column XFD", wide_values),
    "nesting": ("1,000,000 nested elements", deep_nesting),
    "entities": ("billion laughs (entity expansion)", entities),
    "rows-limit": ("50,000 data rows (the most read)", lambda p: rows(p, 50_000)),
    "rows-over": ("50,031 data rows", lambda p: rows(p, 50_031)),
    "damaged-late": ("a bad checksum at the end of a 60 MB sheet", damaged_late),
}


def measure(code: str, path: Path, timeout: float) -> tuple[float, str, str]:
    """Wall seconds, peak resident memory (the child's own, VmHWM) and what a child running
    ``code`` on ``path`` said."""
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-c", code, str(path)],
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return time.perf_counter() - start, "-", f"still running after {timeout:.0f} s (killed)"
    seconds = time.perf_counter() - start
    last = (done.stdout.decode(errors="replace").strip().splitlines() or [""])[-1]
    peak, _, said = last.partition(" ")
    if not said:  # killed by the memory limit, or crashed
        return seconds, "-", f"exit {done.returncode}: {done.stderr.decode()[-60:].strip()}"
    return seconds, f"{float(peak):.0f} MiB", said


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--openpyxl", action="store_true", help="also read each with openpyxl")
    parser.add_argument("--only", help="one case by name")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    print(
        "| Workbook | File | poam | Time | Peak RSS |"
        + (" openpyxl | Time | Peak RSS |" if args.openpyxl else "")
    )
    print("|---|---|---|---|---|" + ("---|---|---|" if args.openpyxl else ""))
    for name, (title, make) in CASES.items():
        if args.only and name != args.only:
            continue
        path = OUT / f"{name}.xlsx"
        make(path)
        size = path.stat().st_size
        line = f"| {title} | {size / 1024:,.0f} KiB |"
        seconds, peak, said = measure(POAM_CHILD, path, 120)
        line += f" {said} | {seconds:.2f} s | {peak} |"
        if args.openpyxl:
            seconds, peak, said = measure(OPENPYXL_CHILD, path, 60)
            line += f" {said} | {seconds:.2f} s | {peak} |"
        print(line, flush=True)


if __name__ == "__main__":
    main()
