"""The display states of milestones and evidence, decided by the functions the checks use.

A page that says "overdue" or "hash mismatch" and a finding that says so must never disagree,
so both come from here: the checks call the predicates, the report and the web pages the states.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from poam.core.model import Evidence, ItemStatus, Milestone, PoamItem


@dataclass(frozen=True, slots=True)
class LocalFile:
    """What the evidence store knows of one evidence file."""

    path: str
    exists: bool
    sha256: str | None = None


class EvidenceStore(Protocol):
    """Resolves an evidence URI to a local file; None when the URI is not local (a URL)."""

    def locate(self, uri: str) -> LocalFile | None: ...


class MilestoneState(StrEnum):
    DONE = "done"
    OPEN = "open"
    OVERDUE = "overdue"
    """Past its due date and not completed (milestone-overdue)."""
    LATE = "late"
    """Due on or after the closeout deadline: too late whatever today is
    (milestone-after-closeout-deadline, 32 CFR 170.21(b)); not the same as overdue."""
    UNDATED = "undated"


def is_overdue(milestone: Milestone, as_of: date, item: PoamItem | None = None) -> bool:
    """Not completed and past its due date, on an open entry (the check milestone-overdue; a
    done entry's unfinished milestone is closed-with-open-milestones instead)."""
    return (
        (item is None or item.is_open)
        and milestone.completed is None
        and milestone.due is not None
        and milestone.due < as_of
    )


def is_after_deadline(
    milestone: Milestone, deadline: date | None, item: PoamItem | None = None
) -> bool:
    """Not completed, on an entry not closed, and due on or after the closeout deadline: day 0
    or day 1 is undefined, so a milestone due on the deadline itself may already be late
    (32 CFR 170.21(b); the check milestone-after-closeout-deadline)."""
    return (
        deadline is not None
        and (item is None or item.status is not ItemStatus.CLOSED)
        and milestone.completed is None
        and milestone.due is not None
        and milestone.due >= deadline
    )


def has_dated_milestone(item: PoamItem) -> bool:
    """Whether an entry plans a date at all (an open one without: entry-without-milestone)."""
    return any(milestone.due is not None for milestone in item.milestones)


def milestone_state(
    milestone: Milestone, as_of: date, deadline: date | None, item: PoamItem | None = None
) -> MilestoneState:
    """One state per milestone of ``item``; "late" (after the deadline) outranks "overdue"."""
    if milestone.completed is not None:
        return MilestoneState.DONE
    if milestone.due is None:
        return MilestoneState.UNDATED
    if is_after_deadline(milestone, deadline, item):
        return MilestoneState.LATE
    if is_overdue(milestone, as_of, item):
        return MilestoneState.OVERDUE
    return MilestoneState.OPEN


class EvidenceState(StrEnum):
    MATCHES = "matches"
    MISMATCH = "mismatch"
    """evidence-hash-mismatch"""
    MISSING = "missing"
    """evidence-file-missing"""
    NO_HASH = "no-hash"
    """evidence-without-hash"""
    NOT_LOCAL = "not-local"
    """A URL: nothing to verify here."""
    NO_LOCATION = "no-location"
    NOT_CHECKED = "not-checked"
    """No evidence store was given (nothing was looked at)."""


@dataclass(frozen=True, slots=True)
class EvidenceCheck:
    """What was found of one evidence artifact: its state, the local file, the recorded hash."""

    state: EvidenceState
    local: LocalFile | None
    recorded: str | None

    @property
    def actual(self) -> str | None:
        return None if self.local is None else self.local.sha256


def evidence_state(evidence: Evidence, store: EvidenceStore | None) -> EvidenceCheck:
    """Verify one artifact against the store: present, hashed, unchanged (NIST SP 800-171A
    3.12.2[c]; the SHA-256 recorded when it was accepted)."""
    recorded = (evidence.sha256 or "").strip().lower() or None
    uri = evidence.uri.strip()
    if not uri:
        return EvidenceCheck(EvidenceState.NO_LOCATION, None, recorded)
    if store is None:
        return EvidenceCheck(EvidenceState.NOT_CHECKED, None, recorded)
    local = store.locate(uri)
    if local is None:
        return EvidenceCheck(EvidenceState.NOT_LOCAL, None, recorded)
    if not local.exists:
        return EvidenceCheck(EvidenceState.MISSING, local, recorded)
    if recorded is None:
        return EvidenceCheck(EvidenceState.NO_HASH, local, recorded)
    state = EvidenceState.MATCHES if local.sha256 == recorded else EvidenceState.MISMATCH
    return EvidenceCheck(state, local, recorded)
