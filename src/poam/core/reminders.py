"""What falls due: the dated reminders of one system, for an email digest or a calendar feed.

A reminder says the same as a finding, only ahead of time: every state here comes from the
function the check calls (:mod:`poam.core.states` for milestones, :mod:`poam.core.lifecycle` for
affirmations, the standing for the closeout and the validity), so that a reminder and a finding
never disagree. What this module adds is the horizon: a milestone due within ``days_ahead``
days is reminded before the check could call it overdue.

The kinds (each with the check that says the same when it is late, and the rule behind it):

- a milestone of an open entry due within the horizon, or overdue (milestone-overdue);
- a POA&M review due within the horizon, or overdue under its cadence (poam-not-reviewed);
- the closeout countdown: the last day a POA&M closeout keeps a Conditional status, shown for
  as long as the status is Conditional (32 CFR 170.21(b));
- an affirmation due, or overdue (32 CFR 170.22(a); affirmation-due, affirmation-overdue);
- the Final status's validity ending (DFARS 204.7501; status-validity-ending);
- the status expired (conditional-status-expired, final-status-expired).

For the status kinds the horizon is never shorter than the check's own warning window (the
POA&M's thresholds): a reminder never misses what a finding already warns of. Standard library
only; "today" is passed in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import partial

from poam.core import rules
from poam.core.assess import Assessment
from poam.core.lifecycle import affirmations_due, describe_status
from poam.core.model import AffirmationKind, Poam, PoamKind, Ssp, Thresholds
from poam.core.states import is_after_deadline, is_overdue
from poam.core.verdict import Verdict, VerdictResult

DEFAULT_DAYS_AHEAD = 14
MAX_DAYS_AHEAD = 400
"""A horizon longer than a year and a month says nothing a calendar would not."""


class ReminderKind(StrEnum):
    MILESTONE_DUE = "milestone-due"
    MILESTONE_OVERDUE = "milestone-overdue"
    REVIEW_DUE = "review-due"
    REVIEW_OVERDUE = "review-overdue"
    CLOSEOUT_COUNTDOWN = "closeout-countdown"
    AFFIRMATION_DUE = "affirmation-due"
    AFFIRMATION_OVERDUE = "affirmation-overdue"
    VALIDITY_ENDING = "validity-ending"
    STATUS_EXPIRED = "status-expired"

    @property
    def overdue(self) -> bool:
        """Whether the reminder is of something already missed (its date has passed)."""
        return self in _OVERDUE

    @property
    def label(self) -> str:
        return KIND_LABEL[self]


_OVERDUE = frozenset(
    {
        ReminderKind.MILESTONE_OVERDUE,
        ReminderKind.REVIEW_OVERDUE,
        ReminderKind.AFFIRMATION_OVERDUE,
        ReminderKind.STATUS_EXPIRED,
    }
)
KIND_LABEL = {
    ReminderKind.MILESTONE_DUE: "Milestone due",
    ReminderKind.MILESTONE_OVERDUE: "Milestone overdue",
    ReminderKind.REVIEW_DUE: "POA&M review due",
    ReminderKind.REVIEW_OVERDUE: "POA&M review overdue",
    ReminderKind.CLOSEOUT_COUNTDOWN: "POA&M closeout deadline",
    ReminderKind.AFFIRMATION_DUE: "Affirmation due",
    ReminderKind.AFFIRMATION_OVERDUE: "Affirmation overdue",
    ReminderKind.VALIDITY_ENDING: "Final status validity ending",
    ReminderKind.STATUS_EXPIRED: "CMMC status expired",
}
"""The words for each kind: settings pages, the digest and the feed."""
_ORDER = {kind: index for index, kind in enumerate(ReminderKind)}
_AFFIRMATION_WHAT = {
    AffirmationKind.INITIAL: "upon",
    AffirmationKind.POST_CLOSEOUT: "after",
    AffirmationKind.ANNUAL: "yearly, after",
}


@dataclass(frozen=True, slots=True)
class Reminder:
    """One thing that falls due on ``day`` (or fell due: see ``kind.overdue``).

    ``key`` names what the reminder is about independently of the day and of whether it is late
    (a milestone keeps its key when it moves or becomes overdue): a calendar's UID. ``check`` is
    the code of the check that reports the same fact once it is late (or within its warning
    window), ``rule`` the citation behind it.
    """

    kind: ReminderKind
    day: date
    system: str
    title: str
    detail: str
    key: str
    rule: str | None = None
    check: str | None = None
    requirement: str | None = None
    item: str | None = None
    poam: PoamKind | None = None

    def sort_key(self) -> tuple[date, int, str, str, str]:
        return (self.day, _ORDER[self.kind], self.system, self.item or "", self.key)

    def days_from(self, today: date) -> int:
        """Days from ``today`` to the reminder's day (negative when it has passed)."""
        return (self.day - today).days


def _days(count: int) -> str:
    count = abs(count)
    return f"{count} day{'s' if count != 1 else ''}"


def when(day: date, today: date) -> str:
    """``today``, ``tomorrow``, ``in 5 days``, ``yesterday``, ``3 days ago``."""
    left = (day - today).days
    if left == 0:
        return "today"
    if left == 1:
        return "tomorrow"
    if left == -1:
        return "yesterday"
    return f"in {_days(left)}" if left > 0 else f"{_days(left)} ago"


def _poam_name(poam: Poam) -> str:
    return "Conditional POA&M" if poam.kind is PoamKind.CONDITIONAL else "POA&M"


def _milestones(
    poam: Poam, system: str, today: date, last_day: date, deadline: date | None
) -> Iterator[Reminder]:
    for item in poam.items:
        seen: Counter[str] = Counter()
        for milestone in item.milestones:
            seen[milestone.title] += 1
            if milestone.due is None or milestone.completed is not None or not item.is_open:
                continue
            overdue = is_overdue(milestone, today, item)
            if not overdue and milestone.due > last_day:
                continue
            kind = ReminderKind.MILESTONE_OVERDUE if overdue else ReminderKind.MILESTONE_DUE
            rule = rules.POAM_ENTRY_CONTENT
            late = ""
            if poam.kind is PoamKind.CONDITIONAL and is_after_deadline(milestone, deadline, item):
                assert deadline is not None
                late = (
                    f" It falls on or after the closeout deadline {deadline.isoformat()}: too "
                    "late for the closeout whatever happens."
                )
                rule = f"{rules.POAM_ENTRY_CONTENT}; {rules.CLOSEOUT}"
            number = f"#{seen[milestone.title]}" if seen[milestone.title] > 1 else ""
            yield Reminder(
                kind=kind,
                day=milestone.due,
                system=system,
                title=f"Milestone '{milestone.title}' of entry {item.id} ({item.requirement})",
                detail=(
                    f"{'Overdue: was due' if overdue else 'Due'} {milestone.due.isoformat()} "
                    f"({when(milestone.due, today)}); the entry is {item.status.value}"
                    + (f", owned by {item.owner}" if item.owner.strip() else "")
                    + "."
                    + late
                ),
                key=f"milestone:{poam.kind.value}:{item.id}:{milestone.title}{number}",
                rule=rule,
                check="milestone-overdue",
                requirement=item.requirement,
                item=item.id,
                poam=poam.kind,
            )


def _review(
    poam: Poam, system: str, today: date, last_day: date, thresholds: Thresholds
) -> Iterator[Reminder]:
    """The next review under the cadence (as the check poam-not-reviewed counts it: late when
    more than ``cadence`` days have passed since the last one)."""
    cadence = poam.review_cadence_days or thresholds.default_review_cadence_days
    name = _poam_name(poam)
    review = partial(
        Reminder,
        system=system,
        title=f"Review of the {name}",
        key=f"review:{poam.kind.value}",
        rule=rules.POAM_REVIEWED,
        check="poam-not-reviewed",
        poam=poam.kind,
    )
    if poam.last_reviewed is None:
        yield review(
            kind=ReminderKind.REVIEW_DUE,
            day=today,
            detail=f"The {name} has never been reviewed: review it now (cadence {cadence} days).",
        )
        return
    due = poam.last_reviewed + timedelta(days=cadence)
    overdue = today > due
    if not overdue and due > last_day:
        return
    yield review(
        kind=ReminderKind.REVIEW_OVERDUE if overdue else ReminderKind.REVIEW_DUE,
        day=due,
        detail=(
            f"{'Overdue: was due' if overdue else 'Due'} {due.isoformat()} ({when(due, today)}): "
            f"last reviewed {poam.last_reviewed.isoformat()}, cadence {cadence} days."
        ),
    )


def _status(
    ssp: Ssp,
    standing: VerdictResult,
    conditional: Poam | None,
    system: str,
    today: date,
    days_ahead: int,
    thresholds: Thresholds,
) -> Iterator[Reminder]:
    record = standing.of_record
    deadline = standing.closeout_deadline
    if standing.verdict is Verdict.CONDITIONAL and deadline is not None and record is not None:
        left = (deadline - today).days
        open_items = [] if conditional is None else [item.id for item in conditional.open_items]
        still = (
            f" {len(open_items)} entr{'ies are' if len(open_items) != 1 else 'y is'} open: "
            f"{', '.join(open_items)}."
            if open_items
            else ""
        )
        yield Reminder(
            kind=ReminderKind.CLOSEOUT_COUNTDOWN,
            day=deadline,
            system=system,
            title=f"POA&M closeout deadline of the {describe_status(record)} status",
            detail=(
                f"{_days(left)} left ({when(deadline, today)}): a POA&M closeout with result MET "
                f"by {deadline.isoformat()} makes the status of {record.status_date.isoformat()} "
                f"Final; after it, the status expires. There is no extension.{still}"
            ),
            key=f"closeout:{record.status_date.isoformat()}",
            rule=rules.CLOSEOUT,
            check="closeout-deadline-approaching",
        )
    if standing.verdict is Verdict.EXPIRED:
        day = standing.closeout_deadline or standing.valid_until
        if day is not None:
            conditional_expired = standing.closeout_deadline is not None
            yield Reminder(
                kind=ReminderKind.STATUS_EXPIRED,
                day=day,
                system=system,
                title="CMMC status expired",
                detail=" ".join(reason.message for reason in standing.reasons),
                key=f"expired:{record.status_date.isoformat() if record else day.isoformat()}",
                rule=rules.CLOSEOUT if conditional_expired else rules.STATUS_VALIDITY,
                check="conditional-status-expired"
                if conditional_expired
                else "final-status-expired",
            )
    window = max(days_ahead, thresholds.affirmation_warning_days)
    for due in affirmations_due(standing, ssp.cmmc, today):
        if due.done is not None:
            continue
        left = (due.due - today).days
        if left > window:
            continue
        overdue = left < 0
        yield Reminder(
            kind=ReminderKind.AFFIRMATION_OVERDUE if overdue else ReminderKind.AFFIRMATION_DUE,
            day=due.due,
            system=system,
            title=f"Affirmation of continuing compliance ({due.kind.value})",
            detail=(
                f"The Affirming Official's affirmation {_AFFIRMATION_WHAT[due.kind]} "
                f"{due.follows} {'was' if overdue else 'is'} due {due.due.isoformat()} "
                f"({when(due.due, today)}): affirm in SPRS, then record it."
            ),
            key=f"affirmation:{due.kind.value}:{due.due.isoformat()}"
            if due.kind is AffirmationKind.ANNUAL
            else f"affirmation:{due.kind.value}:{due.follows}",
            rule=rules.AFFIRMATION,
            check="affirmation-overdue" if overdue else "affirmation-due",
        )
    valid_until = standing.valid_until
    if standing.verdict is Verdict.FINAL and valid_until is not None:
        left = (valid_until - today).days
        if 0 <= left <= max(days_ahead, thresholds.validity_warning_days):
            since = f" of {record.status_date.isoformat()}" if record else ""
            yield Reminder(
                kind=ReminderKind.VALIDITY_ENDING,
                day=valid_until,
                system=system,
                title="Final status stops being current",
                detail=(
                    f"The Final status{since} is current until {valid_until.isoformat()} "
                    f"({when(valid_until, today)}): 3 years from its status date. Schedule the "
                    "next assessment so that its status date comes first."
                ),
                key=f"validity:{valid_until.isoformat()}",
                rule=rules.STATUS_VALIDITY,
                check="status-validity-ending",
            )


def reminders(
    ssp: Ssp,
    poams: Iterable[Poam],
    standing: VerdictResult,
    *,
    today: date,
    days_ahead: int = DEFAULT_DAYS_AHEAD,
    system: str | None = None,
    kinds: Collection[ReminderKind] | None = None,
    thresholds: Thresholds | None = None,
) -> list[Reminder]:
    """Every reminder of one system on ``today``, in date order.

    ``standing`` is the standing on ``today`` (``Assessment.verdict``, from
    :func:`poam.core.lifecycle.standing`): it is taken as decided, never re-derived.
    ``days_ahead`` is the horizon of what is due (0: today only); overdue reminders and the
    closeout countdown come whatever it is. ``kinds`` keeps only those kinds. ``thresholds``
    default to the first POA&M's (the warning windows of the checks).
    """
    if not 0 <= days_ahead <= MAX_DAYS_AHEAD:
        raise ValueError(f"days_ahead must be from 0 to {MAX_DAYS_AHEAD}, not {days_ahead}")
    documents = list(poams)
    name = system if system is not None else ssp.system.name
    limits = thresholds or (documents[0].thresholds if documents else Thresholds())
    last_day = today + timedelta(days=days_ahead)
    conditional = next((p for p in documents if p.kind is PoamKind.CONDITIONAL), None)
    found: list[Reminder] = []
    for poam in documents:
        found.extend(_milestones(poam, name, today, last_day, standing.closeout_deadline))
        found.extend(_review(poam, name, today, last_day, poam.thresholds))
    found.extend(_status(ssp, standing, conditional, name, today, days_ahead, limits))
    if kinds is not None:
        wanted = frozenset(kinds)
        found = [reminder for reminder in found if reminder.kind in wanted]
    return sorted(found, key=Reminder.sort_key)


def of_assessment(
    assessment: Assessment,
    *,
    others: Iterable[Poam] = (),
    days_ahead: int = DEFAULT_DAYS_AHEAD,
    system: str | None = None,
    kinds: Collection[ReminderKind] | None = None,
) -> list[Reminder]:
    """The reminders of an assessed system: its POA&M and ``others`` of its POA&Ms, under the
    standing the assessment decided, on its as-of day."""
    poams = [] if assessment.poam is None else [assessment.poam]
    poams.extend(poam for poam in others if poam is not assessment.poam)
    return reminders(
        assessment.ssp,
        poams,
        assessment.verdict,
        today=assessment.as_of,
        days_ahead=days_ahead,
        system=system,
        kinds=kinds,
    )
