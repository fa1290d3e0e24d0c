"""The standing over time (32 CFR 170.21(b), 170.22; DFARS 204.7501), boundary days included.

The golden cases under cases/ cover each finding; these tests cover the standing itself: which
assessment of record stands, the verdict it gives, and that it is never confused with what a new
assessment would award (the readiness).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from poam.core.assess import assess
from poam.core.lifecycle import add_years, affirmations_due, status_of_record
from poam.core.model import (
    Affirmation,
    AffirmationKind,
    AssessmentOfRecord,
    AssessmentResult,
    AssessmentType,
    Closeout,
    CloseoutResult,
    CmmcRecord,
    Ssp,
)
from poam.core.serialize import assessment_to_data, cmmc_from_data, cmmc_to_data
from poam.core.verdict import Verdict
from tests.core.builders import all_implemented, conditional, internal, item, not_met
from tests.strategies import cmmc_records

STATUS = date(2026, 2, 1)
DEADLINE = date(2026, 7, 31)


def on_record(
    ssp: Ssp, *assessments: AssessmentOfRecord, affirmations: tuple[Affirmation, ...] = ()
) -> Ssp:
    return replace(ssp, cmmc=CmmcRecord(tuple(assessments), tuple(affirmations)))


def conditional_record(closeout: Closeout | None = None, **kwargs: Any) -> AssessmentOfRecord:
    values: dict[str, Any] = {
        "type": AssessmentType.C3PAO,
        "date": date(2026, 1, 28),
        "status_date": STATUS,
        "result": AssessmentResult.CONDITIONAL,
        "score": 104,
        "uid": "L2-0001",
        "closeout": closeout,
    }
    values.update(kwargs)
    return AssessmentOfRecord(**values)


def final_record(**kwargs: Any) -> AssessmentOfRecord:
    values: dict[str, Any] = {
        "type": AssessmentType.SELF,
        "date": date(2026, 1, 28),
        "status_date": STATUS,
        "result": AssessmentResult.FINAL,
        "score": 110,
    }
    values.update(kwargs)
    return AssessmentOfRecord(**values)


def test_no_record_means_the_verdict_is_the_readiness() -> None:
    result = assess(not_met("3.1.3"), internal(item("P1", "3.1.3")), as_of=date(2026, 3, 1))
    assert result.verdict == result.readiness
    assert result.verdict.of_record is None


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2026, 7, 30), Verdict.CONDITIONAL),
        (DEADLINE, Verdict.CONDITIONAL),  # day 180
        (date(2026, 8, 1), Verdict.EXPIRED),  # day 181
    ],
)
def test_everything_met_is_still_conditional_until_a_closeout_is_recorded(
    as_of: date, expected: Verdict
) -> None:
    ssp = on_record(all_implemented(), conditional_record())
    result = assess(ssp, conditional(STATUS), as_of=as_of)
    assert result.verdict.verdict is expected
    assert result.ready.verdict is Verdict.FINAL  # what a new assessment would award


@pytest.mark.parametrize(
    ("closed", "as_of", "expected"),
    [
        (DEADLINE, date(2026, 9, 1), Verdict.FINAL),  # closed out on the deadline day
        (date(2026, 8, 1), date(2026, 9, 1), Verdict.EXPIRED),  # the day after: too late
        (date(2026, 7, 1), date(2026, 6, 30), Verdict.CONDITIONAL),  # not yet happened
    ],
)
def test_a_closeout_with_result_met_on_or_before_the_deadline_makes_it_final(
    closed: date, as_of: date, expected: Verdict
) -> None:
    record = conditional_record(Closeout(closed, CloseoutResult.MET))
    result = assess(on_record(not_met("3.1.3"), record), None, as_of=as_of)
    assert result.verdict.verdict is expected
    assert result.verdict.of_record == record


def test_a_failed_closeout_keeps_the_status_until_the_deadline() -> None:
    record = conditional_record(Closeout(date(2026, 6, 1), CloseoutResult.NOT_MET))
    ssp = on_record(not_met("3.1.3"), record)
    during = assess(ssp, None, as_of=date(2026, 6, 2)).verdict
    assert during.verdict is Verdict.CONDITIONAL
    assert "found requirements NOT MET" in during.reasons[1].message
    after = assess(ssp, None, as_of=date(2026, 8, 1)).verdict
    assert after.verdict is Verdict.EXPIRED
    assert "found requirements NOT MET" in after.reasons[0].message


@pytest.mark.parametrize(
    ("as_of", "expected", "left"),
    [
        (date(2029, 1, 31), Verdict.FINAL, 1),
        (date(2029, 2, 1), Verdict.FINAL, 0),  # the 3-year anniversary: the last day
        (date(2029, 2, 2), Verdict.EXPIRED, None),
    ],
)
def test_a_final_status_lasts_three_years(as_of: date, expected: Verdict, left: int | None) -> None:
    result = assess(on_record(all_implemented(), final_record()), None, as_of=as_of).verdict
    assert result.verdict is expected
    assert result.valid_until == date(2029, 2, 1)
    assert result.reasons[1].rule.startswith("DFARS 204.7501")
    if left is not None:
        assert f"{left} day" in result.reasons[1].message


def test_a_closed_out_status_counts_three_years_from_the_conditional_status_date() -> None:
    record = conditional_record(Closeout(date(2026, 7, 1), CloseoutResult.MET))
    result = assess(on_record(all_implemented(), record), None, as_of=date(2027, 1, 1)).verdict
    assert (result.verdict, result.valid_until) == (Verdict.FINAL, date(2029, 2, 1))
    assert result.closeout_deadline is None  # the clock stopped
    expired = assess(on_record(all_implemented(), record), None, as_of=date(2029, 2, 2))
    assert expired.verdict.verdict is Verdict.EXPIRED


def test_add_years_keeps_the_day_or_takes_the_earlier() -> None:
    assert add_years(date(2026, 2, 1), 3) == date(2029, 2, 1)
    assert add_years(date(2028, 2, 29), 3) == date(2031, 2, 28)
    assert add_years(date(2028, 2, 29), 4) == date(2032, 2, 29)


def test_the_latest_status_date_that_has_come_stands() -> None:
    old = final_record(status_date=date(2023, 1, 10), date=date(2023, 1, 5))
    new = conditional_record()
    future = final_record(status_date=date(2027, 1, 10), date=date(2027, 1, 5))
    ssp = on_record(all_implemented(), future, new, old)
    assert status_of_record(ssp, None, date(2026, 3, 1)) == new
    assert status_of_record(ssp, None, date(2027, 1, 10)) == future
    assert status_of_record(ssp, None, date(2023, 1, 9)) is None


def test_a_conditional_poam_header_stands_in_for_a_missing_record() -> None:
    poam = conditional(STATUS, item("P1", "3.1.3"), assessment=AssessmentType.SELF)
    implied = status_of_record(not_met("3.1.3"), poam, date(2026, 3, 1))
    assert implied is not None and implied.implied
    assert (implied.type, implied.status_date, implied.score) == (AssessmentType.SELF, STATUS, None)
    recorded = on_record(not_met("3.1.3"), conditional_record(type=AssessmentType.SELF))
    assert status_of_record(recorded, poam, date(2026, 3, 1)) == conditional_record(
        type=AssessmentType.SELF
    )
    assert status_of_record(not_met("3.1.3"), internal(), date(2026, 3, 1)) is None


def test_affirmations_owed_by_a_closed_out_status() -> None:
    record = conditional_record(Closeout(date(2026, 7, 1), CloseoutResult.MET))
    given = (
        Affirmation(AffirmationKind.INITIAL, date(2026, 2, 2), "Pat Lee", "CEO"),
        Affirmation(AffirmationKind.POST_CLOSEOUT, date(2026, 7, 3), "Pat Lee", "CEO"),
    )
    ssp = on_record(all_implemented(), record, affirmations=given)
    result = assess(ssp, None, as_of=date(2026, 8, 1))
    due = affirmations_due(result.verdict, ssp.cmmc, result.as_of)
    assert [(d.kind, d.due, d.done) for d in due] == [
        (AffirmationKind.INITIAL, STATUS, given[0]),
        (AffirmationKind.POST_CLOSEOUT, date(2026, 7, 1), given[1]),
        (AffirmationKind.ANNUAL, date(2027, 7, 3), None),
    ]
    assert not [f for f in result.findings if f.code.startswith("affirmation")]


def test_check_json_gives_both_answers() -> None:
    ssp = on_record(all_implemented(), conditional_record())
    data = assessment_to_data(assess(ssp, conditional(STATUS), as_of=date(2026, 8, 1)))
    assert (data["verdict"], data["readiness"]) == ("expired", "final")
    assert data["status_of_record"]["uid"] == "L2-0001"
    assert data["readiness_reasons"][0]["rule"].startswith("32 CFR 170.16(a)(1)(ii)")
    assert data["closeout_deadline"] == "2026-07-31" and data["days_left"] == -1
    assert data["affirmations"] == []  # nothing is owed for an expired status
    assert data["full_score_date"]["required"] is False


@settings(max_examples=80, deadline=None)
@given(cmmc_records)
def test_the_stored_record_reads_back_equal(record: CmmcRecord) -> None:
    assert cmmc_from_data(cmmc_to_data(record)) == record


@settings(max_examples=80, deadline=None)
@given(cmmc_records, st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 1, 1)))
def test_standing_invariants(record: CmmcRecord, as_of: date) -> None:
    """Whatever the record: the standing rests on an assessment whose status date has come;
    an expired standing owes nothing; a final standing has a validity no later than 3 years."""
    ssp = replace(all_implemented(), cmmc=record)
    result = assess(ssp, None, as_of=as_of)
    standing = result.verdict
    if standing.of_record is None:
        assert standing == result.readiness
        return
    assert standing.of_record.status_date <= as_of
    assert standing.verdict in (Verdict.CONDITIONAL, Verdict.FINAL, Verdict.EXPIRED)
    if standing.verdict is Verdict.EXPIRED:
        assert affirmations_due(standing, record, as_of) == []
    if standing.verdict is Verdict.FINAL:
        assert standing.valid_until is not None
        assert as_of <= standing.valid_until <= add_years(standing.of_record.status_date, 3)
    if standing.verdict is Verdict.CONDITIONAL:
        assert standing.days_left is not None and 0 <= standing.days_left <= 180


def test_the_timeline_lists_the_status_over_time() -> None:
    from poam.core.lifecycle import EventKind, timeline

    record = conditional_record(Closeout(date(2026, 7, 1), CloseoutResult.MET))
    given = (Affirmation(AffirmationKind.INITIAL, date(2026, 2, 2), "Pat Lee", "CEO"),)
    ssp = on_record(all_implemented(), record, affirmations=given)
    as_of = date(2026, 8, 1)
    result = assess(ssp, None, as_of=as_of)
    events = timeline(ssp, None, result.verdict, as_of)
    assert [(e.day, e.kind) for e in events] == [
        (date(2026, 1, 28), EventKind.ASSESSMENT),
        (STATUS, EventKind.STATUS),
        (date(2026, 2, 2), EventKind.AFFIRMATION),
        (date(2026, 7, 1), EventKind.CLOSEOUT),
        (date(2026, 7, 1), EventKind.AFFIRMATION_DUE),  # owed after the closeout, not given
        (DEADLINE, EventKind.CLOSEOUT_DEADLINE),
        (date(2027, 2, 2), EventKind.AFFIRMATION_DUE),  # a year after the last one
        (date(2029, 2, 1), EventKind.VALID_UNTIL),
    ]
    due = next(e for e in events if e.kind is EventKind.AFFIRMATION_DUE)
    assert due.late and due.rule.startswith("32 CFR 170.22")
    deadline = next(e for e in events if e.kind is EventKind.CLOSEOUT_DEADLINE)
    assert deadline.past and not deadline.late  # closed out in time
