"""The registry of checks: every deficiency an assessor would raise, with a stable code.

Registration is an explicit tuple, module by module; :func:`build_registry` refuses a duplicate
code, a code that is not kebab-case, or a check without a citation, summary or hint.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from poam.core.checks import (
    conditional,
    entries,
    evidence,
    governance,
    lifecycle,
    milestones,
    reconciliation,
)
from poam.core.checks import ssp as ssp_checks
from poam.core.checks.base import Check, CheckContext, Finding, Severity

_CODE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class RegistryError(ValueError):
    """A check declared wrongly: found when the registry is built, i.e. on import."""


def build_registry(checks: Iterable[Check]) -> Mapping[str, Check]:
    registry: dict[str, Check] = {}
    for item in checks:
        if not _CODE.match(item.code):
            raise RegistryError(f"check code {item.code!r} is not kebab-case")
        if item.code in registry:
            raise RegistryError(f"duplicate check code {item.code!r}")
        for name in ("rule", "summary", "hint"):
            if not getattr(item, name).strip():
                raise RegistryError(f"check {item.code!r} has no {name}")
        registry[item.code] = item
    return registry


REGISTRY: Mapping[str, Check] = build_registry(
    (
        *ssp_checks.CHECKS,
        *reconciliation.CHECKS,
        *entries.CHECKS,
        *milestones.CHECKS,
        *evidence.CHECKS,
        *governance.CHECKS,
        *conditional.CHECKS,
        *lifecycle.CHECKS,
    )
)


def run_checks(context: CheckContext, registry: Mapping[str, Check] = REGISTRY) -> list[Finding]:
    """Every finding of every check, most severe first, then by requirement and entry."""
    findings = [finding for item in registry.values() for finding in item.run(context)]
    findings.sort(key=Finding.sort_key)
    return findings


__all__ = [
    "REGISTRY",
    "Check",
    "CheckContext",
    "Finding",
    "RegistryError",
    "Severity",
    "run_checks",
]
