"""The registry of checks: every deficiency an assessor would raise, with a stable code.

Registration is an explicit tuple, module by module; :func:`build_registry` refuses a duplicate
code or alias, a code that is not kebab-case, or a check without a citation, summary or hint.
A renamed check keeps its old code as an alias, which the registry resolves (``canonical``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping

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
from poam.core.checks.base import Check, CheckContext, Finding, Group, Severity

_CODE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class RegistryError(ValueError):
    """A check declared wrongly: found when the registry is built, i.e. on import."""


class Registry(Mapping[str, Check]):
    """The checks by code, in registration order, with their aliases and groups."""

    def __init__(self, checks: Mapping[str, Check], aliases: Mapping[str, str]) -> None:
        self._checks = dict(checks)
        self._aliases = dict(aliases)

    def __getitem__(self, code: str) -> Check:
        return self._checks[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._checks)

    def __len__(self) -> int:
        return len(self._checks)

    def canonical(self, code: str) -> str | None:
        """The current code for ``code`` or one of its aliases; None when unknown."""
        if code in self._checks:
            return code
        return self._aliases.get(code)

    def canonical_codes(self, codes: Iterable[str]) -> set[str]:
        """Current codes for the known codes and aliases among ``codes`` (unknown ones dropped)."""
        return {found for code in codes if (found := self.canonical(code)) is not None}

    def codes_in(self, *groups: Group) -> frozenset[str]:
        """Every code of these groups: what a page shows under one heading."""
        return frozenset(code for code, item in self._checks.items() if item.group in groups)


def build_registry(checks: Iterable[Check]) -> Registry:
    registry: dict[str, Check] = {}
    aliases: dict[str, str] = {}
    for item in checks:
        for code in (item.code, *item.aliases):
            if not _CODE.match(code):
                raise RegistryError(f"check code {code!r} is not kebab-case")
            if code in registry or code in aliases:
                raise RegistryError(f"duplicate check code {code!r}")
        for name in ("rule", "summary", "hint"):
            if not getattr(item, name).strip():
                raise RegistryError(f"check {item.code!r} has no {name}")
        registry[item.code] = item
        aliases.update(dict.fromkeys(item.aliases, item.code))
    clash = set(registry) & set(aliases)
    if clash:
        raise RegistryError(f"duplicate check code {sorted(clash)[0]!r}")
    return Registry(registry, aliases)


REGISTRY: Registry = build_registry(
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
    "Group",
    "Registry",
    "RegistryError",
    "Severity",
    "run_checks",
]
