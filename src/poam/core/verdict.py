"""Two answers, never conflated: what a new assessment today would award (``readiness``), and
the standing today (``verdict``, in :mod:`poam.core.lifecycle`, from the assessments of record).

Readiness is one of:

- ``cannot-assess``: CA.L2-3.12.4 is NOT MET; without an SSP the assessment "could not be
  completed" (32 CFR 170.24(c)(2)(i)(B)(5));
- ``final``: every requirement is MET (170.16(a)(1)(ii) self, 170.17(a)(1)(ii) C3PAO);
- ``conditional``: all three conditions of 170.21(a)(2) hold for the NOT MET set;
- ``none``: no CMMC status, with each condition that fails.

The standing adds ``expired``: a Conditional status whose POA&M was not closed out within 180
days (170.21(b)), or a Final status older than 3 years (DFARS 204.7501).

The closeout deadline is the Conditional status date plus 180 days (170.21(b)). Whether the
status date is day 0 or day 1 is not defined, so poam warns early and never late: a status
expires only when the day after the deadline has come (day 181 under either count), while a
milestone due on the deadline itself is reported as too late.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from poam.core import rules
from poam.core.model import AssessmentOfRecord
from poam.core.scoring import MAX_SCORE, SSP_REQUIREMENT, RequirementResult, Score

CLOSEOUT_DAYS = 180
CONDITIONAL_RATIO = 0.8
CONDITIONAL_MIN_SCORE = math.ceil(CONDITIONAL_RATIO * MAX_SCORE)  # 88 points, not 88 requirements


class Verdict(StrEnum):
    FINAL = "final"
    CONDITIONAL = "conditional"
    NONE = "none"
    CANNOT_ASSESS = "cannot-assess"
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Verdict.FINAL: "Final Level 2",
    Verdict.CONDITIONAL: "Conditional Level 2",
    Verdict.NONE: "No CMMC status",
    Verdict.CANNOT_ASSESS: "Assessment cannot be completed",
    Verdict.EXPIRED: "CMMC status expired",
}


@dataclass(frozen=True, slots=True)
class Reason:
    """One ground of the verdict: the rule, what it found, and the requirements concerned."""

    rule: str
    message: str
    requirements: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class VerdictResult:
    """A verdict with every reason cited. As a standing it also says which assessment of record
    it rests on (``of_record``; None when it is what a new assessment today would award), the
    closeout deadline while a Conditional status runs, and the last day a status is current."""

    verdict: Verdict
    reasons: tuple[Reason, ...]
    closeout_deadline: date | None = None
    days_left: int | None = None
    """Days from ``as_of`` to the closeout deadline (negative once it has passed)."""
    valid_until: date | None = None
    """The last day the status is current (3 years from its status date, DFARS 204.7501)."""
    of_record: AssessmentOfRecord | None = None


def closeout_deadline(status_date: date) -> date:
    """The Conditional CMMC Status Date + 180 days (32 CFR 170.21(b)): the last day on which a
    POA&M closeout keeps the status (day 181 is too late under either count)."""
    return status_date + timedelta(days=CLOSEOUT_DAYS)


def _ids(results: list[RequirementResult] | tuple[RequirementResult, ...]) -> tuple[str, ...]:
    return tuple(result.nist_id for result in results)


def _describe(result: RequirementResult) -> str:
    requirement = result.requirement
    points = f"{result.deduction} point{'s' if result.deduction != 1 else ''}"
    return f"{requirement.cmmc_id} ({points})"


def conditional_reasons(score: Score) -> tuple[list[Reason], list[Reason]]:
    """The conditions of 170.21(a)(2) for the NOT MET set: (those that hold, those that fail)."""
    value = score.provisional
    not_met = score.not_met
    held: list[Reason] = []
    failed: list[Reason] = []

    if value >= CONDITIONAL_MIN_SCORE:
        held.append(
            Reason(
                rules.CONDITIONAL_SCORE,
                f"Score {value} is at least {CONDITIONAL_MIN_SCORE} (0.8 x 110).",
            )
        )
    else:
        failed.append(
            Reason(
                rules.CONDITIONAL_SCORE,
                f"Score {value} is below {CONDITIONAL_MIN_SCORE} (0.8 x 110): "
                f"{CONDITIONAL_MIN_SCORE - value} more points are needed.",
            )
        )

    excluded = [r for r in not_met if r.requirement.poam_excluded_by_name]
    by_value = [
        r for r in not_met if not r.poam_eligible and not r.requirement.poam_excluded_by_name
    ]
    if by_value:
        listed = ", ".join(_describe(r) for r in by_value)
        failed.append(
            Reason(
                rules.CONDITIONAL_POINT_VALUE,
                f"NOT MET and not allowed on a POA&M: {listed}. Only 1-point requirements may be "
                "on it, and SC.L2-3.13.11 at 3 points while encryption is employed but not "
                "FIPS-validated; IA.L2-3.5.3 never.",
                _ids(by_value),
            )
        )
    else:
        held.append(
            Reason(
                rules.CONDITIONAL_POINT_VALUE,
                f"Every NOT MET requirement ({len(not_met)}) has a value that allows a POA&M.",
                _ids(not_met),
            )
        )
    if excluded:
        listed = ", ".join(r.requirement.cmmc_id for r in excluded)
        failed.append(
            Reason(
                rules.CONDITIONAL_EXCLUDED,
                f"NOT MET and excluded from any POA&M by name: {listed}.",
                _ids(excluded),
            )
        )
    else:
        held.append(
            Reason(
                rules.CONDITIONAL_EXCLUDED,
                "None of AC.L2-3.1.20, AC.L2-3.1.22, CA.L2-3.12.4, PE.L2-3.10.3, PE.L2-3.10.4, "
                "PE.L2-3.10.5 is NOT MET.",
            )
        )
    return held, failed


def readiness(score: Score) -> VerdictResult:
    """What a new assessment of the SSP as it stands would award, with every reason cited.

    It knows nothing of dates or of earlier assessments: that is the standing's business
    (:func:`poam.core.lifecycle.standing`).
    """
    not_met = score.not_met
    if not score.ssp_in_place:
        return VerdictResult(
            Verdict.CANNOT_ASSESS,
            (
                Reason(
                    rules.SSP_REQUIRED,
                    "CA.L2-3.12.4 (System Security Plan) is NOT MET: without an SSP the "
                    "assessment cannot be completed and no score is given.",
                    (SSP_REQUIREMENT,),
                ),
            ),
        )
    if not not_met:
        message = f"All {len(score.results)} requirements are MET: score {score.provisional}."
        return VerdictResult(Verdict.FINAL, (Reason(rules.FINAL_STATUS, message),))
    held, failed = conditional_reasons(score)
    if failed:
        return VerdictResult(Verdict.NONE, tuple(failed))
    return VerdictResult(Verdict.CONDITIONAL, tuple(held))
