"""Hypothesis strategies for the core model: any SSP or POA&M the native files can hold.

Shared by the round-trip tests of every format. Optional text fields are None or non-blank
(the files cannot tell an empty optional field from an absent one); requirement ids are either
catalog ids in NIST form or ids that are not requirements at all.
"""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from poam.core.catalog import load_catalog
from poam.core.model import (
    Affirmation,
    AffirmationKind,
    AssessmentOfRecord,
    AssessmentResult,
    AssessmentType,
    Closeout,
    CloseoutResult,
    CmmcRecord,
    ConditionalInfo,
    EncryptionState,
    Evidence,
    ImplementationStatus,
    ItemStatus,
    MfaState,
    Milestone,
    MilestoneChange,
    ObjectiveResult,
    Poam,
    PoamItem,
    PoamKind,
    RequirementRecord,
    Scope,
    Ssp,
    SspInfo,
    SystemInfo,
    TemporaryDeficiency,
    Thresholds,
    Waiver,
)

CATALOG = load_catalog()
NIST_IDS = [req.nist_id for req in CATALOG.requirements]

texts = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
    max_size=60,
)
words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ABCDEFGHIJ-,.'0123456789", max_size=40)
non_blank = (texts | words).filter(lambda text: bool(text.strip()))
optional_text = st.none() | non_blank
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
optional_dates = st.none() | dates
unknown_ids = st.sampled_from(["3.15.1", "3.1.23", "AC-2", "not a requirement", "3.99.1"])
requirement_ids = st.sampled_from(NIST_IDS) | unknown_ids
cage_codes = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=5, max_size=5)
sha256s = st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)


@st.composite
def requirement_records(draw: st.DrawFn, nist_id: str) -> RequirementRecord:
    requirement = CATALOG.get(nist_id)
    letters = draw(st.lists(st.sampled_from(requirement.objective_letters), unique=True))
    return RequirementRecord(
        requirement=nist_id,
        status=draw(st.sampled_from(list(ImplementationStatus))),
        narrative=draw(st.just("") | non_blank),
        objectives={letter: draw(st.sampled_from(list(ObjectiveResult))) for letter in letters},
        mfa=draw(st.none() | st.sampled_from(list(MfaState))) if nist_id == "3.5.3" else None,
        encryption=draw(st.none() | st.sampled_from(list(EncryptionState)))
        if nist_id == "3.13.11"
        else None,
        enduring_exception=draw(optional_text),
        temporary_deficiency=draw(
            st.none()
            | st.builds(TemporaryDeficiency, st.just("") | non_blank, st.just("") | non_blank)
        ),
        responsible=draw(optional_text),
    )


assessments_of_record = st.builds(
    AssessmentOfRecord,
    type=st.sampled_from(list(AssessmentType)),
    date=dates,
    status_date=dates,
    result=st.sampled_from(list(AssessmentResult)),
    score=st.none() | st.integers(min_value=-203, max_value=110),
    uid=optional_text.map(lambda text: None if text is None else text[:64].strip() or "U"),
    closeout=st.none()
    | st.builds(Closeout, date=dates, result=st.sampled_from(list(CloseoutResult))),
)
affirmations = st.builds(
    Affirmation,
    kind=st.sampled_from(list(AffirmationKind)),
    date=dates,
    official=non_blank.map(lambda text: text[:200]),
    title=non_blank.map(lambda text: text[:200]),
)
cmmc_records = st.builds(
    CmmcRecord,
    assessments=st.lists(assessments_of_record, max_size=3).map(tuple),
    affirmations=st.lists(affirmations, max_size=3).map(tuple),
)


@st.composite
def ssps(draw: st.DrawFn, max_requirements: int = 12, with_cmmc: bool = False) -> Ssp:
    """Any SSP; ``with_cmmc`` adds a record of assessments and affirmations (for the formats
    that carry it)."""
    chosen = draw(st.lists(st.sampled_from(NIST_IDS), unique=True, max_size=max_requirements))
    return Ssp(
        system=SystemInfo(
            name=draw(non_blank),
            scope=draw(st.sampled_from(list(Scope))),
            cage_codes=tuple(draw(st.lists(cage_codes, unique=True, max_size=3))),
            organization=draw(optional_text),
            description=draw(optional_text),
        ),
        info=SspInfo(
            draw(non_blank),
            draw(dates),
            update_cadence_days=draw(st.none() | st.integers(1, 3650)) if with_cmmc else None,
        ),
        requirements={nist_id: draw(requirement_records(nist_id)) for nist_id in chosen},
        cmmc=draw(cmmc_records) if with_cmmc else CmmcRecord(),
    )


changes = st.builds(
    MilestoneChange,
    changed=dates,
    from_date=optional_dates,
    to_date=dates,
    by=st.just("") | non_blank,
    justification=st.just("") | non_blank,
)
milestones = st.builds(
    Milestone,
    title=non_blank,
    due=optional_dates,
    completed=optional_dates,
    history=st.lists(changes, max_size=3).map(tuple),
)
evidence_items = st.builds(
    Evidence,
    title=non_blank,
    uri=st.just("") | non_blank,
    sha256=st.none() | sha256s,
    date=optional_dates,
)


@st.composite
def poam_items(draw: st.DrawFn) -> PoamItem:
    requirement = draw(requirement_ids)
    known = CATALOG.find(requirement)
    letters = known.objective_letters if known else ("a", "b")
    return PoamItem(
        id=draw(non_blank),
        requirement=requirement,
        gap=draw(st.just("") | non_blank),
        remediation=tuple(draw(st.lists(non_blank, max_size=3))),
        owner=draw(st.just("") | non_blank),
        status=draw(st.sampled_from(list(ItemStatus))),
        objectives=tuple(draw(st.lists(st.sampled_from(letters), unique=True))),
        created=draw(optional_dates),
        updated=draw(optional_dates),
        milestones=tuple(draw(st.lists(milestones, max_size=3))),
        evidence=tuple(draw(st.lists(evidence_items, max_size=2))),
        identified_by=draw(optional_text),
        resources=draw(optional_text),
        comments=draw(optional_text),
    )


thresholds = st.builds(
    Thresholds,
    vague_gap_min_words=st.integers(1, 30),
    vague_remediation_min_words=st.integers(1, 30),
    milestone_moves_warn=st.integers(1, 5),
    closeout_warning_days=st.integers(0, 90),
    default_review_cadence_days=st.integers(1, 365),
)
waivers = st.builds(
    Waiver,
    code=non_blank,
    reason=non_blank,
    requirement=st.none() | requirement_ids,
    item=optional_text,
    by=optional_text,
    until=optional_dates,
)


@st.composite
def poams(draw: st.DrawFn, max_items: int = 6) -> Poam:
    kind = draw(st.sampled_from(list(PoamKind)))
    conditional = None
    if kind is PoamKind.CONDITIONAL:
        conditional = ConditionalInfo(draw(st.sampled_from(list(AssessmentType))), draw(dates))
    return Poam(
        kind=kind,
        maintainer=draw(st.just("") | non_blank),
        last_reviewed=draw(optional_dates),
        review_cadence_days=draw(st.none() | st.integers(1, 400)),
        conditional=conditional,
        items=tuple(draw(st.lists(poam_items(), max_size=max_items))),
        thresholds=draw(st.just(Thresholds()) | thresholds),
        ignore=tuple(draw(st.lists(non_blank, unique=True, max_size=3))),
        waivers=tuple(draw(st.lists(waivers, max_size=2))),
    )
