"""Assessments as plain data: the JSON of ``poam check --format json`` and of the API.

One shape, produced here only, so that the CLI and the web API cannot disagree. Requirement ids
are NIST ids (``3.5.3``); dates are ISO strings.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from poam import __version__
from poam.core.assess import Assessment
from poam.core.checks.base import Finding, Severity
from poam.core.scoring import MAX_SCORE, MIN_SCORE, RequirementResult, Score
from poam.core.verdict import VerdictResult

if TYPE_CHECKING:
    from poam.core.plan import FullScoreDate, Plan


def _date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def finding_to_data(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code,
        "severity": finding.severity.value,
        "requirement": finding.requirement,
        "item": finding.item,
        "message": finding.message,
        "rule": finding.rule,
        "hint": finding.hint,
    }


def result_to_data(result: RequirementResult) -> dict[str, Any]:
    requirement = result.requirement
    return {
        "requirement": requirement.nist_id,
        "cmmc_id": requirement.cmmc_id,
        "title": requirement.title,
        "met": result.met,
        "basis": result.basis.value,
        "points": result.deduction,
        "value": requirement.points,
        "state": None if result.state is None else result.state.value,
        "not_met_objectives": list(result.not_met_objectives),
        "poam_eligible": None if result.met else result.poam_eligible,
        "rule": result.rule,
    }


def score_to_data(score: Score) -> dict[str, Any]:
    return {
        "score": score.value,
        "provisional_score": score.provisional,
        "max_score": MAX_SCORE,
        "min_score": MIN_SCORE,
        "deductions": [
            {
                "requirement": r.nist_id,
                "cmmc_id": r.requirement.cmmc_id,
                "title": r.requirement.title,
                "points": r.deduction,
                "basis": r.basis.value,
                "rule": r.rule,
            }
            for r in score.deductions
        ],
        "not_met": [r.nist_id for r in score.not_met],
    }


def verdict_to_data(verdict: VerdictResult) -> dict[str, Any]:
    return {
        "verdict": verdict.verdict.value,
        "verdict_label": verdict.verdict.label,
        "verdict_reasons": [
            {"rule": r.rule, "message": r.message, "requirements": list(r.requirements)}
            for r in verdict.reasons
        ],
        "closeout_deadline": _date(verdict.closeout_deadline),
        "days_left": verdict.days_left,
    }


def full_score_to_data(full: FullScoreDate) -> dict[str, Any]:
    return {"date": _date(full.date), "unplanned": list(full.unplanned)}


def assessment_to_data(assessment: Assessment) -> dict[str, Any]:
    """The whole assessment: summary, deductions, verdict with reasons, findings."""
    ssp, poam = assessment.ssp, assessment.poam
    data: dict[str, Any] = {
        "poam_version": __version__,
        "as_of": assessment.as_of.isoformat(),
        "system": {
            "name": ssp.system.name,
            "scope": ssp.system.scope.value,
            "cage_codes": list(ssp.system.cage_codes),
            "organization": ssp.system.organization,
        },
        "ssp": {"version": ssp.info.version, "date": ssp.info.date.isoformat()},
        "poam": None
        if poam is None
        else {
            "kind": poam.kind.value,
            "items": len(poam.items),
            "open_items": len(poam.open_items),
            "maintainer": poam.maintainer or None,
            "last_reviewed": _date(poam.last_reviewed),
        },
    }
    data.update(score_to_data(assessment.score))
    data.update(verdict_to_data(assessment.verdict))
    data["counts"] = {severity.value: assessment.count(severity) for severity in Severity}
    data["findings"] = [finding_to_data(f) for f in assessment.findings]
    data["waived"] = [
        finding_to_data(w.finding)
        | {"waiver": {"reason": w.waiver.reason, "by": w.waiver.by, "until": _date(w.waiver.until)}}
        for w in assessment.waived
    ]
    return data


def plan_to_data(plan: Plan) -> dict[str, Any]:
    return {
        "steps": [
            {
                "phase": step.phase.value,
                "requirement": step.result.nist_id,
                "cmmc_id": step.result.requirement.cmmc_id,
                "title": step.result.requirement.title,
                "points": step.points,
                "items": [item.id for item in step.items],
                "due": _date(step.due),
                "score_after": step.score_after,
                "verdict_after": step.verdict_after.value,
            }
            for step in plan.steps
        ],
        "full_score_date": full_score_to_data(plan.full_score),
    }
