"""Checks of milestones: dated, on time, and moved only with a justification."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

from poam.core import rules
from poam.core.checks.base import CheckContext, Group, Hit, Severity, check
from poam.core.checks.entries import _label
from poam.core.states import has_dated_milestone, is_overdue


@check(
    "entry-without-milestone",
    Severity.ERROR,
    group=Group.SCHEDULE,
    aliases=("item-without-milestone",),
    rule=rules.POAM_ENTRY_CONTENT,
    summary="An open entry has no dated milestone.",
    hint="Add at least one milestone with a due date.",
)
def item_without_milestone(ctx: CheckContext) -> Iterator[Hit]:
    for item in ctx.items:
        if item.is_open and not has_dated_milestone(item):
            yield Hit(
                f"{_label(ctx, item.id, item.requirement)} is {item.status.value} with no dated "
                "milestone.",
                requirement=item.requirement,
                item=item.id,
            )


@check(
    "milestone-overdue",
    Severity.WARNING,
    group=Group.SCHEDULE,
    rule=rules.POAM_ENTRY_CONTENT,
    summary="A milestone of an open entry is past its due date and not completed.",
    hint="Complete the milestone, or move its date with a documented justification.",
)
def milestone_overdue(ctx: CheckContext) -> Iterator[Hit]:
    for item in ctx.items:
        for milestone in item.milestones:
            if is_overdue(milestone, ctx.as_of, item):
                assert milestone.due is not None
                days = (ctx.as_of - milestone.due).days
                yield Hit(
                    f"{_label(ctx, item.id, item.requirement)}: milestone '{milestone.title}' was "
                    f"due {milestone.due.isoformat()} ({days} day{'s' if days != 1 else ''} ago).",
                    requirement=item.requirement,
                    item=item.id,
                )


@check(
    "milestone-moved-without-justification",
    Severity.ERROR,
    group=Group.SCHEDULE,
    rule=rules.MILESTONE_CHANGE_JUSTIFIED,
    summary="A milestone date was moved without a documented justification.",
    hint="Record why the date moved (what changed, what was learned) in the change's "
    "`justification`.",
)
def milestone_moved_without_justification(ctx: CheckContext) -> Iterator[Hit]:
    for item in ctx.items:
        for milestone in item.milestones:
            for change in milestone.history:
                if not change.justification.strip():
                    moved = f"from {change.from_date.isoformat()} " if change.from_date else ""
                    by = f" by {change.by}" if change.by else ""
                    yield Hit(
                        f"{_label(ctx, item.id, item.requirement)}: milestone "
                        f"'{milestone.title}' moved {moved}to {change.to_date.isoformat()} on "
                        f"{change.changed.isoformat()}{by} without a justification.",
                        requirement=item.requirement,
                        item=item.id,
                    )


@check(
    "milestone-moved-repeatedly",
    Severity.WARNING,
    group=Group.SCHEDULE,
    rule=rules.MILESTONE_CHANGE_JUSTIFIED,
    summary="A milestone's date has moved repeatedly (2 or more times by default).",
    hint="Re-plan the entry realistically; repeated extensions undermine the POA&M's credibility.",
)
def milestone_moved_repeatedly(ctx: CheckContext) -> Iterator[Hit]:
    limit = ctx.thresholds.milestone_moves_warn
    for item in ctx.items:
        for milestone in item.milestones:
            moves = len(milestone.history)
            if moves >= limit:
                first = milestone.history[0].from_date
                since = f" (first due {first.isoformat()})" if first else ""
                yield Hit(
                    f"{_label(ctx, item.id, item.requirement)}: milestone '{milestone.title}' has "
                    f"moved {moves} times{since}.",
                    requirement=item.requirement,
                    item=item.id,
                )


@check(
    "milestone-history-inconsistent",
    Severity.WARNING,
    group=Group.SCHEDULE,
    rule=rules.MILESTONE_CHANGE_JUSTIFIED,
    summary="A milestone's history does not chain: a move's `from` is not the previous `to`, "
    "or the last `to` is not the due date.",
    hint="Make each change's `from` the previous date, and the last `to` the current due date.",
)
def milestone_history_inconsistent(ctx: CheckContext) -> Iterator[Hit]:
    for item in ctx.items:
        for milestone in item.milestones:
            history = sorted(milestone.history, key=lambda change: change.changed)
            problems = [
                f"the move of {later.changed.isoformat()} starts from "
                f"{later.from_date.isoformat()}, not {earlier.to_date.isoformat()}"
                for earlier, later in pairwise(history)
                if later.from_date is not None and later.from_date != earlier.to_date
            ]
            if history and milestone.due is not None and history[-1].to_date != milestone.due:
                problems.append(
                    f"the last move is to {history[-1].to_date.isoformat()} but the milestone is "
                    f"due {milestone.due.isoformat()}"
                )
            if problems:
                yield Hit(
                    f"{_label(ctx, item.id, item.requirement)}: milestone '{milestone.title}': "
                    f"{'; '.join(problems)}.",
                    requirement=item.requirement,
                    item=item.id,
                )


CHECKS = (
    item_without_milestone,
    milestone_overdue,
    milestone_moved_without_justification,
    milestone_moved_repeatedly,
    milestone_history_inconsistent,
)
