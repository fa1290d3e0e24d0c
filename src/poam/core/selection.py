"""The one place that decides what is reported and whether the run fails.

``ignore`` drops whole codes; a waiver accepts one code, optionally for one requirement or one
entry, until an optional date, with a reason that is shown; ``fail_on`` sets the lowest severity
that fails the run (or ``never``). Codes are resolved through the registry, so that a check's
old code (an alias) keeps working in ``--ignore``, ``poam.ignore`` and waivers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from poam.core.checks import REGISTRY, Registry
from poam.core.checks.base import Finding, Severity
from poam.core.model import Waiver


class FailOn(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NEVER = "never"


@dataclass(frozen=True, slots=True)
class Waived:
    finding: Finding
    waiver: Waiver


def _matches(waiver: Waiver, finding: Finding, as_of: date, registry: Registry) -> bool:
    return (
        (registry.canonical(waiver.code) or waiver.code) == finding.code
        and (waiver.requirement is None or waiver.requirement == finding.requirement)
        and (waiver.item is None or waiver.item == finding.item)
        and (waiver.until is None or as_of <= waiver.until)
    )


def select(
    findings: Iterable[Finding],
    *,
    as_of: date,
    ignore: Iterable[str] = (),
    waivers: Iterable[Waiver] = (),
    registry: Registry = REGISTRY,
) -> tuple[list[Finding], list[Waived]]:
    """Split findings into (reported, waived); ignored codes disappear entirely."""
    codes = list(ignore)
    ignored = set(codes) | registry.canonical_codes(codes)
    waiver_list = list(waivers)
    reported: list[Finding] = []
    waived: list[Waived] = []
    for finding in findings:
        if finding.code in ignored:
            continue
        waiver = next((w for w in waiver_list if _matches(w, finding, as_of, registry)), None)
        if waiver is None:
            reported.append(finding)
        else:
            waived.append(Waived(finding, waiver))
    return reported, waived


def fails(findings: Iterable[Finding], fail_on: FailOn) -> bool:
    """Whether any reported finding is at or above ``fail_on``."""
    if fail_on is FailOn.NEVER:
        return False
    threshold = Severity(fail_on.value).rank
    return any(finding.severity.rank >= threshold for finding in findings)
