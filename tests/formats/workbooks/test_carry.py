"""The note after an export: every difference between a POA&M and what the layout gives back,
named, and nothing else."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

from poam.core.model import (
    AssessmentType,
    ConditionalInfo,
    Evidence,
    ItemStatus,
    Milestone,
    Poam,
    PoamItem,
    PoamKind,
    Thresholds,
)
from poam.formats.workbooks import emass, fedramp, nist
from poam.formats.workbooks.carry import _differing, poam_losses

ITEM = PoamItem(
    id="P-1",
    requirement="3.1.1",
    status=ItemStatus.IN_PROGRESS,
    created=date(2026, 1, 2),
    updated=date(2026, 2, 3),
    evidence=(Evidence("proof"),),
    milestones=(
        Milestone("first", date(2026, 2, 1), date(2026, 2, 1)),
        Milestone("second", date(2026, 5, 1)),
    ),
)
POAM = Poam(
    kind=PoamKind.CONDITIONAL,
    conditional=ConditionalInfo(AssessmentType.C3PAO, date(2026, 3, 1)),
    maintainer="Maria Kowalski",
    last_reviewed=date(2026, 4, 1),
    review_cadence_days=30,
    items=(ITEM,),
)


def test_nothing_lost_nothing_said() -> None:
    assert poam_losses(POAM, POAM) == []
    assert poam_losses(POAM, nist.carried(POAM)) == []
    assert poam_losses(POAM, emass.carried(POAM)) == []
    assert poam_losses(POAM, fedramp.carried(POAM)) == []


def test_each_difference_is_named_once() -> None:
    back = dataclasses.replace(
        POAM,
        kind=PoamKind.INTERNAL,
        conditional=None,
        maintainer="",
        review_cadence_days=None,
        items=(
            dataclasses.replace(ITEM, created=None, evidence=(), status=ItemStatus.NOT_STARTED),
        ),
    )
    assert poam_losses(POAM, back) == [
        "the kind (conditional) and the Conditional status",
        "the maintainer",
        "the review cadence",
        "created dates (1 entry)",
        "evidence (1 entry)",
        "1 entry in-progress (read back as not-started)",
    ]


def test_settings_are_named_only_when_set() -> None:
    assert poam_losses(dataclasses.replace(POAM, ignore=("vague-gap",)), POAM) == [
        "waivers, ignored checks and thresholds"
    ]
    stricter = dataclasses.replace(POAM, thresholds=Thresholds(vague_gap_min_words=3))
    assert poam_losses(stricter, nist.carried(stricter)) == [
        "waivers, ignored checks and thresholds"
    ]


def test_a_field_of_the_model_that_no_layout_knows_is_still_named() -> None:
    """The walk goes through every field, nested records too, so a field added to the model
    later is reported by its name until a layout carries it."""

    @dataclass(frozen=True)
    class Inner:
        cadence_days: int | None = None

    @dataclass(frozen=True)
    class Record:
        name: str
        inner: Inner = Inner()

    assert _differing(Record("a", Inner(3)), Record("a")) == ["inner.cadence_days"]
    assert _differing(Record("a"), Record("b")) == ["name"]


def test_the_conditional_checks_named_in_warnings_exist() -> None:
    from poam.core.checks import REGISTRY
    from poam.formats.workbooks.facts import CONDITIONAL_CHECKS

    assert set(CONDITIONAL_CHECKS) <= set(REGISTRY)
    assert {"ineligible-on-conditional-poam", "milestone-after-closeout-deadline"} <= set(
        CONDITIONAL_CHECKS
    )


def test_the_ssp_losses_name_the_cadence_and_the_record() -> None:
    from poam.core.model import (
        Affirmation,
        AffirmationKind,
        CmmcRecord,
        Scope,
        Ssp,
        SspInfo,
        SystemInfo,
    )
    from poam.formats.workbooks.carry import ssp_losses

    bare = Ssp(SystemInfo("S", Scope.ENCLAVE), SspInfo("1", date(2026, 1, 1)), {})
    full = dataclasses.replace(
        bare,
        info=SspInfo("1", date(2026, 1, 1), 180, last_changed=date(2026, 2, 1)),
        cmmc=CmmcRecord(
            affirmations=(Affirmation(AffirmationKind.ANNUAL, date(2026, 1, 2), "A", "B"),)
        ),
    )
    assert ssp_losses(full, bare) == [
        "the SSP update cadence",
        "the date the SSP's content last changed",
        "the CMMC status record (assessments and affirmations)",
    ]


def test_a_poam_layout_says_the_ssps_record_is_not_in_it() -> None:
    from poam.core.model import (
        Affirmation,
        AffirmationKind,
        AssessmentOfRecord,
        AssessmentResult,
        CmmcRecord,
        Scope,
        Ssp,
        SspInfo,
        SystemInfo,
    )
    from poam.formats.workbooks.carry import record_not_carried

    bare = Ssp(SystemInfo("S", Scope.ENCLAVE), SspInfo("1", date(2026, 1, 1)), {})
    assessment = AssessmentOfRecord(
        AssessmentType.C3PAO, date(2026, 3, 1), date(2026, 3, 1), AssessmentResult.CONDITIONAL
    )
    affirmation = Affirmation(AffirmationKind.INITIAL, date(2026, 3, 2), "A", "B")
    assert record_not_carried(None) == record_not_carried(bare) == []
    implied = dataclasses.replace(assessment, implied=True)  # the POA&M's own: not the SSP's
    assert record_not_carried(dataclasses.replace(bare, cmmc=CmmcRecord((implied,)))) == []
    record = CmmcRecord((assessment, assessment), (affirmation,))
    assert record_not_carried(dataclasses.replace(bare, cmmc=record)) == [
        "the SSP's CMMC status record (2 assessments and 1 affirmation): a POA&M workbook holds "
        "the POA&M only; export the SSP with ssp-workbook or oscal to carry it"
    ]
    only = CmmcRecord(affirmations=(affirmation,))
    assert record_not_carried(dataclasses.replace(bare, cmmc=only)) == [
        "the SSP's CMMC status record (1 affirmation): a POA&M workbook holds the POA&M only; "
        "export the SSP with ssp-workbook or oscal to carry it"
    ]
