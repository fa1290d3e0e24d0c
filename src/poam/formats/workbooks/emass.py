"""The eMASS POA&M import template: sheet ``POA&M``, header block on rows 1-6, column headers
on row 7 from column B, one row per milestone (the entry's own fields on its first row).

Written in the Navy variant by default (the Army and Marine Corps variants on request), as the
templates in ``shared/formats/emass/`` are laid out; read by header text, so any of the three
current variants, with columns moved or added, reads the same. The mapping and what eMASS cannot
hold are documented in ``docs/workbooks.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from openpyxl.utils.cell import coordinate_to_tuple

from poam.core.catalog import Catalog, load_catalog
from poam.core.model import Evidence, ItemStatus, Milestone, Poam, PoamItem, PoamKind, Ssp
from poam.formats.errors import InputError
from poam.formats.workbooks.cells import (
    CellError,
    cell_text,
    choice,
    normalize_header,
    parse_date,
    parse_steps,
    requirement_reference,
    steps_text,
    us_date,
)
from poam.formats.workbooks.emass_legacy import COLUMNS as LEGACY_COLUMNS
from poam.formats.workbooks.emass_legacy import is_legacy, read_legacy
from poam.formats.workbooks.emass_template import (
    ARMY,
    BANNER,
    BLOCKS,
    FIRST_COLUMN,
    HEADER_ROW,
    NAVY,
    POAM_FACTS,
    SHEET,
    VARIANTS,
    validations,
)
from poam.formats.workbooks.entries import (
    Place,
    assign_ids,
    evidence_text,
    parse_evidence,
    requirement_cell,
)
from poam.formats.workbooks.facts import cadence, kind_text, restore_kind
from poam.formats.workbooks.milestones import (
    change_text,
    closed_on,
    latest_due,
    open_status,
    parse_change,
    split_changes,
)
from poam.formats.workbooks.reading import (
    HEADER_SEARCH_ROWS,
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
from poam.formats.workbooks.writing import PrintSetup, SheetOut, column_letter, save_csv, save_xlsx

COLUMNS = (
    Column("item_id", "POA&M Item ID"),
    Column("description", "Control Vulnerability Description", required=True),
    Column("controls", "Controls / APs", required=True),
    Column("status", "POA&M Status", required=True),
    Column("scheduled", "POA&M Scheduled Completion Date"),
    Column("completion", "POA&M Completion Date"),
    Column("milestone_id", "Milestone ID"),
    Column("m_title", "Milestone Description", required=True),
    Column("m_status", "Milestone Status", required=True),
    Column("m_comments", "Milestone Status Comments"),
    Column("m_due", "Milestone Scheduled Completion Date", required=True),
    Column("m_completed", "Milestone Completion Date"),
    Column("source", "Identification Source"),
    Column("source_details", "Identification Source Details"),
    Column("office", "Office/Org", required=True),
    Column("resources", "Resources Required"),
    Column("comments", "Comments"),
    Column("recommendations", "Recommendations"),
    Column("security_checks", "Security Checks", kept=False),
    Column("risk_expiration", "POA&M Requested Risk Accepted Expiration Date", kept=False),
    Column("mitigations", NAVY[21], aliases=("Mitigations",), kept=False),
    *(
        Column(f"unkept_{index}", header, kept=False)
        for index, header in enumerate((*NAVY[19:21], *NAVY[22:30], NAVY[31], *ARMY[29:]), start=1)
    ),
)
_BY_HEADER = {normalize_header(h): c.key for c in COLUMNS for h in (c.header, *c.aliases)}
_KEPT = {c.key: c.kept for c in COLUMNS}
ENTRY_KEYS = (
    "item_id",
    "description",
    "controls",
    "status",
    "scheduled",
    "completion",
    "source",
    "source_details",
    "office",
    "resources",
    "comments",
    "recommendations",
)
STARTS_ENTRY = ("item_id", "description", "controls", "status")
"""A row with one of these starts an entry; the rows after it only add milestones."""
MILESTONE_KEYS = ("milestone_id", "m_title", "m_status", "m_comments", "m_due", "m_completed")

ONGOING, COMPLETED = "Ongoing", "Completed"
STATUS_OUT = {
    ItemStatus.NOT_STARTED: ONGOING,
    ItemStatus.IN_PROGRESS: ONGOING,
    ItemStatus.COMPLETED_PENDING_VERIFICATION: COMPLETED,
    ItemStatus.CLOSED: COMPLETED,
}
_NO_CMMC_EQUIVALENT = {
    "risk accepted": "CMMC has no risk acceptance: a requirement NOT MET stays NOT MET "
    "(32 CFR 170.24); record a permanent exception as an enduring exception in the SSP",
    "not applicable": "a requirement that does not apply is marked not-applicable in the SSP "
    "(32 CFR 170.24(b)(3)), not carried on the POA&M",
}
MILESTONE_OPEN, MILESTONE_STARTED, MILESTONE_DONE, MILESTONE_ARCHIVED = (
    "Open",
    "In Progress",
    "Completed",
    "Archived",
)
_MILESTONE_STATUSES = {
    normalize_header(s): s
    for s in (MILESTONE_OPEN, MILESTONE_STARTED, MILESTONE_DONE, MILESTONE_ARCHIVED)
}


# --- writing ---------------------------------------------------------------------------------


_FACT_LABELS = {key: label for key, (_, label) in POAM_FACTS.items()}
CREATED, UPDATED = "Created", "Last updated"
"""Labels of the Comments lines that keep an entry's dates, which eMASS has no column for."""
EVIDENCE_PREFIX = "Evidence: "
"""Comments lines that list an entry's evidence (``Evidence: title | uri | sha256 <hex> |
MM/DD/YYYY``): eMASS has no evidence column, and an assessor reads them there."""
_WIDE = {
    "description",
    "m_title",
    "m_comments",
    "source_details",
    "office",
    "resources",
    "comments",
    "recommendations",
}


def _coordinates(coordinate: str) -> tuple[int, int]:
    return coordinate_to_tuple(coordinate)


def _milestone_status(item: PoamItem, index: int) -> str:
    milestone = item.milestones[index]
    if milestone.completed is not None:
        return MILESTONE_DONE
    first_open = next(i for i, m in enumerate(item.milestones) if m.completed is None)
    if item.status is ItemStatus.IN_PROGRESS and index == first_open:
        return MILESTONE_STARTED
    return MILESTONE_OPEN


def _entry_cells(item: PoamItem, catalog: Catalog) -> dict[str, object]:
    return {
        "item_id": item.id,
        "description": item.gap,
        "controls": requirement_reference(item.requirement, item.objectives, catalog),
        "status": STATUS_OUT[item.status],
        "scheduled": latest_due(item.milestones),
        "completion": closed_on(item) if item.status is ItemStatus.CLOSED else None,
        "source_details": item.identified_by,
        "office": item.owner,
        "resources": item.resources,
        "comments": _comments_text(item),
        "recommendations": steps_text(item.remediation),
    }


def _comments_text(item: PoamItem) -> str | None:
    """The entry's comments, then what eMASS has no column for, one labelled line each."""
    lines = [item.comments] if item.comments else []
    if item.created is not None:
        lines.append(f"{CREATED}: {us_date(item.created)}")
    if item.updated is not None and item.status is not ItemStatus.CLOSED:
        lines.append(f"{UPDATED}: {us_date(item.updated)}")  # a closed one's is its completion
    lines += [EVIDENCE_PREFIX + evidence_text(e, us_date) for e in item.evidence]
    return "\n".join(lines) or None


@dataclass(frozen=True, slots=True)
class _Noted:
    """What the Comments cell holds: the comments, and the facts poam wrote there."""

    comments: str | None
    evidence: tuple[Evidence, ...]
    created: date | None
    updated: date | None


def _split_comments(text: str) -> _Noted:
    """Comments, and the lines ``Created: DATE``, ``Last updated: DATE`` and ``Evidence: ...``
    (a line whose label is not followed by a date stays a comment)."""
    kept: list[str] = []
    evidence: list[Evidence] = []
    dates: dict[str, date] = {}
    for line in text.split("\n"):
        head, _, rest = line.partition(":")
        label = normalize_header(head)
        if rest.strip() and label == "evidence":
            evidence.append(parse_evidence(rest))
            continue
        if label in (CREATED.casefold(), UPDATED.casefold()) and label not in dates:
            try:
                when = parse_date(rest.strip())
            except CellError:
                when = None
            if when is not None:
                dates[label] = when
                continue
        kept.append(line)
    return _Noted(
        "\n".join(kept).strip() or None,
        tuple(evidence),
        dates.get(CREATED.casefold()),
        dates.get(UPDATED.casefold()),
    )


def _milestone_cells(item: PoamItem, index: int) -> dict[str, object]:
    milestone = item.milestones[index]
    return {
        "milestone_id": index + 1,
        "m_title": milestone.title,
        "m_status": _milestone_status(item, index),
        "m_comments": "\n".join(change_text(c, us_date) for c in milestone.history),
        "m_due": milestone.due,
        "m_completed": milestone.completed,
    }


def sheet(
    poam: Poam,
    *,
    exported: date,
    ssp: Ssp | None = None,
    variant: str = "navy",
    catalog: Catalog | None = None,
) -> SheetOut:
    """The ``POA&M`` sheet: header block, headers on row 7 from column B, rows per milestone."""
    catalog = catalog or load_catalog()
    headers = VARIANTS[variant]
    block = BLOCKS[variant]
    keys = [_BY_HEADER[normalize_header(h)] for h in headers]
    width = FIRST_COLUMN - 1 + len(headers)
    grid: list[list[object]] = [[None] * width for _ in range(HEADER_ROW - 1)]
    grid[0][0] = BANNER
    for coordinate, label in block.labels.items():
        row, column = _coordinates(coordinate)
        grid[row - 1][column - 1] = label
    facts = {
        "exported": exported,
        "exported_by": poam.maintainer,
        "organization": ssp.system.organization if ssp else None,
        "system": ssp.system.name if ssp else None,
        "poc": poam.maintainer,
    }
    for key, coordinate in block.values.items():
        row, column = _coordinates(coordinate)
        grid[row - 1][column - 1] = facts[key]
    conditional = poam.conditional if poam.kind is PoamKind.CONDITIONAL else None
    own = {
        "kind": kind_text(poam),
        "status_date": conditional.status_date if conditional else None,
        "last_reviewed": poam.last_reviewed,
        "cadence": poam.review_cadence_days,
    }
    for key, (coordinate, label) in POAM_FACTS.items():
        row, column = _coordinates(coordinate)
        grid[row - 1][column - 1] = label
        grid[row - 1][column] = own[key]
    grid.append([None, *headers])
    for item in poam.items:
        entry = _entry_cells(item, catalog)
        for index in range(max(1, len(item.milestones))):
            cells = dict(entry) if index == 0 else {}
            if item.milestones:
                cells.update(_milestone_cells(item, index))
            grid.append([None, *(cells.get(key) for key in keys)])
    last = column_letter(width)
    widths = {"A": 12.0}
    for offset, key in enumerate(keys):
        wide = 40.0 if key in _WIDE else 18.0
        widths[column_letter(FIRST_COLUMN + offset)] = wide if _KEPT[key] else 12.0
    return SheetOut(
        title=SHEET,
        rows=grid,
        header_row=HEADER_ROW,
        widths=widths,
        merges=[f"A1:{last}1", *block.merges],
        bold=[*block.labels, *(coordinate for coordinate, _ in POAM_FACTS.values())],
        banner="A1",
        freeze=f"A{HEADER_ROW + 1}",
        row_heights={1: 25.0, HEADER_ROW: 48.0},
        validations=validations(headers),
        printing=PrintSetup(
            repeat_rows=(HEADER_ROW, HEADER_ROW), banner=BANNER, banner_color="007A3D"
        ),
    )


def write(
    poam: Poam,
    path: Path,
    *,
    exported: date,
    ssp: Ssp | None = None,
    fmt: str = "xlsx",
    variant: str = "navy",
) -> None:
    """Write ``poam`` as an eMASS POA&M workbook (``fmt`` xlsx) or the same grid as CSV."""
    out = sheet(poam, exported=exported, ssp=ssp, variant=variant)
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
    assert poam is not None
    write(poam, path, exported=exported, ssp=ssp, fmt=fmt, variant=variant or "navy")


def carried(poam: Poam) -> Poam:
    """``poam`` as the eMASS layout gives it back (docs/workbooks.md, "What eMASS cannot
    carry"): no waivers, ignored checks or thresholds, statuses as the POA&M and Milestone
    Status columns say them, and a closed entry's last update as its completion date."""

    def item(entry: PoamItem) -> PoamItem:
        status = entry.status
        if status in (ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS):
            started = status is ItemStatus.IN_PROGRESS and any(
                m.completed is None for m in entry.milestones
            )
            status = open_status(entry.milestones, started)
        elif status is ItemStatus.CLOSED and closed_on(entry) is None:
            status = ItemStatus.COMPLETED_PENDING_VERIFICATION
        updated = closed_on(entry) if status is ItemStatus.CLOSED else entry.updated
        return replace(entry, updated=updated, status=status)

    return Poam(
        kind=poam.kind,
        maintainer=poam.maintainer,
        last_reviewed=poam.last_reviewed,
        review_cadence_days=poam.review_cadence_days,
        conditional=poam.conditional if poam.kind is PoamKind.CONDITIONAL else None,
        items=tuple(item(i) for i in poam.items),
    )


# --- reading ---------------------------------------------------------------------------------


@dataclass
class _Draft:
    """An entry being read: its first row, and the milestones of its rows."""

    row: Row
    id_text: str
    base: PoamItem
    """The entry's own fields (id, status and milestones are set once all rows are read)."""
    emass_status: str
    completion: date | None
    scheduled: date | None
    milestones: list[Milestone] = field(default_factory=list)
    started: bool = False
    extra_comments: list[str] = field(default_factory=list)


class _Reader:
    def __init__(self, table: Table, problems: Problems, catalog: Catalog) -> None:
        self.table = table
        self.problems = problems
        self.catalog = catalog
        self.notes: list[str] = list(table.notes)

    def place(self, row: Row, key: str) -> Place:
        return Place(self.table.sheet, row.number, self.table.header(key))

    def error(self, row: Row, key: str, message: str) -> None:
        self.problems.add(self.table.sheet, row.number, self.table.header(key), message)

    def date(self, row: Row, key: str) -> date | None:
        try:
            return parse_date(row[key])
        except CellError as error:
            self.error(row, key, str(error))
            return None

    def entry(self, row: Row) -> _Draft:
        requirement, objectives = requirement_cell(
            row.text("controls"), self.catalog, self.place(row, "controls"), self.problems
        )
        status_text = row.text("status")
        status = ""
        if not status_text:
            self.error(row, "status", "is empty; expected Ongoing or Completed")
        elif normalize_header(status_text) in _NO_CMMC_EQUIVALENT:
            self.error(
                row,
                "status",
                f"{status_text!r} cannot be imported: "
                f"{_NO_CMMC_EQUIVALENT[normalize_header(status_text)]}",
            )
        else:
            try:
                status = choice(
                    status_text, {"ongoing": ONGOING, "completed": COMPLETED}, (ONGOING, COMPLETED)
                )
            except CellError as error:
                self.error(row, "status", f"{error} (eMASS POA&M Status)")
        noted = _split_comments(row.text("comments"))
        source, details = row.text("source"), row.text("source_details")
        identified = f"{source}: {details}" if source and details else source or details
        base = PoamItem(
            id="",
            requirement=requirement,
            objectives=objectives,
            gap=row.text("description"),
            owner=row.text("office"),
            identified_by=identified or None,
            resources=row.text("resources") or None,
            comments=noted.comments,
            evidence=noted.evidence,
            created=noted.created,
            updated=noted.updated,
            remediation=parse_steps(row.text("recommendations")),
        )
        return _Draft(
            row,
            row.text("item_id"),
            base,
            status,
            self.date(row, "completion"),
            self.date(row, "scheduled"),
        )

    def milestone(self, row: Row, draft: _Draft) -> None:
        title = row.text("m_title")
        status_text = row.text("m_status")
        due = self.date(row, "m_due")
        completed = self.date(row, "m_completed")
        status = None
        if status_text:
            status = _MILESTONE_STATUSES.get(normalize_header(status_text))
            if status is None:
                self.error(
                    row,
                    "m_status",
                    f"{status_text!r} is not one of Open, In Progress, "
                    "Completed, Archived (eMASS Milestone Status)",
                )
        elif title:
            status = MILESTONE_DONE if completed else MILESTONE_OPEN
        if not title:
            self.error(row, "m_title", "is empty; each milestone says what will be done")
            return
        if status == MILESTONE_DONE and row.blank("m_completed"):
            self.error(
                row, "m_completed", "is empty; a Completed milestone needs its completion date"
            )
        if status in (MILESTONE_OPEN, MILESTONE_STARTED) and completed is not None:
            self.error(
                row,
                "m_status",
                f"is {status_text!r} but the milestone has a "
                f"completion date ({us_date(completed)}); set it to Completed",
            )
        if status == MILESTONE_ARCHIVED:
            self.notes.append(
                f"sheet {self.table.sheet!r}, row {row.number}: archived "
                f"milestone {title!r} not imported"
            )
            return
        history = []
        changes, other = split_changes(row.text("m_comments"))
        for text in changes:
            try:
                history.append(parse_change(text))
            except CellError as error:
                self.error(row, "m_comments", str(error))
        if other:
            draft.extra_comments.append(f"Milestone {title!r}: " + " ".join(other))
        draft.started = draft.started or status == MILESTONE_STARTED
        draft.milestones.append(Milestone(title, due, completed, tuple(history)))

    def finish(self, draft: _Draft, item_id: str) -> PoamItem:
        milestones = draft.milestones
        row = draft.row
        if not milestones and draft.scheduled is not None:
            milestones = [Milestone("POA&M scheduled completion", draft.scheduled)]
            self.notes.append(
                f"sheet {self.table.sheet!r}, row {row.number}: no milestones; the POA&M "
                f"Scheduled Completion Date {us_date(draft.scheduled)} became one milestone"
            )
        elif draft.scheduled is not None and draft.scheduled != latest_due(milestones):
            self.notes.append(
                f"sheet {self.table.sheet!r}, row {row.number}: POA&M Scheduled Completion Date "
                f"{us_date(draft.scheduled)} not kept (poam takes it from the last milestone)"
            )
        updated = draft.base.updated  # from the Comments line, when poam wrote one
        if draft.emass_status == COMPLETED:
            status = (
                ItemStatus.CLOSED
                if draft.completion is not None
                else ItemStatus.COMPLETED_PENDING_VERIFICATION
            )
            updated = draft.completion or updated
        else:
            status = open_status(milestones, draft.started)
        comments = draft.base.comments
        if draft.extra_comments:
            comments = "\n".join([*([comments] if comments else []), *draft.extra_comments])
            self.notes.append(
                f"sheet {self.table.sheet!r}, row {row.number}: Milestone Status "
                "Comments that are not date changes were added to Comments"
            )
        return replace(
            draft.base,
            id=item_id,
            status=status,
            updated=updated,
            milestones=tuple(milestones),
            comments=comments,
        )


def _is_legacy(head: list[tuple[object, ...]]) -> bool:
    return any(is_legacy({normalize_header(c) for c in cells}) for cells in head)


def read(path: Path, catalog: Catalog | None = None) -> Imported[Poam]:
    """An eMASS POA&M workbook (XLSX, or CSV of the same grid) as a POA&M; all or nothing."""
    catalog = catalog or load_catalog()
    with open_book(path, csv_allowed=True) as book:
        sheet_name = _sheet_name(book.sheet_names, book.file)
        legacy = _is_legacy(first_rows(book, sheet_name, HEADER_SEARCH_ROWS))
        problems = Problems(book.file)
        columns = LEGACY_COLUMNS if legacy else COLUMNS
        table = read_table(book, sheet_name, columns, expected_row=HEADER_ROW, problems=problems)
    problems.raise_if_any()
    assert table is not None
    head, warnings = _head(table, problems)
    if legacy:
        imported = read_legacy(table, problems, catalog)
        items, notes = imported.document.items, imported.notes
    else:
        items, notes = _items(table, problems, catalog)
    problems.raise_if_any()
    return Imported(replace(head, items=items), notes, warnings)


def _items(
    table: Table, problems: Problems, catalog: Catalog
) -> tuple[tuple[PoamItem, ...], tuple[str, ...]]:
    """The entries of the current template's table (one row per milestone), and notes."""
    reader = _Reader(table, problems, catalog)
    drafts: list[_Draft] = []
    for row in table.rows:
        if not row.blank(*STARTS_ENTRY):
            drafts.append(reader.entry(row))
        elif not row.blank(*ENTRY_KEYS):
            stray = [table.header(k) for k in ENTRY_KEYS if not row.blank(k)]
            reader.error(
                row,
                next(k for k in ENTRY_KEYS if not row.blank(k)),
                "a milestone row (no item id, description, controls or status) holds the "
                f"item's {', '.join(map(repr, stray))}: put them on the item's first row",
            )
            continue
        elif not drafts:
            reader.error(
                row,
                "m_title",
                "a milestone row before any POA&M item: an item's "
                "first row holds its description, controls and status",
            )
            continue
        if not row.blank(*MILESTONE_KEYS):
            reader.milestone(row, drafts[-1])
    ids = assign_ids(
        [(d.id_text, Place(table.sheet, d.row.number, table.header("item_id"))) for d in drafts],
        problems,
    )
    problems.raise_if_any()
    items = tuple(reader.finish(draft, item_id) for draft, item_id in zip(drafts, ids, strict=True))
    return items, tuple(reader.notes)


def _head(table: Table, problems: Problems) -> tuple[Poam, tuple[str, ...]]:
    """The POA&M's facts from the header block: the maintainer (POC Name, else Exported By)
    and the facts poam writes beside the block; warnings for what is not there."""
    labels = {"poc": "POC Name:", "exported_by": "Exported By:", **_FACT_LABELS}
    rows: dict[str, int] = {}
    block = header_block(table.above, labels, rows)

    def problem(key: str, message: str) -> None:
        problems.add(table.sheet, rows.get(key), labels[key].rstrip(":"), message)

    restored = restore_kind(block, _FACT_LABELS, problem)
    last_reviewed = None
    try:
        last_reviewed = parse_date(block.get("last_reviewed"))
    except CellError as error:
        problem("last_reviewed", str(error))
    poam = Poam(
        kind=restored.kind,
        conditional=restored.conditional,
        maintainer=cell_text(block.get("poc")) or cell_text(block.get("exported_by")),
        last_reviewed=last_reviewed,
        review_cadence_days=cadence(block.get("cadence"), lambda m: problem("cadence", m)),
    )
    return poam, restored.warnings


def _sheet_name(names: tuple[str, ...], file: str) -> str:
    if names == ("",):
        return ""
    for name in names:
        if normalize_header(name) == normalize_header(SHEET):
            return name
    raise InputError.single(
        file,
        f"has no sheet {SHEET!r} (its sheets: {', '.join(map(repr, names))}); "
        "is this an eMASS POA&M workbook?",
    )
