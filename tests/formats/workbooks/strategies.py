"""Hypothesis strategies for POA&Ms and SSPs that a workbook can hold.

Text is what people type in a cell: no control characters, no leading or trailing blanks
(cells are trimmed), and no line that would read as a list marker of the layouts' own text
formats. Milestone histories are consistent chains (each move starts where the last ended).
"""

from __future__ import annotations

from datetime import date, timedelta

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
)

CATALOG = load_catalog()
_ALPHABET = st.characters(
    codec="utf-8", categories=("L", "N", "Zs", "P", "S"), exclude_characters="|\u00a0\u2028\u2029"
)


def _clean(text: str) -> str:
    return " ".join(text.split())


words = (
    st.text(_ALPHABET, min_size=1, max_size=40)
    .map(_clean)
    .filter(lambda t: bool(t) and t[0] not in "-*•(=+@" and not t[:1].isdigit() and ":" not in t)
)
optional_words = st.none() | words
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


@st.composite
def milestones(draw: st.DrawFn) -> Milestone:
    """A milestone whose moves form a chain: each starts where the one before ended."""
    start = draw(dates)
    moves = draw(st.lists(st.integers(1, 200), max_size=3))
    previous: date | None = draw(st.none() | st.just(start))
    due: date | None = start
    history = []
    for step in moves:
        assert due is not None
        due = due + timedelta(days=step)
        history.append(
            MilestoneChange(
                changed=draw(dates),
                from_date=previous,
                to_date=due,
                by=draw(st.just("") | words),
                justification=draw(st.just("") | words),
            )
        )
        previous = due
    if not moves:
        due = draw(st.none() | st.just(start))
    return Milestone(
        title=draw(words), due=due, completed=draw(st.none() | dates), history=tuple(history)
    )


@st.composite
def evidence(draw: st.DrawFn) -> Evidence:
    return Evidence(
        title=draw(words),
        uri=draw(
            st.just("") | st.from_regex(r"evidence/[a-z0-9-]{1,20}\.(pdf|md)", fullmatch=True)
        ),
        sha256=draw(st.none() | st.from_regex(r"[0-9a-f]{64}", fullmatch=True)),
        date=draw(st.none() | dates),
    )


@st.composite
def items(draw: st.DrawFn, index: int = 0) -> PoamItem:
    requirement = draw(st.sampled_from(CATALOG.requirements))
    letters = draw(
        st.lists(st.sampled_from(requirement.objective_letters), unique=True, max_size=3)
    )
    return PoamItem(
        id=f"POAM-{index:03d}",
        requirement=requirement.nist_id,
        gap=draw(words),
        remediation=tuple(draw(st.lists(words, max_size=3))),
        owner=draw(words),
        status=draw(st.sampled_from(ItemStatus)),
        objectives=tuple(sorted(letters)),
        created=draw(st.none() | dates),
        updated=draw(st.none() | dates),
        milestones=tuple(draw(st.lists(milestones(), max_size=3))),
        evidence=tuple(draw(st.lists(evidence(), max_size=2))),
        identified_by=draw(optional_words),
        resources=draw(optional_words),
        comments=draw(optional_words),
    )


@st.composite
def poams(draw: st.DrawFn) -> Poam:
    count = draw(st.integers(0, 4))
    kind = draw(st.sampled_from(PoamKind))
    conditional = None
    if kind is PoamKind.CONDITIONAL:
        conditional = ConditionalInfo(draw(st.sampled_from(AssessmentType)), draw(dates))
    return Poam(
        kind=kind,
        maintainer=draw(st.just("") | words),
        last_reviewed=draw(st.none() | dates),
        review_cadence_days=draw(st.none() | st.integers(1, 400)),
        conditional=conditional,
        items=tuple(draw(items(index)) for index in range(1, count + 1)),
    )


@st.composite
def records(draw: st.DrawFn, nist_id: str) -> RequirementRecord:
    requirement = CATALOG.get(nist_id)
    letters = draw(st.lists(st.sampled_from(requirement.objective_letters), unique=True))
    credit = requirement.partial_credit
    mfa = encryption = None
    if credit is not None and credit.field == "mfa":
        mfa = draw(st.none() | st.sampled_from(MfaState))
    elif credit is not None:
        encryption = draw(st.none() | st.sampled_from(EncryptionState))
    plan = draw(st.none() | words)
    return RequirementRecord(
        requirement=nist_id,
        status=draw(st.sampled_from(ImplementationStatus)),
        narrative=draw(st.just("") | words),
        objectives={letter: draw(st.sampled_from(ObjectiveResult)) for letter in sorted(letters)},
        mfa=mfa,
        encryption=encryption,
        enduring_exception=draw(optional_words),
        temporary_deficiency=None
        if plan is None
        else TemporaryDeficiency(plan, draw(st.just("") | words)),
        responsible=draw(optional_words),
    )


assessments_of_record = st.builds(
    AssessmentOfRecord,
    type=st.sampled_from(AssessmentType),
    date=dates,
    status_date=dates,
    result=st.sampled_from(AssessmentResult),
    score=st.none() | st.integers(min_value=-203, max_value=110),
    uid=st.none() | words | st.from_regex(r"[0-9A-Z][0-9A-Z-]{0,63}", fullmatch=True),
    closeout=st.none() | st.builds(Closeout, date=dates, result=st.sampled_from(CloseoutResult)),
)
affirmations = st.builds(
    Affirmation,
    kind=st.sampled_from(AffirmationKind),
    date=dates,
    official=words,
    title=words,
)
cmmc_records = st.builds(
    CmmcRecord,
    assessments=st.lists(assessments_of_record, max_size=3).map(tuple),
    affirmations=st.lists(affirmations, max_size=3).map(tuple),
)
"""The record of ``tests.strategies`` (any dates, scores, results), with text a cell holds."""


@st.composite
def ssps(draw: st.DrawFn, with_cmmc: bool = False) -> Ssp:
    """An SSP; ``with_cmmc`` adds an update cadence and a CMMC status record."""
    ids = draw(
        st.lists(
            st.sampled_from([r.nist_id for r in CATALOG.requirements]), unique=True, max_size=8
        )
    )
    ids.sort(key=lambda nist_id: CATALOG.get(nist_id).sort_key())
    return Ssp(
        system=SystemInfo(
            name=draw(words),
            scope=draw(st.sampled_from(Scope)),
            cage_codes=tuple(
                draw(
                    st.lists(st.from_regex(r"[0-9A-Z]{5}", fullmatch=True), max_size=3, unique=True)
                )
            ),
            organization=draw(optional_words),
            description=draw(optional_words),
        ),
        info=SspInfo(
            draw(st.from_regex(r"[0-9]{1,4}\.[0-9]{1,2}[a-z]?", fullmatch=True)),
            draw(dates),
            update_cadence_days=draw(st.none() | st.integers(1, 3650)) if with_cmmc else None,
        ),
        requirements={nist_id: draw(records(nist_id)) for nist_id in ids},
        cmmc=draw(cmmc_records) if with_cmmc else CmmcRecord(),
    )
