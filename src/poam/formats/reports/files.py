"""The report's and the SPRS entry's output files: checked before any work is done, then written
all or nothing by ``poam.formats.files.write_atomically`` (the mode a plain open() gives), with
errors that name the option and the file."""

from __future__ import annotations

from pathlib import Path

from poam.formats.files import write_atomically


class OutputError(Exception):
    """An output file that cannot be written, with a message naming it and why."""


def check_writable(path: Path, option: str) -> None:
    """Fail early, before any work, when ``path`` cannot be written (no folder, a folder)."""
    if path.is_dir():
        raise OutputError(f"{option}: {path} is a directory, not a file")
    parent = path.parent if str(path.parent) else Path()
    if not parent.is_dir():
        raise OutputError(f"{option}: {parent}: no such directory")


def write_atomic(path: Path, data: str | bytes, option: str = "--out") -> None:
    """Write ``data`` to ``path`` so that a reader never sees half a file."""
    check_writable(path, option)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        write_atomically(path, payload)
    except OSError as error:
        raise OutputError(f"{option}: cannot write {path}: {error.strerror}") from None
