"""The snapshot cache shared by the server's processes: a system's rows at one revision, as JSON.

One file per (system, revision) under the data directory's ``cache/snapshots``, written
atomically (a temporary file renamed into place) and read back by the row records alone
(:func:`~.seam.rows.from_json`): nothing in it is ever executed or unpickled, so a file planted
there can at worst be refused as not JSON. Files older than a day are ignored and, with the
oldest, removed when there are too many. Deleting the folder at any time is safe.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import tempfile
import time
from pathlib import Path

from django.conf import settings


class SnapshotCache:
    """Bytes by key in a folder of files (keys are hashed into file names)."""

    def __init__(self, folder: Path, *, max_age: float = 24 * 3600, max_entries: int = 5000):
        self.folder = folder
        self.max_age = max_age
        self.max_entries = max_entries

    def path(self, key: str) -> Path:
        name = hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]
        return self.folder / f"{name}.json"

    def get(self, key: str) -> bytes | None:
        path = self.path(key)
        try:
            with path.open("rb") as handle:
                if time.time() - os.fstat(handle.fileno()).st_mtime > self.max_age:
                    return None
                return handle.read()
        except OSError:
            return None

    def set(self, key: str, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            Path(tmp).replace(self.path(key))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        if random.random() < 0.01:  # when to tidy up, not a secret
            self.cull()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def has(self, key: str) -> bool:
        return self.get(key) is not None

    def cull(self) -> None:
        """Remove expired files, and the oldest when there are too many."""
        try:
            entries = [(e.stat().st_mtime, e.path) for e in os.scandir(self.folder)]
        except OSError:
            return
        now = time.time()
        kept = []
        for mtime, path in entries:
            if now - mtime > self.max_age:
                with contextlib.suppress(OSError):
                    Path(path).unlink()
            else:
                kept.append((mtime, path))
        if len(kept) > self.max_entries:  # down to three quarters, the oldest first
            for _mtime, path in sorted(kept)[: len(kept) - self.max_entries * 3 // 4]:
                with contextlib.suppress(OSError):
                    Path(path).unlink()

    def clear(self) -> None:
        with contextlib.suppress(OSError):
            for entry in os.scandir(self.folder):
                with contextlib.suppress(OSError):
                    Path(entry.path).unlink()


def shared() -> SnapshotCache | None:
    """The cache of this installation (None when ``POAM_SNAPSHOT_CACHE`` turns it off)."""
    folder = getattr(settings, "POAM_SNAPSHOT_CACHE", None)
    return None if folder is None else SnapshotCache(Path(folder))
