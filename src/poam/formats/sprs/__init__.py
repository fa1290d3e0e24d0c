"""The SPRS entry of a system (``poam sprs``): the fields SPRS asks for and the 110
determinations, as text, JSON and CSV."""

from poam.formats.sprs.entry import (
    RequirementLine,
    SprsEntry,
    SprsStatus,
    sprs_entry,
)
from poam.formats.sprs.output import entry_to_csv, entry_to_data, entry_to_text

__all__ = [
    "RequirementLine",
    "SprsEntry",
    "SprsStatus",
    "entry_to_csv",
    "entry_to_data",
    "entry_to_text",
    "sprs_entry",
]
