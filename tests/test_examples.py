"""The sample systems in examples/ stay what the README and the docs say they are."""

from __future__ import annotations

from datetime import date

from poam.core.assess import assess
from poam.core.checks import REGISTRY
from poam.core.verdict import Verdict
from poam.formats.native import load_poam, load_ssp
from poam.formats.native.evidence import FileEvidenceStore
from tests.conftest import EXAMPLES

AS_OF = date(2026, 11, 27)


def _assess(name: str):  # type: ignore[no-untyped-def]
    folder = EXAMPLES / name
    return assess(
        load_ssp(folder / "ssp.yaml"),
        load_poam(folder / "poam.yaml"),
        as_of=AS_OF,
        evidence=FileEvidenceStore(folder),
    )


def test_acme_enclave() -> None:
    result = _assess("acme-enclave")
    assert (result.score.value, result.verdict.verdict) == (79, Verdict.NONE)
    assert len(result.ssp.requirements) == 110 and 10 <= len(result.poam.items) <= 20


def test_summit_conditional_has_its_clock_running() -> None:
    result = _assess("summit-conditional")
    assert (result.score.value, result.verdict.verdict) == (95, Verdict.CONDITIONAL)
    assert (result.verdict.closeout_deadline, result.verdict.days_left) == (date(2026, 12, 17), 20)


ISSUE_CODES = {
    "ssp-incomplete",
    "ssp-not-in-place",
    "status-contradicts-objectives",
    "not-applicable-without-rationale",
    "ssp-gap-without-poam",
    "poam-contradicts-ssp",
    "unknown-requirement",
    "duplicate-item-id",
    "entry-without-owner",
    "owner-is-a-group",
    "entry-without-milestone",
    "milestone-overdue",
    "milestone-moved-without-justification",
    "milestone-moved-repeatedly",
    "vague-gap",
    "vague-remediation",
    "completed-without-evidence",
    "evidence-file-missing",
    "evidence-hash-mismatch",
    "poam-not-reviewed",
    "maintainer-missing",
    "ineligible-on-conditional-poam",
    "must-be-met-before-assessment",
    "milestone-after-closeout-deadline",
    "closeout-deadline-approaching",
    "conditional-status-expired",
}


def test_the_examples_exercise_most_checks() -> None:
    assert set(REGISTRY) >= ISSUE_CODES
    codes = {
        f.code for name in ("acme-enclave", "summit-conditional") for f in _assess(name).findings
    }
    # Not exercised, because a realistic sample cannot show them without losing its point:
    # an incomplete SSP or no SSP (no score at all), an expired status, duplicate ids, an
    # ineligible entry on the Conditional POA&M, a maintainer that is a committee.
    assert len(codes & ISSUE_CODES) >= 20, sorted(ISSUE_CODES - codes)
