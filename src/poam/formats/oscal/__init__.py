"""OSCAL 1.1.3 (JSON and YAML; XML read too): the SSP and the POA&M in and out, mapped to the
core model. See ``docs/oscal.md`` for the mapping, poam's props and what an import reports.

The names below load on first use, so that recognising a file as OSCAL
(``poam.formats.oscal.detect``, called for every file ``poam check`` opens) stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from poam.formats.oscal.baseline import catalog_to_oscal, profile_to_oscal
    from poam.formats.oscal.files import (
        Imported,
        baseline,
        dumps,
        export,
        load_poam,
        load_ssp,
        read_file,
    )
    from poam.formats.oscal.links import rebase_evidence
    from poam.formats.oscal.poam_writer import poam_to_oscal
    from poam.formats.oscal.ssp_writer import ssp_to_oscal

_WHERE = {
    "Imported": "files",
    "baseline": "files",
    "catalog_to_oscal": "baseline",
    "profile_to_oscal": "baseline",
    "rebase_evidence": "links",
    "dumps": "files",
    "export": "files",
    "load_poam": "files",
    "load_ssp": "files",
    "read_file": "files",
    "poam_to_oscal": "poam_writer",
    "ssp_to_oscal": "ssp_writer",
}

__all__ = [
    "Imported",
    "baseline",
    "catalog_to_oscal",
    "dumps",
    "export",
    "load_poam",
    "load_ssp",
    "poam_to_oscal",
    "profile_to_oscal",
    "read_file",
    "rebase_evidence",
    "ssp_to_oscal",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{module}"), name)
