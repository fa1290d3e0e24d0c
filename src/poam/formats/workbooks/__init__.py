"""Workbooks (XLSX, and CSV where one sheet is enough) in the layouts the field uses.

:data:`LAYOUTS` is the typed registry: each :class:`Layout` names its module, what it holds, the
formats it is written in and its help texts, so that the CLI builds one export and one import
command per layout in a loop. Each layout module (``emass``, ``fedramp``, ``nist``,
``ssp_workbook``) has a writer, an all-or-nothing reader, and :func:`carried`: the document as
the layout gives it back, from which what it cannot carry is said after every export and
proved by the round-trip tests. Readers match headers by text, never by column letter; see
``docs/workbooks.md``.

This module imports nothing heavy: the CLI reads the registry when it starts.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Literal, Protocol, cast

if TYPE_CHECKING:
    from poam.core.model import Poam, Ssp
    from poam.formats.workbooks.reading import Imported

Holds = Literal["poam", "ssp"]


class LayoutModule(Protocol):
    """What every layout module provides, whatever it holds."""

    def export(
        self,
        ssp: Ssp | None,
        poam: Poam | None,
        path: Path,
        *,
        fmt: str,
        exported: date,
        variant: str | None,
    ) -> None:
        """Write the document the layout holds to ``path`` (atomically)."""

    def read(self, path: Path) -> Imported[Poam] | Imported[Ssp]:
        """The document of a workbook, all or nothing (InputError naming every bad cell)."""

    def carried(self, document: Poam | Ssp) -> Poam | Ssp:
        """``document`` as exporting and importing it again gives it back."""


@dataclass(frozen=True, slots=True)
class Layout:
    """One workbook layout: the name on the command line and what it is."""

    name: str
    title: str
    holds: Holds
    module_name: str
    formats: tuple[str, ...]
    default_out: str
    export_help: str
    import_help: str
    variants: tuple[str, ...] = ()
    """Template variants (the first is the default); empty when there is one form."""
    dated: bool = False
    """Whether the workbook records the export date (the CLI's --as-of)."""

    @property
    def document_file(self) -> str:
        return f"{self.holds}.yaml"

    def module(self) -> LayoutModule:
        return cast(LayoutModule, importlib.import_module(f"{__name__}.{self.module_name}"))


LAYOUTS: tuple[Layout, ...] = (
    Layout(
        name="emass",
        title="eMASS POA&M",
        holds="poam",
        module_name="emass",
        formats=("xlsx", "csv"),
        default_out="poam-emass.xlsx",
        export_help="Write the POA&M in the eMASS POA&M import template: sheet POA&M, header "
        "block, headers on row 7 from column B, one row per milestone, MM/DD/YYYY dates.",
        import_help="Read an eMASS POA&M workbook (any current variant, the legacy template, or "
        "CSV) into poam.yaml.",
        variants=("navy", "army", "marine-corps"),
        dated=True,
    ),
    Layout(
        name="fedramp",
        title="FedRAMP POA&M v2.1",
        holds="poam",
        module_name="fedramp",
        formats=("xlsx",),
        default_out="poam-fedramp.xlsx",
        export_help="Write the POA&M in the FedRAMP POA&M template v2.1 (Open and Closed POA&M "
        "Items).",
        import_help="Read a FedRAMP v2.1 POA&M workbook into poam.yaml.",
    ),
    Layout(
        name="nist",
        title="NIST SP 800-171 plan of action",
        holds="poam",
        module_name="nist",
        formats=("xlsx", "csv"),
        default_out="poam-nist.xlsx",
        export_help="Write the POA&M in the NIST SP 800-171 plan-of-action columns (lossless).",
        import_help="Read a NIST plan-of-action workbook (XLSX or CSV) into poam.yaml.",
    ),
    Layout(
        name="ssp-workbook",
        title="SSP workbook",
        holds="ssp",
        module_name="ssp_workbook",
        formats=("xlsx",),
        default_out="ssp.xlsx",
        export_help="Write the SSP as a workbook: one row per requirement and one per objective, "
        "and the CMMC status record (assessments of record and affirmations).",
        import_help="Read an SSP workbook into ssp.yaml.",
    ),
)
BY_NAME = {layout.name: layout for layout in LAYOUTS}


def module(layout: str) -> ModuleType:
    """The module of a layout by name: it has ``write(document, path, ...)`` and ``read(path)``
    (the web application's exports call it)."""
    return importlib.import_module(f"{__name__}.{BY_NAME[layout].module_name}")
