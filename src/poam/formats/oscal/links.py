"""Evidence paths that stay valid wherever a document is written.

A POA&M names its evidence files by paths relative to its own folder (``evidence/scan.pdf``,
as ``poam check`` resolves them). Written elsewhere unchanged, such a path names nothing: an
OSCAL export in ``out/`` would point at ``out/evidence/scan.pdf``, and ``poam check`` on it would
find no file, so it could not see that a file had changed since its SHA-256 was recorded.
Export and import therefore rewrite each relative path to name the same file from the folder
written to (``../evidence/scan.pdf``); the recorded SHA-256 goes with it unchanged. URLs,
``file:`` URIs and absolute paths already name their file from anywhere and are kept as written.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path, PurePosixPath

from poam.core.model import Poam

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_WINDOWS_ABSOLUTE = re.compile(r"^(?:[A-Za-z]:)?[\\/]")


def is_relative_path(uri: str) -> bool:
    """Whether ``uri`` is a path relative to its document's folder (not a URL, not absolute)."""
    if not uri.strip() or _WINDOWS_ABSOLUTE.match(uri):
        return False
    return not _SCHEME.match(uri)


def rebase(uri: str, source: Path, target: Path) -> str:
    """``uri``, relative to ``source``, rewritten to name the same file from ``target``."""
    if not is_relative_path(uri):
        return uri
    file = os.path.normpath(source.resolve() / uri)
    try:
        relative = os.path.relpath(file, target.resolve())
    except ValueError:  # another drive (Windows): no relative path leads there
        return Path(file).as_uri()
    return PurePosixPath(*Path(relative).parts).as_posix()


def rebase_evidence(poam: Poam, source: Path, target: Path) -> Poam:
    """The POA&M with every relative evidence path rebased from ``source`` to ``target``."""
    if source.resolve() == target.resolve():
        return poam
    items = tuple(
        replace(
            item,
            evidence=tuple(
                replace(evidence, uri=rebase(evidence.uri, source, target))
                for evidence in item.evidence
            ),
        )
        if item.evidence
        else item
        for item in poam.items
    )
    return replace(poam, items=items)
