"""What every POA&M layout does with an entry's id and requirement cell when reading."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from poam.core.catalog import Catalog
from poam.core.model import Evidence
from poam.formats.workbooks.cells import (
    ANY_DATE,
    CellError,
    parse_requirement_list,
    parse_text_date,
)
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


def evidence_text(evidence: Evidence, style: Callable[[date], str]) -> str:
    """``title | uri | sha256 <hex> | date``, leaving out what is not known."""
    parts = [evidence.title]
    if evidence.uri:
        parts.append(evidence.uri)
    if evidence.sha256:
        parts.append(f"sha256 {evidence.sha256}")
    if evidence.date is not None:
        parts.append(style(evidence.date))
    return " | ".join(parts)


def parse_evidence(text: str) -> Evidence:
    """The inverse of :func:`evidence_text`; a line without ``|`` is a title alone."""
    title, *parts = (part.strip() for part in text.strip().split(" | "))
    uri, sha256, when = "", None, None
    for part in parts:
        if part.casefold().startswith("sha256 "):
            sha256 = part[7:].strip().lower()
        elif re.fullmatch(ANY_DATE, part):
            when = parse_text_date(part)
        elif not uri:
            uri = part
    return Evidence(title=title, uri=uri, sha256=sha256, date=when)
