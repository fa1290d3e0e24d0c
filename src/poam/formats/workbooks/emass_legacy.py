"""Reading the legacy eMASS POA&M template (2024 and earlier; import only).

Same sheet and header row as the current template, but each milestone sits in one cell with its
date after the text (``Implement Procedure A 10/25/2018``), a "Milestone Changes" cell holds
the milestone as changed (``Updated description 10/22/2018``), and the Status cell carries the
completion date (``Completed 11/13/2018``). poam writes only the current template.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from poam.core.catalog import Catalog
from poam.core.model import ItemStatus, Milestone, MilestoneChange, Poam, PoamItem
from poam.formats.workbooks.cells import (
    US_DATE,
    CellError,
    cell_text,
    normalize_header,
    parse_date,
    parse_text_date,
    us_date,
)
from poam.formats.workbooks.entries import Place, assign_ids, requirement_cell
from poam.formats.workbooks.reading import (
    Column,
    Imported,
    Problems,
    Row,
    Table,
    header_block,
)

COLUMNS = (
    Column("item_id", "POA&M Item ID"),
    Column("description", "Control Vulnerability Description", required=True),
    Column("controls", "Controls / APs", required=True),
    Column("office", "Office/Org"),
    Column("resources", "Resources Required"),
    Column("scheduled", "Scheduled Completion Date"),
    Column("milestone_id", "Milestone ID"),
    Column("milestone", "Milestone with Completion Dates", required=True),
    Column("changes", "Milestone Changes"),
    Column("source", "Source Identifying Vulnerability"),
    Column("status", "Status", required=True),
    Column("comments", "Comments"),
    Column("recommendations", "Recommendations"),
    *(
        Column(f"unkept_{index}", header, kept=False)
        for index, header in enumerate(
            (
                "Security Checks",
                "Raw Severity",
                "Devices Affected",
                "Mitigations (in-house and in conjunction with the Navy CSSP)",
                "Predisposing Conditions",
                "Severity",
                "Relevance of Threat",
                "Threat Description",
                "Likelihood",
                "Impact",
                "Impact Description",
                "Residual Risk Level",
                "Recommendations",
                "Resulting Residual Risk after Proposed Mitigations",
            )
        )
    ),
)
STARTS_ENTRY = ("item_id", "description", "controls", "status")
_TEXT_THEN_DATE = re.compile(rf"^(?P<text>.*?)[\s,;:-]*(?P<date>{US_DATE})\s*$", re.DOTALL)
_NO_CMMC_EQUIVALENT = {
    "risk accepted": "CMMC has no risk acceptance: a requirement NOT MET stays NOT MET "
    "(32 CFR 170.24); record a permanent exception as an enduring exception in the SSP",
    "not applicable": "a requirement that does not apply is marked not-applicable in the SSP "
    "(32 CFR 170.24(b)(3)), not carried on the POA&M",
    "n/a": "a requirement that does not apply is marked not-applicable in the SSP "
    "(32 CFR 170.24(b)(3)), not carried on the POA&M",
    "archived": "an archived item is no longer part of the POA&M; leave it out",
}


def is_legacy(headers: set[str]) -> bool:
    return "milestone with completion dates" in headers and "milestone description" not in headers


@dataclass
class _Draft:
    row: Row
    base: PoamItem
    completed: date | None = None
    closed: bool = False
    scheduled: date | None = None
    milestones: list[Milestone] = field(default_factory=list)


@dataclass
class _Reader:
    table: Table
    problems: Problems
    catalog: Catalog
    exported: date | None
    notes: list[str] = field(default_factory=list)

    def error(self, row: Row, key: str, message: str) -> None:
        self.problems.add(self.table.sheet, row.number, self.table.header(key), message)

    def text_and_date(self, row: Row, key: str) -> tuple[str, date] | None:
        text = row.text(key)
        match = _TEXT_THEN_DATE.match(text)
        if match is None:
            self.error(
                row,
                key,
                f"{text!r} has no date after its text (expected 'what will be "
                "done MM/DD/YYYY', as the legacy template asks)",
            )
            return None
        try:
            return match["text"].strip(), parse_text_date(match["date"])
        except CellError as error:
            self.error(row, key, str(error))
            return None

    def entry(self, row: Row) -> _Draft:
        requirement, objectives = requirement_cell(
            row.text("controls"),
            self.catalog,
            Place(self.table.sheet, row.number, self.table.header("controls")),
            self.problems,
        )
        status_text = row.text("status")
        word = normalize_header(re.sub(rf"\s*{US_DATE}\s*$", "", status_text))
        draft = _Draft(
            row,
            PoamItem(
                id="",
                requirement=requirement,
                objectives=objectives,
                gap=row.text("description"),
                owner=row.text("office"),
                identified_by=row.text("source") or None,
                resources=row.text("resources") or None,
                comments=row.text("comments") or None,
            ),
        )
        if word in _NO_CMMC_EQUIVALENT:
            self.error(
                row, "status", f"{status_text!r} cannot be imported: {_NO_CMMC_EQUIVALENT[word]}"
            )
        elif word == "completed":
            draft.closed = True
            found = _TEXT_THEN_DATE.match(status_text)
            draft.completed = parse_text_date(found["date"]) if found else None
        elif word != "ongoing":
            self.error(
                row,
                "status",
                f"{status_text!r} is not one of Ongoing, Completed MM/DD/YYYY (legacy eMASS Status)"
                if status_text
                else "is empty; expected Ongoing or Completed MM/DD/YYYY",
            )
        try:
            draft.scheduled = parse_date(row["scheduled"])
        except CellError as error:
            self.error(row, "scheduled", str(error))
        return draft

    def milestone(self, row: Row, draft: _Draft) -> None:
        planned = self.text_and_date(row, "milestone") if row.text("milestone") else None
        if planned is None:
            if row.text("changes") and not row.text("milestone"):
                self.error(row, "milestone", "is empty, but the row has a milestone change")
            return
        title, due = planned
        milestone = Milestone(title, due)
        if row.text("changes"):
            changed = self.text_and_date(row, "changes")
            if changed is None:
                return
            new_title, new_due = changed
            milestone = Milestone(
                new_title or title,
                new_due,
                history=(
                    MilestoneChange(
                        changed=self.exported or new_due,
                        from_date=due,
                        to_date=new_due,
                        justification=f"Legacy eMASS milestone change: {row.text('changes')}",
                    ),
                ),
            )
            when = us_date(self.exported) if self.exported else "the new date"
            self.notes.append(
                f"sheet {self.table.sheet!r}, row {row.number}: the legacy "
                f"template does not date milestone changes; {when} was used"
            )
        draft.milestones.append(milestone)

    def finish(self, draft: _Draft, item_id: str) -> PoamItem:
        if draft.closed:
            status = (
                ItemStatus.CLOSED
                if draft.completed
                else (ItemStatus.COMPLETED_PENDING_VERIFICATION)
            )
        else:
            status = ItemStatus.IN_PROGRESS
        return replace(
            draft.base,
            id=item_id,
            status=status,
            updated=draft.completed,
            milestones=tuple(draft.milestones),
        )


def read_legacy(table: Table, problems: Problems, catalog: Catalog) -> Imported[Poam]:
    """The POA&M in a legacy eMASS table (already found by header text)."""
    block = header_block(
        table.above,
        {"exported": "Date Exported:", "poc": "POC Name:", "exported_by": "Exported By:"},
    )
    try:
        exported = parse_date(block.get("exported"))
    except CellError:
        exported = None
    reader = _Reader(table, problems, catalog, exported, list(table.notes))
    drafts: list[_Draft] = []
    for row in table.rows:
        if not row.blank(*STARTS_ENTRY):
            drafts.append(reader.entry(row))
        elif not drafts:
            reader.error(
                row,
                "milestone",
                "a milestone row before any POA&M item: an item's "
                "first row holds its description, controls and status",
            )
            continue
        if not row.blank("milestone", "changes"):
            reader.milestone(row, drafts[-1])
    ids = assign_ids(
        [
            (d.row.text("item_id"), Place(table.sheet, d.row.number, table.header("item_id")))
            for d in drafts
        ],
        problems,
    )
    problems.raise_if_any()
    items = tuple(reader.finish(d, i) for d, i in zip(drafts, ids, strict=True))
    maintainer = cell_text(block.get("poc")) or cell_text(block.get("exported_by"))
    notes = (
        [
            *reader.notes,
            "read as the legacy eMASS template (2024 and earlier): Ongoing "
            "items were imported as in-progress",
        ]
        if items
        else reader.notes
    )
    return Imported(Poam(maintainer=maintainer, items=items), tuple(notes))
