"""Open an SSP or a POA&M file whatever its format, recognised by content, not by name.

The CLI and the web import call these, so that every command accepts every format poam reads.
Both read within the bounds of ``native.source`` (size, nesting depth, YAML aliases), so that a
hostile upload is refused with an InputError, not a crash.
"""

from __future__ import annotations

from pathlib import Path

from poam.core.catalog import Catalog
from poam.core.model import Poam, Ssp
from poam.formats.native.reader import poam_from_source, ssp_from_source
from poam.formats.native.source import read_source


def _is_oscal(path: Path) -> bool:
    """Whether ``path`` holds OSCAL (JSON, YAML or XML), judged by its first bytes."""
    from poam.formats.oscal.detect import looks_like_xml, sniff_root

    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False  # the native reader names the problem
    return looks_like_xml(head) or sniff_root(head) is not None


def load_ssp_file(path: Path, catalog: Catalog | None = None) -> Ssp:
    """An SSP from a native YAML/JSON file, or an OSCAL system-security-plan."""
    if _is_oscal(path):
        from poam.formats.oscal import load_ssp

        return load_ssp(path, catalog)
    return ssp_from_source(read_source(path), catalog)


def load_poam_file(path: Path, catalog: Catalog | None = None) -> Poam:
    """A POA&M from a native YAML/JSON file, or an OSCAL plan-of-action-and-milestones."""
    if _is_oscal(path):
        from poam.formats.oscal import load_poam

        return load_poam(path, catalog)
    return poam_from_source(read_source(path), catalog)
