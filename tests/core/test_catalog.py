"""The catalog: every fact checked against the verified reference, and the lookups."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from poam.core.catalog import Catalog
from poam.core.model import EncryptionState, MfaState


def test_every_fact_matches_the_reference(catalog: Catalog, shared: Path) -> None:
    reference = json.loads((shared / "reference/cmmc-l2-requirements.json").read_text("utf-8"))
    assert [r["nist_id"] for r in reference] == [req.nist_id for req in catalog.requirements]
    for ref in reference:
        req = catalog.get(ref["nist_id"])
        assert req.cmmc_id == ref["cmmc_id"]
        assert req.family == ref["family"]
        assert req.family_name == ref["family_name"]
        assert req.title == ref["cmmc_title"]
        assert req.kind == ref["kind"]
        assert req.points == ref["points"]
        assert req.max_deduction == ref["max_deduction"]
        assert req.poam_eligible == ref["poam_eligible_conditional"]
        assert req.poam_excluded_by_name == ref["poam_excluded_by_name"]
        assert req.level1 == ref["far_52_204_21_level1_overlap"]
        assert list(req.objective_letters) == ref["objective_letters"]
        assert len(req.objectives) == ref["objective_count"]
        if ref["partial_credit"] is None:
            assert req.partial_credit is None
        else:
            assert req.partial_credit is not None
            expected = sorted(ref["partial_credit"]["deduction_by_state"].values())
            assert sorted(req.partial_credit.deductions.values()) == expected
        state = ref["poam_eligible_only_in_state"]
        assert (req.poam_eligible_only_in_state is None) == (state is None)


def test_the_invariants_of_rules_md(catalog: Catalog) -> None:
    assert len(catalog) == 110
    assert catalog.total_objectives == 320
    values = Counter("3-or-5" if req.partial_credit else req.points for req in catalog.requirements)
    assert values == {5: 42, "3-or-5": 2, 3: 14, 1: 51, None: 1}
    assert sum(req.max_deduction for req in catalog.requirements) == 313
    assert sum(req.poam_eligible for req in catalog.requirements) == 47
    excluded = {req.nist_id for req in catalog.requirements if req.poam_excluded_by_name}
    assert excluded == {"3.1.20", "3.1.22", "3.12.4", "3.10.3", "3.10.4", "3.10.5"}


def test_partial_credit_states(catalog: Catalog) -> None:
    mfa = catalog.get("3.5.3").partial_credit
    enc = catalog.get("3.13.11").partial_credit
    assert mfa is not None and enc is not None
    assert mfa.deductions == {"none": 5, "remote-and-privileged": 3, "all": 0}
    assert enc.deductions == {"none": 5, "not-fips-validated": 3, "fips-validated": 0}
    assert set(mfa.deductions) == {s.value for s in MfaState}
    assert set(enc.deductions) == {s.value for s in EncryptionState}


def test_eligibility_by_state(catalog: Catalog) -> None:
    encryption = catalog.get("3.13.11")
    assert encryption.eligible_in(EncryptionState.NOT_FIPS_VALIDATED)
    assert not encryption.eligible_in(EncryptionState.NONE)
    assert not encryption.eligible_in(None)
    mfa = catalog.get("3.5.3")
    assert not any(mfa.eligible_in(state) for state in (*MfaState, None))
    assert catalog.get("3.1.3").eligible_in(None)
    assert not catalog.get("3.10.3").eligible_in(None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3.5.3", "3.5.3"),
        ("IA.L2-3.5.3", "3.5.3"),
        ("ia.l2-3.5.3", "3.5.3"),
        (" 3.5.3 ", "3.5.3"),
        ("03.05.03", None),  # NIST SP 800-171 Rev 3 numbering, not Rev 2
        ("03.01.01", None),
        ("3.05.03", None),
        ("IA.L2-03.05.03", None),
        ("SC.L2-3.13.11", "3.13.11"),
        ("3.1.22", "3.1.22"),
        ("AC.L2-3.5.3", None),
        ("3.15.1", None),
        ("3.1.23", None),
        ("3.5", None),
        ("IA.L1-3.5.3", None),
        ("", None),
    ],
)
def test_lookups(catalog: Catalog, text: str, expected: str | None) -> None:
    assert catalog.normalize(text) == expected
    assert (text in catalog) == (expected is not None)


@pytest.mark.parametrize("text", ["03.01.01", " 03.05.03 ", "ia.l2-03.05.03", "03.13.11"])
def test_rev3_ids_are_refused_with_a_reason(catalog: Catalog, text: str) -> None:
    assert catalog.find(text) is None
    message = catalog.why_unknown(text)
    assert "Rev 3" in message and "Rev 2" in message
    with pytest.raises(KeyError, match="Rev 3 numbering"):
        catalog.get(text)


def test_other_unknown_ids_say_rev2(catalog: Catalog) -> None:
    assert catalog.why_unknown("3.1.23") == "no NIST SP 800-171 Rev 2 requirement '3.1.23'"


def test_wording_is_complete(catalog: Catalog) -> None:
    for req in catalog.requirements:
        assert req.statement.strip() and req.statement.endswith(".")
        statements = [o.statement for o in req.objectives]
        assert len(set(statements)) == len(statements), req.nist_id
        assert all(s.strip() and s.endswith(".") for s in statements), req.nist_id
    assert len(catalog.families) == 14
