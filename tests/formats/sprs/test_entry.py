"""The SPRS entry: each field, the status mapping, the completion date and what blocks an entry."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from poam.core.assess import assess
from poam.core.catalog import load_catalog
from poam.core.model import (
    EncryptionState,
    ImplementationStatus,
    ItemStatus,
    MfaState,
    ObjectiveResult,
    Poam,
    Ssp,
    TemporaryDeficiency,
)
from poam.core.scoring import Basis
from poam.formats.sprs import SprsStatus, sprs_entry
from poam.formats.sprs.entry import RequirementLine, SprsEntry
from tests.formats.sprs.systems import AS_OF, conditional, internal, item, record, ssp

NOT_IMPLEMENTED = ImplementationStatus.NOT_IMPLEMENTED


def entry_for(the_ssp: Ssp, the_poam: Poam | None = None, as_of: date = AS_OF) -> SprsEntry:
    return sprs_entry(assess(the_ssp, the_poam, as_of=as_of))


def line(entry: SprsEntry, cmmc_id: str) -> RequirementLine:
    return next(line for line in entry.requirements if line.cmmc_id == cmmc_id)


def test_a_system_with_everything_met_is_ready_at_110_with_no_completion_date() -> None:
    entry = entry_for(ssp(), internal())
    assert entry.score == 110
    assert entry.can_enter
    assert entry.problems == ()
    assert not entry.completion.required
    assert entry.completion.date is None
    assert entry.completion.determined
    assert entry.count(SprsStatus.MET) == 110
    assert entry.count(SprsStatus.NOT_MET) == 0
    assert [line.cmmc_id for line in entry.requirements][:2] == ["AC.L2-3.1.1", "AC.L2-3.1.2"]
    assert len(entry.requirements) == 110


def test_the_fields_come_from_the_ssp() -> None:
    entry = entry_for(ssp(cage=("1ABC2", "9XYZ8"), name="Plant 4 Enclave"), internal())
    assert entry.as_of == AS_OF
    assert entry.system_name == "Plant 4 Enclave"
    assert entry.ssp_version == "2026.1"
    assert entry.ssp_date == date(2026, 9, 30)
    assert entry.cage_codes == ("1ABC2", "9XYZ8")
    assert entry.scope.value == "enclave"


def test_status_mapping_enduring_exception_and_temporary_deficiency_are_met() -> None:
    entry = entry_for(
        ssp(
            record("3.4.6", enduring_exception="The CNC controllers cannot be hardened."),
            record(
                "3.14.1",
                ImplementationStatus.PARTIALLY_IMPLEMENTED,
                temporary_deficiency=TemporaryDeficiency("OPS-7", "patch backlog"),
            ),
            record("3.1.16", ImplementationStatus.NOT_APPLICABLE),
        ),
        internal(),
    )
    exception, deficiency, na = (
        line(entry, c) for c in ("CM.L2-3.4.6", "SI.L2-3.14.1", "AC.L2-3.1.16")
    )
    assert (exception.status, exception.deducted) == (SprsStatus.MET, 0)
    assert exception.note == "enduring exception described in the SSP: MET"
    assert exception.rule == "32 CFR 170.24(b)(1)(i)"
    assert (deficiency.status, deficiency.deducted) == (SprsStatus.MET, 0)
    assert deficiency.note == "temporary deficiency in an operational plan of action: MET"
    assert deficiency.rule == "32 CFR 170.24(b)(1)(ii)"
    assert (na.status, na.note) == (SprsStatus.NOT_APPLICABLE, "not applicable: counts as MET")
    assert entry.score == 110


def test_partial_credit_is_not_met_with_the_points_deducted() -> None:
    entry = entry_for(
        ssp(
            record("3.5.3", mfa=MfaState.REMOTE_AND_PRIVILEGED),
            record(
                "3.13.11",
                ImplementationStatus.PARTIALLY_IMPLEMENTED,
                encryption=EncryptionState.NOT_FIPS_VALIDATED,
            ),
        ),
        internal(item("P-1", "3.5.3", date(2027, 1, 8)), item("P-2", "3.13.11", date(2027, 2, 5))),
    )
    mfa, crypto = line(entry, "IA.L2-3.5.3"), line(entry, "SC.L2-3.13.11")
    assert (mfa.status, mfa.deducted, mfa.value) == (SprsStatus.NOT_MET, 3, "3 or 5")
    assert mfa.note == "partial credit: MFA for remote and privileged users only: -3"
    assert mfa.rule == "32 CFR 170.24(c)(2)(i)(B)(4)(i)"
    assert (crypto.status, crypto.deducted) == (SprsStatus.NOT_MET, 3)
    assert crypto.note == "partially implemented; encryption not FIPS-validated: -3"
    assert entry.score == 104
    assert any("Partial credit (3 points instead of 5)" in note for note in entry.notes)


def test_mfa_for_no_one_costs_five_and_objectives_are_named() -> None:
    objectives = {"a": ObjectiveResult.MET, "b": ObjectiveResult.NOT_MET, "c": ObjectiveResult.MET}
    entry = entry_for(
        ssp(
            record("3.5.3", NOT_IMPLEMENTED, mfa=MfaState.NONE),
            record("3.1.10", ImplementationStatus.PARTIALLY_IMPLEMENTED, objectives=objectives),
        ),
        internal(item("P-1", "3.5.3", date(2027, 1, 8)), item("P-2", "3.1.10", date(2027, 1, 9))),
    )
    assert line(entry, "IA.L2-3.5.3").deducted == 5
    assert line(entry, "IA.L2-3.5.3").note == "not implemented; MFA for no users: -5"
    assert line(entry, "AC.L2-3.1.10").note == "objective b NOT MET"
    assert entry.score == 104


def test_an_unaddressed_requirement_counts_as_not_met_and_is_noted() -> None:
    entry = entry_for(ssp(missing=("3.1.22",)), internal(item("P-1", "3.1.22", date(2027, 1, 8))))
    public = line(entry, "AC.L2-3.1.22")
    assert (public.status, public.deducted) == (SprsStatus.NOT_MET, 1)
    assert public.note == "not addressed in the SSP: counts as NOT MET"
    assert entry.notes[0] == (
        "1 requirement is not addressed in the SSP and counts as NOT MET: AC.L2-3.1.22 "
        "[32 CFR 170.24(b)(1); AM v1.2.1 §5]."
    )


def test_completion_date_is_the_latest_open_milestone_of_entries_for_not_met_requirements() -> None:
    entry = entry_for(
        ssp(record("3.1.21", NOT_IMPLEMENTED), record("3.3.4", NOT_IMPLEMENTED)),
        internal(
            item("P-1", "3.1.21", date(2027, 1, 15), date(2027, 2, 26), done=(date(2027, 6, 1),)),
            item("P-2", "3.3.4", date(2027, 3, 12)),
            # A closed entry and an entry for a MET requirement do not count.
            item("P-3", "3.3.4", date(2027, 9, 1), status=ItemStatus.CLOSED),
            item("P-4", "3.1.1", date(2027, 8, 1)),
        ),
    )
    assert entry.completion.required
    assert entry.completion.date == date(2027, 3, 12)
    assert entry.completion.unplanned == ()
    assert line(entry, "AC.L2-3.1.21").entries == ("P-1",)
    assert line(entry, "AC.L2-3.1.21").expected == date(2027, 2, 26)
    assert entry.can_enter


def test_completion_date_cannot_be_determined_without_dated_open_milestones() -> None:
    entry = entry_for(
        ssp(
            record("3.1.21", NOT_IMPLEMENTED),
            record("3.3.4", NOT_IMPLEMENTED),
            record("3.4.3", NOT_IMPLEMENTED),
        ),
        internal(item("P-1", "3.1.21", date(2027, 1, 15)), item("P-2", "3.3.4", None)),
    )
    assert entry.completion.date is None
    assert entry.completion.latest == date(2027, 1, 15)
    assert entry.completion.unplanned == ("3.3.4", "3.4.3")
    assert not entry.completion.determined
    assert not entry.can_enter
    assert entry.problems == (
        "The plan of action completion date cannot be determined: 2 NOT MET requirements have "
        "no dated open milestone (AU.L2-3.3.4, CM.L2-3.4.3); the latest dated open milestone is "
        "2027-01-15. Give each an open POA&M entry with dated milestones [DoD Assessment "
        "Methodology v1.2.1, Annex B].",
    )


def test_a_temporary_deficiency_never_implemented_is_not_met() -> None:
    entry = entry_for(
        ssp(
            record(
                "3.14.1",
                NOT_IMPLEMENTED,
                temporary_deficiency=TemporaryDeficiency("OPS-7", "patch backlog"),
            )
        ),
        internal(),
    )
    deficiency = line(entry, "SI.L2-3.14.1")
    assert (deficiency.status, deficiency.deducted) == (SprsStatus.NOT_MET, 5)
    assert deficiency.note == "temporary deficiency on a requirement never implemented"
    assert deficiency.rule == "32 CFR 170.4 (temporary deficiency); 170.24(b)(1)(ii)"


def test_without_the_ssp_there_is_no_score_and_no_entry() -> None:
    entry = entry_for(ssp(record("3.12.4", NOT_IMPLEMENTED)), None)
    assert entry.score is None
    assert entry.provisional == 110
    assert not entry.can_enter
    assert entry.problems[0] == (
        "CA.L2-3.12.4 (System Security Plan) is NOT MET: the assessment cannot be completed, "
        "there is no score, and SPRS cannot take an entry [32 CFR 170.24(c)(2)(i)(B)(5)]."
    )
    ssp_line = line(entry, "CA.L2-3.12.4")
    assert (ssp_line.status, ssp_line.deducted, ssp_line.value) == (SprsStatus.NOT_MET, 0, "none")


def test_an_entry_needs_a_cage_code() -> None:
    entry = entry_for(ssp(cage=()), internal())
    assert entry.problems == (
        "No CAGE code: an SPRS entry names the CAGE codes it covers (system.cage_codes in the SSP) "
        "[DoD Assessment Methodology v1.2.1, Annex B; SPRS entry screens].",
    )


def test_a_completion_date_in_the_past_or_after_the_closeout_deadline_is_noted() -> None:
    past = entry_for(
        ssp(record("3.1.21", NOT_IMPLEMENTED)), internal(item("P-1", "3.1.21", date(2026, 11, 2)))
    )
    assert past.can_enter
    assert past.notes[0] == (
        "The plan of action completion date 2026-11-02 has already passed: the open milestones "
        "are overdue; re-plan them before entering the date."
    )
    late = entry_for(
        ssp(record("3.1.21", NOT_IMPLEMENTED)),
        conditional(item("P-1", "3.1.21", date(2026, 12, 17))),
    )
    assert late.verdict.closeout_deadline == date(2026, 12, 17)
    assert late.notes[0] == (
        "The plan of action completion date 2026-12-17 is not before the closeout deadline "
        "2026-12-17: the Conditional status would expire first; there is no extension "
        "[32 CFR 170.21(b)]."
    )
    assert late.conditional_assessment == "self"


STATUSES = st.sampled_from(list(ImplementationStatus))


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from([r.nist_id for r in load_catalog().requirements]), STATUSES, max_size=40
    )
)
def test_the_list_always_agrees_with_the_core_score(
    changes: dict[str, ImplementationStatus],
) -> None:
    assessment = assess(ssp(*(record(k, v) for k, v in changes.items())), None, as_of=AS_OF)
    entry = sprs_entry(assessment)
    assert len(entry.requirements) == 110
    assert sum(entry.count(s) for s in SprsStatus) == 110
    assert entry.deducted == 110 - assessment.score.provisional
    assert entry.score == assessment.score.value
    for result, entry_line in zip(assessment.score.results, entry.requirements, strict=True):
        assert entry_line.nist_id == result.nist_id
        assert entry_line.deducted == result.deduction
        assert (entry_line.status is SprsStatus.NOT_MET) == (not result.met)
        assert (entry_line.status is SprsStatus.NOT_APPLICABLE) == (
            result.basis is Basis.NOT_APPLICABLE
        )
    assert entry.completion.required == bool(assessment.score.not_met)
    # Without a POA&M, every NOT MET requirement is unplanned.
    assert len(entry.completion.unplanned) == len(assessment.score.not_met)


@pytest.mark.parametrize("name", ["acme-enclave", "summit-conditional"])
def test_the_examples_give_a_full_list(name: str) -> None:
    from pathlib import Path

    from poam.formats.documents import load_poam_file, load_ssp_file

    folder = Path(__file__).resolve().parents[3] / "examples" / name
    entry = entry_for(load_ssp_file(folder / "ssp.yaml"), load_poam_file(folder / "poam.yaml"))
    assert len(entry.requirements) == 110
    assert entry.score is not None
    assert entry.deducted == 110 - entry.score


def test_the_status_of_record_and_the_affirming_official() -> None:
    from dataclasses import replace

    from poam.core.model import (
        Affirmation,
        AffirmationKind,
        AssessmentOfRecord,
        AssessmentResult,
        AssessmentType,
        CmmcRecord,
    )
    from poam.formats.sprs import entry_to_data, entry_to_text

    status = AssessmentOfRecord(
        AssessmentType.SELF,
        date(2026, 9, 1),
        date(2026, 9, 3),
        AssessmentResult.CONDITIONAL,
        score=104,
        uid="L2S-42",
    )
    official = Affirmation(AffirmationKind.INITIAL, date(2026, 9, 3), "Ana Ruiz", "President")
    the_ssp = replace(
        ssp(record("3.1.3", NOT_IMPLEMENTED)), cmmc=CmmcRecord((status,), (official,))
    )
    entry = entry_for(the_ssp, internal(item("P-1", "3.1.3", date(2027, 1, 15))))
    assert entry.verdict.of_record == status
    assert entry.readiness.verdict.value == "conditional"
    assert entry.affirmation == official
    data = entry_to_data(entry)
    assert data["status"]["of_record"]["uid"] == "L2S-42"
    assert data["affirming_official"]["name"] == "Ana Ruiz"
    assert data["affirming_official"]["rule"].startswith("32 CFR 170.22")
    text = entry_to_text(entry)
    assert "Affirming Official              Ana Ruiz, President (last affirmed 2026-09-03" in text
    assert (
        "CMMC status of record           Conditional Level 2: Conditional Level 2 (Self) of" in text
    )
    without = entry_for(ssp(), internal())
    assert any("No affirmation is on record" in note for note in without.notes)
