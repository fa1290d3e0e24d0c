"""OSCAL 1.1.3 (JSON and YAML): the SSP and the POA&M in and out, mapped to the core model.

See ``docs/oscal.md`` for the mapping, poam's props and what an import reports.
"""

from poam.formats.oscal.files import Imported, dumps, export, load_poam, load_ssp, read_file
from poam.formats.oscal.poam_writer import poam_to_oscal
from poam.formats.oscal.ssp_writer import ssp_to_oscal

__all__ = [
    "Imported",
    "dumps",
    "export",
    "load_poam",
    "load_ssp",
    "poam_to_oscal",
    "read_file",
    "ssp_to_oscal",
]
