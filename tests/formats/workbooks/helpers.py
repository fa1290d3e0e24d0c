"""Helpers for the workbook tests: edit a written workbook as a person would in Excel."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from poam.formats.errors import InputError


def load(path: Path) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # templates carry extensions openpyxl warns about
        return openpyxl.load_workbook(path)


def edit(path: Path, change: Callable[[Any], object], out: Path | None = None) -> Path:
    """Open ``path`` in openpyxl, apply ``change`` to the workbook, save (to ``out``)."""
    workbook = load(path)
    change(workbook)
    target = out or path
    workbook.save(target)
    return target


def problems(read: Callable[[Path], object], path: Path) -> list[str]:
    """The problems reading ``path`` raises, as the CLI prints them (file name stripped)."""
    with pytest.raises(InputError) as error:
        read(path)
    return [str(p).removeprefix(f"{path}: ") for p in error.value.problems]


def header_cells(worksheet: Any, row: int) -> dict[str, str]:
    """Header text -> column letter on ``row``."""
    return {
        str(cell.value): cell.column_letter for cell in worksheet[row] if cell.value is not None
    }
