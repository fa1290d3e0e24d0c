"""The native files: ``ssp.yaml`` and ``poam.yaml`` (JSON accepted), read, written, and their
published JSON Schemas. Names load on first use, so reading a file does not load the writer."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from poam.formats.native.reader import load_poam, load_ssp, loads_poam, loads_ssp
    from poam.formats.native.writer import dump_poam, dump_ssp, poam_to_data, ssp_to_data

_HOMES = {
    "load_poam": "reader",
    "load_ssp": "reader",
    "loads_poam": "reader",
    "loads_ssp": "reader",
    "dump_poam": "writer",
    "dump_ssp": "writer",
    "poam_to_data": "writer",
    "ssp_to_data": "writer",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{home}"), name)


__all__ = [
    "dump_poam",
    "dump_ssp",
    "load_poam",
    "load_ssp",
    "loads_poam",
    "loads_ssp",
    "poam_to_data",
    "ssp_to_data",
]
