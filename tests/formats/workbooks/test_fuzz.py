"""Whatever people type into a cell, a reader answers with a document or an InputError naming
the cell: never another exception (which the CLI would show as a traceback)."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from poam.core.model import Poam, Ssp
from poam.formats.errors import InputError
from poam.formats.workbooks import emass, fedramp, nist, ssp_workbook
from tests.formats.workbooks.helpers import edit

values = st.one_of(
    st.none(),
    st.text(max_size=30).map(lambda text: ILLEGAL_CHARACTERS_RE.sub("", text)),
    st.sampled_from(
        [
            "(1)",
            "(2) Update 2026-01-01 :",
            "moved from",
            "3.1.1[z]",
            "Ongoing",
            "Completed",
            "01/02/2026",
            "2026-13-01",
            "=1+1",
            "Evidence : x | y",
        ]
    ),
    st.integers(-10, 100_000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)),
)
cells = st.lists(st.tuples(st.integers(1, 40), st.integers(1, 12), values), min_size=1, max_size=6)

LAYOUTS: dict[str, tuple[ModuleType, str, int]] = {
    "emass": (emass, "POA&M", 7),
    "fedramp": (fedramp, "Open POA&M Items", 5),
    "nist": (nist, "Plan of Action", 11),
    "ssp-workbook": (ssp_workbook, "Requirements", 1),
}


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from poam.formats.native import load_poam, load_ssp
    from tests.conftest import EXAMPLES
    from tests.formats.workbooks.conftest import _known_only

    folder = EXAMPLES / "summit-conditional"
    ssp: Ssp = load_ssp(folder / "ssp.yaml")
    poam: Poam = _known_only(load_poam(folder / "poam.yaml"))
    base = tmp_path_factory.mktemp("fuzz")
    paths = {}
    for name, (module, _, _) in LAYOUTS.items():
        path = base / f"{name}.xlsx"
        if module is ssp_workbook:
            module.write(ssp, path)
        else:
            module.write(poam, path, exported=date(2026, 10, 1), ssp=ssp)
        paths[name] = path
    return paths


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(changes=cells)
def test_any_cell_value_gives_a_document_or_an_input_error(
    layout: str, changes: list[tuple[int, int, Any]], written: dict[str, Path], tmp_path: Path
) -> None:
    module, sheet, header_row = LAYOUTS[layout]
    path = tmp_path / f"{layout}.xlsx"
    shutil.copy(written[layout], path)

    def change(workbook: Any) -> None:
        worksheet = workbook[sheet]
        for column, offset, value in changes:
            cell = worksheet.cell(row=header_row + offset, column=column, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"

    edit(path, change)
    try:
        module.read(path)
    except InputError as error:
        assert error.problems
        assert all(str(problem).startswith(str(path)) for problem in error.problems)
