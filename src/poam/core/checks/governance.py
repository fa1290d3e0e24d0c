"""Checks of how the POA&M is kept: reviewed on a cadence, maintained by one named role."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from poam.core import rules
from poam.core.checks.base import CheckContext, Group, Hit, Severity, check
from poam.core.wording import is_group

QUARTER_DAYS = 92


@check(
    "poam-not-reviewed",
    Severity.WARNING,
    group=Group.GOVERNANCE,
    rule=rules.POAM_REVIEWED,
    summary="The POA&M was last reviewed longer ago than its review cadence, or never.",
    hint="Review every entry with its owner, update statuses and dates, then record "
    "`last_reviewed`.",
)
def poam_not_reviewed(ctx: CheckContext) -> Iterator[Hit]:
    poam = ctx.poam
    if poam is None:
        return
    cadence = poam.review_cadence_days or ctx.thresholds.default_review_cadence_days
    if poam.last_reviewed is None:
        yield Hit("The POA&M has never been reviewed (no `last_reviewed`).")
        return
    age = (ctx.as_of - poam.last_reviewed).days
    if age > cadence:
        yield Hit(
            f"The POA&M was last reviewed {poam.last_reviewed.isoformat()}, {age} days ago; its "
            f"cadence is {cadence} days (the review was due "
            f"{(poam.last_reviewed + timedelta(days=cadence)).isoformat()})."
        )


@check(
    "review-cadence-too-long",
    Severity.WARNING,
    group=Group.GOVERNANCE,
    rule=rules.POAM_REVIEWED,
    summary="The review cadence is less often than quarterly.",
    hint="Review the POA&M at least quarterly (`review_cadence_days: 90`) and after any "
    "significant change.",
)
def review_cadence_too_long(ctx: CheckContext) -> Iterator[Hit]:
    poam = ctx.poam
    if poam is not None and poam.review_cadence_days and poam.review_cadence_days > QUARTER_DAYS:
        yield Hit(
            f"The review cadence is {poam.review_cadence_days} days, less often than quarterly."
        )


@check(
    "maintainer-missing",
    Severity.WARNING,
    group=Group.GOVERNANCE,
    rule=rules.POAM_REVIEWED,
    summary="The POA&M has no maintainer, or a team or committee instead of one named role or "
    "person.",
    hint="Set `maintainer:` to the one role or person who keeps the POA&M, e.g. 'Jane Doe, ISSO'.",
)
def maintainer_missing(ctx: CheckContext) -> Iterator[Hit]:
    poam = ctx.poam
    if poam is None:
        return
    if not poam.maintainer.strip():
        yield Hit("The POA&M names no maintainer.")
    elif is_group(poam.maintainer):
        yield Hit(
            f"The POA&M is maintained by {poam.maintainer!r}, a group rather than one named role "
            "or person."
        )


CHECKS = (poam_not_reviewed, review_cadence_too_long, maintainer_missing)
