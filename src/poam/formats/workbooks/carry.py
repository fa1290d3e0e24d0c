"""What a layout cannot carry, said in words: the differences between a document and the one the
layout gives back (its ``carried``), as the note printed after an export.

Each layout owns ``carried(document)``, the document as exporting and importing it gives it
back; the round-trip property tests prove ``read(write(d)) == carried(d)``, so the note, being
computed from ``carried``, can neither miss a loss nor invent one.
"""

from __future__ import annotations

from collections.abc import Callable

from poam.core.catalog import load_catalog
from poam.core.model import ItemStatus, Poam, PoamItem, Ssp, Thresholds


def _entries(count: int) -> str:
    return f"{count} {'entry' if count == 1 else 'entries'}"


_ITEM_FIELDS: tuple[tuple[str, Callable[[PoamItem], object]], ...] = (
    ("created dates", lambda item: item.created),
    ("last-updated dates", lambda item: item.updated),
    ("evidence", lambda item: item.evidence),
    ("milestones", lambda item: item.milestones),
    ("comments", lambda item: item.comments),
)


_POAM_FIELDS: tuple[tuple[str, Callable[[Poam], object]], ...] = (
    ("the maintainer", lambda poam: poam.maintainer),
    ("the last review date", lambda poam: poam.last_reviewed),
    ("the review cadence", lambda poam: poam.review_cadence_days),
)


def _status_changes(before: list[PoamItem], after: dict[str, PoamItem]) -> list[str]:
    moves: dict[tuple[ItemStatus, ItemStatus], int] = {}
    for item in before:
        back = after.get(item.id)
        if back is not None and back.status is not item.status:
            key = (item.status, back.status)
            moves[key] = moves.get(key, 0) + 1
    return [
        f"{_entries(count)} {old.value} (read back as {new.value})"
        for (old, new), count in moves.items()
    ]


def poam_losses(original: Poam, carried: Poam) -> list[str]:
    """What of ``original`` does not survive, POA&M facts first, then entry fields."""
    lost: list[str] = []
    if (original.kind, original.conditional) != (carried.kind, carried.conditional):
        lost.append(f"the kind ({original.kind.value}) and the Conditional status")
    for label, value in _POAM_FIELDS:
        if value(original) != value(carried):
            lost.append(label)
    if (original.waivers, original.ignore, original.thresholds) != (
        carried.waivers,
        carried.ignore,
        carried.thresholds,
    ) and (original.waivers or original.ignore or original.thresholds != Thresholds()):
        lost.append("waivers, ignored checks and thresholds")
    back = {item.id: item for item in carried.items}
    for label, field_of in _ITEM_FIELDS:
        count = sum(
            1
            for item in original.items
            if item.id in back and field_of(item) != field_of(back[item.id])
        )
        if count:
            lost.append(f"{label} ({_entries(count)})")
    lost += _status_changes(list(original.items), back)
    return lost


def ssp_losses(original: Ssp, carried: Ssp) -> list[str]:
    if original.unknown and not carried.unknown:
        return [f"requirements the catalog does not know: {', '.join(original.unknown)}"]
    return []


def unknown_requirements(poam: Poam) -> list[str]:
    """Ids of entries whose requirement the catalog does not know: they are written as they
    are, and the workbook will not import back until they are fixed."""
    catalog = load_catalog()
    return [item.id for item in poam.items if catalog.find(item.requirement) is None]
