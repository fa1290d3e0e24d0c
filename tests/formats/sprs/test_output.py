"""The SPRS entry as JSON, CSV and text."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from poam.core.assess import assess
from poam.core.model import ImplementationStatus
from poam.formats.sprs import entry_to_csv, entry_to_data, entry_to_text, sprs_entry
from poam.formats.sprs.entry import SprsEntry
from poam.formats.sprs.output import REQUIREMENT_COLUMNS
from tests.formats.sprs.systems import AS_OF, internal, item, record, ssp

NOT_IMPLEMENTED = ImplementationStatus.NOT_IMPLEMENTED


def sample() -> SprsEntry:
    the_ssp = ssp(
        record("3.1.21", NOT_IMPLEMENTED),
        record("3.3.5", NOT_IMPLEMENTED),
        name='Acme, "West" Enclave',
    )
    the_poam = internal(
        item("P-1", "3.1.21", date(2027, 1, 15)),
        item("P-2", "3.3.5", date(2027, 2, 26), date(2027, 3, 5)),
    )
    return sprs_entry(assess(the_ssp, the_poam, as_of=AS_OF))


def test_json_holds_every_field_and_110_requirements() -> None:
    data = json.loads(json.dumps(entry_to_data(sample())))
    assert data["assessment_date"] == "2026-11-30"
    assert data["score"] == 104
    assert data["scope"] == "enclave"
    assert data["ssp"] == {
        "name": 'Acme, "West" Enclave',
        "version": "2026.1",
        "date": "2026-09-30",
    }
    assert data["cage_codes"] == ["1ABC2"]
    assert data["plan_of_action_completion_date"] == {
        "date": "2027-03-05",
        "required": True,
        "determined": True,
        "latest_open_milestone": "2027-03-05",
        "unplanned": [],
        "rule": "DoD Assessment Methodology v1.2.1, Annex B",
    }
    assert data["can_enter"] is True
    assert data["counts"] == {"met": 108, "not_met": 2, "not_applicable": 0, "points_deducted": 6}
    assert data["status"]["verdict"] == "none"
    assert [r["rule"] for r in data["status"]["reasons"]] == ["32 CFR 170.21(a)(2)(ii)"]
    assert len(data["requirements"]) == 110
    audit = next(r for r in data["requirements"] if r["requirement"] == "3.3.5")
    assert audit == {
        "requirement": "3.3.5",
        "cmmc_id": "AU.L2-3.3.5",
        "family": "AU",
        "title": "Audit Correlation",
        "value": "5",
        "status": "NOT MET",
        "points_deducted": 5,
        "note": "not implemented",
        "rule": "32 CFR 170.24(c)(2)(i)(B)",
        "open_entries": ["P-2"],
        "expected": "2027-03-05",
    }


def test_csv_is_the_fields_then_an_empty_row_then_the_requirements() -> None:
    rows = list(csv.reader(io.StringIO(entry_to_csv(sample()), newline="")))
    blank = rows.index([])
    fields = dict(rows[1:blank])
    assert rows[0] == ["field", "value"]
    assert fields["Assessment date"] == "2026-11-30"
    assert fields["SPRS score"] == "104"
    assert fields["Assessment scope"] == "Enclave"
    assert fields["System Security Plan"] == 'Acme, "West" Enclave'
    assert fields["SSP version"] == "2026.1"
    assert fields["SSP date"] == "2026-09-30"
    assert fields["CAGE codes"] == "1ABC2"
    assert fields["Plan of action completion date"] == "2027-03-05"
    assert tuple(rows[blank + 1]) == REQUIREMENT_COLUMNS
    table = rows[blank + 2 :]
    assert len(table) == 110
    assert table[20] == [
        "3.1.21",
        "AC.L2-3.1.21",
        "AC",
        "Portable Storage Use",
        "1",
        "NOT MET",
        "1",
        "not implemented",
        "32 CFR 170.24(c)(2)(i)(B)",
        "P-1",
        "2027-01-15",
    ]
    assert table[0][5] == "MET"


def test_csv_lists_what_blocks_the_entry() -> None:
    entry = sprs_entry(assess(ssp(record("3.12.4", NOT_IMPLEMENTED)), None, as_of=AS_OF))
    rows = list(csv.reader(io.StringIO(entry_to_csv(entry), newline="")))
    fields = dict(row for row in rows[1 : rows.index([])] if row[0] != "Cannot be entered")
    blocked = [row[1] for row in rows if row and row[0] == "Cannot be entered"]
    assert fields["SPRS score"] == (
        "none: SPRS cannot take an entry (CA.L2-3.12.4 NOT MET; the other requirements would "
        "give 110)"
    )
    assert fields["Plan of action completion date"] == (
        "cannot be determined: 1 NOT MET requirement has no dated open milestone (CA.L2-3.12.4)"
    )
    assert blocked[0].startswith("CA.L2-3.12.4 (System Security Plan) is NOT MET")
    assert len(blocked) == 2


def test_text_reads_as_a_form_then_one_line_per_requirement() -> None:
    text = entry_to_text(sample())
    lines = text.splitlines()
    assert lines[0] == 'SPRS entry for Acme, "West" Enclave, as of 2026-11-30'
    assert "SPRS score                      104" in lines
    assert "Plan of action completion date  2027-03-05" in lines
    assert "Ready to enter." in lines
    row = next(line for line in lines if line.startswith("  AU.L2-3.3.5"))
    assert row.split() == [
        "AU.L2-3.3.5",
        "NOT",
        "MET",
        "-5",
        "Audit",
        "Correlation",
        "not",
        "implemented",
    ]
    assert sum(1 for line in lines if line.startswith(("  AC.L2", "  SC.L2", "  SI.L2"))) == 45
    blocked = entry_to_text(sprs_entry(assess(ssp(cage=()), None, as_of=AS_OF)))
    assert "SPRS cannot take this entry as it is:" in blocked
    assert "  ✗ No CAGE code: an SPRS entry names the CAGE codes it covers" in blocked
