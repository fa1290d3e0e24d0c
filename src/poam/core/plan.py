"""The order in which to close gaps, what-if scoring, and the date a score of 110 is expected.

The order (``poam plan``):

1. what blocks a Conditional status: 3.12.4 first (no assessment without it), then every NOT MET
   requirement that may not sit on a Conditional POA&M (32 CFR 170.21(a)(2)(ii)-(iii)), most
   points first;
2. then the fewest requirements needed to reach 88 points (170.21(a)(2)(i)), most points first;
3. then the rest, by the date their POA&M entries expect to finish.

The expected date of a score of 110 is the latest open milestone of the entries covering NOT MET
requirements (SPRS "plan of action completion date", DoD Assessment Methodology Annex B), and it
is known only when every NOT MET requirement has a dated open milestone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from poam.core.catalog import Catalog
from poam.core.model import Poam, PoamItem
from poam.core.scoring import MAX_SCORE, SSP_REQUIREMENT, Basis, RequirementResult, Score
from poam.core.verdict import CONDITIONAL_MIN_SCORE, Verdict, readiness


class Phase(StrEnum):
    BLOCKS_CONDITIONAL = "blocks-conditional"
    REACH_88 = "reach-88"
    REST = "rest"


@dataclass(frozen=True, slots=True)
class PlanStep:
    phase: Phase
    result: RequirementResult
    items: tuple[PoamItem, ...]
    due: date | None
    score_after: int
    verdict_after: Verdict

    @property
    def points(self) -> int:
        return self.result.deduction


@dataclass(frozen=True, slots=True)
class FullScoreDate:
    """When a score of 110 is expected: the one answer that ``poam plan``, ``poam sprs``, the
    report and the dashboard all give (SPRS "plan of action completion date", DoD Assessment
    Methodology v1.2.1, Annex B).

    The date is known only when every NOT MET requirement has a dated open milestone; otherwise
    ``date`` is None, ``unplanned`` names the requirements without one, and ``latest`` still
    gives the latest dated milestone, for reference.
    """

    date: date | None
    unplanned: tuple[str, ...]
    latest: dt.date | None = None
    required: bool = True
    """Whether a date is needed at all: not when the score is already 110."""

    @property
    def determined(self) -> bool:
        return not self.required or self.date is not None


@dataclass(frozen=True, slots=True)
class Plan:
    steps: tuple[PlanStep, ...]
    full_score: FullScoreDate


def _open_by_requirement(poam: Poam | None) -> dict[str, tuple[PoamItem, ...]]:
    """The open entries of the POA&M, grouped by requirement (one pass over the entries)."""
    grouped: dict[str, list[PoamItem]] = {}
    if poam is not None:
        for item in poam.items:
            if item.is_open:
                grouped.setdefault(item.requirement, []).append(item)
    return {key: tuple(value) for key, value in grouped.items()}


def _expected(items: Iterable[PoamItem]) -> date | None:
    """The latest due date among the open milestones of these entries."""
    dues = [m.due for item in items for m in item.milestones if m.completed is None and m.due]
    return max(dues, default=None)


def _as_met(result: RequirementResult) -> RequirementResult:
    return replace(result, met=True, basis=Basis.IMPLEMENTED, deduction=0, not_met_objectives=())


def assume_met(score: Score, nist_ids: Iterable[str]) -> Score:
    """The score as if these requirements were MET (what-if; nothing else changes)."""
    closing = set(nist_ids)
    results = tuple(_as_met(r) if r.nist_id in closing and not r.met else r for r in score.results)
    return Score(results, MAX_SCORE - sum(r.deduction for r in results))


def resolve_targets(ids: Iterable[str], catalog: Catalog, poam: Poam | None) -> list[str]:
    """Requirement ids for a mix of requirement ids and POA&M entry ids; KeyError if unknown."""
    by_item = {item.id: item.requirement for item in poam.items} if poam else {}
    resolved = []
    for raw in ids:
        text = raw.strip()
        if not text:
            continue
        if text in by_item:
            resolved.append(by_item[text])
            continue
        requirement = catalog.find(text)
        if requirement is None:
            raise KeyError(text)
        resolved.append(requirement.nist_id)
    return resolved


def full_score_date(score: Score, poam: Poam | None) -> FullScoreDate:
    """The SPRS plan-of-action completion date: the latest open milestone of the entries that
    cover NOT MET requirements, known only when each of them has one (see FullScoreDate)."""
    latest: date | None = None
    unplanned = []
    open_items = _open_by_requirement(poam)
    for result in score.not_met:
        expected = _expected(open_items.get(result.nist_id, ()))
        if expected is None:
            unplanned.append(result.nist_id)
        elif latest is None or expected > latest:
            latest = expected
    required = bool(score.not_met)
    known = latest if required and not unplanned else None
    return FullScoreDate(known, tuple(unplanned), latest, required)


def describe_full_score(full: FullScoreDate, catalog: Catalog) -> str:
    """The date a score of 110 is expected, as every output words it."""
    if not full.required:
        return "already 110"
    if full.date is not None:
        return full.date.isoformat()
    ids = ", ".join(catalog.get(nist_id).cmmc_id for nist_id in full.unplanned)
    count = len(full.unplanned)
    text = (
        f"cannot be determined: {count} NOT MET requirement{'s have' if count != 1 else ' has'} "
        f"no dated open milestone ({ids})"
    )
    if full.latest is not None:
        text += f"; the latest dated open milestone is {full.latest.isoformat()}"
    return text


def plan(score: Score, poam: Poam | None, as_of: date) -> Plan:
    """Order the NOT MET requirements as the module docstring says."""
    not_met = list(score.not_met)
    open_items = _open_by_requirement(poam)
    due = {r.nist_id: _expected(open_items.get(r.nist_id, ())) for r in not_met}

    def by_date(result: RequirementResult) -> tuple[int, date, tuple[int, int, int]]:
        when = due[result.nist_id]
        return (when is None, when or date.max, result.requirement.sort_key())

    blocking = [r for r in not_met if r.nist_id == SSP_REQUIREMENT or not r.poam_eligible]
    blocking.sort(key=lambda r: (r.nist_id != SSP_REQUIREMENT, -r.deduction, *by_date(r)))
    eligible = [r for r in not_met if r not in blocking]
    eligible.sort(key=lambda r: (-r.deduction, *by_date(r)))

    ordered: list[tuple[Phase, RequirementResult]] = [
        (Phase.BLOCKS_CONDITIONAL, r) for r in blocking
    ]
    running = score.provisional + sum(r.deduction for r in blocking)
    rest = []
    for result in eligible:
        if running < CONDITIONAL_MIN_SCORE:
            ordered.append((Phase.REACH_88, result))
            running += result.deduction
        else:
            rest.append(result)
    rest.sort(key=by_date)
    ordered.extend((Phase.REST, r) for r in rest)

    steps = []
    as_met = {r.nist_id: _as_met(r) for r in not_met}
    current = {r.nist_id: r for r in score.results}
    provisional = score.provisional
    for phase, result in ordered:
        current[result.nist_id] = as_met[result.nist_id]
        provisional += result.deduction
        after = Score.indexed(current, provisional)
        steps.append(
            PlanStep(
                phase=phase,
                result=result,
                items=open_items.get(result.nist_id, ()),
                due=due[result.nist_id],
                score_after=provisional,
                verdict_after=readiness(after).verdict,
            )
        )
    return Plan(tuple(steps), full_score_date(score, poam))
