"""The NIST SP 800-171 plan of action: the CUI Plan of Action template's columns (weakness,
responsible organization, resource estimate, scheduled completion date, milestones with interim
completion dates, changes to milestones, how the weakness was identified, status), with the
columns poam needs to keep everything else of an entry (its id, requirement and objectives,
remediation steps, dates, evidence, comments), and the POA&M's own facts above the table.

This layout round-trips every entry field and the POA&M's kind, maintainer, review facts and
Conditional status; it is written as XLSX or as CSV of the same grid.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from poam.core.catalog import Catalog, load_catalog
from poam.core.model import (
    AssessmentType,
    ConditionalInfo,
    ItemStatus,
    Milestone,
    Poam,
    PoamItem,
    PoamKind,
    Ssp,
    Thresholds,
)
from poam.formats.errors import InputError
from poam.formats.workbooks.cells import (
    CellError,
    cell_text,
    choice,
    is_blank,
    normalize_header,
    parse_date,
    parse_steps,
    requirement_reference,
    steps_text,
    us_date,
)
from poam.formats.workbooks.entries import (
    Place,
    assign_ids,
    evidence_text,
    parse_evidence,
    requirement_cell,
)
from poam.formats.workbooks.facts import cadence
from poam.formats.workbooks.milestones import (
    change_text,
    latest_due,
    milestone_line,
    open_status,
    parse_change,
    parse_milestone,
    split_numbered,
)
from poam.formats.workbooks.reading import (
    Column,
    Imported,
    Problems,
    Row,
    Table,
    header_block,
    open_book,
    read_table,
)
from poam.formats.workbooks.writing import (
    PrintSetup,
    SheetOut,
    Validation,
    column_letter,
    column_list,
    date_check,
    save_csv,
    save_xlsx,
)

SHEET = "Plan of Action"
TITLE = "Plan of Action and Milestones (NIST SP 800-171 Rev 2)"
HEADER_ROW = 11

COLUMNS = (
    Column("id", "POA&M ID"),
    Column(
        "requirement", "Requirement", aliases=("Security Requirement", "Control"), required=True
    ),
    Column("weakness", "Weakness", required=True),
    Column("responsible", "Responsible Office/Organization", aliases=("Responsible Organization",)),
    Column(
        "resources",
        "Resource Estimate (funded/unfunded/reallocation)",
        aliases=("Resource Estimate",),
    ),
    Column("scheduled", "Scheduled Completion Date"),
    Column("milestones", "Milestones with Interim Completion Dates", required=True),
    Column("changes", "Changes to Milestones"),
    Column("identified", "How was the weakness identified?"),
    Column("status", "Status (Ongoing or Complete)", aliases=("Status",), required=True),
    Column("remediation", "Remediation Plan"),
    Column("created", "Created"),
    Column("updated", "Last Updated"),
    Column("evidence", "Evidence"),
    Column("comments", "Comments"),
)
_LABELS = {
    "system": "System:",
    "organization": "Organization:",
    "kind": "POA&M kind:",
    "maintainer": "Maintained by:",
    "last_reviewed": "Last reviewed:",
    "cadence": "Review cadence (days):",
    "status_date": "Conditional status date:",
    "assessment": "Conditional status assessed by:",
}

STATUS_OUT = {
    ItemStatus.NOT_STARTED: "Ongoing (not started)",
    ItemStatus.IN_PROGRESS: "Ongoing (in progress)",
    ItemStatus.COMPLETED_PENDING_VERIFICATION: "Complete (pending verification)",
    ItemStatus.CLOSED: "Complete (closed)",
}
_STATUS_IN: dict[str, ItemStatus | None] = {
    **{normalize_header(text): status for status, text in STATUS_OUT.items()},
    **{normalize_header(status.value): status for status in ItemStatus},
    "ongoing": None,  # decided by the milestones
    "complete": ItemStatus.CLOSED,
    "completed": ItemStatus.CLOSED,
}
_KINDS = {normalize_header(k.value): k.value for k in PoamKind}
_ASSESSMENTS = {
    "self": AssessmentType.SELF.value,
    "c3pao": AssessmentType.C3PAO.value,
    "self-assessment": AssessmentType.SELF.value,
    "c3pao assessment": AssessmentType.C3PAO.value,
}


# --- writing ---------------------------------------------------------------------------------


def _cells(item: PoamItem, catalog: Catalog) -> dict[str, object]:
    changes = [
        f"({number}) {change_text(change, us_date)}"
        for number, milestone in enumerate(item.milestones, start=1)
        for change in milestone.history
    ]
    return {
        "id": item.id,
        "requirement": requirement_reference(item.requirement, item.objectives, catalog),
        "weakness": item.gap,
        "responsible": item.owner,
        "resources": item.resources,
        "scheduled": latest_due(item.milestones),
        "milestones": "\n".join(
            milestone_line(n, m, us_date) for n, m in enumerate(item.milestones, start=1)
        ),
        "changes": "\n".join(changes),
        "identified": item.identified_by,
        "status": STATUS_OUT[item.status],
        "remediation": steps_text(item.remediation),
        "created": item.created,
        "updated": item.updated,
        "evidence": "\n".join(evidence_text(e, us_date) for e in item.evidence),
        "comments": item.comments,
    }


def sheet(poam: Poam, *, ssp: Ssp | None = None, catalog: Catalog | None = None) -> SheetOut:
    catalog = catalog or load_catalog()
    conditional = poam.conditional if poam.kind is PoamKind.CONDITIONAL else None
    facts: dict[str, object] = {
        "system": ssp.system.name if ssp else None,
        "organization": ssp.system.organization if ssp else None,
        "kind": poam.kind.value,
        "maintainer": poam.maintainer,
        "last_reviewed": poam.last_reviewed,
        "cadence": poam.review_cadence_days,
        "status_date": conditional.status_date if conditional else None,
        "assessment": conditional.assessment.value if conditional else None,
    }
    grid: list[list[object]] = [[TITLE]]
    grid += [[label, facts[key]] for key, label in _LABELS.items()]
    grid += [[] for _ in range(HEADER_ROW - len(grid) - 1)]
    grid.append([column.header for column in COLUMNS])
    for item in poam.items:
        cells = _cells(item, catalog)
        grid.append([cells[column.key] for column in COLUMNS])
    wide = {"weakness", "milestones", "changes", "remediation", "evidence", "comments"}
    widths = {
        column_letter(i): 45.0 if c.key in wide else 20.0 for i, c in enumerate(COLUMNS, start=1)
    }
    widths["A"] = 26.0
    return SheetOut(
        title=SHEET,
        rows=grid,
        header_row=HEADER_ROW,
        widths=widths,
        bold=[f"A{row}" for row in range(2, 2 + len(_LABELS))],
        banner="A1",
        freeze=f"A{HEADER_ROW + 1}",
        validations=_validations(),
        printing=PrintSetup(repeat_rows=(HEADER_ROW, HEADER_ROW)),
    )


def _validations() -> list[Validation]:
    """Drop-down lists for the facts and the status, date checks for the date columns."""
    rows = {key: row for row, key in enumerate(_LABELS, start=2)}
    rules = [
        column_list(f"B{rows['kind']}", tuple(kind.value for kind in PoamKind)),
        column_list(f"B{rows['assessment']}", tuple(a.value for a in AssessmentType)),
        date_check(
            f"B{rows['last_reviewed']} B{rows['status_date']}", error="Enter a date (MM/DD/YYYY)."
        ),
    ]
    for index, column in enumerate(COLUMNS, start=1):
        letter = column_letter(index)
        cells = f"{letter}{HEADER_ROW + 1}:{letter}1048576"
        if column.key == "status":
            rules.append(column_list(cells, tuple(STATUS_OUT.values())))
        elif column.key in ("scheduled", "created", "updated"):
            rules.append(date_check(cells, error="Enter a date (MM/DD/YYYY)."))
    return rules


def write(
    poam: Poam,
    path: Path,
    *,
    exported: date | None = None,
    ssp: Ssp | None = None,
    fmt: str = "xlsx",
) -> None:
    """Write ``poam`` in the NIST plan-of-action layout, as XLSX or as CSV of the same grid."""
    del exported  # nothing in this layout depends on the export date
    out = sheet(poam, ssp=ssp)
    if fmt == "csv":
        save_csv(path, out)
    else:
        save_xlsx(path, [out])


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
    del variant  # one form
    assert poam is not None
    write(poam, path, exported=exported, ssp=ssp, fmt=fmt)


def carried(poam: Poam) -> Poam:
    """``poam`` as the NIST layout gives it back: everything but its waivers, ignored checks
    and thresholds, which stay in poam.yaml."""
    return replace(poam, waivers=(), ignore=(), thresholds=Thresholds())


# --- reading ---------------------------------------------------------------------------------


MILESTONE_FORMAT = "(1) MM/DD/YYYY: description"


@dataclass
class _Reader:
    table: Table
    problems: Problems
    catalog: Catalog
    warnings: list[str] = field(default_factory=list)

    def error(self, row: Row, key: str, message: str) -> None:
        self.problems.add(self.table.sheet, row.number, self.table.header(key), message)

    def date(self, row: Row, key: str) -> date | None:
        try:
            return parse_date(row[key])
        except CellError as error:
            self.error(row, key, str(error))
            return None

    def milestones(self, row: Row) -> list[Milestone]:
        found: dict[int, Milestone] = {}
        for entry in split_numbered(row.text("milestones")):
            number = entry.number if entry.number is not None else len(found) + 1
            if number in found:
                self.error(row, "milestones", f"milestone ({number}) is listed twice")
                continue
            try:
                read = parse_milestone(entry.text, MILESTONE_FORMAT)
            except CellError as error:
                self.error(row, "milestones", str(error))
                continue
            found[number] = read.milestone
            if not read.dated:
                self.warnings.append(
                    f"sheet {self.table.sheet!r}, row {row.number}, column "
                    f"{self.table.header('milestones')!r}: milestone ({number}) "
                    f"{entry.text!r} has no date; imported without one (expected "
                    f"{MILESTONE_FORMAT!r})"
                )
        for entry in split_numbered(row.text("changes")):
            milestone = found.get(entry.number) if entry.number is not None else None
            if milestone is None:
                self.error(
                    row,
                    "changes",
                    f"{entry.text!r}: start each change with the number "
                    "of a milestone in the column before, e.g. '(1) moved from ...'",
                )
                continue
            try:
                change = parse_change(entry.text)
            except CellError as error:
                self.error(row, "changes", str(error))
                continue
            assert entry.number is not None
            found[entry.number] = replace(milestone, history=(*milestone.history, change))
        return list(found.values())

    def status(self, row: Row, milestones: list[Milestone]) -> ItemStatus:
        text = row.text("status")
        key = normalize_header(text)
        if key not in _STATUS_IN:
            expected = ", ".join(["Ongoing", "Complete", *STATUS_OUT.values()])
            self.error(
                row,
                "status",
                f"{text!r} is not one of {expected}"
                if text
                else f"is empty; expected one of {expected}",
            )
            return ItemStatus.NOT_STARTED
        return _STATUS_IN[key] or open_status(milestones, False)

    def item(self, row: Row) -> PoamItem:
        place = Place(self.table.sheet, row.number, self.table.header("requirement"))
        requirement, objectives = requirement_cell(
            row.text("requirement"), self.catalog, place, self.problems
        )
        milestones = self.milestones(row)
        scheduled = self.date(row, "scheduled")
        if not milestones and scheduled is not None:
            milestones = [Milestone("Scheduled completion", scheduled)]
        evidence = tuple(
            parse_evidence(line) for line in row.text("evidence").split("\n") if line.strip()
        )
        return PoamItem(
            id="",
            requirement=requirement,
            objectives=objectives,
            gap=row.text("weakness"),
            remediation=parse_steps(row.text("remediation")),
            owner=row.text("responsible"),
            status=self.status(row, milestones),
            created=self.date(row, "created"),
            updated=self.date(row, "updated"),
            milestones=tuple(milestones),
            evidence=evidence,
            identified_by=row.text("identified") or None,
            resources=row.text("resources") or None,
            comments=row.text("comments") or None,
        )


def _head(table: Table, problems: Problems) -> Poam:
    """The POA&M's own facts from the block above the table."""
    rows: dict[str, int] = {}
    block = header_block(table.above, _LABELS, rows)

    def problem(key: str, message: str) -> None:
        problems.add(table.sheet, rows.get(key), _LABELS[key].rstrip(":"), message)

    def date_of(key: str) -> date | None:
        try:
            return parse_date(block.get(key))
        except CellError as error:
            problem(key, str(error))
            return None

    kind = PoamKind.INTERNAL
    if not is_blank(block.get("kind")):
        try:
            kind = PoamKind(choice(cell_text(block["kind"]), _KINDS, _KINDS.values()))
        except CellError as error:
            problem("kind", str(error))
    days = cadence(block.get("cadence"), lambda message: problem("cadence", message))
    conditional = None
    status_date = date_of("status_date")
    if kind is PoamKind.CONDITIONAL and status_date is not None:
        try:
            assessment = choice(cell_text(block.get("assessment")), _ASSESSMENTS, ("self", "c3pao"))
            conditional = ConditionalInfo(AssessmentType(assessment), status_date)
        except CellError as error:
            problem("assessment", str(error))
    return Poam(
        kind=kind,
        maintainer=cell_text(block.get("maintainer")),
        last_reviewed=date_of("last_reviewed"),
        review_cadence_days=days,
        conditional=conditional,
    )


def read(path: Path, catalog: Catalog | None = None) -> Imported[Poam]:
    """A NIST plan-of-action workbook (XLSX, or CSV of the same grid); all or nothing."""
    catalog = catalog or load_catalog()
    with open_book(path, csv_allowed=True) as book:
        names = {normalize_header(n): n for n in book.sheet_names}
        if book.is_csv:
            name = ""
        elif normalize_header(SHEET) in names:
            name = names[normalize_header(SHEET)]
        elif len(book.sheet_names) == 1:
            name = book.sheet_names[0]
        else:
            raise InputError.single(
                book.file,
                f"has no sheet {SHEET!r} (its sheets: {', '.join(map(repr, book.sheet_names))})",
            )
        problems = Problems(book.file)
        table = read_table(book, name, COLUMNS, expected_row=HEADER_ROW, problems=problems)
    problems.raise_if_any()
    assert table is not None
    head = _head(table, problems)
    reader = _Reader(table, problems, catalog)
    items = [reader.item(row) for row in table.rows]
    ids = assign_ids(
        [
            (row.text("id"), Place(table.sheet, row.number, table.header("id")))
            for row in table.rows
        ],
        problems,
    )
    problems.raise_if_any()
    poam = replace(
        head, items=tuple(replace(item, id=i) for item, i in zip(items, ids, strict=True))
    )
    return Imported(poam, tuple(table.notes), tuple(reader.warnings))
