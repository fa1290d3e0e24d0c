"""Evidence files on disk, resolved relative to the POA&M file, hashed once each."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

from poam.core.states import LocalFile

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class FileEvidenceStore:
    """Resolves relative paths and ``file:`` URIs against ``base``; other URLs are not local."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self._cache: dict[str, LocalFile | None] = {}

    def path_of(self, uri: str) -> Path | None:
        if _SCHEME.match(uri) and not re.match(r"^[A-Za-z]:[\\/]", uri):  # not C:\ paths
            parsed = urlparse(uri)
            if parsed.scheme != "file":
                return None
            return Path(unquote(parsed.path))
        path = Path(uri)
        return path if path.is_absolute() else self.base / path

    def locate(self, uri: str) -> LocalFile | None:
        if uri not in self._cache:
            path = self.path_of(uri)
            if path is None:
                self._cache[uri] = None
            elif path.is_file():
                self._cache[uri] = LocalFile(uri, True, sha256_file(path))
            else:
                self._cache[uri] = LocalFile(uri, False)
        return self._cache[uri]
