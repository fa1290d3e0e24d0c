"""Starter files for a new system, written as commented YAML so that a newcomer sees, next to
each requirement, what it is and what it is worth."""

from __future__ import annotations

import json
from datetime import date

from poam.core.catalog import load_catalog


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def starter_ssp(
    name: str, scope: str, cage_codes: list[str], organization: str | None, today: date
) -> str:
    catalog = load_catalog()
    lines = [
        "# System Security Plan (poam native format; `poam schema ssp` prints its JSON Schema).",
        "# status: implemented | partially-implemented | planned | not-implemented |"
        " not-applicable",
        "# Optional per requirement: narrative, responsible, objectives {a: met|not-met|"
        "not-applicable},",
        "# enduring_exception, temporary_deficiency {plan, description}; mfa (3.5.3), "
        "encryption (3.13.11).",
        "system:",
        f"  name: {_q(name)}",
        f"  scope: {scope}",
        f"  cage_codes: [{', '.join(cage_codes)}]",
    ]
    if organization:
        lines.append(f"  organization: {_q(organization)}")
    lines += ["ssp:", '  version: "0.1"', f"  date: {today.isoformat()}", "requirements:"]
    family = None
    for req in catalog.requirements:
        if req.family != family:
            family = req.family
            lines.append(f"  # --- {catalog.families[family]} ({family}) ---")
        value = "no value" if req.points is None else f"{req.points} points"
        if req.partial_credit:
            value = "3 or 5 points"
        lines.append(f"  # {req.cmmc_id} {req.title} ({value})")
        extra = ""
        if req.partial_credit is not None:
            extra = f", {req.partial_credit.field}: none"
        lines.append(f'  "{req.nist_id}": {{status: not-implemented, narrative: ""{extra}}}')
    return "\n".join(lines) + "\n"


def starter_poam(maintainer: str, today: date) -> str:
    return "\n".join(
        [
            "# Plan of Action and Milestones (poam native format; `poam schema poam` prints its "
            "JSON Schema).",
            "poam:",
            "  kind: internal            # internal | conditional",
            f"  maintainer: {_q(maintainer)}   # one named role or person",
            f"  last_reviewed: {today.isoformat()}",
            "  review_cadence_days: 90",
            "items: []",
            "# - id: POAM-001",
            '#   requirement: "3.5.3"',
            '#   gap: "What is missing, for whom, on which systems"',
            '#   remediation: ["A concrete step", "Another concrete step"]',
            '#   owner: "Jane Doe, ISSO"',
            "#   status: not-started     # not-started | in-progress | "
            "completed-pending-verification | closed",
            f"#   created: {today.isoformat()}",
            "#   milestones:",
            f'#     - {{title: "First milestone", due: {today.isoformat()}}}',
            "",
        ]
    )
