"""Workbooks (XLSX, and CSV where one sheet is enough) in the layouts the field uses.

One module per layout, each with a writer and an all-or-nothing reader: ``emass`` (the eMASS
POA&M import template), ``fedramp`` (FedRAMP POA&M template v2.1), ``nist`` (the NIST SP 800-171
plan-of-action columns) and ``ssp_workbook`` (an SSP, one row per requirement and per objective).
Readers match headers by text, never by column letter; see ``docs/workbooks.md``.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from poam.core.catalog import load_catalog
from poam.core.model import ItemStatus, Poam, PoamKind, Ssp, Thresholds

LAYOUTS = {
    "emass": "emass",
    "fedramp": "fedramp",
    "nist": "nist",
    "ssp-workbook": "ssp_workbook",
}
"""Layout name (as on the command line) -> module in this package."""


def module(layout: str) -> ModuleType:
    """The module of a layout: it has ``write(document, path, ...)`` and ``read(path)``."""
    return importlib.import_module(f"{__name__}.{LAYOUTS[layout]}")


def _count(count: int, what: str) -> str:
    return f"{what} ({count} {'entry' if count == 1 else 'entries'})"


def _poam_settings(poam: Poam) -> list[str]:
    lost = []
    if poam.waivers or poam.ignore or poam.thresholds != Thresholds():
        lost.append("waivers, ignored checks and thresholds")
    return lost


def _poam_head(poam: Poam) -> list[str]:
    lost = []
    if poam.kind is PoamKind.CONDITIONAL:
        lost.append("the kind (conditional) and the Conditional status date")
    if poam.last_reviewed is not None:
        lost.append("the last review date")
    if poam.review_cadence_days is not None:
        lost.append("the review cadence")
    return lost


def lost_in(layout: str, document: Poam | Ssp) -> list[str]:
    """What of ``document`` the layout cannot carry, for a note after an export."""
    if isinstance(document, Ssp):
        if document.unknown:
            return [f"requirements the catalog does not know: {', '.join(document.unknown)}"]
        return []
    items = document.items
    lost: list[str] = []
    if layout in ("emass", "fedramp"):
        evidence = sum(1 for item in items if item.evidence)
        created = sum(1 for item in items if item.created is not None)
        if layout == "emass":
            lost += _poam_head(document)
            if evidence:
                lost.append(_count(evidence, "evidence"))
            if created:
                lost.append(_count(created, "created dates"))
            updated = sum(
                1 for i in items if i.updated is not None and i.status is not ItemStatus.CLOSED
            )
            if updated:
                lost.append(_count(updated, "last-updated dates of entries not closed"))
        else:
            lost += [h for h in _poam_head(document) if "last review" not in h]
            if document.maintainer:
                lost.append("the maintainer")
            pending = sum(1 for i in items if i.status is ItemStatus.COMPLETED_PENDING_VERIFICATION)
            if pending:
                lost.append(_count(pending, "pending verification (read back as closed)"))
            started = sum(
                1
                for i in items
                if i.status is ItemStatus.IN_PROGRESS and not any(m.completed for m in i.milestones)
            )
            if started:
                lost.append(
                    _count(started, "in progress with no milestone done (read back as not started)")
                )
    return lost + _poam_settings(document)


def unknown_requirements(poam: Poam) -> list[str]:
    """Ids of entries whose requirement the catalog does not know: they are written as they
    are, and the workbook will not import back until they are fixed."""
    catalog = load_catalog()
    return [item.id for item in poam.items if catalog.find(item.requirement) is None]
