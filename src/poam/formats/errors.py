"""Errors in input files, each naming the file, the place in it and the field.

Readers collect every problem they can find before giving up, and raise one :class:`InputError`
holding them all; nothing is written when a file is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input file."""

    file: str
    message: str
    field: str = ""
    """Where in the document: ``items[2] (POAM-003).status``, or a sheet/column for workbooks."""
    line: int | None = None
    column: int | None = None
    sheet: str | None = None
    """For workbooks: the sheet ("" for a CSV file); ``line`` is then the row and ``field`` the
    column's header."""

    def __str__(self) -> str:
        if self.sheet is not None:
            return self._workbook_str()
        place = self.file
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        field = f" {self.field}:" if self.field else ""
        return f"{place}:{field} {self.message}"

    def _workbook_str(self) -> str:
        """``file: sheet 'POA&M', row 12, column 'Milestone Status': 'Done' is not ...``"""
        place = [f"sheet {self.sheet!r}"] if self.sheet else []
        if self.line is not None:
            place.append(f"row {self.line}")
        if self.field:
            place.append(f"column {self.field!r}")
        return f"{self.file}: {', '.join(place)}: {self.message}"


class InputError(Exception):
    """A file that poam cannot use, with every problem found in it."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))

    @classmethod
    def single(
        cls,
        file: str,
        message: str,
        *,
        field: str = "",
        line: int | None = None,
        column: int | None = None,
        sheet: str | None = None,
    ) -> InputError:
        return cls([Problem(file, message, field=field, line=line, column=column, sheet=sheet)])
