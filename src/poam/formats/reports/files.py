"""Writing output files all or nothing: a temporary file beside the target, then a rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


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
    parent = path.parent if str(path.parent) else Path()
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=parent)
    except OSError as error:
        raise OutputError(f"{option}: cannot write in {parent}: {error.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
        Path(temporary).chmod(0o644)
        Path(temporary).replace(path)
    except OSError as error:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        raise OutputError(f"{option}: cannot write {path}: {error.strerror}") from None
