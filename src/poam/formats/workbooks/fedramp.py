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
from dataclasses import dataclass, field, replace
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
    PoamKind,
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
from poam.formats.workbooks.facts import (
    cadence,
    kind_text,
    restore_kind,
)
from poam.formats.workbooks.fedramp_template import (
    CLOSED,
    COLUMNS,
    CONFIGURATION,
    DATE_FORMAT,
    HEAD,
    HEADER_ROW,
    HEADERS,
    IMPACT_LEVEL,
    KEYS,
    OPEN,
    POAM_FACTS,
    SHEETS,
    TITLE,
    validations,
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
    Imported,
    Problems,
    Row,
    Table,
    open_book,
    read_table,
)
from poam.formats.workbooks.writing import (
    PrintSetup,
    SheetOut,
    column_letter,
    save_xlsx,
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
        "comments": "\n".join(line for line in (item.comments, _closure_line(item)) if line),
    }


CLOSURE_VERIFIED, CLOSURE_PENDING = "Closure: verified", "Closure: pending verification"
"""The Comments line that says whether an entry on the Closed sheet was verified: FedRAMP has
one Closed sheet, CMMC tells a completed entry pending verification from a closed one."""
_CLOSURE = re.compile(r"^\s*closure\s*:\s*(verified|pending verification)\s*$", re.IGNORECASE)


def _closure_line(item: PoamItem) -> str | None:
    if item.status is ItemStatus.CLOSED:
        return CLOSURE_VERIFIED
    if item.status is ItemStatus.COMPLETED_PENDING_VERIFICATION:
        return CLOSURE_PENDING
    return None


def _closure(comments: str) -> tuple[ItemStatus | None, str]:
    """The status a Closure line gives (None without one), and the comments without it."""
    status = None
    kept = []
    for line in comments.split("\n"):
        match = _CLOSURE.match(line)
        if match is None:
            kept.append(line)
        else:
            pending = match[1].casefold().startswith("pending")
            status = ItemStatus.COMPLETED_PENDING_VERIFICATION if pending else ItemStatus.CLOSED
    return status, "\n".join(kept).strip()


def _sheet(title: str, items: list[PoamItem], poam: Poam, ssp: Ssp | None) -> SheetOut:
    catalog = load_catalog()
    keys = [KEYS.get(h) for h in HEADERS]
    conditional = poam.conditional if poam.kind is PoamKind.CONDITIONAL else None
    grid: list[list[object]] = [
        [TITLE],
        [*HEAD, *POAM_FACTS.values()],
        [
            ssp.system.organization if ssp else None,
            ssp.system.name if ssp else None,
            IMPACT_LEVEL,
            poam.last_reviewed,
            kind_text(poam),
            conditional.status_date if conditional else None,
            poam.maintainer or None,
            poam.review_cadence_days,
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
        bold=[f"{column_letter(n)}2" for n in range(1, len(HEAD) + len(POAM_FACTS) + 1)],
        banner="A1",
        freeze=f"A{HEADER_ROW + 1}",
        header_fill="CCECFC",
        validations=validations(),
        printing=PrintSetup(repeat_rows=(HEADER_ROW, HEADER_ROW)),
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
    """``poam`` as the FedRAMP layout gives it back (docs/workbooks.md, "What FedRAMP cannot
    carry"): open entries first, then the closed sheet's; an open entry is in progress only
    when a milestone is done; no waivers, ignored checks or thresholds."""

    def item(entry: PoamItem) -> PoamItem:
        status = open_status(entry.milestones, False) if entry.is_open else entry.status
        return replace(entry, status=status)

    items = [item(i) for i in poam.items]
    return Poam(
        kind=poam.kind,
        maintainer=poam.maintainer,
        last_reviewed=poam.last_reviewed,
        review_cadence_days=poam.review_cadence_days,
        conditional=poam.conditional if poam.kind is PoamKind.CONDITIONAL else None,
        items=(*(i for i in items if i.is_open), *(i for i in items if not i.is_open)),
    )


# --- reading ---------------------------------------------------------------------------------

MILESTONE_FORMAT = "(1) YYYY-MM-DD: description"
CHANGE_FORMAT = "(1) Update YYYY-MM-DD: description"
_KIND = r"(?P<kind>new|update[ds]?|updated|complete[ds]?|closed|done)"
_CHANGE_ENTRY = re.compile(
    rf"""^(?:{_KIND}\s*(?:on\s+)?[:\-\u2013]?\s*(?P<date>{ANY_DATE})
    |(?P<date2>{ANY_DATE})\s*[:\-\u2013]?\s*{_KIND.replace("kind", "kind2")})
    \s*[:\-\u2013\u2014]*\s*(?P<rest>.*)$""",
    re.IGNORECASE | re.DOTALL | re.VERBOSE,
)


@dataclass
class _Reader:
    table: Table
    problems: Problems
    catalog: Catalog
    warnings: list[str] = field(default_factory=list)
    unsaid: int = 0
    """Entries on the Closed sheet without a Closure line."""

    def error(self, row: Row, key: str, message: str) -> None:
        self.problems.add(self.table.sheet, row.number, self.table.header(key), message)

    def warn(self, row: Row, key: str, message: str) -> None:
        place = f"sheet {self.table.sheet!r}, row {row.number}, column {self.table.header(key)!r}"
        self.warnings.append(f"{place}: {message}")

    def date(self, row: Row, key: str) -> date | None:
        try:
            return parse_date(row[key], DATE_FORMAT)
        except CellError as error:
            self.error(row, key, str(error))
            return None

    def milestones(self, row: Row, kept: list[str]) -> list[Milestone]:
        """Planned Milestones, then Milestone Changes applied to them; text that is neither is
        added to ``kept`` (the entry's comments) with a warning."""
        planned: dict[int, Milestone] = {}
        for entry in split_numbered(row.text("planned")):
            if entry.number is None:
                kept.append(entry.text)
                self.warn(
                    row,
                    "planned",
                    f"{entry.text!r} is not a numbered milestone; kept in Comments "
                    f"(expected {MILESTONE_FORMAT!r})",
                )
                continue
            if entry.number in planned:
                self.error(row, "planned", f"milestone ({entry.number}) is listed twice")
                continue
            try:
                read = parse_milestone(entry.text, MILESTONE_FORMAT)
            except CellError as error:
                self.error(row, "planned", str(error))
                continue
            planned[entry.number] = read.milestone
            if not read.dated:
                self.warn(
                    row,
                    "planned",
                    f"milestone ({entry.number}) {entry.text!r} has no date; imported without "
                    f"one (expected {MILESTONE_FORMAT!r})",
                )
        for entry in split_numbered(row.text("changes")):
            self.change(row, entry, planned, kept)
        return [planned[number] for number in sorted(planned)]

    def change(
        self, row: Row, entry: Entry, planned: dict[int, Milestone], kept: list[str]
    ) -> None:
        match = _CHANGE_ENTRY.match(entry.text)
        if entry.number is None or match is None:
            kept.append(entry.text if entry.number is None else f"({entry.number}) {entry.text}")
            self.warn(
                row,
                "changes",
                f"{entry.text!r} is not a dated milestone change; kept in Comments "
                f"(expected {CHANGE_FORMAT!r})",
            )
            return
        number, rest = entry.number, match["rest"].strip()
        kind = (match["kind"] or match["kind2"]).casefold()
        try:
            when = parse_text_date(match["date"] or match["date2"])
        except CellError:
            self.error(
                row,
                "changes",
                f"{match['date'] or match['date2']!r} is not a date; expected {CHANGE_FORMAT!r}",
            )
            return
        if kind == "new":
            if number in planned:
                self.error(row, "changes", f"({number}) New: milestone ({number}) already exists")
            elif not rest:
                self.error(row, "changes", f"({number}) New: the new milestone has no description")
            else:
                planned[number] = Milestone(rest, when)
            return
        milestone = planned.get(number)
        if milestone is None:
            self.error(
                row,
                "changes",
                f"({number}) {kind.capitalize()}: there is no milestone ({number}) in Planned "
                "Milestones",
            )
            return
        if not kind.startswith("update"):  # complete, completed, closed, done
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
        kept: list[str] = []
        milestones = self.milestones(row, kept)
        scheduled = self.date(row, "scheduled")
        if not milestones and scheduled is not None:
            milestones = [Milestone("Scheduled completion", scheduled)]
        comments = row.text("comments")
        if status_open:
            status = open_status(milestones, False)
        else:
            said, comments = _closure(comments)
            status = said or ItemStatus.CLOSED
            if said is None:
                self.unsaid += 1
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
            comments="\n".join([comments, *kept]).strip() or None,
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


def _below(table: Table, labels: dict[str, str]) -> tuple[dict[str, Cell], dict[str, int]]:
    """Values of a header block whose labels sit above them (FedRAMP's rows 2 and 3), with the
    row of each value, for messages; the template's placeholders ("Text", "Date") are blank."""
    wanted = {normalize_header(label): key for key, label in labels.items()}
    values: dict[str, Cell] = {}
    rows: dict[str, int] = {}
    for index, cells in enumerate(table.above[:-1]):
        below = table.above[index + 1]
        for position, value in enumerate(cells):
            key = wanted.get(normalize_header(value))
            if key is None or key in values:
                continue
            cell: Cell = below[position] if position < len(below) else None
            values[key] = None if normalize_header(cell) in _PLACEHOLDERS else cell
            rows[key] = index + 2
    return values, rows


def _head(tables: list[Table], problems: Problems) -> tuple[Poam, tuple[str, ...]]:
    """The POA&M's facts from the sheets' header blocks (the first sheet that has each), and
    warnings for what is not there."""
    labels = {"poam_date": "POAM Date", **POAM_FACTS}
    values: dict[str, Cell] = {}
    places: dict[str, tuple[str, int]] = {}
    for table in tables:
        found, rows = _below(table, labels)
        for key, value in found.items():
            if key not in values or is_blank(values[key]):
                values[key] = value
                places[key] = (table.sheet, rows[key])

    def problem(key: str, message: str) -> None:
        sheet, row = places.get(key, (OPEN, 3))
        problems.add(sheet, row, labels[key], message)

    last_reviewed = None
    try:
        last_reviewed = parse_date(values.get("poam_date"), DATE_FORMAT)
    except CellError as error:
        problem("poam_date", str(error))
    restored = restore_kind(values, POAM_FACTS, problem)
    poam = Poam(
        kind=restored.kind,
        conditional=restored.conditional,
        maintainer=cell_text(values.get("maintainer")),
        last_reviewed=last_reviewed,
        review_cadence_days=cadence(values.get("cadence"), lambda m: problem("cadence", m)),
    )
    return poam, restored.warnings


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
    head, warnings = _head(tables, problems)
    notes: list[str] = []
    cell_warnings: list[str] = []
    unsaid = 0
    given: list[tuple[str, Place]] = []
    items: list[PoamItem] = []
    for table in tables:
        notes.extend(table.notes)
        reader = _Reader(table, problems, catalog)
        status_open = normalize_header(table.sheet) != normalize_header(CLOSED)
        for row in table.rows:
            item_id, item = reader.item(row, status_open)
            given.append((item_id, Place(table.sheet, row.number, table.header("poam_id"))))
            items.append(item)
        cell_warnings += reader.warnings
        unsaid += reader.unsaid
    ids = assign_ids(given, problems)
    problems.raise_if_any()
    if unsaid:
        warnings += (
            f"{unsaid} {'entry' if unsaid == 1 else 'entries'} on {CLOSED!r} "
            f"{'does' if unsaid == 1 else 'do'} not say whether "
            f"the closure was verified (no {CLOSURE_VERIFIED!r} or {CLOSURE_PENDING!r} line in "
            "Comments): imported as closed, so milestone-after-closeout-deadline does not run "
            f"on {'it' if unsaid == 1 else 'them'}; set status: completed-pending-verification "
            "in poam.yaml for those not yet verified",
        )
    return Imported(
        replace(head, items=tuple(replace(item, id=i) for item, i in zip(items, ids, strict=True))),
        tuple(notes),
        (*warnings, *cell_warnings),
    )
