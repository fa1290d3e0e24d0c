"""What every POA&M layout does with an entry's id and requirement cell when reading."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from poam.core.catalog import Catalog
from poam.formats.workbooks.cells import CellError, parse_requirement_list
from poam.formats.workbooks.reading import Problems


@dataclass(frozen=True, slots=True)
class Place:
    """Where a cell is: sheet, row, and the column's header as written."""

    sheet: str
    row: int
    header: str


def requirement_cell(
    text: str, catalog: Catalog, place: Place, problems: Problems
) -> tuple[str, tuple[str, ...]]:
    """The requirement and objectives named in a cell, or ("", ()) with a problem recorded."""
    try:
        return parse_requirement_list(text, catalog)
    except CellError as error:
        message = str(error) if text.strip() else "is empty; each entry names its requirement"
        problems.add(place.sheet, place.row, place.header, message)
        return "", ()


def assign_ids(
    given: Sequence[tuple[str, Place]], problems: Problems, prefix: str = "POAM-"
) -> list[str]:
    """The entry ids: those given, checked for repeats; blank ones numbered ``POAM-001``...

    Templates such as eMASS's leave the id blank for new entries (eMASS assigns it on import).
    """
    first: dict[str, Place] = {}
    for text, place in given:
        if not text:
            continue
        if text in first:
            problems.add(
                place.sheet,
                place.row,
                place.header,
                f"{text!r} is already the id of the entry on row {first[text].row}",
            )
        else:
            first[text] = place
    ids: list[str] = []
    counter = 0
    for text, _place in given:
        if text:
            ids.append(text)
            continue
        while True:
            counter += 1
            candidate = f"{prefix}{counter:03d}"
            if candidate not in first:
                break
        first[candidate] = _place
        ids.append(candidate)
    return ids
