"""Golden tests of the readiness and the standing (32 CFR 170.21) and the 180-day closeout,
boundaries included. The standing's lifecycle (closeouts, 3 years, affirmations) is in
test_lifecycle.py."""

from __future__ import annotations

from datetime import date

import pytest

from poam.core.catalog import Catalog, load_catalog
from poam.core.lifecycle import standing
from poam.core.model import EncryptionState, ImplementationStatus, MfaState, Poam, Ssp
from poam.core.scoring import score
from poam.core.verdict import (
    CONDITIONAL_MIN_SCORE,
    Verdict,
    VerdictResult,
    closeout_deadline,
    readiness,
)
from tests.core.builders import all_implemented, conditional, internal, item, not_met, record

CATALOG = load_catalog()
ONE_POINT_ELIGIBLE = [r.nist_id for r in CATALOG.requirements if r.poam_eligible and r.points == 1]
TODAY = date(2026, 3, 1)


def verdict_of(ssp: Ssp, poam: Poam | None = None, as_of: date = TODAY) -> VerdictResult:
    """The standing, as ``poam check`` gives it (with no record, the readiness)."""
    return standing(readiness(score(ssp, CATALOG)), ssp, poam, as_of)


def test_88_points_not_88_requirements() -> None:
    assert CONDITIONAL_MIN_SCORE == 88
    assert len(ONE_POINT_ELIGIBLE) == 46


def test_score_exactly_88_is_conditional() -> None:
    ssp = not_met(*ONE_POINT_ELIGIBLE[:22])
    assert score(ssp, CATALOG).value == 88
    result = verdict_of(ssp)
    assert result.verdict is Verdict.CONDITIONAL
    assert [r.rule for r in result.reasons] == [
        "32 CFR 170.21(a)(2)(i)",
        "32 CFR 170.21(a)(2)(ii)",
        "32 CFR 170.21(a)(2)(iii)",
    ]


def test_score_87_is_no_status() -> None:
    ssp = not_met(*ONE_POINT_ELIGIBLE[:23])
    assert score(ssp, CATALOG).value == 87
    result = verdict_of(ssp)
    assert result.verdict is Verdict.NONE
    assert [r.rule for r in result.reasons] == ["32 CFR 170.21(a)(2)(i)"]
    assert "1 more point" in result.reasons[0].message


def test_all_met_is_final() -> None:
    result = verdict_of(all_implemented())
    assert result.verdict is Verdict.FINAL
    assert "170.17(a)(1)(ii)" in result.reasons[0].rule


def test_no_ssp_cannot_be_assessed() -> None:
    ssp = all_implemented(**{"3.12.4": record("3.12.4", ImplementationStatus.NOT_IMPLEMENTED)})
    result = verdict_of(ssp)
    assert result.verdict is Verdict.CANNOT_ASSESS
    assert result.reasons[0].rule == "32 CFR 170.24(c)(2)(i)(B)(5)"
    assert result.reasons[0].requirements == ("3.12.4",)


@pytest.mark.parametrize("nist_id", ["3.1.20", "3.1.22", "3.10.3", "3.10.4", "3.10.5"])
def test_each_excluded_requirement_blocks_conditional(nist_id: str) -> None:
    result = verdict_of(not_met(nist_id))
    assert result.verdict is Verdict.NONE
    assert [(r.rule, r.requirements) for r in result.reasons] == [
        ("32 CFR 170.21(a)(2)(iii)", (nist_id,))
    ]


def test_the_sixth_exclusion_is_the_ssp_itself() -> None:
    assert verdict_of(not_met("3.12.4")).verdict is Verdict.CANNOT_ASSESS


@pytest.mark.parametrize("mfa", [MfaState.NONE, MfaState.REMOTE_AND_PRIVILEGED, None])
def test_mfa_never_eligible(mfa: MfaState | None) -> None:
    ssp = all_implemented(
        **{"3.5.3": record("3.5.3", ImplementationStatus.PARTIALLY_IMPLEMENTED, mfa=mfa)}
    )
    result = verdict_of(ssp)
    assert result.verdict is Verdict.NONE
    assert [(r.rule, r.requirements) for r in result.reasons] == [
        ("32 CFR 170.21(a)(2)(ii)", ("3.5.3",))
    ]


@pytest.mark.parametrize(
    ("encryption", "verdict"),
    [
        (EncryptionState.NOT_FIPS_VALIDATED, Verdict.CONDITIONAL),
        (EncryptionState.NONE, Verdict.NONE),
        (None, Verdict.NONE),
        (EncryptionState.FIPS_VALIDATED, Verdict.FINAL),
    ],
)
def test_encryption_eligible_only_when_not_fips_validated(
    encryption: EncryptionState | None, verdict: Verdict
) -> None:
    status = (
        ImplementationStatus.IMPLEMENTED
        if encryption is EncryptionState.FIPS_VALIDATED
        else ImplementationStatus.PARTIALLY_IMPLEMENTED
    )
    ssp = all_implemented(**{"3.13.11": record("3.13.11", status, encryption=encryption)})
    assert verdict_of(ssp).verdict is verdict


def test_a_3_point_requirement_blocks_conditional() -> None:
    result = verdict_of(not_met("3.1.5"))
    assert result.verdict is Verdict.NONE
    assert "AC.L2-3.1.5 (3 points)" in result.reasons[0].message


def test_every_failing_condition_is_given() -> None:
    ssp = not_met("3.1.1", "3.3.1", "3.4.1", "3.10.3", *ONE_POINT_ELIGIBLE[:10])
    rules = [r.rule for r in verdict_of(ssp).reasons]
    assert rules == [
        "32 CFR 170.21(a)(2)(i)",
        "32 CFR 170.21(a)(2)(ii)",
        "32 CFR 170.21(a)(2)(iii)",
    ]


def test_closeout_deadline_is_status_date_plus_180_days() -> None:
    assert closeout_deadline(date(2026, 2, 1)) == date(2026, 7, 31)
    result = verdict_of(not_met("3.1.3"), conditional(date(2026, 2, 1)))
    assert result.closeout_deadline == date(2026, 7, 31)
    assert verdict_of(not_met("3.1.3"), internal()).closeout_deadline is None


@pytest.mark.parametrize(
    ("as_of", "verdict", "days_left"),
    [
        (date(2026, 7, 30), Verdict.CONDITIONAL, 1),
        (date(2026, 7, 31), Verdict.CONDITIONAL, 0),  # day 180: not yet expired
        (date(2026, 8, 1), Verdict.EXPIRED, -1),  # day 181
    ],
)
def test_day_180_and_181(as_of: date, verdict: Verdict, days_left: int) -> None:
    poam = conditional(date(2026, 2, 1), item("P1", "3.1.3"))
    result = verdict_of(not_met("3.1.3"), poam, as_of)
    assert (result.verdict, result.days_left) == (verdict, days_left)
    if verdict is Verdict.EXPIRED:
        assert result.reasons[0].rule == "32 CFR 170.21(b)"
        assert "no POA&M closeout" in result.reasons[0].message


def test_everything_met_after_the_deadline_without_a_closeout_has_expired() -> None:
    """The hole a hand-worked review found: the SSP now says all MET, but no closeout was ever
    recorded, so the Conditional status expired on day 181 (32 CFR 170.21(b))."""
    poam = conditional(date(2026, 2, 1))
    result = verdict_of(all_implemented(), poam, date(2026, 9, 1))
    assert result.verdict is Verdict.EXPIRED
    assert readiness(score(all_implemented(), CATALOG)).verdict is Verdict.FINAL


def test_everything_met_before_the_deadline_is_still_conditional() -> None:
    result = verdict_of(all_implemented(), conditional(date(2026, 2, 1)), date(2026, 6, 1))
    assert result.verdict is Verdict.CONDITIONAL
    assert "ready for its closeout" in result.reasons[-1].message


def test_internal_poam_never_expires() -> None:
    result = verdict_of(not_met("3.1.3"), internal(item("P1", "3.1.3")), date(2030, 1, 1))
    assert result.verdict is Verdict.CONDITIONAL
    assert result.closeout_deadline is None and result.days_left is None


def test_verdict_labels(catalog: Catalog) -> None:
    assert {v.label for v in Verdict} == {
        "Final Level 2",
        "Conditional Level 2",
        "No CMMC status",
        "Assessment cannot be completed",
        "CMMC status expired",
    }
