"""The CMMC status record in the SSP workbook: sheet ``Assessments`` (one row per assessment of
record, with the closeout of its POA&M) and sheet ``Affirmations`` (one row per affirmation of
the Affirming Official), as ``cmmc`` in ``ssp.yaml`` holds them (docs/files.md).

The words in the cells are poam's labels (``poam.core.labels``); the native values (``c3pao``,
``conditional``, ``post-closeout``) are accepted too. Each value is checked as ``ssp.yaml``
checks it (a score from -203 to 110, a CMMC UID of at most 64 characters, a name and title of
at most 200), so that what an import writes always reads back. Both sheets are optional on
import: a workbook written before poam kept the record has none, and reads as no record.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypeVar

from poam.core.labels import AFFIRMATION_KIND, ASSESSMENT_RESULT, ASSESSMENT_TYPE, CLOSEOUT_RESULT
from poam.core.model import (
    Affirmation,
    AffirmationKind,
    AssessmentOfRecord,
    AssessmentResult,
    AssessmentType,
    Closeout,
    CmmcRecord,
)
from poam.formats.workbooks.cells import CellError, normalize_header, parse_date
from poam.formats.workbooks.reading import Column, Problems, Row, Table
from poam.formats.workbooks.writing import (
    PrintSetup,
    SheetOut,
    Validation,
    column_list,
    date_check,
)

ASSESSMENTS, AFFIRMATIONS = "Assessments", "Affirmations"
MIN_SCORE, MAX_SCORE = -203, 110
MAX_UID = 64
MAX_NAME = 200

ASSESSMENT_COLUMNS = (
    Column("type", "Assessment type", aliases=("Type", "Assessed by"), required=True),
    Column("date", "Assessment date", aliases=("Date", "Date assessed"), required=True),
    Column("status_date", "CMMC Status Date", aliases=("Status date",), required=True),
    Column("result", "CMMC Status", aliases=("Result", "Status"), required=True),
    Column("score", "Score", aliases=("SPRS score",)),
    Column("uid", "CMMC UID", aliases=("UID", "CMMC Unique Identifier")),
    Column("closeout_date", "POA&M closeout date", aliases=("Closeout date",)),
    Column("closeout_result", "POA&M closeout result", aliases=("Closeout result",)),
)
AFFIRMATION_COLUMNS = (
    Column("type", "Affirmation", aliases=("Type", "Affirmation type"), required=True),
    Column("date", "Date", aliases=("Affirmation date", "Date affirmed"), required=True),
    Column("official", "Affirming Official", aliases=("Official",), required=True),
    Column(
        "title", "Title", aliases=("Affirming Official's title", "Official's title"), required=True
    ),
)

Choice = TypeVar("Choice", bound=StrEnum)


def _key(text: str) -> str:
    return normalize_header(text.replace("-", " ").replace("_", " "))


def _choices(labels: Mapping[Choice, str]) -> dict[str, Choice]:
    """The label and the native value of each choice, compared loosely."""
    found = {_key(value.value): value for value in labels}
    found.update({_key(text): value for value, text in labels.items()})
    return found


_TYPE_IN = _choices(ASSESSMENT_TYPE)
_RESULT_IN = _choices(ASSESSMENT_RESULT) | {
    _key(result.value.title()): result for result in AssessmentResult
}  # "Conditional", "Final": the status named without its level
_CLOSEOUT_IN = _choices(CLOSEOUT_RESULT)
_AFFIRMATION_IN = _choices(AFFIRMATION_KIND)


# --- writing ---------------------------------------------------------------------------------


def sheets(record: CmmcRecord) -> list[SheetOut]:
    """The two sheets, headers first; an empty record gives two empty forms."""
    assessments: list[list[object]] = [[c.header for c in ASSESSMENT_COLUMNS]]
    for item in record.assessments:
        if item.implied:  # inferred from a Conditional POA&M: it lives in poam.yaml
            continue
        closeout = item.closeout
        assessments.append(
            [
                ASSESSMENT_TYPE[item.type],
                item.date,
                item.status_date,
                ASSESSMENT_RESULT[item.result],
                item.score,
                item.uid,
                closeout.date if closeout else None,
                CLOSEOUT_RESULT[closeout.result] if closeout else None,
            ]
        )
    affirmations: list[list[object]] = [[c.header for c in AFFIRMATION_COLUMNS]]
    for affirmation in record.affirmations:
        affirmations.append(
            [
                AFFIRMATION_KIND[affirmation.kind],
                affirmation.date,
                affirmation.official,
                affirmation.title,
            ]
        )
    dates = "Enter a date (MM/DD/YYYY)."
    return [
        SheetOut(
            ASSESSMENTS,
            assessments,
            header_row=1,
            freeze="A2",
            widths=dict(
                zip("ABCDEFGH", (16.0, 16.0, 18.0, 22.0, 9.0, 24.0, 20.0, 20.0), strict=True)
            ),
            validations=[
                column_list("A2:A1048576", tuple(ASSESSMENT_TYPE.values())),
                date_check("B2:C1048576 G2:G1048576", error=dates),
                column_list("D2:D1048576", tuple(ASSESSMENT_RESULT.values())),
                Validation(
                    "E2:E1048576",
                    "whole",
                    operator="between",
                    first=str(MIN_SCORE),
                    second=str(MAX_SCORE),
                    error=f"A score from {MIN_SCORE} to {MAX_SCORE} (32 CFR 170.24).",
                    error_title="Invalid entry",
                ),
                column_list("H2:H1048576", tuple(CLOSEOUT_RESULT.values())),
            ],
            printing=PrintSetup(repeat_rows=(1, 1)),
        ),
        SheetOut(
            AFFIRMATIONS,
            affirmations,
            header_row=1,
            freeze="A2",
            widths={"A": 26.0, "B": 14.0, "C": 32.0, "D": 40.0},
            validations=[
                column_list("A2:A1048576", tuple(AFFIRMATION_KIND.values())),
                date_check("B2:B1048576", error=dates),
            ],
            printing=PrintSetup(repeat_rows=(1, 1)),
        ),
    ]


# --- reading ---------------------------------------------------------------------------------


_SCORE = re.compile(r"[-−]?[0-9]{1,4}")


@dataclass
class _Cells:
    """The problems of one table, with the cell named as the reader of each layout names it."""

    table: Table
    problems: Problems

    def error(self, row: Row, key: str, message: str) -> None:
        self.problems.add(self.table.sheet, row.number, self.table.header(key), message)

    def choice(
        self, row: Row, key: str, choices: Mapping[str, Choice], shown: Mapping[Choice, str]
    ) -> Choice | None:
        text = row.text(key)
        if not text:
            self.error(row, key, f"is empty; expected one of {', '.join(shown.values())}")
            return None
        found = choices.get(_key(text))
        if found is None:
            self.error(row, key, f"{text!r} is not one of {', '.join(shown.values())}")
        return found

    def day(self, row: Row, key: str, *, required: bool) -> date | None:
        try:
            found = parse_date(row[key])
        except CellError as error:
            self.error(row, key, str(error))
            return None
        if found is None and required:
            self.error(row, key, "is empty; expected a date (MM/DD/YYYY)")
        return found

    def text(self, row: Row, key: str, limit: int, *, required: bool) -> str | None:
        text = row.text(key)
        if not text:
            if required:
                self.error(row, key, "is empty")
            return None
        if len(text) > limit:
            self.error(row, key, f"holds {len(text)} characters; at most {limit}")
            return None
        return text


def _score(cells: _Cells, row: Row) -> int | None:
    text = row.text("score")
    if not text:
        return None
    if _SCORE.fullmatch(text):
        value = int(text.replace("−", "-"))
        if MIN_SCORE <= value <= MAX_SCORE:
            return value
    cells.error(row, "score", f"{text!r} is not a score from {MIN_SCORE} to {MAX_SCORE}")
    return None


def _closeout(cells: _Cells, row: Row) -> Closeout | None:
    when = cells.day(row, "closeout_date", required=False)
    if row.blank("closeout_result"):
        if when is not None:
            cells.error(
                row,
                "closeout_result",
                f"is empty, but a closeout date is given; expected one of "
                f"{', '.join(CLOSEOUT_RESULT.values())}",
            )
        return None
    result = cells.choice(row, "closeout_result", _CLOSEOUT_IN, CLOSEOUT_RESULT)
    if when is None:
        if row.blank("closeout_date"):
            cells.error(row, "closeout_date", "is empty, but a closeout result is given")
        return None
    return None if result is None else Closeout(when, result)


def read_assessments(table: Table, problems: Problems) -> tuple[AssessmentOfRecord, ...]:
    cells = _Cells(table, problems)
    found = []
    for row in table.rows:
        kind = cells.choice(row, "type", _TYPE_IN, ASSESSMENT_TYPE)
        assessed = cells.day(row, "date", required=True)
        status_date = cells.day(row, "status_date", required=True)
        result = cells.choice(row, "result", _RESULT_IN, ASSESSMENT_RESULT)
        score = _score(cells, row)
        uid = cells.text(row, "uid", MAX_UID, required=False)
        closeout = _closeout(cells, row)
        if kind is None or assessed is None or status_date is None or result is None:
            continue
        found.append(
            AssessmentOfRecord(
                type=AssessmentType(kind),
                date=assessed,
                status_date=status_date,
                result=AssessmentResult(result),
                score=score,
                uid=uid,
                closeout=closeout,
            )
        )
    return tuple(found)


def read_affirmations(table: Table, problems: Problems) -> tuple[Affirmation, ...]:
    cells = _Cells(table, problems)
    found = []
    for row in table.rows:
        kind = cells.choice(row, "type", _AFFIRMATION_IN, AFFIRMATION_KIND)
        when = cells.day(row, "date", required=True)
        official = cells.text(row, "official", MAX_NAME, required=True)
        title = cells.text(row, "title", MAX_NAME, required=True)
        if kind is None or when is None or official is None or title is None:
            continue
        found.append(Affirmation(AffirmationKind(kind), when, official, title))
    return tuple(found)
