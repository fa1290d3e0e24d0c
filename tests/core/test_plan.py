"""The remediation order, what-if scoring, and the date a score of 110 is expected."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from poam.core.catalog import load_catalog
from poam.core.model import EncryptionState, ImplementationStatus, ItemStatus
from poam.core.plan import (
    Phase,
    assume_met,
    describe_full_score,
    full_score_date,
    plan,
    resolve_targets,
)
from poam.core.scoring import score
from poam.core.verdict import Verdict, readiness
from tests.core.builders import all_implemented, internal, item, not_met, record

CATALOG = load_catalog()
TODAY = date(2026, 3, 1)
ONE_POINTERS = [r.nist_id for r in CATALOG.requirements if r.poam_eligible and r.points == 1]


def test_blockers_first_then_the_fewest_to_reach_88_then_the_rest_by_date() -> None:
    eligible = ONE_POINTERS[:20]
    ssp = not_met(
        "3.1.5",
        "3.10.3",
        *eligible,
        **{
            "3.13.11": record(
                "3.13.11",
                ImplementationStatus.PARTIALLY_IMPLEMENTED,
                encryption=EncryptionState.NOT_FIPS_VALIDATED,
            ),
            "3.12.4": record("3.12.4", ImplementationStatus.PLANNED),
        },
    )
    items = [
        item(f"P{i}", nist_id, date(2026, 12, 31) - timedelta(days=i))
        for i, nist_id in enumerate(eligible)
    ]
    poam = internal(*items, item("PX", "3.1.5", date(2026, 9, 1)))
    result = plan(score(ssp, CATALOG), poam, TODAY)
    phases = [(s.phase, s.result.nist_id) for s in result.steps]
    # 3.12.4 first, then the other blockers most points first
    assert phases[:3] == [
        (Phase.BLOCKS_CONDITIONAL, "3.12.4"),
        (Phase.BLOCKS_CONDITIONAL, "3.1.5"),
        (Phase.BLOCKS_CONDITIONAL, "3.10.3"),
    ]
    # after the blockers: 110 - 20 - 3 (3.13.11) = 87; one step reaches 88: 3.13.11 (3 points)
    assert phases[3] == (Phase.REACH_88, "3.13.11")
    assert result.steps[3].score_after == 90
    rest = result.steps[4:]
    assert all(s.phase is Phase.REST for s in rest)
    dues = [s.due for s in rest]
    assert None not in dues and dues == sorted(d for d in dues if d)  # by date
    assert result.steps[-1].score_after == 110
    assert result.steps[-1].verdict_after is Verdict.FINAL
    assert result.steps[2].verdict_after is Verdict.NONE  # still 87 points
    assert result.steps[3].verdict_after is Verdict.CONDITIONAL


def test_reach_88_takes_no_more_than_needed() -> None:
    ssp = not_met(*ONE_POINTERS[:25])  # 85 points
    steps = plan(score(ssp, CATALOG), None, TODAY).steps
    assert [s.phase for s in steps].count(Phase.REACH_88) == 3
    assert steps[2].score_after == 88 and steps[2].verdict_after is Verdict.CONDITIONAL


def test_nothing_to_plan_when_all_met() -> None:
    result = plan(score(all_implemented(), CATALOG), None, TODAY)
    assert result.steps == ()
    assert (result.full_score.date, result.full_score.unplanned) == (None, ())


def test_full_score_date_is_the_latest_open_milestone() -> None:
    ssp = not_met("3.1.3", "3.1.4")
    poam = internal(
        item("P1", "3.1.3", date(2026, 5, 1)),
        item("P2", "3.1.4", date(2026, 8, 15)),
        item("P3", "3.1.4", date(2027, 1, 1), status=ItemStatus.CLOSED),
    )
    full = full_score_date(score(ssp, CATALOG), poam)
    assert (full.date, full.unplanned) == (date(2026, 8, 15), ())


def test_full_score_date_lists_unplanned_requirements() -> None:
    ssp = not_met("3.1.3", "3.1.4")
    poam = internal(item("P1", "3.1.3", date(2026, 5, 1)), item("P2", "3.1.4", due=None))
    full = full_score_date(score(ssp, CATALOG), poam)
    # One answer everywhere: with a requirement unplanned, the date cannot be determined.
    assert (full.date, full.latest, full.unplanned) == (None, date(2026, 5, 1), ("3.1.4",))
    assert not full.determined
    assert describe_full_score(full, CATALOG) == (
        "cannot be determined: 1 NOT MET requirement has no dated open milestone (AC.L2-3.1.4); "
        "the latest dated open milestone is 2026-05-01"
    )


def test_full_score_date_when_every_gap_is_planned() -> None:
    ssp = not_met("3.1.3", "3.1.4")
    poam = internal(item("P1", "3.1.3", date(2026, 5, 1)), item("P2", "3.1.4", date(2026, 6, 2)))
    full = full_score_date(score(ssp, CATALOG), poam)
    assert (full.date, full.determined, full.required) == (date(2026, 6, 2), True, True)
    assert describe_full_score(full, CATALOG) == "2026-06-02"
    done = full_score_date(score(all_implemented(), CATALOG), poam)
    assert (done.date, done.required, done.determined) == (None, False, True)
    assert describe_full_score(done, CATALOG) == "already 110"


def test_assume_closed_by_requirement_or_entry() -> None:
    ssp = not_met("3.1.5", *ONE_POINTERS[:3])
    poam = internal(item("P1", "3.1.5"))
    before = score(ssp, CATALOG)
    targets = resolve_targets(["P1", " ia.l2-3.5.3 "], CATALOG, poam)
    assert targets == ["3.1.5", "3.5.3"]
    after = assume_met(before, targets)
    assert after.provisional == before.provisional + 3
    assert readiness(after).verdict is Verdict.CONDITIONAL
    with pytest.raises(KeyError):
        resolve_targets(["P9"], CATALOG, poam)
