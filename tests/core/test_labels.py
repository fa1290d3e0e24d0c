"""One source for the words of every state, and display states decided as the checks decide."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

import pytest

from poam.core import labels
from poam.core.model import Evidence, Milestone
from poam.core.states import (
    EvidenceState,
    LocalFile,
    MilestoneState,
    evidence_state,
    is_after_deadline,
    is_overdue,
    milestone_state,
)
from poam.core.verdict import Verdict


@pytest.mark.parametrize("enum", list(labels._TABLES))
def test_every_member_of_every_enum_has_words(enum: type[StrEnum]) -> None:
    for member in enum:
        assert labels.label(member).strip()


def test_verdicts_read_as_their_labels() -> None:
    assert labels.label(Verdict.EXPIRED) == "CMMC status expired"


AS_OF = date(2026, 6, 1)
DEADLINE = date(2026, 7, 31)


@pytest.mark.parametrize(
    ("milestone", "state"),
    [
        (Milestone("m", date(2026, 5, 1), completed=date(2026, 5, 2)), MilestoneState.DONE),
        (Milestone("m", None), MilestoneState.UNDATED),
        (Milestone("m", date(2026, 5, 31)), MilestoneState.OVERDUE),
        (Milestone("m", date(2026, 6, 1)), MilestoneState.OPEN),
        (Milestone("m", DEADLINE), MilestoneState.LATE),  # due on the deadline: too late
        (Milestone("m", date(2026, 7, 30)), MilestoneState.OPEN),
    ],
)
def test_milestone_states_follow_the_check_predicates(
    milestone: Milestone, state: MilestoneState
) -> None:
    assert milestone_state(milestone, AS_OF, DEADLINE) is state
    assert (state is MilestoneState.OVERDUE) == is_overdue(milestone, AS_OF)
    assert (state is MilestoneState.LATE) == is_after_deadline(milestone, DEADLINE)


class Store:
    def __init__(self, local: LocalFile | None) -> None:
        self.local = local

    def locate(self, uri: str) -> LocalFile | None:
        return self.local


SHA = "a" * 64


@pytest.mark.parametrize(
    ("evidence", "local", "state"),
    [
        (Evidence("e", ""), None, EvidenceState.NO_LOCATION),
        (Evidence("e", "https://x.invalid"), None, EvidenceState.NOT_LOCAL),
        (Evidence("e", "f.pdf"), LocalFile("f.pdf", False), EvidenceState.MISSING),
        (Evidence("e", "f.pdf"), LocalFile("f.pdf", True, SHA), EvidenceState.NO_HASH),
        (Evidence("e", "f.pdf", SHA.upper()), LocalFile("f.pdf", True, SHA), EvidenceState.MATCHES),
        (Evidence("e", "f.pdf", "b" * 64), LocalFile("f.pdf", True, SHA), EvidenceState.MISMATCH),
    ],
)
def test_evidence_states(evidence: Evidence, local: LocalFile | None, state: EvidenceState) -> None:
    assert evidence_state(evidence, Store(local)).state is state
    assert evidence_state(evidence, None).state in (
        EvidenceState.NOT_CHECKED,
        EvidenceState.NO_LOCATION,
    )
