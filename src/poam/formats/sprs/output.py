"""An SPRS entry as plain data (JSON), as CSV, and as plain text to type from.

The CSV holds two tables one after the other, so that it opens as one sheet: first the entry's
fields (``field,value``), then, after an empty row, the 110 requirements. The JSON holds the
same, plus the verdict's reasons with their citations.
"""

from __future__ import annotations

import csv
import io
import textwrap
from datetime import date
from typing import Any

from poam import __version__
from poam.core import rules
from poam.core.catalog import load_catalog
from poam.core.lifecycle import describe_status
from poam.core.plan import describe_full_score
from poam.core.scoring import MAX_SCORE, MIN_SCORE
from poam.core.serialize import full_score_to_data, record_to_data, verdict_to_data
from poam.core.verdict import Verdict
from poam.formats.sprs.entry import (
    COMPLETION_DATE,
    SCOPE_LABEL,
    SPRS_FIELDS,
    SprsEntry,
    SprsStatus,
)

REQUIREMENT_COLUMNS = (
    "requirement",
    "cmmc_id",
    "family",
    "title",
    "value",
    "status",
    "points_deducted",
    "note",
    "rule",
    "open_entries",
    "expected",
)


def _date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def completion_text(entry: SprsEntry) -> str:
    """The completion date as a person should read it: the words of ``poam plan`` and of the
    report (``describe_full_score``), "already 110" when none is required."""
    return describe_full_score(entry.completion, load_catalog())


def status_of_record_text(entry: SprsEntry) -> str:
    """The CMMC status of record: name, status date, UID, and until when it is current."""
    verdict = entry.verdict
    record = verdict.of_record
    if record is None:
        return "none on record"
    text = f"{verdict.verdict.label}: {describe_status(record)} of {record.status_date.isoformat()}"
    if record.uid:
        text += f", CMMC UID {record.uid}"
    if verdict.verdict is Verdict.CONDITIONAL and verdict.closeout_deadline is not None:
        text += f"; closeout due by {verdict.closeout_deadline.isoformat()}"
    elif verdict.valid_until is not None:
        text += f"; current until {verdict.valid_until.isoformat()}"
    return text


def affirmation_text(entry: SprsEntry) -> str:
    affirmation = entry.affirmation
    if affirmation is None:
        return "none on record (the Affirming Official affirms each entry)"
    return (
        f"{affirmation.official}, {affirmation.title} (last affirmed "
        f"{affirmation.date.isoformat()}, {affirmation.kind.value})"
    )


def score_text(entry: SprsEntry) -> str:
    if entry.score is None:
        return (
            f"none: SPRS cannot take an entry (CA.L2-3.12.4 NOT MET; the other requirements "
            f"would give {entry.provisional})"
        )
    return str(entry.score)


def entry_to_data(entry: SprsEntry) -> dict[str, Any]:
    """The entry as JSON-ready data; dates are ISO strings, requirement ids NIST and CMMC."""
    completion = entry.completion
    verdict = entry.verdict
    return {
        "poam_version": __version__,
        "source": SPRS_FIELDS,
        "can_enter": entry.can_enter,
        "problems": list(entry.problems),
        "notes": list(entry.notes),
        "assessment_date": entry.as_of.isoformat(),
        "score": entry.score,
        "provisional_score": entry.provisional,
        "max_score": MAX_SCORE,
        "min_score": MIN_SCORE,
        "scope": entry.scope.value,
        "system": {"name": entry.system_name, "organization": entry.organization},
        "ssp": {
            "name": entry.system_name,
            "version": entry.ssp_version,
            "date": entry.ssp_date.isoformat(),
        },
        "cage_codes": list(entry.cage_codes),
        "plan_of_action_completion_date": full_score_to_data(completion)
        | {"rule": COMPLETION_DATE},
        "status": {
            "verdict": verdict.verdict.value,
            "label": verdict.verdict.label,
            "conditional_assessment": entry.conditional_assessment,
            "closeout_deadline": _date(verdict.closeout_deadline),
            "days_left": verdict.days_left,
            "valid_until": _date(verdict.valid_until),
            "of_record": record_to_data(verdict.of_record),
            "reasons": [
                {"rule": r.rule, "message": r.message, "requirements": list(r.requirements)}
                for r in verdict.reasons
            ],
        },
        "readiness": verdict_to_data(entry.readiness, prefix="readiness"),
        "affirming_official": None
        if entry.affirmation is None
        else {
            "name": entry.affirmation.official,
            "title": entry.affirmation.title,
            "last_affirmed": entry.affirmation.date.isoformat(),
            "kind": entry.affirmation.kind.value,
            "rule": rules.AFFIRMATION,
        },
        "counts": {
            "met": entry.count(SprsStatus.MET),
            "not_met": entry.count(SprsStatus.NOT_MET),
            "not_applicable": entry.count(SprsStatus.NOT_APPLICABLE),
            "points_deducted": entry.deducted,
        },
        "requirements": [
            {
                "requirement": line.nist_id,
                "cmmc_id": line.cmmc_id,
                "family": line.family,
                "title": line.title,
                "value": line.value,
                "status": line.status.value,
                "points_deducted": line.deducted,
                "note": line.note,
                "rule": line.rule,
                "open_entries": list(line.entries),
                "expected": _date(line.expected),
            }
            for line in entry.requirements
        ],
    }


def _fields(entry: SprsEntry) -> list[tuple[str, str]]:
    """The entry's fields in the order of the SPRS screens."""
    status = entry.readiness.verdict.label
    return [
        ("Assessment date", entry.as_of.isoformat()),
        ("SPRS score", score_text(entry)),
        ("Assessment scope", SCOPE_LABEL[entry.scope]),
        ("System Security Plan", entry.system_name),
        ("SSP version", entry.ssp_version),
        ("SSP date", entry.ssp_date.isoformat()),
        ("CAGE codes", ", ".join(entry.cage_codes) or "none"),
        ("Plan of action completion date", completion_text(entry)),
        ("Status the assessment supports", status),
        ("CMMC status of record", status_of_record_text(entry)),
        ("Affirming Official", affirmation_text(entry)),
        (
            "Requirements",
            f"{entry.count(SprsStatus.MET)} MET, {entry.count(SprsStatus.NOT_MET)} NOT MET, "
            f"{entry.count(SprsStatus.NOT_APPLICABLE)} N/A; {entry.deducted} points deducted",
        ),
    ]


def entry_to_csv(entry: SprsEntry) -> str:
    """The fields, an empty row, then one row per requirement (see the module docstring)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(("field", "value"))
    writer.writerows(_fields(entry))
    for problem in entry.problems:
        writer.writerow(("Cannot be entered", problem))
    writer.writerow(())
    writer.writerow(REQUIREMENT_COLUMNS)
    for line in entry.requirements:
        writer.writerow(
            (
                line.nist_id,
                line.cmmc_id,
                line.family,
                line.title,
                line.value,
                line.status.value,
                line.deducted,
                line.note,
                line.rule,
                " ".join(line.entries),
                _date(line.expected) or "",
            )
        )
    return buffer.getvalue()


def _wrap(text: str, width: int, indent: str) -> str:
    return textwrap.fill(text, width=width, subsequent_indent=indent, break_on_hyphens=False)


def entry_to_text(entry: SprsEntry, width: int = 100) -> str:
    """Plain text to type the entry from: the fields, what blocks it, then each requirement."""
    label_width = max(len(label) for label, _ in _fields(entry)) + 2
    indent = " " * label_width
    out = [
        f"SPRS entry for {entry.system_name}, as of {entry.as_of.isoformat()}",
        "",
    ]
    for label, value in _fields(entry):
        out.append(_wrap(label.ljust(label_width) + value, width, indent))
    if entry.problems:
        out += ["", "SPRS cannot take this entry as it is:"]
        out += [_wrap(f"  ✗ {problem}", width, "    ") for problem in entry.problems]
    else:
        out += ["", "Ready to enter."]
    if entry.notes:
        out += ["", "Notes:"]
        out += [_wrap(f"  - {note}", width, "    ") for note in entry.notes]
    out += ["", "Requirement by requirement (as the CMMC Level 2 self-assessment asks):", ""]
    id_width = max(len(line.cmmc_id) for line in entry.requirements)
    title_width = 36
    header = f"  {'Requirement'.ljust(id_width)}  {'Status'.ljust(7)}  {'Points':>6}  "
    out.append(header + f"{'Title'.ljust(title_width)}  Note")
    for line in entry.requirements:
        points = f"-{line.deducted}" if line.deducted else ""
        title = (
            line.title if len(line.title) <= title_width else line.title[: title_width - 1] + "…"
        )
        row = (
            f"  {line.cmmc_id.ljust(id_width)}  {line.status.value.ljust(7)}  {points:>6}  "
            f"{title.ljust(title_width)}  {line.note}"
        )
        out.append(row.rstrip())  # one line per requirement, whatever its length: easy to grep
    return "\n".join(out) + "\n"
