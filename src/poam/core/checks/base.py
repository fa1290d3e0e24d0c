"""What a check is, what it sees, and what it reports.

A check is a small function over one :class:`CheckContext` that yields :class:`Hit` records; the
:class:`Check` wrapping it turns each hit into a :class:`Finding` carrying the check's stable
code, severity and citation. Findings are frozen records that every renderer (text, JSON, web
pages, API) shows the same way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property, lru_cache
from typing import NamedTuple

from poam.core.catalog import Catalog, Requirement
from poam.core.model import Poam, PoamItem, RequirementRecord, Ssp, Thresholds
from poam.core.scoring import Score
from poam.core.states import EvidenceStore, LocalFile
from poam.core.verdict import VerdictResult


class Group(StrEnum):
    """What a check is about: the report and the web application group and filter findings by
    it, so that no page keeps a hand-made list of codes."""

    SSP = "ssp"
    """The SSP on its own: completeness, objectives, partial credit, exceptions, currency."""
    RECONCILIATION = "reconciliation"
    """The SSP and the POA&M tell the same story, and entries name real requirements."""
    ELIGIBILITY = "eligibility"
    """What may sit on a Conditional POA&M (32 CFR 170.21(a)(2))."""
    ENTRY = "entry"
    """The content of each POA&M entry: owner, gap, remediation, completion."""
    SCHEDULE = "schedule"
    """Milestones: dated, on time, moved only with a justification, before the deadline."""
    EVIDENCE = "evidence"
    """Evidence present and unchanged."""
    GOVERNANCE = "governance"
    """How the record is kept: reviews, a maintainer, dates that record facts."""
    STATUS = "status"
    """The CMMC status over time: closeout, validity, affirmations, the record itself."""


class Severity(StrEnum):
    """error: stops a certification or is recorded by an assessor; warning: weakens
    credibility; info: worth knowing."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.ERROR: 3, Severity.WARNING: 2, Severity.INFO: 1}


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: Severity
    message: str
    rule: str
    hint: str
    requirement: str | None = None
    item: str | None = None

    def sort_key(self) -> tuple[int, tuple[int, ...], str, str]:
        return (-self.severity.rank, _requirement_key(self.requirement), self.item or "", self.code)


@lru_cache(maxsize=1024)
def _requirement_key(requirement: str | None) -> tuple[int, ...]:
    if requirement is None:
        return (0,)
    try:
        return tuple(int(part) for part in requirement.split("."))
    except ValueError:
        return (999,)


class Hit(NamedTuple):
    """What a check function reports; the check adds code, severity and rule. (A named tuple:
    checks make many, and nothing keeps them.)"""

    message: str
    requirement: str | None = None
    item: str | None = None
    hint: str | None = None


@dataclass(frozen=True)
class CheckContext:
    """Everything a check may look at. Derived views are computed once and shared."""

    catalog: Catalog
    ssp: Ssp
    poam: Poam | None
    as_of: date
    score: Score
    verdict: VerdictResult
    evidence: EvidenceStore | None = None
    thresholds: Thresholds = field(default_factory=Thresholds)
    readiness: VerdictResult | None = None
    """What a new assessment today would award; ``verdict`` is the standing."""

    @cached_property
    def items(self) -> tuple[PoamItem, ...]:
        return () if self.poam is None else self.poam.items

    @cached_property
    def items_by_requirement(self) -> Mapping[str, tuple[PoamItem, ...]]:
        grouped: dict[str, list[PoamItem]] = defaultdict(list)
        for item in self.items:
            grouped[item.requirement].append(item)
        return {key: tuple(value) for key, value in grouped.items()}

    @cached_property
    def records(self) -> tuple[tuple[Requirement, RequirementRecord], ...]:
        """Each requirement the SSP describes, with what it says (looked up once, not per check)."""
        pairs = []
        for key, record in self.ssp.requirements.items():
            requirement = self.catalog.find(key)
            if requirement is not None:
                pairs.append((requirement, record))
        return tuple(pairs)

    def requirement(self, item: PoamItem) -> Requirement | None:
        return self.catalog.find(item.requirement)


CheckFunction = Callable[[CheckContext], Iterable[Hit]]


@dataclass(frozen=True, slots=True)
class Check:
    """A registered check: stable code (and the codes it had before, ``aliases``), severity,
    group, citation, and what it looks for."""

    code: str
    severity: Severity
    rule: str
    summary: str
    hint: str
    function: CheckFunction
    group: Group
    aliases: tuple[str, ...] = ()

    def run(self, context: CheckContext) -> Iterator[Finding]:
        for hit in self.function(context):
            yield Finding(
                code=self.code,
                severity=self.severity,
                message=hit.message,
                rule=self.rule,
                hint=hit.hint or self.hint,
                requirement=hit.requirement,
                item=hit.item,
            )


def check(
    code: str,
    severity: Severity,
    *,
    group: Group,
    rule: str,
    summary: str,
    hint: str,
    aliases: tuple[str, ...] = (),
) -> Callable[[CheckFunction], Check]:
    """Declare a check; it still has to be listed in the registry to run. ``aliases`` are the
    codes it was known by: ``--ignore``, ``poam.ignore`` and waivers keep accepting them."""

    def wrap(function: CheckFunction) -> Check:
        return Check(code, severity, rule, summary, hint, function, group, aliases)

    return wrap


__all__ = [  # EvidenceStore and LocalFile live in poam.core.states; importable here as before
    "Check",
    "CheckContext",
    "CheckFunction",
    "EvidenceStore",
    "Finding",
    "Group",
    "Hit",
    "LocalFile",
    "Severity",
    "check",
]
