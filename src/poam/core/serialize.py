"""Assessments as plain data: the JSON of ``poam check --format json`` and of the API.

One shape, produced here only, so that the CLI and the web API cannot disagree. Requirement ids
are NIST ids (``3.5.3``); dates are ISO strings.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from poam import __version__
from poam.core.assess import Assessment
from poam.core.checks.base import Finding, Severity
from poam.core.lifecycle import AffirmationDue, affirmations_due
from poam.core.model import (
    Affirmation,
    AffirmationKind,
    AssessmentOfRecord,
    AssessmentResult,
    AssessmentType,
    Closeout,
    CloseoutResult,
    CmmcRecord,
)
from poam.core.plan import FullScoreDate, full_score_date
from poam.core.scoring import MAX_SCORE, MIN_SCORE, Score
from poam.core.verdict import VerdictResult

if TYPE_CHECKING:
    from poam.core.plan import Plan


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


def verdict_to_data(verdict: VerdictResult, prefix: str = "verdict") -> dict[str, Any]:
    """A verdict's fields; the standing (``verdict``) also says what it rests on and until when."""
    data: dict[str, Any] = {
        prefix: verdict.verdict.value,
        f"{prefix}_label": verdict.verdict.label,
        f"{prefix}_reasons": [
            {"rule": r.rule, "message": r.message, "requirements": list(r.requirements)}
            for r in verdict.reasons
        ],
    }
    if prefix == "verdict":
        data["closeout_deadline"] = _date(verdict.closeout_deadline)
        data["days_left"] = verdict.days_left
        data["valid_until"] = _date(verdict.valid_until)
        data["status_of_record"] = record_to_data(verdict.of_record)
    return data


def record_to_data(record: AssessmentOfRecord | None) -> dict[str, Any] | None:
    """An assessment of record as plain data (None stays None)."""
    if record is None:
        return None
    closeout = record.closeout
    return {
        "type": record.type.value,
        "date": record.date.isoformat(),
        "status_date": record.status_date.isoformat(),
        "result": record.result.value,
        "score": record.score,
        "uid": record.uid,
        "closeout": None
        if closeout is None
        else {"date": closeout.date.isoformat(), "result": closeout.result.value},
        "implied": record.implied,
    }


def cmmc_to_data(record: CmmcRecord) -> dict[str, Any]:
    """The record of assessments and affirmations as stored (``cmmc`` in ssp.yaml, the web's
    ``System.cmmc``): implied records are not stored, they live in the POA&M's header."""
    assessments = []
    for item in record.assessments:
        if item.implied:
            continue
        row = record_to_data(item) or {}
        del row["implied"]
        assessments.append({key: value for key, value in row.items() if value is not None})
    affirmations = [
        {
            "type": item.kind.value,
            "date": item.date.isoformat(),
            "official": item.official,
            "title": item.title,
        }
        for item in record.affirmations
    ]
    stored: dict[str, Any] = {}
    if assessments:
        stored["assessments"] = assessments
    if affirmations:
        stored["affirmations"] = affirmations
    return stored


def cmmc_from_data(data: dict[str, Any] | None) -> CmmcRecord:
    """The inverse of :func:`cmmc_to_data`, for data poam stored itself (KeyError, ValueError
    on anything else: files are read, with their errors located, by the native reader)."""
    data = data or {}
    assessments = []
    for item in data.get("assessments") or ():
        closeout = item.get("closeout")
        assessments.append(
            AssessmentOfRecord(
                type=AssessmentType(item["type"]),
                date=date.fromisoformat(item["date"]),
                status_date=date.fromisoformat(item["status_date"]),
                result=AssessmentResult(item["result"]),
                score=item.get("score"),
                uid=item.get("uid"),
                closeout=None
                if closeout is None
                else Closeout(
                    date.fromisoformat(closeout["date"]), CloseoutResult(closeout["result"])
                ),
            )
        )
    affirmations = [
        Affirmation(
            AffirmationKind(item["type"]),
            date.fromisoformat(item["date"]),
            item["official"],
            item["title"],
        )
        for item in data.get("affirmations") or ()
    ]
    return CmmcRecord(tuple(assessments), tuple(affirmations))


def affirmations_to_data(due: Iterable[AffirmationDue], as_of: date) -> list[dict[str, Any]]:
    """What the standing status requires of the Affirming Official, and what is on record."""
    return [
        {
            "kind": item.kind.value,
            "due": item.due.isoformat(),
            "follows": item.follows,
            "overdue": item.done is None and item.due < as_of,
            "done": None
            if item.done is None
            else {
                "date": item.done.date.isoformat(),
                "official": item.done.official,
                "title": item.done.title,
                "kind": item.done.kind.value,
            },
        }
        for item in due
    ]


def full_score_to_data(full: FullScoreDate) -> dict[str, Any]:
    """The date a score of 110 is expected, the same in every output (see FullScoreDate)."""
    return {
        "date": _date(full.date),
        "required": full.required,
        "determined": full.determined,
        "latest_open_milestone": _date(full.latest),
        "unplanned": list(full.unplanned),
    }


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
    data.update(verdict_to_data(assessment.ready, prefix="readiness"))
    data["affirmations"] = affirmations_to_data(
        affirmations_due(assessment.verdict, ssp.cmmc, assessment.as_of), assessment.as_of
    )
    data["full_score_date"] = full_score_to_data(full_score_date(assessment.score, poam))
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
