"""Evidence files under the data directory, stored once each by their SHA-256.

An upload streams to a temporary file while it is hashed and measured, then moves into place as
``evidence/ab/abcdef...`` (atomic; a second upload of the same content reuses the file). Folders
are 0700 and files 0600 whatever the umask: the data directory is private. The
core's evidence checks see the files through :class:`DatabaseEvidenceStore`, which re-hashes a
stored file whenever its size or modification time changed, so tampering on disk is reported.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings

from poam.core.checks.base import LocalFile
from poam.formats.native.evidence import sha256_file
from poam.web import config
from poam.web.config import PRIVATE_FILE

_SHA = re.compile(r"^[0-9a-f]{64}$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class TooLarge(ValueError):
    """An upload above the size limit."""


class Chunked(Protocol):
    def chunks(self, chunk_size: int | None = ...) -> Iterator[bytes]: ...


def safe_name(name: str) -> str:
    """A file name fit for a URI: letters, digits, dot, dash and underscore only."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("-", base).strip(".-") or "file"
    return cleaned[:120]


def root() -> Path:
    return Path(settings.EVIDENCE_DIR)


def private_dir(path: Path) -> Path:
    """A folder of the store, created 0700 (and its parents up to the store) whatever the umask:
    evidence is an organization's, and the data directory is shared by no one."""
    evidence = root()
    if path != evidence and evidence in path.parents:
        private_dir(path.parent)
    return config.private_dir(path)


def blob_path(sha256: str) -> Path:
    if not _SHA.match(sha256):
        raise ValueError(f"{sha256!r} is not a SHA-256")
    return root() / sha256[:2] / sha256


@dataclass(frozen=True)
class Stored:
    sha256: str
    size: int


def store_chunks(chunks: Iterable[bytes], limit: int | None = None) -> Stored:
    """Hash and store a stream of bytes; TooLarge past ``limit`` (nothing is kept then)."""
    limit = settings.POAM_MAX_UPLOAD_BYTES if limit is None else limit
    tmp_dir = private_dir(root() / "tmp")
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(dir=tmp_dir)
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise TooLarge(
                        f"the file is larger than the limit of {limit // (1024 * 1024)} MB"
                    )
                digest.update(chunk)
                handle.write(chunk)
        sha = digest.hexdigest()
        final = blob_path(sha)
        private_dir(final.parent)
        tmp = Path(tmp_name)
        if final.exists():
            tmp.unlink()
        else:
            tmp.chmod(PRIVATE_FILE)  # mkstemp's already; said again, as the store's rule
            tmp.replace(final)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return Stored(sha, size)


def store_upload(upload: Chunked, limit: int | None = None) -> Stored:
    return store_chunks(upload.chunks(), limit)


def store_bytes(data: bytes) -> Stored:
    return store_chunks([data], limit=max(len(data), 1))


_hash_lock = threading.Lock()
_hash_cache: dict[tuple[str, int, int], str] = {}


def current_sha256(path: Path) -> str | None:
    """The file's SHA-256 now (cached while its size and modification time are unchanged)."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    with _hash_lock:
        known = _hash_cache.get(key)
    if known is not None:
        return known
    value = sha256_file(path)
    with _hash_lock:
        if len(_hash_cache) > 50_000:
            _hash_cache.clear()
        _hash_cache[key] = value
    return value


def is_link(uri: str) -> bool:
    """A URL (not a Windows drive path): never resolved locally."""
    return bool(_SCHEME.match(uri)) and not re.match(r"^[A-Za-z]:[\\/]", uri)


class DatabaseEvidenceStore:
    """The core's ``EvidenceStore`` over the files uploaded to one system's POA&M entries.

    ``files`` maps each evidence URI to the SHA-256 of the blob stored for it. A URI with no
    stored file is reported missing, as a relative path with no file beside a POA&M would be
    by the CLI; links (URLs) are not local.
    """

    def __init__(self, files: Mapping[str, str]) -> None:
        self.files = dict(files)

    def locate(self, uri: str) -> LocalFile | None:
        blob = self.files.get(uri)
        if blob is None:
            return None if is_link(uri) else LocalFile(uri, False)
        actual = current_sha256(blob_path(blob))
        return LocalFile(uri, actual is not None, actual)


def verify(store: DatabaseEvidenceStore, uri: str, recorded: str | None) -> str:
    """What the store says of an evidence file now: ``link`` (not local), ``missing``,
    ``unrecorded`` (no SHA-256 on record), ``matches`` or ``mismatch``; ``none`` without a URI."""
    if not uri:
        return "none"
    local = store.locate(uri)
    if local is None:
        return "link"
    if not local.exists:
        return "missing"
    if not recorded:
        return "unrecorded"
    return "matches" if local.sha256 == recorded.lower() else "mismatch"
