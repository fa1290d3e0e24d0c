"""Golden tests of the score (32 CFR 170.24) and property tests of its invariants."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from poam.core.catalog import Catalog, load_catalog
from poam.core.model import (
    EncryptionState,
    ImplementationStatus,
    MfaState,
    ObjectiveResult,
    RequirementRecord,
    Scope,
    Ssp,
    SspInfo,
    SystemInfo,
    TemporaryDeficiency,
)
from poam.core.scoring import MAX_SCORE, MIN_SCORE, Basis, determine, score
from tests.core.builders import all_implemented, make_ssp, record

IMPL = ImplementationStatus


def test_all_met_scores_110(catalog: Catalog) -> None:
    result = score(all_implemented(), catalog)
    assert result.value == MAX_SCORE and not result.not_met


def test_nothing_met_scores_minus_203_but_no_score_without_ssp(catalog: Catalog) -> None:
    ssp = make_ssp({req.nist_id: record(req.nist_id, IMPL.NOT_IMPLEMENTED) for req in catalog})
    result = score(ssp, catalog)
    assert result.provisional == MIN_SCORE == -203
    assert result.value is None  # 3.12.4 NOT MET: the assessment cannot be completed


def test_everything_but_the_ssp_missing_scores_minus_203(catalog: Catalog) -> None:
    records = {req.nist_id: record(req.nist_id, IMPL.NOT_IMPLEMENTED) for req in catalog}
    records["3.12.4"] = record("3.12.4", IMPL.IMPLEMENTED)
    assert score(make_ssp(records), catalog).value == -203


@pytest.mark.parametrize(
    ("nist_id", "points"),
    [("3.1.1", 5), ("3.1.5", 3), ("3.1.3", 1), ("3.10.3", 1), ("3.14.7", 3), ("3.13.1", 5)],
)
def test_each_not_met_requirement_subtracts_its_value(
    catalog: Catalog, nist_id: str, points: int
) -> None:
    ssp = all_implemented(**{nist_id: record(nist_id, IMPL.PLANNED)})
    result = score(ssp, catalog)
    assert result.value == 110 - points
    assert [(r.nist_id, r.deduction) for r in result.deductions] == [(nist_id, points)]


@pytest.mark.parametrize(
    ("status", "mfa", "deduction", "met"),
    [
        (IMPL.IMPLEMENTED, MfaState.ALL, 0, True),
        (IMPL.PARTIALLY_IMPLEMENTED, MfaState.REMOTE_AND_PRIVILEGED, 3, False),
        (IMPL.NOT_IMPLEMENTED, MfaState.NONE, 5, False),
        (IMPL.NOT_IMPLEMENTED, None, 5, False),  # state unknown: the full value
        (IMPL.IMPLEMENTED, MfaState.REMOTE_AND_PRIVILEGED, 3, False),  # the state wins
        (IMPL.PARTIALLY_IMPLEMENTED, MfaState.ALL, 5, False),  # NOT MET, not partial: full
        (IMPL.IMPLEMENTED, None, 0, True),
    ],
)
def test_mfa_partial_credit(
    catalog: Catalog, status: IMPL, mfa: MfaState | None, deduction: int, met: bool
) -> None:
    result = determine(catalog.get("3.5.3"), record("3.5.3", status, mfa=mfa))
    assert (result.deduction, result.met) == (deduction, met)
    if not met:
        assert result.rule == "32 CFR 170.24(c)(2)(i)(B)(4)(i)"


@pytest.mark.parametrize(
    ("status", "encryption", "deduction", "met"),
    [
        (IMPL.IMPLEMENTED, EncryptionState.FIPS_VALIDATED, 0, True),
        (IMPL.PARTIALLY_IMPLEMENTED, EncryptionState.NOT_FIPS_VALIDATED, 3, False),
        (IMPL.NOT_IMPLEMENTED, EncryptionState.NONE, 5, False),
        (IMPL.PLANNED, None, 5, False),
        (IMPL.IMPLEMENTED, EncryptionState.NOT_FIPS_VALIDATED, 3, False),
        (IMPL.NOT_IMPLEMENTED, EncryptionState.FIPS_VALIDATED, 5, False),
    ],
)
def test_encryption_partial_credit(
    catalog: Catalog, status: IMPL, encryption: EncryptionState | None, deduction: int, met: bool
) -> None:
    result = determine(catalog.get("3.13.11"), record("3.13.11", status, encryption=encryption))
    assert (result.deduction, result.met) == (deduction, met)
    if not met:
        assert result.rule == "32 CFR 170.24(c)(2)(i)(B)(4)(ii)"


def test_ssp_requirement_has_no_value(catalog: Catalog) -> None:
    result = score(all_implemented(**{"3.12.4": record("3.12.4", IMPL.PLANNED)}), catalog)
    assert result.provisional == 110
    assert result.value is None
    assert result.result("3.12.4").rule == "32 CFR 170.24(c)(2)(i)(B)(5)"


@pytest.mark.parametrize(
    ("kwargs", "basis", "rule"),
    [
        ({"status": IMPL.NOT_APPLICABLE}, Basis.NOT_APPLICABLE, "32 CFR 170.24(b)(3)"),
        (
            {"status": IMPL.NOT_IMPLEMENTED, "enduring_exception": "CNC controller; isolated"},
            Basis.ENDURING_EXCEPTION,
            "32 CFR 170.24(b)(1)(i)",
        ),
        (
            {
                "status": IMPL.PARTIALLY_IMPLEMENTED,
                "temporary_deficiency": TemporaryDeficiency("OPA-2026-004", "patch slipped"),
            },
            Basis.TEMPORARY_DEFICIENCY,
            "32 CFR 170.24(b)(1)(ii)",
        ),
        (
            {
                "status": IMPL.PLANNED,
                "objectives": {
                    "a": ObjectiveResult.NOT_APPLICABLE,
                    "b": ObjectiveResult.NOT_APPLICABLE,
                },
            },
            Basis.NOT_APPLICABLE,
            "32 CFR 170.24(b)(3)",
        ),
    ],
)
def test_what_counts_as_met(
    catalog: Catalog, kwargs: dict[str, Any], basis: Basis, rule: str
) -> None:
    status = kwargs.pop("status")
    result = determine(catalog.get("3.1.2"), record("3.1.2", status, **kwargs))
    assert (result.met, result.basis, result.rule, result.deduction) == (True, basis, rule, 0)


def test_deficiency_without_plan_is_not_met(catalog: Catalog) -> None:
    rec = record("3.14.1", IMPL.IMPLEMENTED, temporary_deficiency=TemporaryDeficiency(" "))
    result = determine(catalog.get("3.14.1"), rec)
    assert (result.met, result.basis) == (False, Basis.DEFICIENCY_WITHOUT_PLAN)


def test_objectives_win_over_status(catalog: Catalog) -> None:
    met = ObjectiveResult.MET
    req = catalog.get("3.1.2")
    failing = determine(
        req, record("3.1.2", IMPL.IMPLEMENTED, objectives={"a": met, "b": ObjectiveResult.NOT_MET})
    )
    assert (failing.met, failing.basis, failing.not_met_objectives) == (
        False,
        Basis.OBJECTIVES_NOT_MET,
        ("b",),
    )
    passing = determine(req, record("3.1.2", IMPL.NOT_IMPLEMENTED, objectives={"a": met, "b": met}))
    assert (passing.met, passing.basis) == (True, Basis.OBJECTIVES_MET)
    # incomplete objectives with none failing: the status decides
    partial = determine(catalog.get("3.1.3"), record("3.1.3", IMPL.PLANNED, objectives={"a": met}))
    assert (partial.met, partial.basis) == (False, Basis.PLANNED)


def test_unassessed_requirement_is_not_met(catalog: Catalog) -> None:
    result = determine(catalog.get("3.1.1"), None)
    assert (result.met, result.basis, result.deduction) == (False, Basis.NOT_ASSESSED, 5)


# --- properties ---------------------------------------------------------------------------

CATALOG = load_catalog()


@st.composite
def ssps(draw: st.DrawFn) -> Ssp:
    """Random SSPs: every status, unassessed requirements, objective results, partial states
    and exceptions. A Random seeded by hypothesis keeps 110 requirements cheap to generate, and
    every example reproducible from its seed."""
    rnd = random.Random(draw(st.integers(0, 2**32)))
    records = {}
    for req in CATALOG.requirements:
        if rnd.random() < 0.1:
            continue  # unassessed
        objectives = {}
        if rnd.random() < 0.25:
            objectives = {
                letter: rnd.choice(list(ObjectiveResult))
                for letter in req.objective_letters
                if rnd.random() < 0.8
            }
        records[req.nist_id] = RequirementRecord(
            requirement=req.nist_id,
            status=rnd.choice(list(IMPL)),
            objectives=objectives,
            mfa=rnd.choice([None, *MfaState]) if req.nist_id == "3.5.3" else None,
            encryption=rnd.choice([None, *EncryptionState]) if req.nist_id == "3.13.11" else None,
            enduring_exception="exception" if rnd.random() < 0.03 else None,
            temporary_deficiency=TemporaryDeficiency(rnd.choice(["", "OPA-1"]))
            if rnd.random() < 0.03
            else None,
        )
    return Ssp(SystemInfo("S", Scope.ENCLAVE), SspInfo("1", _DATE), records)


from datetime import date  # noqa: E402

_DATE = date(2026, 1, 1)


@settings(max_examples=150, deadline=None)
@given(ssps())
def test_score_always_within_bounds(ssp: Ssp) -> None:
    result = score(ssp, CATALOG)
    assert MIN_SCORE <= result.provisional <= MAX_SCORE
    assert result.provisional == MAX_SCORE - sum(r.deduction for r in result.results)
    assert all(r.deduction == 0 for r in result.results if r.met)


@settings(max_examples=150, deadline=None)
@given(ssps(), st.data())
def test_making_a_not_met_requirement_met_never_lowers_the_score(
    ssp: Ssp, data: st.DataObject
) -> None:
    before = score(ssp, CATALOG)
    if not before.not_met:
        return
    target = data.draw(st.sampled_from(before.not_met)).nist_id
    records = dict(ssp.requirements)
    state: dict[str, Any] = {}
    if target == "3.5.3":
        state["mfa"] = MfaState.ALL
    if target == "3.13.11":
        state["encryption"] = EncryptionState.FIPS_VALIDATED
    records[target] = RequirementRecord(target, IMPL.IMPLEMENTED, **state)
    after = score(Ssp(ssp.system, ssp.info, records), CATALOG)
    assert after.result(target).met
    gained = before.result(target).deduction
    if target == "3.12.2":
        # Plans of action in place also make every planned temporary deficiency MET.
        assert after.provisional >= before.provisional + gained
    else:
        assert after.provisional == before.provisional + gained
