"""Reminders: what falls due, on the boundary days, and always in agreement with the findings.

A reminder is a finding ahead of time: the same predicates decide both, so on any SSP and
POA&M (the samples, and whatever hypothesis draws) an overdue reminder exists exactly when its
check reports the fact.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from poam.core import rules
from poam.core.assess import Assessment, assess
from poam.core.checks import REGISTRY
from poam.core.model import (
    Affirmation,
    AffirmationKind,
    AssessmentOfRecord,
    AssessmentResult,
    AssessmentType,
    CmmcRecord,
    ItemStatus,
    Milestone,
    Poam,
    PoamKind,
    Ssp,
)
from poam.core.reminders import (
    KIND_LABEL,
    MAX_DAYS_AHEAD,
    Reminder,
    ReminderKind,
    of_assessment,
    when,
)
from poam.core.verdict import closeout_deadline
from poam.formats.native import load_poam, load_ssp
from tests.core.builders import all_implemented, conditional, internal, item, not_met
from tests.strategies import poams, ssps

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TODAY = date(2026, 5, 1)
STATUS = date(2026, 2, 1)
DEADLINE = closeout_deadline(STATUS)  # 2026-07-31


def kinds(found: list[Reminder]) -> list[ReminderKind]:
    return [reminder.kind for reminder in found]


def of(ssp: Ssp, poam: Poam | None, today: date, days_ahead: int = 14) -> list[Reminder]:
    return of_assessment(assess(ssp, poam, as_of=today), days_ahead=days_ahead)


def reviewed(poam: Poam, day: date = TODAY, cadence: int = 90) -> Poam:
    return replace(poam, last_reviewed=day, review_cadence_days=cadence)


# --- milestones ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (TODAY - timedelta(days=1), ReminderKind.MILESTONE_OVERDUE),  # yesterday
        (TODAY, ReminderKind.MILESTONE_DUE),  # due today is not overdue (milestone-overdue)
        (TODAY + timedelta(days=1), ReminderKind.MILESTONE_DUE),  # tomorrow
        (TODAY + timedelta(days=14), ReminderKind.MILESTONE_DUE),  # the horizon's last day
        (TODAY + timedelta(days=15), None),  # beyond it
    ],
)
def test_a_milestone_is_due_within_the_horizon_and_overdue_the_day_after_its_date(
    due: date, expected: ReminderKind | None
) -> None:
    poam = reviewed(internal(item("E-1", "3.1.8", due)))
    found = [r for r in of(not_met("3.1.8"), poam, TODAY) if r.item == "E-1"]
    assert kinds(found) == ([] if expected is None else [expected])
    if found:
        assert found[0].day == due
        assert found[0].requirement == "3.1.8"
        assert found[0].check == "milestone-overdue"
        assert found[0].rule == rules.POAM_ENTRY_CONTENT


def test_a_horizon_of_zero_days_reminds_of_today_only() -> None:
    poam = reviewed(
        internal(item("E-1", "3.1.8", TODAY), item("E-2", "3.1.9", TODAY + timedelta(days=1)))
    )
    found = of(not_met("3.1.8", "3.1.9"), poam, TODAY, days_ahead=0)
    assert [(r.kind, r.item) for r in found] == [(ReminderKind.MILESTONE_DUE, "E-1")]


@pytest.mark.parametrize("status", [ItemStatus.COMPLETED_PENDING_VERIFICATION, ItemStatus.CLOSED])
def test_no_milestone_reminder_for_an_entry_no_longer_open(status: ItemStatus) -> None:
    poam = reviewed(internal(item("E-1", "3.1.8", TODAY - timedelta(days=3), status=status)))
    assert of(not_met("3.1.8"), poam, TODAY) == []


def test_a_completed_or_undated_milestone_is_never_reminded() -> None:
    entry = replace(
        item("E-1", "3.1.8", None),
        milestones=(
            Milestone("Done early", TODAY - timedelta(days=5), completed=TODAY - timedelta(days=9)),
            Milestone("Some day"),
        ),
    )
    assert of(not_met("3.1.8"), reviewed(internal(entry)), TODAY) == []


def test_a_milestone_after_the_closeout_deadline_says_it_is_too_late() -> None:
    poam = reviewed(conditional(STATUS, item("C-1", "3.1.8", DEADLINE)))
    found = of(not_met("3.1.8"), poam, DEADLINE - timedelta(days=3))
    milestone = next(r for r in found if r.kind is ReminderKind.MILESTONE_DUE)
    assert "closeout deadline 2026-07-31" in milestone.detail
    assert rules.CLOSEOUT in (milestone.rule or "")


def test_two_milestones_of_one_title_keep_two_keys() -> None:
    entry = replace(
        item("E-1", "3.1.8", None),
        milestones=(Milestone("Step", TODAY), Milestone("Step", TODAY + timedelta(days=2))),
    )
    found = of(not_met("3.1.8"), reviewed(internal(entry)), TODAY)
    assert len({r.key for r in found}) == 2


def test_a_milestone_keeps_its_key_when_it_becomes_overdue() -> None:
    poam = reviewed(internal(item("E-1", "3.1.8", TODAY)), cadence=365)
    before = of(not_met("3.1.8"), poam, TODAY)
    after = of(not_met("3.1.8"), poam, TODAY + timedelta(days=1))
    assert kinds(before) == [ReminderKind.MILESTONE_DUE]
    assert kinds(after) == [ReminderKind.MILESTONE_OVERDUE]
    assert before[0].key == after[0].key


# --- reviews ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        (75, None),  # due in 15 days: beyond the horizon
        (76, ReminderKind.REVIEW_DUE),  # due in 14 days: its last day
        (90, ReminderKind.REVIEW_DUE),  # due today: the check waits for day 91
        (91, ReminderKind.REVIEW_OVERDUE),
    ],
)
def test_the_review_falls_due_on_its_cadence(age: int, expected: ReminderKind | None) -> None:
    poam = reviewed(internal(), TODAY - timedelta(days=age), cadence=90)
    found = of(all_implemented(), poam, TODAY)
    assert kinds(found) == ([] if expected is None else [expected])
    if found:
        assert found[0].day == TODAY - timedelta(days=age) + timedelta(days=90)
        assert found[0].rule == rules.POAM_REVIEWED


def test_a_poam_never_reviewed_is_due_today() -> None:
    found = of(all_implemented(), internal(), TODAY)
    assert [(r.kind, r.day) for r in found] == [(ReminderKind.REVIEW_DUE, TODAY)]
    assert "never been reviewed" in found[0].detail


# --- the status ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (DEADLINE - timedelta(days=100), ReminderKind.CLOSEOUT_COUNTDOWN),
        (DEADLINE, ReminderKind.CLOSEOUT_COUNTDOWN),  # the last day a closeout counts
        (DEADLINE + timedelta(days=1), ReminderKind.STATUS_EXPIRED),  # day 181
    ],
)
def test_the_closeout_countdown_runs_to_the_deadline_then_the_status_has_expired(
    today: date, expected: ReminderKind
) -> None:
    poam = reviewed(conditional(STATUS, item("C-1", "3.1.8", None)), today)
    found = [
        r
        for r in of(not_met("3.1.8"), poam, today)
        if r.kind in (ReminderKind.CLOSEOUT_COUNTDOWN, ReminderKind.STATUS_EXPIRED)
    ]
    assert kinds(found) == [expected]
    assert found[0].day == DEADLINE
    assert found[0].rule == rules.CLOSEOUT
    if expected is ReminderKind.CLOSEOUT_COUNTDOWN:
        left = (DEADLINE - today).days
        assert f"{left} day" in found[0].detail
        assert "C-1" in found[0].detail  # the entries still open


def final_ssp(status_date: date, affirmations: tuple[Affirmation, ...] = ()) -> Ssp:
    record = AssessmentOfRecord(
        AssessmentType.SELF, status_date, status_date, AssessmentResult.FINAL, score=110
    )
    return replace(all_implemented(), cmmc=CmmcRecord((record,), affirmations))


def affirmed(day: date) -> tuple[Affirmation, ...]:
    return (Affirmation(AffirmationKind.INITIAL, day, "Dana Roe", "CEO"),)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2027, 12, 1), None),  # 61 days before the anniversary: beyond 30 days and 14
        (date(2028, 1, 1), ReminderKind.AFFIRMATION_DUE),  # 30 days before: the check's window
        (date(2028, 1, 31), ReminderKind.AFFIRMATION_DUE),  # due today
        (date(2028, 2, 1), ReminderKind.AFFIRMATION_OVERDUE),  # the day after
    ],
)
def test_the_yearly_affirmation_falls_due_on_the_anniversary(
    today: date, expected: ReminderKind | None
) -> None:
    ssp = final_ssp(date(2027, 1, 31), affirmed(date(2027, 1, 31)))
    found = [r for r in of(ssp, None, today) if r.kind.value.startswith("affirmation")]
    assert kinds(found) == ([] if expected is None else [expected])
    if found:
        assert found[0].day == date(2028, 1, 31)
        assert found[0].rule == rules.AFFIRMATION


def test_the_affirmation_upon_the_status_is_overdue_from_the_day_after() -> None:
    ssp = final_ssp(date(2027, 1, 31))
    assert kinds(of(ssp, None, date(2027, 1, 31))) == [ReminderKind.AFFIRMATION_DUE]
    assert kinds(of(ssp, None, date(2027, 2, 1))) == [ReminderKind.AFFIRMATION_OVERDUE]


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2029, 11, 1), None),  # 91 days before the 3-year anniversary
        (date(2029, 11, 2), ReminderKind.VALIDITY_ENDING),  # 90 days: the check's window
        (date(2030, 1, 31), ReminderKind.VALIDITY_ENDING),  # the last day it is current
        (date(2030, 2, 1), ReminderKind.STATUS_EXPIRED),  # the day after
    ],
)
def test_the_final_status_stops_being_current_after_3_years(
    today: date, expected: ReminderKind | None
) -> None:
    annual = tuple(
        Affirmation(AffirmationKind.ANNUAL, date(2027 + n, 1, 31), "Dana Roe", "CEO")
        for n in range(4)
    )
    ssp = final_ssp(date(2027, 1, 31), annual)
    found = [
        r
        for r in of(ssp, None, today)
        if r.kind in (ReminderKind.VALIDITY_ENDING, ReminderKind.STATUS_EXPIRED)
    ]
    assert kinds(found) == ([] if expected is None else [expected])
    if found:
        assert found[0].day == date(2030, 1, 31)
        assert found[0].rule == rules.STATUS_VALIDITY


def test_no_status_on_record_no_status_reminder() -> None:
    assert of(all_implemented(), None, TODAY) == []


# --- the horizon, the kinds, the words --------------------------------------------------------


def test_kinds_keep_only_those_asked_for() -> None:
    poam = internal(item("E-1", "3.1.8", TODAY - timedelta(days=2)))
    assessment = assess(not_met("3.1.8"), poam, as_of=TODAY)
    everything = of_assessment(assessment)
    assert set(kinds(everything)) == {ReminderKind.REVIEW_DUE, ReminderKind.MILESTONE_OVERDUE}
    only = of_assessment(assessment, kinds={ReminderKind.MILESTONE_OVERDUE})
    assert kinds(only) == [ReminderKind.MILESTONE_OVERDUE]


@pytest.mark.parametrize("days", [-1, MAX_DAYS_AHEAD + 1])
def test_a_horizon_out_of_bounds_is_refused(days: int) -> None:
    with pytest.raises(ValueError, match="days_ahead"):
        of(all_implemented(), None, TODAY, days_ahead=days)


def test_every_kind_has_words_and_every_check_named_exists() -> None:
    assert set(KIND_LABEL) == set(ReminderKind)
    codes = set(REGISTRY)
    for code in (
        "milestone-overdue",
        "poam-not-reviewed",
        "closeout-deadline-approaching",
        "conditional-status-expired",
        "final-status-expired",
        "affirmation-due",
        "affirmation-overdue",
        "status-validity-ending",
    ):
        assert code in codes


@pytest.mark.parametrize(
    ("offset", "words"),
    [(0, "today"), (1, "tomorrow"), (-1, "yesterday"), (5, "in 5 days"), (-3, "3 days ago")],
)
def test_when_says_the_day_in_words(offset: int, words: str) -> None:
    assert when(TODAY + timedelta(days=offset), TODAY) == words


def test_the_system_name_is_the_ssps_unless_given() -> None:
    poam = internal()
    assert of(all_implemented(), poam, TODAY)[0].system == "Test"
    named = of_assessment(assess(all_implemented(), poam, as_of=TODAY), system="Shop floor")
    assert named[0].system == "Shop floor"


def test_reminders_of_every_poam_of_a_system() -> None:
    internal_poam = reviewed(internal(item("I-1", "3.1.9", TODAY + timedelta(days=3))))
    conditional_poam = reviewed(conditional(STATUS, item("C-1", "3.1.8", TODAY)))
    ssp = not_met("3.1.8", "3.1.9")
    assessment = assess(ssp, conditional_poam, as_of=TODAY)
    found = of_assessment(assessment, others=[internal_poam])
    assert [(r.item, r.poam) for r in found if r.item] == [
        ("C-1", PoamKind.CONDITIONAL),
        ("I-1", PoamKind.INTERNAL),
    ]


# --- the samples: reminders and findings agree ----------------------------------------------


def sample(name: str, today: date) -> Assessment:
    folder = EXAMPLES / name
    return assess(load_ssp(folder / "ssp.yaml"), load_poam(folder / "poam.yaml"), as_of=today)


def assert_agree(assessment: Assessment) -> None:
    """Each fact a check reports is reminded, and each overdue reminder is a finding."""
    found = of_assessment(assessment, days_ahead=0)  # the checks' own windows, no wider
    findings = Counter(
        (finding.code, finding.item)
        for finding in assessment.findings
        if finding.code
        in {
            "milestone-overdue",
            "poam-not-reviewed",
            "affirmation-due",
            "affirmation-overdue",
            "status-validity-ending",
            "conditional-status-expired",
            "final-status-expired",
        }
    )
    reminded = Counter(
        (reminder.check, reminder.item)
        for reminder in found
        if reminder.kind.overdue
        or reminder.kind in (ReminderKind.AFFIRMATION_DUE, ReminderKind.VALIDITY_ENDING)
        or (reminder.kind is ReminderKind.REVIEW_DUE and "never" in reminder.detail)
    )
    assert reminded == findings
    approaching = [f for f in assessment.findings if f.code == "closeout-deadline-approaching"]
    countdown = [r for r in found if r.kind is ReminderKind.CLOSEOUT_COUNTDOWN]
    if approaching:
        assert len(countdown) == 1
        assert countdown[0].day == assessment.verdict.closeout_deadline


@pytest.mark.parametrize("name", ["acme-enclave", "summit-conditional"])
@pytest.mark.parametrize(
    "today",
    [date(2026, 11, 20), date(2026, 12, 17), date(2026, 12, 18), date(2027, 6, 30)],
)
def test_the_samples_reminders_agree_with_their_findings(name: str, today: date) -> None:
    assessment = sample(name, today)
    assert_agree(assessment)


def test_the_conditional_sample_counts_down_to_its_closeout() -> None:
    found = of_assessment(sample("summit-conditional", date(2026, 11, 20)))
    countdown = [r for r in found if r.kind is ReminderKind.CLOSEOUT_COUNTDOWN]
    assert [r.day for r in countdown] == [date(2026, 12, 17)]
    assert "27 days left" in countdown[0].detail


# --- properties ------------------------------------------------------------------------------


def without_waivers(poam: Poam) -> Poam:
    return replace(poam, ignore=(), waivers=())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ssp=ssps(with_cmmc=True),
    poam=poams().map(without_waivers),
    today=st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31)),
    days_ahead=st.integers(0, MAX_DAYS_AHEAD),
)
def test_reminders_are_sorted_overdue_in_the_past_due_within_the_horizon(
    ssp: Ssp, poam: Poam, today: date, days_ahead: int
) -> None:
    found = of_assessment(assess(ssp, poam, as_of=today), days_ahead=days_ahead)
    assert found == sorted(found, key=Reminder.sort_key)
    thresholds = poam.thresholds
    widest = max(days_ahead, thresholds.affirmation_warning_days, thresholds.validity_warning_days)
    for reminder in found:
        if reminder.kind.overdue:
            assert reminder.day < today
        elif reminder.kind is not ReminderKind.CLOSEOUT_COUNTDOWN:
            assert today <= reminder.day <= today + timedelta(days=widest)
        else:
            assert reminder.day >= today
    assert len({r.key for r in found}) == len(found)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ssp=ssps(with_cmmc=True),
    poam=poams().map(without_waivers),
    today=st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31)),
)
def test_reminders_and_findings_agree_on_any_record(ssp: Ssp, poam: Poam, today: date) -> None:
    assert_agree(assess(ssp, poam, as_of=today))
