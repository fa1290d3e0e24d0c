"""The FedRAMP POA&M template v2.1: sheets ``Open POA&M Items``, ``Closed POA&M Items`` and
``Configuration Findings``, a header block (CSP, System Name, Impact Level, POAM Date) on rows
2-3, column headers on row 5, one row per entry with its milestones in one cell.

FedRAMP has no status column: an entry is open or closed by the sheet it is on. Milestones are
written as the template's format hints ask: ``(1) 2026-12-12: description`` under "Planned
Milestones" (never changed once recorded) and ``(1) Update 2027-01-29 : ...`` or
``(1) Complete 2026-12-10 : ...`` under "Milestone Changes". See ``docs/workbooks.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from poam.core.catalog import Catalog, load_catalog
from poam.core.model import (
    Evidence,
    ItemStatus,
    Milestone,
    MilestoneChange,
    Poam,
    PoamItem,
    Ssp,
)
from poam.formats.errors import InputError
from poam.formats.workbooks.cells import (
    ANY_DATE,
    CellError,
    cell_text,
    is_blank,
    normalize_header,
    parse_date,
    parse_steps,
    parse_text_date,
    requirement_reference,
    steps_text,
)
from poam.formats.workbooks.entries import (
    Place,
    assign_ids,
    evidence_text,
    parse_evidence,
    requirement_cell,
)
from poam.formats.workbooks.milestones import (
    Entry,
    change_text,
    date_or_none,
    is_change,
    iso,
    latest_due,
    open_status,
    parse_change,
    parse_milestone,
    split_numbered,
)
from poam.formats.workbooks.reading import (
    Book,
    Cell,
    Column,
    Imported,
    Problems,
    Row,
    Table,
    open_book,
    read_table,
)
from poam.formats.workbooks.writing import SheetOut, column_letter, save_xlsx

OPEN, CLOSED, CONFIGURATION = "Open POA&M Items", "Closed POA&M Items", "Configuration Findings"
SHEETS = (OPEN, CLOSED, CONFIGURATION)
HEADER_ROW = 5
TITLE = "FedRAMP Plan of Action and Milestones (POA&M) Template"
IMPACT_LEVEL = "Moderate"
"""CUI Basic is safeguarded at the moderate confidentiality impact level (32 CFR 2002.14)."""

HEADERS = (
    "POAM ID",
    "Controls",
    "Weakness Name",
    "Weakness Description",
    "Weakness Detector Source",
    "Weakness Source Identifier",
    "Asset Identifier",
    "Point of Contact",
    "Resources Required",
    "Overall Remediation Plan",
    "Original Detection Date",
    "Scheduled Completion Date",
    "Planned Milestones",
    "Milestone Changes",
    "Status Date",
    "Vendor Dependency",
    "Last Vendor Check-in Date",
    "Vendor Dependent Product Name",
    "Original Risk Rating",
    "Adjusted Risk Rating",
    "Risk Adjustment",
    "False Positive",
    "Operational Requirement",
    "Deviation Rationale",
    "Supporting Documents",
    "Comments",
    "Auto-Approve",
    "Binding Operational Directive 22-01 tracking",
    "Binding Operational Directive 22-01 Due Date",
    "CVE",
    "Service Name",
)
"""The v2.1 headers, exactly as on row 5 of FedRAMP-POAM-Template.xlsx (the Open sheet)."""
_KEYS = {
    "POAM ID": "poam_id",
    "Controls": "controls",
    "Weakness Name": "name",
    "Weakness Description": "description",
    "Weakness Detector Source": "detector",
    "Point of Contact": "poc",
    "Resources Required": "resources",
    "Overall Remediation Plan": "plan",
    "Original Detection Date": "detected",
    "Scheduled Completion Date": "scheduled",
    "Planned Milestones": "planned",
    "Milestone Changes": "changes",
    "Status Date": "status_date",
    "Supporting Documents": "documents",
    "Comments": "comments",
}
_REQUIRED = {"poam_id", "controls", "description", "planned"}
COLUMNS = tuple(
    Column(_KEYS.get(h, f"unkept_{i}"), h, required=_KEYS.get(h) in _REQUIRED, kept=h in _KEYS)
    for i, h in enumerate(HEADERS)
)
_TEMPLATE_ROWS = {"unique identifier for each poam item", "unique identifier"}
"""POAM ID cells of the template's own description and format-hint rows (rows 6 and 7)."""
_EXAMPLE_ID = "v-1example"
_PLACEHOLDERS = {"text", "date"}


# --- writing ---------------------------------------------------------------------------------


def _planned_line(number: int, milestone: Milestone) -> str:
    """The milestone as first planned: FedRAMP never rewrites a planned milestone."""
    first = milestone.history[0].from_date if milestone.history else None
    return f"({number}) {date_or_none(first or milestone.due, iso)}: {milestone.title}"


def _change_lines(number: int, milestone: Milestone) -> list[str]:
    lines = [
        f"({number}) Update {iso(change.to_date)} : {change_text(change, iso)}"
        for change in milestone.history
    ]
    if milestone.completed is not None:
        lines.append(f"({number}) Complete {iso(milestone.completed)} : milestone completed")
    return lines


def _row(item: PoamItem, catalog: Catalog) -> dict[str, object]:
    requirement = catalog.find(item.requirement)
    changes = [line for n, m in enumerate(item.milestones, 1) for line in _change_lines(n, m)]
    return {
        "poam_id": item.id,
        "controls": requirement_reference(item.requirement, item.objectives, catalog),
        "name": requirement.title if requirement else item.requirement,
        "description": item.gap,
        "detector": item.identified_by,
        "poc": item.owner,
        "resources": item.resources,
        "plan": steps_text(item.remediation),
        "detected": item.created,
        "scheduled": latest_due(item.milestones),
        "planned": "\n\n".join(_planned_line(n, m) for n, m in enumerate(item.milestones, 1)),
        "changes": "\n\n".join(changes),
        "status_date": item.updated,
        "documents": "\n".join(f"Evidence : {evidence_text(e, iso)}" for e in item.evidence),
        "comments": item.comments,
    }


def _sheet(title: str, items: list[PoamItem], poam: Poam, ssp: Ssp | None) -> SheetOut:
    catalog = load_catalog()
    keys = [_KEYS.get(h) for h in HEADERS]
    grid: list[list[object]] = [
        [TITLE],
        ["CSP", "System Name", "Impact Level", "POAM Date"],
        [
            ssp.system.organization if ssp else None,
            ssp.system.name if ssp else None,
            IMPACT_LEVEL,
            poam.last_reviewed,
        ],
        [],
        list(HEADERS),
    ]
    for item in items:
        cells = _row(item, catalog)
        grid.append([cells.get(key) if key else None for key in keys])
    wide = {"description", "plan", "planned", "changes", "documents", "comments"}
    widths = {
        column_letter(i): 45.0 if key in wide else 20.0 for i, key in enumerate(keys, start=1)
    }
    return SheetOut(
        title=title,
        rows=grid,
        header_row=HEADER_ROW,
        widths=widths,
        merges=["A1:E1"],
        bold=["A2", "B2", "C2", "D2"],
        banner="A1",
        freeze=f"A{HEADER_ROW + 1}",
        header_fill="CCECFC",
    )


def sheets(poam: Poam, *, ssp: Ssp | None = None) -> list[SheetOut]:
    """Open entries on the first sheet, completed ones on the second, as FedRAMP moves them."""
    open_items = [item for item in poam.items if item.is_open]
    closed_items = [item for item in poam.items if not item.is_open]
    return [
        _sheet(OPEN, open_items, poam, ssp),
        _sheet(CLOSED, closed_items, poam, ssp),
        _sheet(CONFIGURATION, [], poam, ssp),
    ]


def write(
    poam: Poam,
    path: Path,
    *,
    exported: date | None = None,
    ssp: Ssp | None = None,
    fmt: str = "xlsx",
) -> None:
    """Write ``poam`` as a FedRAMP v2.1 POA&M workbook (XLSX only: it has several sheets)."""
    del exported  # the template's POAM Date is the POA&M's last review, not the export date
    if fmt != "xlsx":
        raise ValueError("the FedRAMP layout has several sheets: it is written as XLSX only")
    save_xlsx(path, sheets(poam, ssp=ssp))


# --- reading ---------------------------------------------------------------------------------

_CHANGE_ENTRY = re.compile(
    rf"^(?P<kind>new|update|complete)\s+(?P<date>{ANY_DATE})\s*:?\s*(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)


@dataclass
class _Reader:
    table: Table
    problems: Problems
    catalog: Catalog

    def error(self, row: Row, key: str, message: str) -> None:
        self.problems.add(self.table.sheet, row.number, self.table.header(key), message)

    def date(self, row: Row, key: str) -> date | None:
        try:
            return parse_date(row[key], "MM/DD/YYYY or YYYY-MM-DD")
        except CellError as error:
            self.error(row, key, str(error))
            return None

    def milestones(self, row: Row) -> list[Milestone]:
        planned: dict[int, Milestone] = {}
        for entry in split_numbered(row.text("planned")):
            if entry.number is None:
                self.error(
                    row,
                    "planned",
                    f"{entry.text!r} does not start with a milestone "
                    "number; expected '(1) YYYY-MM-DD: description'",
                )
                continue
            if entry.number in planned:
                self.error(row, "planned", f"milestone ({entry.number}) is listed twice")
                continue
            try:
                planned[entry.number] = parse_milestone(entry.text)
            except CellError as error:
                self.error(row, "planned", str(error))
        for entry in split_numbered(row.text("changes")):
            self.change(row, entry, planned)
        return [planned[number] for number in planned]

    def change(self, row: Row, entry: Entry, planned: dict[int, Milestone]) -> None:
        match = _CHANGE_ENTRY.match(entry.text)
        if entry.number is None or match is None:
            self.error(
                row,
                "changes",
                f"{entry.text!r} is not a milestone change; expected "
                "'(1) Update|Complete|New YYYY-MM-DD : description'",
            )
            return
        number, kind, rest = entry.number, match["kind"].casefold(), match["rest"].strip()
        when = parse_text_date(match["date"])
        if kind == "new":
            if number in planned:
                self.error(row, "changes", f"({number}) New: milestone ({number}) already exists")
            else:
                planned[number] = Milestone(rest, when)
            return
        milestone = planned.get(number)
        if milestone is None:
            self.error(
                row,
                "changes",
                f"({number}) {match['kind']}: there is no milestone "
                f"({number}) in Planned Milestones",
            )
            return
        if kind == "complete":
            planned[number] = Milestone(milestone.title, milestone.due, when, milestone.history)
            return
        try:
            change = (
                parse_change(rest)
                if is_change(rest)
                else MilestoneChange(
                    changed=self.date(row, "status_date") or when,
                    from_date=milestone.due,
                    to_date=when,
                    justification=rest,
                )
            )
        except CellError as error:
            self.error(row, "changes", str(error))
            return
        planned[number] = Milestone(
            milestone.title, change.to_date, milestone.completed, (*milestone.history, change)
        )

    def item(self, row: Row, status_open: bool) -> tuple[str, PoamItem]:
        place = Place(self.table.sheet, row.number, self.table.header("controls"))
        requirement, objectives = requirement_cell(
            row.text("controls"), self.catalog, place, self.problems
        )
        milestones = self.milestones(row)
        scheduled = self.date(row, "scheduled")
        if not milestones and scheduled is not None:
            milestones = [Milestone("Scheduled completion", scheduled)]
        status = open_status(milestones, False) if status_open else ItemStatus.CLOSED
        item = PoamItem(
            id="",
            requirement=requirement,
            objectives=objectives,
            gap=row.text("description") or self.name_as_gap(row, requirement),
            remediation=parse_steps(row.text("plan")),
            owner=row.text("poc"),
            status=status,
            created=self.date(row, "detected"),
            updated=self.date(row, "status_date"),
            milestones=tuple(milestones),
            evidence=self.evidence(row),
            identified_by=row.text("detector") or None,
            resources=row.text("resources") or None,
            comments=row.text("comments") or None,
        )
        return row.text("poam_id"), item

    def name_as_gap(self, row: Row, requirement: str) -> str:
        """A Weakness Name stands for the gap when there is no description, unless it is only
        the requirement's title (which is what poam writes there)."""
        name = row.text("name")
        known = self.catalog.find(requirement) if requirement else None
        return "" if known is not None and name == known.title else name

    def evidence(self, row: Row) -> tuple[Evidence, ...]:
        """``Evidence : title | uri | sha256 ... | date`` lines; other document lines as titles."""
        found = []
        for line in row.text("documents").split("\n"):
            kind, _, rest = line.partition(":")
            if rest and normalize_header(kind) == "evidence":
                found.append(parse_evidence(rest))
            elif line.strip():
                found.append(Evidence(title=line.strip()))
        return tuple(found)


def _header_block(table: Table) -> date | None:
    """The POAM Date below its label in the block above the table (None if absent)."""
    for index, cells in enumerate(table.above[:-1]):
        for position, value in enumerate(cells):
            if normalize_header(value) == "poam date":
                below = table.above[index + 1]
                cell: Cell = below[position] if position < len(below) else None
                if is_blank(cell) or normalize_header(cell) in _PLACEHOLDERS:
                    return None
                try:
                    return parse_date(cell, "MM/DD/YYYY or YYYY-MM-DD")
                except CellError:
                    return None
    return None


def _template_row(values: dict[str, Cell]) -> str | None:
    """The template's description and format-hint rows (6, 7) and its example entry (8)."""
    poam_id = normalize_header(cell_text(values.get("poam_id")))
    if poam_id in _TEMPLATE_ROWS:
        return ""
    if poam_id == _EXAMPLE_ID:
        return "the template's example entry V-1Example was skipped"
    return None


def _tables(book: Book, problems: Problems) -> list[Table]:
    names = {normalize_header(n): n for n in book.sheet_names}
    present = [names[normalize_header(s)] for s in SHEETS if normalize_header(s) in names]
    if not present:
        raise InputError.single(
            book.file,
            f"has none of the sheets {', '.join(map(repr, SHEETS))} (its sheets: "
            f"{', '.join(map(repr, book.sheet_names))}); is this a FedRAMP POA&M workbook?",
        )
    tables = []
    for name in present:
        table = read_table(
            book, name, COLUMNS, expected_row=HEADER_ROW, problems=problems, skip=_template_row
        )
        if table is not None:
            tables.append(table)
    return tables


def read(path: Path, catalog: Catalog | None = None) -> Imported[Poam]:
    """A FedRAMP v2.1 POA&M workbook as a POA&M; all or nothing."""
    catalog = catalog or load_catalog()
    with open_book(path, csv_allowed=False) as book:
        problems = Problems(book.file)
        tables = _tables(book, problems)
    problems.raise_if_any()
    notes: list[str] = []
    given: list[tuple[str, Place]] = []
    items: list[PoamItem] = []
    last_reviewed = None
    for table in tables:
        notes.extend(table.notes)
        last_reviewed = last_reviewed or _header_block(table)
        reader = _Reader(table, problems, catalog)
        status_open = normalize_header(table.sheet) != normalize_header(CLOSED)
        for row in table.rows:
            item_id, item = reader.item(row, status_open)
            given.append((item_id, Place(table.sheet, row.number, table.header("poam_id"))))
            items.append(item)
    ids = assign_ids(given, problems)
    problems.raise_if_any()
    closed = sum(1 for item in items if item.status is ItemStatus.CLOSED)
    if closed:
        notes.append(
            f"{closed} entries on {CLOSED!r} imported as closed: the FedRAMP layout "
            "does not say whether a closure was verified"
        )
    return Imported(
        Poam(
            last_reviewed=last_reviewed,
            items=tuple(replace(item, id=i) for item, i in zip(items, ids, strict=True)),
        ),
        tuple(notes),
    )
