"""What a round trip through a workbook does to an assessment: export, import, assess again.

Whatever a POA&M holds, the findings poam reports on it come back the same from every POA&M
layout it writes; where a workbook does not hold what a finding rests on (a workbook typed by
hand, or exported by eMASS, has no POA&M kind), the import warns, and every error finding lost
is named by a warning. Nothing is lost without a word.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from poam.core.assess import assess
from poam.core.checks.base import LocalFile, Severity
from poam.core.model import (
    AssessmentType,
    ConditionalInfo,
    ImplementationStatus,
    Poam,
    PoamKind,
    Ssp,
)
from poam.formats.workbooks import emass, fedramp, nist
from poam.formats.workbooks.carry import poam_losses
from tests.formats.sprs.systems import item, record, ssp
from tests.formats.workbooks.helpers import edit
from tests.formats.workbooks.strategies import poams, ssps

AS_OF = date(2026, 6, 1)
EXPORTED = date(2026, 6, 1)


class Evidence:
    """Evidence files that exist when their name has an even length (so some are missing)."""

    def locate(self, uri: str) -> LocalFile | None:
        return LocalFile(uri, len(uri) % 2 == 0, "0" * 64) if uri else None


def findings(ssp: Ssp, poam: Poam, severity: Severity | None = None) -> set[tuple[Any, ...]]:
    result = assess(ssp, poam, as_of=AS_OF, evidence=Evidence())
    return {
        (f.code, f.severity, f.requirement, f.item)
        for f in result.findings
        if severity is None or f.severity is severity
    }


Writer = Callable[[Poam, Path], None]
LAYOUTS: dict[str, tuple[Writer, ModuleType, str]] = {
    "emass": (lambda p, path: emass.write(p, path, exported=EXPORTED), emass, "xlsx"),
    "emass-csv": (
        lambda p, path: emass.write(p, path, exported=EXPORTED, fmt="csv"),
        emass,
        "csv",
    ),
    "emass-army": (
        lambda p, path: emass.write(p, path, exported=EXPORTED, variant="army"),
        emass,
        "xlsx",
    ),
    "fedramp": (fedramp.write, fedramp, "xlsx"),
    "nist": (nist.write, nist, "xlsx"),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ssp=ssps(), poam=poams())
def test_a_round_trip_loses_no_error_and_changes_nothing_unsaid(
    layout: str, ssp: Ssp, poam: Poam, tmp_path: Path
) -> None:
    """No error finding is lost; any other change comes from what the export said it could not
    carry (eMASS reads a closed entry without a date back as pending verification, which may
    add an error, never hide one)."""
    write, module, suffix = LAYOUTS[layout]
    path = tmp_path / f"poam.{suffix}"
    write(poam, path)
    imported = module.read(path)
    before, after = findings(ssp, poam), findings(ssp, imported.document)
    assert {f for f in before - after if f[1] is Severity.ERROR} == set()
    if before != after:
        assert poam_losses(poam, module.carried(poam))
    assert imported.warnings == ()


@pytest.mark.parametrize("layout", ["emass", "fedramp"])
@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ssp=ssps(), poam=poams())
def test_a_workbook_without_the_kind_names_every_error_it_cannot_restore(
    layout: str, ssp: Ssp, poam: Poam, tmp_path: Path
) -> None:
    """As a workbook from eMASS or typed into the blank template: no POA&M Kind cell."""
    write, module, _ = LAYOUTS[layout]
    path = tmp_path / "poam.xlsx"
    write(poam, path)

    def forget_the_kind(workbook: Any) -> None:
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(max_row=6):
                for cell in row:
                    if str(cell.value).startswith(("POA&M Kind", "Conditional Status Date")):
                        cell.value = None

    edit(path, forget_the_kind)
    imported = module.read(path)
    lost = findings(ssp, poam, Severity.ERROR) - findings(ssp, imported.document, Severity.ERROR)
    warned = " ".join(imported.warnings)
    assert imported.warnings
    assert all(code in warned for code, *_ in lost), (lost, imported.warnings)


def test_the_conditional_errors_that_an_internal_import_used_to_drop(tmp_path: Path) -> None:
    """The issue's case: a Conditional POA&M holding an ineligible requirement, exported to
    eMASS and FedRAMP, came back internal and the error was gone without a word."""
    the_ssp = ssp(record("3.5.3", ImplementationStatus.NOT_IMPLEMENTED))
    poam = Poam(
        kind=PoamKind.CONDITIONAL,
        conditional=ConditionalInfo(AssessmentType.C3PAO, date(2026, 3, 1)),
        maintainer="Maria Kowalski, IT Manager",
        items=(item("P-1", "3.5.3", date(2026, 8, 1)),),
    )
    codes = {code for code, *_ in findings(the_ssp, poam, Severity.ERROR)}
    assert "ineligible-on-conditional-poam" in codes
    for name in ("emass", "fedramp"):
        write, module, _ = LAYOUTS[name]
        path = tmp_path / f"{name}.xlsx"
        write(poam, path)
        imported = module.read(path)
        assert imported.document.kind is PoamKind.CONDITIONAL
        assert imported.document.conditional == poam.conditional
        assert findings(the_ssp, imported.document) == findings(the_ssp, poam)
