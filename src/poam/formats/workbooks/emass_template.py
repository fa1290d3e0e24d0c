"""What the eMASS POA&M import templates look like: the sheet, the header block of each variant
(Navy, Army, Marine Corps, as in ``shared/formats/emass/``), the column headers exactly as
written there, and the checks the templates put on the data rows; plus the cells poam adds
beside the header block for what the templates have no place for. ``emass`` writes and reads
by these.
"""

from __future__ import annotations

from dataclasses import dataclass

from poam.formats.workbooks.writing import Validation, column_letter, column_list, date_check

SHEET = "POA&M"
HEADER_ROW = 7
FIRST_COLUMN = 2  # column B
BANNER = "***** CONTROLLED UNCLASSIFIED INFORMATION *****"

NAVY = (
    "POA&M Item ID",
    "Control Vulnerability Description",
    "Controls / APs",
    "Security Checks",
    "POA&M Status",
    "POA&M Scheduled Completion Date",
    "POA&M Requested Risk Accepted Expiration Date",
    "POA&M Completion Date",
    "Milestone ID",
    "Milestone Description",
    "Milestone Status",
    "Milestone Status Comments",
    "Milestone Scheduled Completion Date",
    "Milestone Completion Date",
    "Identification Source",
    "Identification Source Details",
    "Office/Org",
    "Resources Required",
    "Comments",
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
"""The Navy template's headers, exactly as written there (NAVY_eMASS_TEMPLATE.xlsx, row 7)."""
MARINE_CORPS = (
    *NAVY[:21],
    "Mitigations",
    *NAVY[22:31],
)
ARMY = (
    *NAVY[:14],
    "Identification Source ",
    *NAVY[15:21],
    "Mitigations",
    "Severity",
    "Relevance of Threat",
    "Likelihood",
    "Impact",
    "Impact Description",
    "Residual Risk Level",
    "Recommendations",
    "Identified in CFO Audit or other review",
    "Personnel Resources: \nCost Code",
    "Personnel Resources: Funded Base Hours",
    "Personnel Resources: Unfunded Base Hours",
    "Personnel Resources: \nNon-Funding Obstacle",
    "Personnel Resources: Non-Funded Obstacle Other Reason",
    "Non-Personnel Resources: Cost Code",
    "Non-Personnel Resources: Funded Amount",
    "Non-Personnel Resources: Unfunded Amount",
    "Non-Personnel Resources: Non-Funding Obstacle",
    "Non-Personnel Resources: Non-Funding Obstacle Other reason",
)
VARIANTS = {"navy": NAVY, "army": ARMY, "marine-corps": MARINE_CORPS}


@dataclass(frozen=True)
class Block:
    """Where the header block's labels, values and merges sit in a variant."""

    labels: dict[str, str]
    values: dict[str, str]
    merges: tuple[str, ...]


NAVY_BLOCK = Block(
    labels={
        "A2": "Date Exported:",
        "L2": "System Type:",
        "P2": "OMB Project ID:",
        "A3": "Exported By:",
        "A4": "CC/S/A/FA:",
        "L4": "POC Name:",
        "A5": "System / Project Name:",
        "L5": "POC Phone:",
        "P5": "Security Costs:",
        "A6": "DoW IT Registration No:",
        "L6": "POC E-Mail:",
    },
    values={
        "exported": "D2",
        "exported_by": "D3",
        "organization": "D4",
        "system": "D5",
        "poc": "M4",
    },
    merges=(
        "A2:C2",
        "D2:K2",
        "L2:L3",
        "M2:O3",
        "P2:P3",
        "Q2:S3",
        "A3:C3",
        "D3:K3",
        "A4:C4",
        "D4:K4",
        "M4:O4",
        "P4:S4",
        "A5:C5",
        "D5:K5",
        "M5:O5",
        "Q5:S5",
        "A6:C6",
        "D6:K6",
        "M6:O6",
        "P6:S6",
    ),
)
MARINE_CORPS_BLOCK = Block(
    labels={
        **{k: v for k, v in NAVY_BLOCK.labels.items() if k[0] != "P"},
        "O2": "OMB Project ID:",
        "O5": "Security Costs:",
    },
    values=NAVY_BLOCK.values,
    merges=(
        "A2:C2",
        "D2:K2",
        "L2:L3",
        "M2:N3",
        "O2:O3",
        "P2:R3",
        "A3:C3",
        "D3:K3",
        "A4:C4",
        "D4:K4",
        "M4:N4",
        "O4:R4",
        "A5:C5",
        "D5:K5",
        "M5:N5",
        "P5:R5",
        "A6:C6",
        "D6:K6",
        "M6:N6",
        "O6:R6",
    ),
)
BLOCKS = {"navy": NAVY_BLOCK, "army": NAVY_BLOCK, "marine-corps": MARINE_CORPS_BLOCK}
POAM_FACTS = {
    "kind": ("T2", "POA&M Kind:"),
    "status_date": ("T3", "Conditional Status Date:"),
    "last_reviewed": ("T4", "Last Reviewed:"),
    "cadence": ("T5", "Review Cadence (days):"),
}
"""The POA&M's own facts, which the template has no place for: labels right of its header block
(column T, clear of every variant's merged cells), each value in the next column."""
LEVELS = ("Very Low", "Low", "Moderate", "High", "Very High")
LISTS = {
    "POA&M Status": ("Ongoing", "Risk Accepted", "Completed", "Not Applicable"),
    "Milestone Status": ("Open", "In Progress", "Completed", "Archived"),
    **dict.fromkeys(
        (
            "Raw Severity",
            "Severity",
            "Relevance of Threat",
            "Likelihood",
            "Impact",
            "Residual Risk Level",
            "Resulting Residual Risk after Proposed Mitigations",
        ),
        LEVELS,
    ),
}
"""The templates' drop-down lists. Their own lists point into a sheet the templates no longer
hold (#REF!); the values are those of the eMASS import rules (shared/formats/columns.json)."""
DATE_HEADERS = (
    "POA&M Scheduled Completion Date",
    "POA&M Requested Risk Accepted Expiration Date",
    "POA&M Completion Date",
    "Milestone Scheduled Completion Date",
    "Milestone Completion Date",
)
ARMY_AMOUNTS = (
    "Personnel Resources: Funded Base Hours",
    "Personnel Resources: Unfunded Base Hours",
    "Non-Personnel Resources: Funded Amount",
    "Non-Personnel Resources: Unfunded Amount",
)
ARMY_REASONS = (
    "Personnel Resources: Non-Funded Obstacle Other Reason",
    "Non-Personnel Resources: Non-Funding Obstacle Other reason",
)


def validations(headers: tuple[str, ...]) -> list[Validation]:
    """The templates' checks on the data rows, by header: drop-down lists, dates, and the Army
    variant's amounts and reasons."""
    rules: list[Validation] = []
    for offset, header in enumerate(headers):
        letter = column_letter(FIRST_COLUMN + offset)
        cells = f"{letter}{HEADER_ROW + 1}:{letter}1048576"
        name = header.strip()
        if name in LISTS:
            rules.append(
                column_list(
                    cells,
                    LISTS[name],
                    error="Select appropriate information from the dropdown menu",
                )
            )
        elif name in DATE_HEADERS:
            rules.append(
                date_check(cells, error=f"Please enter {name} information. Format as MM/DD/YYYY")
            )
        elif name in ARMY_AMOUNTS:
            rules.append(
                Validation(
                    cells,
                    "decimal",
                    operator="between",
                    first="0",
                    second="999999999999999",
                    error=f"{name} requires a numeric value that does not exceed 15 digits and "
                    "2 decimal places.",
                    error_title="Invalid Entry:",
                )
            )
        elif name in ARMY_REASONS:
            rules.append(
                Validation(
                    cells,
                    "textLength",
                    operator="lessThanOrEqual",
                    first="2000",
                    error="Please ensure no more than 2,000 character values are entered in "
                    "this cell.",
                    error_title="Invalid Entry:",
                )
            )
    return rules
