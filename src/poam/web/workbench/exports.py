"""The one module of the web application that calls the file formats of ``poam.formats``.

Each export is produced by the format's own writer from the core objects of a system (no format
is re-implemented here). Formats are looked up when asked for: one that is not installed in this
checkout is simply not offered.
"""

from __future__ import annotations

import importlib
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from poam.core.serialize import assessment_to_data
from poam.web.workbench.assessment import Assessed

JSON = "application/json"
YAML = "application/yaml"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"
HTML = "text/html; charset=utf-8"


class NotAvailable(LookupError):
    """The export needs something the system does not have (e.g. a POA&M) or a missing format."""


@dataclass(frozen=True)
class Export:
    key: str
    label: str
    group: str
    extension: str
    content_type: str
    module: str
    produce: Callable[[Assessed], bytes | str]
    needs_poam: bool = False

    def available(self, assessed: Assessed | None = None) -> bool:
        if self.needs_poam and assessed is not None and assessed.assessment.poam is None:
            return False
        try:
            importlib.import_module(self.module)
        except ImportError:
            return False
        return True

    def filename(self, assessed: Assessed) -> str:
        name = "".join(c if c.isalnum() else "-" for c in assessed.snapshot.system.name.lower())
        name = "-".join(part for part in name.split("-") if part) or "system"
        return f"{name}-{self.key}.{self.extension}"

    def run(self, assessed: Assessed) -> bytes:
        if not self.available(assessed):
            raise NotAvailable(self.key)
        out = self.produce(assessed)
        return out.encode("utf-8") if isinstance(out, str) else out


def _poam(assessed: Assessed) -> Any:
    poam = assessed.assessment.poam
    if poam is None:
        raise NotAvailable("this system has no POA&M")
    return poam


def _native(kind: str, fmt: str) -> Callable[[Assessed], str]:
    def produce(assessed: Assessed) -> str:
        from poam.formats.native import dump_poam, dump_ssp

        if kind == "ssp":
            return dump_ssp(assessed.assessment.ssp, fmt)
        return dump_poam(_poam(assessed), fmt)

    return produce


def _assessment_json(assessed: Assessed) -> str:
    return json.dumps(assessment_to_data(assessed.assessment), indent=2, ensure_ascii=False) + "\n"


def _report(assessed: Assessed) -> str:
    reports: Any = importlib.import_module("poam.formats.reports")
    return str(reports.render_report(assessed.assessment, evidence=assessed.snapshot.evidence))


def _sprs(fmt: str) -> Callable[[Assessed], str]:
    def produce(assessed: Assessed) -> str:
        sprs: Any = importlib.import_module("poam.formats.sprs")
        entry = sprs.sprs_entry(assessed.assessment)
        if fmt == "csv":
            return str(sprs.entry_to_csv(entry))
        return json.dumps(sprs.entry_to_data(entry), indent=2, ensure_ascii=False) + "\n"

    return produce


def _oscal(kind: str) -> Callable[[Assessed], str]:
    def produce(assessed: Assessed) -> str:
        oscal: Any = importlib.import_module("poam.formats.oscal")
        result = assessed.assessment
        if kind == "ssp":
            document = oscal.ssp_to_oscal(result.ssp)
        else:
            document = oscal.poam_to_oscal(_poam(assessed), result.ssp)
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

    return produce


def _workbook(layout: str, fmt: str = "xlsx") -> Callable[[Assessed], bytes]:
    def produce(assessed: Assessed) -> bytes:
        workbooks: Any = importlib.import_module("poam.formats.workbooks")
        module = workbooks.module(layout)
        result = assessed.assessment
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"export.{fmt}"
            if layout == "ssp-workbook":
                module.write(result.ssp, path, fmt=fmt)
            else:
                module.write(_poam(assessed), path, exported=result.as_of, ssp=result.ssp, fmt=fmt)
            return path.read_bytes()

    return produce


EXPORTS: tuple[Export, ...] = (
    Export(
        "ssp",
        "SSP (poam YAML)",
        "Native files",
        "yaml",
        YAML,
        "poam.formats.native",
        _native("ssp", "yaml"),
    ),
    Export(
        "poam",
        "POA&M (poam YAML)",
        "Native files",
        "yaml",
        YAML,
        "poam.formats.native",
        _native("poam", "yaml"),
        needs_poam=True,
    ),
    Export(
        "ssp-json",
        "SSP (poam JSON)",
        "Native files",
        "json",
        JSON,
        "poam.formats.native",
        _native("ssp", "json"),
    ),
    Export(
        "poam-json",
        "POA&M (poam JSON)",
        "Native files",
        "json",
        JSON,
        "poam.formats.native",
        _native("poam", "json"),
        needs_poam=True,
    ),
    Export(
        "assessment",
        "Assessment (JSON, as poam check --format json)",
        "Assessment",
        "json",
        JSON,
        "poam.core.serialize",
        _assessment_json,
    ),
    Export(
        "report",
        "Assessor report (HTML)",
        "Assessment",
        "html",
        HTML,
        "poam.formats.reports.html",
        _report,
    ),
    Export(
        "sprs-csv", "SPRS entry (CSV)", "Assessment", "csv", CSV, "poam.formats.sprs", _sprs("csv")
    ),
    Export(
        "sprs-json",
        "SPRS entry (JSON)",
        "Assessment",
        "json",
        JSON,
        "poam.formats.sprs",
        _sprs("json"),
    ),
    Export(
        "oscal-ssp",
        "SSP (OSCAL 1.1.3 JSON)",
        "OSCAL",
        "json",
        JSON,
        "poam.formats.oscal",
        _oscal("ssp"),
    ),
    Export(
        "oscal-poam",
        "POA&M (OSCAL 1.1.3 JSON)",
        "OSCAL",
        "json",
        JSON,
        "poam.formats.oscal",
        _oscal("poam"),
        needs_poam=True,
    ),
    Export(
        "emass",
        "eMASS POA&M workbook",
        "Workbooks",
        "xlsx",
        XLSX,
        "poam.formats.workbooks.emass",
        _workbook("emass"),
        needs_poam=True,
    ),
    Export(
        "fedramp",
        "FedRAMP POA&M workbook (v2.1)",
        "Workbooks",
        "xlsx",
        XLSX,
        "poam.formats.workbooks.fedramp",
        _workbook("fedramp"),
        needs_poam=True,
    ),
    Export(
        "nist",
        "NIST SP 800-171 plan of action workbook",
        "Workbooks",
        "xlsx",
        XLSX,
        "poam.formats.workbooks.nist",
        _workbook("nist"),
        needs_poam=True,
    ),
    Export(
        "ssp-workbook",
        "SSP workbook",
        "Workbooks",
        "xlsx",
        XLSX,
        "poam.formats.workbooks.ssp_workbook",
        _workbook("ssp-workbook"),
    ),
)
BY_KEY = {export.key: export for export in EXPORTS}


def available(assessed: Assessed) -> list[Export]:
    return [export for export in EXPORTS if export.available(assessed)]
