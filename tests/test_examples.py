"""The sample systems in examples/ stay what the README and the docs say they are."""

from __future__ import annotations

from datetime import date

from poam.core.assess import assess
from poam.core.checks import REGISTRY
from poam.core.lifecycle import affirmations_due
from poam.core.model import AffirmationKind, AssessmentType
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


def test_summit_conditional_records_its_status_and_affirmation() -> None:
    """The status of record is the SSP's own (with its CMMC UID), not the POA&M's header; the
    Affirming Official affirmed upon it, and the annual affirmation is owed a year later."""
    result = _assess("summit-conditional")
    record = result.verdict.of_record
    assert record is not None and not record.implied
    assert (record.type, record.status_date, record.score, record.uid) == (
        AssessmentType.C3PAO,
        date(2026, 6, 20),
        91,
        "L2C3-8F4K2Q7M1X",
    )
    assert result.ssp.info.update_cadence_days == 180
    assert result.ready.verdict is Verdict.CONDITIONAL  # what a new assessment would award
    owed = affirmations_due(result.verdict, result.ssp.cmmc, AS_OF)
    assert [(d.kind, d.due, d.done and d.done.official) for d in owed] == [
        (AffirmationKind.INITIAL, date(2026, 6, 20), "Daniel Ortiz"),
        (AffirmationKind.ANNUAL, date(2027, 6, 22), None),
    ]
    assert not {"affirmation-due", "affirmation-overdue", "conditional-poam-not-on-record"} & {
        f.code for f in result.findings
    }


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


def test_poam_check_shows_the_samples_standing_readiness_and_affirmation() -> None:
    from typer.testing import CliRunner

    from poam.cli.app import app

    result = CliRunner().invoke(
        app,
        ["check", str(EXAMPLES / "summit-conditional"), "--as-of", AS_OF.isoformat()],
        env={"COLUMNS": "200", "NO_COLOR": "1"},
    )
    lines = [" ".join(line.split()) for line in result.stdout.splitlines()]
    assert "Verdict Conditional Level 2" in lines
    assert any(
        line.startswith("✓ Conditional Level 2 (C3PAO) since 2026-06-20, CMMC UID L2C3-8F4K2Q7M1X")
        for line in lines
    )
    assert "Readiness Conditional Level 2 (what a new assessment today would award)" in lines
    assert (
        "Affirmation last 2026-06-22 by Daniel Ortiz, President and CEO; annual due 2027-06-22"
        in lines
    )
