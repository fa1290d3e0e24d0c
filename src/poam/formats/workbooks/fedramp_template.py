"""What the FedRAMP POA&M template v2.1 looks like: its sheets, its header block, its column
headers exactly as on row 5 of ``shared/formats/fedramp/FedRAMP-POAM-Template.xlsx``, and the
checks it puts on the data rows; plus the cells poam adds beside the header block for what the
template has no place for. ``fedramp`` writes and reads by these.
"""

from __future__ import annotations

from poam.formats.workbooks.facts import INTERNAL, STATUS_NAMES
from poam.formats.workbooks.reading import Column
from poam.formats.workbooks.writing import Validation, column_letter, column_list, date_check

OPEN, CLOSED, CONFIGURATION = "Open POA&M Items", "Closed POA&M Items", "Configuration Findings"
SHEETS = (OPEN, CLOSED, CONFIGURATION)
HEADER_ROW = 5
DATE_FORMAT = "YYYY-MM-DD"
"""The one date format messages ask for: the template's own hints write dates so."""
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
KEYS = {
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
    Column(KEYS.get(h, f"unkept_{i}"), h, required=KEYS.get(h) in _REQUIRED, kept=h in KEYS)
    for i, h in enumerate(HEADERS)
)
HEAD = ("CSP", "System Name", "Impact Level", "POAM Date")
"""The template's header block: labels on row 2, values on row 3."""
POAM_FACTS = {
    "kind": "POA&M Kind",
    "status_date": "Conditional Status Date",
    "maintainer": "Maintained By",
    "cadence": "Review Cadence (days)",
}
"""The POA&M's own facts, which the template has no place for, in the same style right of it
(columns E to H)."""


LISTS = {
    "Vendor Dependency": ("Yes", "No"),
    "Original Risk Rating": ("Low", "Moderate", "High"),
    "Adjusted Risk Rating": ("Low", "Moderate", "High", "N/A"),
    "Risk Adjustment": ("Yes", "No", "Pending"),
    "False Positive": ("Yes", "No", "Pending"),
    "Operational Requirement": ("Yes", "No", "Pending"),
}
"""The template's drop-down lists on the data rows (FedRAMP-POAM-Template.xlsx v2.1)."""
DATE_HEADERS = (
    "Original Detection Date",
    "Scheduled Completion Date",
    "Status Date",
    "Last Vendor Check-in Date",
)


def validations() -> list[Validation]:
    """The template's checks: the Impact Level list and POAM Date of the header block, the
    lists and dates of the data rows, and the POA&M Kind poam adds."""
    rules = [
        column_list("C3", ("Low", "Moderate", "High")),
        date_check("D3 F3", error=f"Enter a date ({DATE_FORMAT})."),
        column_list("E3", (INTERNAL, *STATUS_NAMES.values())),
    ]
    for index, header in enumerate(HEADERS, start=1):
        letter = column_letter(index)
        cells = f"{letter}{HEADER_ROW + 1}:{letter}1048576"
        if header in LISTS:
            rules.append(column_list(cells, LISTS[header]))
        elif header in DATE_HEADERS:
            rules.append(date_check(cells, error=f"Enter a date ({DATE_FORMAT})."))
    return rules
