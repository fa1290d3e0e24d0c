"""The assessor report (``poam report``): one self-contained HTML page, and a PDF of it.

``render_report(assessment, evidence=...)`` returns the HTML; ``html_to_pdf(html)`` prints it
with headless Chromium. Names are imported on first use, so that importing a small helper of
this package (``files``) does not load the template engine.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from poam.formats.reports.html import build_report, render_report
    from poam.formats.reports.pdf import PdfEngineMissing, PdfError, find_chromium, html_to_pdf

_WHERE = {
    "build_report": "html",
    "render_report": "html",
    "PdfEngineMissing": "pdf",
    "PdfError": "pdf",
    "find_chromium": "pdf",
    "html_to_pdf": "pdf",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "PdfEngineMissing",
    "PdfError",
    "build_report",
    "find_chromium",
    "html_to_pdf",
    "render_report",
]
