"""The native files: ``ssp.yaml`` and ``poam.yaml`` (JSON accepted), read, written, and their
published JSON Schemas."""

from poam.formats.native.reader import load_poam, load_ssp, loads_poam, loads_ssp
from poam.formats.native.writer import dump_poam, dump_ssp, poam_to_data, ssp_to_data

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
