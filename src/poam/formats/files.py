"""Writing an output file all or nothing, with the permissions the user expects.

Every file poam writes (OSCAL, workbooks, reports, the SPRS entry, imported native files) goes
through :func:`write_atomically` (or :func:`write_all_atomically` for several files at once): the
content goes to a temporary file beside the target, then replaces it in one rename, so that a
reader never sees half a file and a failure leaves the old one. A temporary file is created
private (0600), so its mode is then set as a plain ``open()`` would: a new file gets 0666 less
the umask, and a file that is replaced keeps its own mode (``--force`` never narrows it).
"""

from __future__ import annotations

import os
import stat
import tempfile
import threading
from collections.abc import Callable, Mapping
from pathlib import Path

_UMASK_LOCK = threading.Lock()


def current_umask() -> int:
    """The process's umask. Linux shows it in /proc; elsewhere it is read by setting it and
    setting it back, under a lock so that no other thread of poam sees the interval."""
    try:
        for line in Path("/proc/self/status").read_text("ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _UMASK_LOCK:
        mask = os.umask(0o077)
        os.umask(mask)
    return mask


def output_mode(target: Path) -> int:
    """The permission bits for ``target``: its own when it exists, else 0666 less the umask."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        return 0o666 & ~current_umask()


Content = bytes | Callable[[Path], object]
"""Bytes, or a function that writes the file at the path it is given (openpyxl's ``save``)."""


def write_atomically(target: Path, content: Content) -> None:
    """Write ``content`` to ``target`` all or nothing, creating its folder if needed."""
    write_all_atomically({target: content})


def write_all_atomically(files: Mapping[Path, Content]) -> None:
    """Write several files all or none (an OSCAL export: the SSP, the POA&M and the baseline):
    each goes to a temporary file beside its target, and they are moved into place only once
    every one is written, so that a failure while writing leaves every old file as it was."""
    staged: list[tuple[Path, Path]] = []
    try:
        for target, content in files.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            mode = output_mode(target)
            handle, name = tempfile.mkstemp(
                dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
            )
            temporary = Path(name)
            staged.append((temporary, target))
            if isinstance(content, bytes):
                with os.fdopen(handle, "wb") as stream:
                    stream.write(content)
            else:
                os.close(handle)
                content(temporary)
            temporary.chmod(mode)
        for temporary, target in staged:
            temporary.replace(target)
    finally:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
