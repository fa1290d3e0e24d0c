"""What a layout cannot carry, said in words: the differences between a document and the one the
layout gives back (its ``carried``), as the note printed after an export.

Each layout owns ``carried(document)``, the document as exporting and importing it gives it
back; the round-trip property tests prove ``read(write(d)) == carried(d)``, so the note, being
computed from ``carried``, can neither miss a loss nor invent one. The comparison walks every
field of the model, so a field added to the model later, and not written by a layout, is named
in the note rather than lost in silence.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from typing import Any

from poam.core.catalog import load_catalog
from poam.core.model import ItemStatus, Poam, PoamItem, Ssp

_POAM_LABELS = {
    "maintainer": "the maintainer",
    "last_reviewed": "the last review date",
    "review_cadence_days": "the review cadence",
    "waivers": "waivers, ignored checks and thresholds",
    "ignore": "waivers, ignored checks and thresholds",
    "thresholds": "waivers, ignored checks and thresholds",
}
_ITEM_LABELS = {
    "requirement": "requirements",
    "gap": "gaps",
    "remediation": "remediation steps",
    "owner": "owners",
    "created": "created dates",
    "updated": "last-updated dates",
    "identified_by": "identification sources",
}
_SSP_LABELS = {
    "system": "the system's facts",
    "info.version": "the SSP version",
    "info.date": "the SSP date",
    "info.update_cadence_days": "the SSP update cadence",
    "info.last_changed": "the date the SSP's content last changed",
    "cmmc": "the CMMC status record (assessments and affirmations)",
}


def _entries(count: int) -> str:
    return f"{count} {'entry' if count == 1 else 'entries'}"


def _named(name: str) -> str:
    return name.replace("_", " ").replace(".", "'s ")


def _differing(original: Any, carried: Any, prefix: str = "") -> list[str]:
    """Dotted names of the fields that differ, down into nested records."""
    if not (is_dataclass(original) and type(original) is type(carried)):
        return [prefix.rstrip(".")] if original != carried else []
    names: list[str] = []
    for item in fields(original):
        before, after = getattr(original, item.name), getattr(carried, item.name)
        if before == after:
            continue
        if is_dataclass(before) and not isinstance(before, type):
            names += _differing(before, after, f"{prefix}{item.name}.")
        else:
            names.append(f"{prefix}{item.name}")
    return names


def _add(lost: list[str], label: str) -> None:
    if label not in lost:
        lost.append(label)


def _status_changes(original: Poam, back: dict[str, PoamItem]) -> list[str]:
    moves: dict[tuple[ItemStatus, ItemStatus], int] = {}
    for item in original.items:
        other = back.get(item.id)
        if other is not None and other.status is not item.status:
            key = (item.status, other.status)
            moves[key] = moves.get(key, 0) + 1
    return [
        f"{_entries(count)} {old.value} (read back as {new.value})"
        for (old, new), count in moves.items()
    ]


def poam_losses(original: Poam, carried: Poam) -> list[str]:
    """What of ``original`` does not survive, POA&M facts first, then entry fields."""
    lost: list[str] = []
    for name in _differing(original, carried):
        top = name.split(".")[0]
        if top == "items":
            continue
        if top in ("kind", "conditional"):
            _add(lost, f"the kind ({original.kind.value}) and the Conditional status")
        else:
            _add(lost, _POAM_LABELS.get(top, f"the {_named(top)}"))
    back = {item.id: item for item in carried.items}
    counts: dict[str, int] = {}
    for item in original.items:
        other = back.get(item.id)
        if other is None:
            continue
        for name in {n.split(".")[0] for n in _differing(item, other)} - {"id", "status"}:
            label = _ITEM_LABELS.get(name, _named(name))
            counts[label] = counts.get(label, 0) + 1
    order = [_ITEM_LABELS.get(f.name, _named(f.name)) for f in fields(PoamItem)]
    lost += [f"{label} ({_entries(counts[label])})" for label in order if label in counts]
    lost += _status_changes(original, back)
    return lost


def ssp_losses(original: Ssp, carried: Ssp) -> list[str]:
    """What of ``original`` the SSP workbook does not give back."""
    lost: list[str] = []
    for name in _differing(original, carried):
        if name == "unknown":
            _add(lost, f"requirements the catalog does not know: {', '.join(original.unknown)}")
        elif name == "requirements":
            _add(lost, "requirement records")
        else:
            key = name if name in _SSP_LABELS else name.split(".")[0]
            _add(lost, _SSP_LABELS.get(key, f"the {_named(name)}"))
    return lost


def record_not_carried(ssp: Ssp | None) -> list[str]:
    """What a POA&M layout says of the SSP's CMMC status record: a POA&M workbook holds the
    POA&M, so the assessments and affirmations beside it are not in it (they stay in
    ``ssp.yaml``, and the SSP workbook and OSCAL carry them). A Conditional POA&M's own status
    (its kind and status date) is the POA&M's, and is named by :func:`poam_losses` if lost."""
    if ssp is None:
        return []
    assessments = [a for a in ssp.cmmc.assessments if not a.implied]
    affirmations = ssp.cmmc.affirmations
    if not assessments and not affirmations:
        return []
    counts = []
    if assessments:
        counts.append(f"{len(assessments)} assessment{'s' if len(assessments) != 1 else ''}")
    if affirmations:
        counts.append(f"{len(affirmations)} affirmation{'s' if len(affirmations) != 1 else ''}")
    return [
        f"the SSP's CMMC status record ({' and '.join(counts)}): a POA&M workbook holds the "
        "POA&M only; export the SSP with ssp-workbook or oscal to carry it"
    ]


def unknown_requirements(poam: Poam) -> list[str]:
    """Ids of entries whose requirement the catalog does not know: they are written as they
    are, and the workbook will not import back until they are fixed."""
    catalog = load_catalog()
    return [item.id for item in poam.items if catalog.find(item.requirement) is None]
