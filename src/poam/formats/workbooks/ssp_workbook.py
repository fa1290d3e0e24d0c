"""An SSP as a workbook: sheet ``System`` (the system, the SSP's version and date, and how often
it is updated), sheet ``Requirements`` (one row per requirement: id, title, points, status,
narrative, responsible, partial-credit state, enduring exception, temporary deficiency), sheet
``Objectives`` (one row per NIST SP 800-171A objective and its result), and the CMMC status
record: sheets ``Assessments`` and ``Affirmations`` (``ssp_status.py``).

Every requirement and objective of the catalog gets a row, so the workbook doubles as a form;
a requirement whose Status is empty is unassessed, an objective whose Result is empty is not
recorded. Title, points and determination statements come from the catalog and are not read
back. Everything else round-trips exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from poam.core.catalog import Catalog, Requirement, load_catalog
from poam.core.labels import IMPLEMENTATION_STATUS, OBJECTIVE_RESULT
from poam.core.model import (
    CmmcRecord,
    EncryptionState,
    ImplementationStatus,
    MfaState,
    ObjectiveResult,
    Poam,
    RequirementRecord,
    Scope,
    Ssp,
    SspInfo,
    SystemInfo,
    TemporaryDeficiency,
)
from poam.formats.errors import InputError
from poam.formats.workbooks.cells import (
    CellError,
    cell_text,
    is_blank,
    normalize_header,
    parse_date,
    parse_requirement,
    whole_number,
)
from poam.formats.workbooks.reading import (
    Book,
    Column,
    Imported,
    Problems,
    Row,
    Table,
    first_rows,
    header_block,
    open_book,
    read_table,
)
from poam.formats.workbooks.ssp_status import (
    AFFIRMATION_COLUMNS,
    AFFIRMATIONS,
    ASSESSMENT_COLUMNS,
    ASSESSMENTS,
    read_affirmations,
    read_assessments,
)
from poam.formats.workbooks.ssp_status import sheets as status_sheets
from poam.formats.workbooks.writing import (
    PrintSetup,
    SheetOut,
    Validation,
    column_list,
    date_check,
    save_xlsx,
)

SYSTEM, REQUIREMENTS, OBJECTIVES = "System", "Requirements", "Objectives"
MAX_CADENCE_DAYS = 3650
"""The longest SSP update cadence ``ssp.yaml`` takes (10 years)."""
TITLE = "System Security Plan (CMMC Level 2, NIST SP 800-171 Rev 2)"

_SYSTEM_LABELS = {
    "name": "System name:",
    "scope": "Scope:",
    "cage_codes": "CAGE codes:",
    "organization": "Organization:",
    "description": "Description:",
    "version": "SSP version:",
    "date": "SSP date:",
    "cadence": "SSP update cadence (days):",
}
REQUIREMENT_COLUMNS = (
    Column(
        "requirement", "Requirement", aliases=("Requirement ID", "ID", "Control"), required=True
    ),
    Column("title", "Title"),
    Column("points", "Points"),
    Column("status", "Status", aliases=("Implementation Status",), required=True),
    Column("narrative", "Narrative", aliases=("Implementation Narrative",)),
    Column("responsible", "Responsible"),
    Column("partial", "Partial-credit state", aliases=("Partial credit state",)),
    Column("exception", "Enduring exception"),
    Column("deficiency_plan", "Temporary deficiency plan"),
    Column("deficiency", "Temporary deficiency description"),
)
OBJECTIVE_COLUMNS = (
    Column("requirement", "Requirement", aliases=("Requirement ID",), required=True),
    Column("objective", "Objective", aliases=("Objective ID",), required=True),
    Column("statement", "Determination statement"),
    Column("result", "Result", required=True),
)

STATUS_TEXT = IMPLEMENTATION_STATUS
RESULT_TEXT = OBJECTIVE_RESULT
# The partial-credit states are written as a cell's value, not as a label in a sentence, and
# stay as workbooks have always had them, so that those already filled in read back.
MFA_TEXT = {
    MfaState.NONE: "No MFA",
    MfaState.REMOTE_AND_PRIVILEGED: "MFA for remote and privileged users only",
    MfaState.ALL: "MFA for all users",
}
ENCRYPTION_TEXT = {
    EncryptionState.NONE: "CUI not encrypted",
    EncryptionState.NOT_FIPS_VALIDATED: "Encrypted, not FIPS-validated",
    EncryptionState.FIPS_VALIDATED: "FIPS-validated encryption",
}


def _key(text: str) -> str:
    """Compare choices loosely: case, spaces, hyphens and underscores do not matter."""
    return normalize_header(text.replace("-", " ").replace("_", " "))


def _choices(texts: Mapping[str, str]) -> dict[str, str]:
    """Accept the displayed text and the native value (``not-implemented``) alike."""
    found = {_key(value): value for value in texts}
    found.update({_key(text): value for value, text in texts.items()})
    return found


_STATUS_IN = _choices({s.value: t for s, t in STATUS_TEXT.items()})
_RESULT_IN = _choices({r.value: t for r, t in RESULT_TEXT.items()}) | {
    "n/a": ObjectiveResult.NOT_APPLICABLE.value
}
_MFA_IN = _choices({s.value: t for s, t in MFA_TEXT.items()})
_ENCRYPTION_IN = _choices({s.value: t for s, t in ENCRYPTION_TEXT.items()})
_SCOPE_IN = _choices({s.value: s.value.capitalize() for s in Scope})


def _points(requirement: Requirement) -> object:
    if requirement.partial_credit is not None:
        return "3 or 5"
    return "no value" if requirement.points is None else requirement.points


# --- writing ---------------------------------------------------------------------------------


def _partial_text(record: RequirementRecord | None) -> str | None:
    if record is None:
        return None
    if record.mfa is not None:
        return MFA_TEXT[record.mfa]
    if record.encryption is not None:
        return ENCRYPTION_TEXT[record.encryption]
    return None


def sheets(ssp: Ssp, catalog: Catalog | None = None) -> list[SheetOut]:
    catalog = catalog or load_catalog()
    system = ssp.system
    facts: dict[str, object] = {
        "name": system.name,
        "scope": system.scope.value.capitalize(),
        "cage_codes": ", ".join(system.cage_codes),
        "organization": system.organization,
        "description": system.description,
        "version": ssp.info.version,
        "date": ssp.info.date,
        "cadence": ssp.info.update_cadence_days,
    }
    about: list[list[object]] = [[TITLE]]
    about += [[label, facts[key]] for key, label in _SYSTEM_LABELS.items()]
    requirements: list[list[object]] = [[c.header for c in REQUIREMENT_COLUMNS]]
    objectives: list[list[object]] = [[c.header for c in OBJECTIVE_COLUMNS]]
    for requirement in catalog.requirements:
        record = ssp.requirements.get(requirement.nist_id)
        deficiency = record.temporary_deficiency if record else None
        requirements.append(
            [
                requirement.cmmc_id,
                requirement.title,
                _points(requirement),
                STATUS_TEXT[record.status] if record else None,
                record.narrative if record else None,
                record.responsible if record else None,
                _partial_text(record),
                record.enduring_exception if record else None,
                deficiency.plan if deficiency else None,
                deficiency.description if deficiency else None,
            ]
        )
        results = record.objectives if record else {}
        for objective in requirement.objectives:
            result = results.get(objective.letter)
            objectives.append(
                [
                    requirement.cmmc_id,
                    objective.letter,
                    objective.statement,
                    RESULT_TEXT[result] if result else None,
                ]
            )
    return [
        SheetOut(
            SYSTEM,
            about,
            header_row=0,
            widths={"A": 18.0, "B": 90.0},
            bold=[f"A{r}" for r in range(2, 2 + len(_SYSTEM_LABELS))],
            banner="A1",
            validations=[
                column_list("B3", tuple(scope.value.capitalize() for scope in Scope)),
                date_check("B8", error="Enter a date (MM/DD/YYYY)."),
                Validation(
                    "B9",
                    "whole",
                    operator="between",
                    first="1",
                    second=str(MAX_CADENCE_DAYS),
                    error=f"A number of days from 1 to {MAX_CADENCE_DAYS} (empty: 365).",
                    error_title="Invalid entry",
                ),
            ],
            printing=PrintSetup(landscape=False),
        ),
        SheetOut(
            REQUIREMENTS,
            requirements,
            header_row=1,
            freeze="B2",
            widths={
                "A": 16.0,
                "B": 40.0,
                "C": 9.0,
                "D": 20.0,
                "E": 80.0,
                "F": 24.0,
                "G": 34.0,
                "H": 40.0,
                "I": 40.0,
                "J": 40.0,
            },
            validations=[
                column_list("D2:D1048576", tuple(STATUS_TEXT.values())),
                *(
                    column_list(f"G{row}", tuple(MFA_TEXT.values()))
                    for row, requirement in enumerate(catalog.requirements, start=2)
                    if requirement.partial_credit is not None
                    and requirement.partial_credit.field == "mfa"
                ),
            ],
            printing=PrintSetup(repeat_rows=(1, 1)),
        ),
        SheetOut(
            OBJECTIVES,
            objectives,
            header_row=1,
            freeze="C2",
            widths={"A": 16.0, "B": 10.0, "C": 90.0, "D": 16.0},
            validations=[column_list("D2:D1048576", tuple(RESULT_TEXT.values()))],
            printing=PrintSetup(repeat_rows=(1, 1)),
        ),
        *status_sheets(ssp.cmmc),
    ]


def write(ssp: Ssp, path: Path, *, fmt: str = "xlsx") -> None:
    """Write ``ssp`` as an SSP workbook (XLSX only: it has five sheets)."""
    if fmt != "xlsx":
        raise ValueError("the SSP workbook has several sheets: it is written as XLSX only")
    save_xlsx(path, sheets(ssp))


def export(
    ssp: Ssp | None,
    poam: Poam | None,
    path: Path,
    *,
    fmt: str,
    exported: date,
    variant: str | None,
) -> None:
    """The registry's entry point (see ``poam.formats.workbooks.LayoutModule``)."""
    del poam, exported, variant  # the SSP alone, in one form
    assert ssp is not None
    write(ssp, path, fmt=fmt)


def carried(ssp: Ssp) -> Ssp:
    """``ssp`` as the workbook gives it back: the system, the SSP's version, date and update
    cadence, the record of every requirement the catalog knows, and the CMMC status record,
    exactly (an assessment implied by a Conditional POA&M is the POA&M's, not the SSP's)."""
    catalog = load_catalog()
    return Ssp(
        system=ssp.system,
        info=SspInfo(ssp.info.version, ssp.info.date, ssp.info.update_cadence_days),
        requirements={k: v for k, v in ssp.requirements.items() if catalog.find(k) is not None},
        cmmc=CmmcRecord(
            tuple(a for a in ssp.cmmc.assessments if not a.implied), ssp.cmmc.affirmations
        ),
    )


# --- reading ---------------------------------------------------------------------------------


@dataclass
class _Draft:
    row: int
    cmmc_id: str
    record: RequirementRecord | None
    objectives: dict[str, ObjectiveResult] = field(default_factory=dict)


class _Reader:
    def __init__(self, problems: Problems, catalog: Catalog) -> None:
        self.problems = problems
        self.catalog = catalog
        self.drafts: dict[str, _Draft] = {}
        self.requirement_problems = False

    def error(self, table: Table, row: Row, key: str, message: str) -> None:
        self.problems.add(table.sheet, row.number, table.header(key), message)

    def choose(
        self, table: Table, row: Row, key: str, choices: dict[str, str], shown: Mapping[Any, str]
    ) -> str | None:
        text = row.text(key)
        if not text:
            return None
        found = choices.get(_key(text))
        if found is None:
            self.error(table, row, key, f"{text!r} is not one of {', '.join(shown.values())}")
        return found

    def requirement_id(self, table: Table, row: Row) -> tuple[str, str | None] | None:
        text = row.text("requirement")
        if not text:
            self.error(
                table, row, "requirement", "is empty; expected a requirement such as AC.L2-3.1.1"
            )
            return None
        try:
            return parse_requirement(text, self.catalog)
        except CellError as error:
            self.error(table, row, "requirement", str(error))
            return None

    def requirement(self, table: Table, row: Row) -> None:
        found = self.requirement_id(table, row)
        if found is None:
            return
        nist_id = found[0]
        requirement = self.catalog.get(nist_id)
        if nist_id in self.drafts:
            self.error(
                table,
                row,
                "requirement",
                f"{requirement.cmmc_id} is already on row {self.drafts[nist_id].row}",
            )
            return
        status = self.choose(table, row, "status", _STATUS_IN, STATUS_TEXT)
        filled = not row.blank(
            "narrative", "responsible", "partial", "exception", "deficiency_plan", "deficiency"
        )
        if status is None:
            if filled and row.blank("status"):
                self.error(
                    table,
                    row,
                    "status",
                    "is empty, but the row has other values; "
                    f"expected one of {', '.join(STATUS_TEXT.values())}",
                )
            self.drafts[nist_id] = _Draft(row.number, requirement.cmmc_id, None)
            return
        mfa, encryption = self.partial(table, row, requirement)
        plan, description = row.text("deficiency_plan"), row.text("deficiency")
        if description and not plan:
            self.error(
                table,
                row,
                "deficiency_plan",
                "is empty, but a temporary deficiency "
                "is described; name the operational plan of action that tracks it",
            )
        record = RequirementRecord(
            requirement=nist_id,
            status=ImplementationStatus(status),
            narrative=row.text("narrative"),
            mfa=mfa,
            encryption=encryption,
            enduring_exception=row.text("exception") or None,
            temporary_deficiency=TemporaryDeficiency(plan, description) if plan else None,
            responsible=row.text("responsible") or None,
        )
        self.drafts[nist_id] = _Draft(row.number, requirement.cmmc_id, record)

    def partial(
        self, table: Table, row: Row, requirement: Requirement
    ) -> tuple[MfaState | None, EncryptionState | None]:
        if row.blank("partial"):
            return None, None
        credit = requirement.partial_credit
        if credit is None:
            self.error(
                table,
                row,
                "partial",
                f"{requirement.cmmc_id} has no partial credit; "
                "only IA.L2-3.5.3 and SC.L2-3.13.11 do (32 CFR 170.24(c)(2)(i)(B)(4))",
            )
            return None, None
        if credit.field == "mfa":
            mfa = self.choose(table, row, "partial", _MFA_IN, MFA_TEXT)
            return (MfaState(mfa) if mfa else None), None
        encryption = self.choose(table, row, "partial", _ENCRYPTION_IN, ENCRYPTION_TEXT)
        return None, (EncryptionState(encryption) if encryption else None)

    def objective(self, table: Table, row: Row) -> None:
        result = self.choose(table, row, "result", _RESULT_IN, RESULT_TEXT)
        if result is None:
            return
        found = self.requirement_id(table, row)
        if found is None:
            return
        nist_id = found[0]
        requirement = self.catalog.get(nist_id)
        letter = row.text("objective").strip("[]() ").lower()
        if "[" in row.text("objective"):  # 3.1.1[a] written in the Objective column
            try:
                _, letter_or_none = parse_requirement(row.text("objective"), self.catalog)
                letter = letter_or_none or ""
            except CellError as error:
                self.error(table, row, "objective", str(error))
                return
        if letter not in requirement.objective_letters:
            self.error(
                table,
                row,
                "objective",
                f"{row.text('objective')!r} is not an objective "
                f"of {requirement.cmmc_id} (its objectives are "
                f"{', '.join(requirement.objective_letters)})",
            )
            return
        draft = self.drafts.get(nist_id)
        if draft is None or draft.record is None:
            if self.requirement_problems:
                return  # the requirement's own row is already reported
            self.error(
                table,
                row,
                "result",
                f"{requirement.cmmc_id} has objective results but "
                f"no Status on sheet {REQUIREMENTS!r}",
            )
            return
        if letter in draft.objectives:
            self.error(table, row, "objective", f"{requirement.cmmc_id}[{letter}] is listed twice")
            return
        draft.objectives[letter] = ObjectiveResult(result)


def _system(book: Book, name: str, problems: Problems) -> tuple[SystemInfo, SspInfo] | None:
    rows = first_rows(book, name, 40)
    where: dict[str, int] = {}
    block = header_block(rows, _SYSTEM_LABELS, where)

    def problem(key: str, message: str) -> None:
        problems.add(name, where.get(key), _SYSTEM_LABELS[key].rstrip(":"), message)

    def required(key: str) -> str:
        text = cell_text(block.get(key))
        if not text:
            problem(key, "is missing; expected it to the right of its label")
        return text

    system_name, version = required("name"), required("version")
    scope_text = required("scope")
    scope = _SCOPE_IN.get(_key(scope_text)) if scope_text else None
    if scope_text and scope is None:
        problem("scope", f"{scope_text!r} is not one of Enterprise, Enclave, Contract")
    ssp_date = None
    if is_blank(block.get("date")):
        problem("date", "is missing; expected the SSP's date (MM/DD/YYYY)")
    else:
        try:
            ssp_date = parse_date(block.get("date"))
        except CellError as error:
            problem("date", str(error))
    cadence = None
    if not is_blank(block.get("cadence")):
        text = cell_text(block.get("cadence"))
        days = whole_number(text)
        if days is not None and 1 <= days <= MAX_CADENCE_DAYS:
            cadence = days
        else:
            problem("cadence", f"{text!r} is not a number of days from 1 to {MAX_CADENCE_DAYS}")
    cage_codes = tuple(
        code.strip().upper()
        for code in cell_text(block.get("cage_codes")).replace(";", ",").split(",")
        if code.strip()
    )
    if scope is None or ssp_date is None or not system_name or not version:
        return None
    return (
        SystemInfo(
            name=system_name,
            scope=Scope(scope),
            cage_codes=cage_codes,
            organization=cell_text(block.get("organization")) or None,
            description=cell_text(block.get("description")) or None,
        ),
        SspInfo(version, ssp_date, cadence),
    )


def _sheet_names(book: Book) -> dict[str, str]:
    names = {normalize_header(n): n for n in book.sheet_names}
    missing = [s for s in (SYSTEM, REQUIREMENTS) if normalize_header(s) not in names]
    if missing:
        raise InputError.single(
            book.file,
            f"has no sheet {' or '.join(map(repr, missing))} (its sheets: "
            f"{', '.join(map(repr, book.sheet_names))}); is this an SSP workbook?",
        )
    return {
        s: names[normalize_header(s)]
        for s in (SYSTEM, REQUIREMENTS, OBJECTIVES, ASSESSMENTS, AFFIRMATIONS)
        if normalize_header(s) in names
    }


def read(path: Path, catalog: Catalog | None = None) -> Imported[Ssp]:
    """An SSP workbook as an SSP; all or nothing."""
    catalog = catalog or load_catalog()
    with open_book(path, csv_allowed=False) as book:
        problems = Problems(book.file)
        names = _sheet_names(book)
        about = _system(book, names[SYSTEM], problems)
        requirements = read_table(
            book, names[REQUIREMENTS], REQUIREMENT_COLUMNS, expected_row=1, problems=problems
        )
        objectives = None
        if OBJECTIVES in names:
            objectives = read_table(
                book, names[OBJECTIVES], OBJECTIVE_COLUMNS, expected_row=1, problems=problems
            )
        assessments = affirmations = None
        if ASSESSMENTS in names:
            assessments = read_table(
                book, names[ASSESSMENTS], ASSESSMENT_COLUMNS, expected_row=1, problems=problems
            )
        if AFFIRMATIONS in names:
            affirmations = read_table(
                book, names[AFFIRMATIONS], AFFIRMATION_COLUMNS, expected_row=1, problems=problems
            )
    problems.raise_if_any()
    assert about is not None and requirements is not None
    reader = _Reader(problems, catalog)
    for row in requirements.rows:
        reader.requirement(requirements, row)
    reader.requirement_problems = bool(problems)
    notes = list(requirements.notes)
    if objectives is not None:
        notes.extend(objectives.notes)
        for row in objectives.rows:
            reader.objective(objectives, row)
    record = CmmcRecord()
    if assessments is not None:
        notes.extend(assessments.notes)
        record = CmmcRecord(read_assessments(assessments, problems))
    if affirmations is not None:
        notes.extend(affirmations.notes)
        record = CmmcRecord(record.assessments, read_affirmations(affirmations, problems))
    problems.raise_if_any()
    records = {
        nist_id: RequirementRecord(
            requirement=draft.record.requirement,
            status=draft.record.status,
            narrative=draft.record.narrative,
            objectives=draft.objectives,
            mfa=draft.record.mfa,
            encryption=draft.record.encryption,
            enduring_exception=draft.record.enduring_exception,
            temporary_deficiency=draft.record.temporary_deficiency,
            responsible=draft.record.responsible,
        )
        for nist_id, draft in sorted(
            reader.drafts.items(), key=lambda pair: catalog.get(pair[0]).sort_key()
        )
        if draft.record is not None
    }
    system, info = about
    return Imported(Ssp(system=system, info=info, requirements=records, cmmc=record), tuple(notes))
