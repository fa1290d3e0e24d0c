"""Checks of each POA&M entry's content: owner, gap, remediation, completion."""

from __future__ import annotations

from collections.abc import Iterator

from poam.core import rules
from poam.core.checks.base import CheckContext, Group, Hit, Severity, check
from poam.core.model import ItemStatus
from poam.core.wording import is_group, vagueness

_DONE = (ItemStatus.COMPLETED_PENDING_VERIFICATION, ItemStatus.CLOSED)


def _label(ctx: CheckContext, item_id: str, requirement: str) -> str:
    req = ctx.catalog.find(requirement)
    return f"Entry {item_id} ({req.cmmc_id if req else requirement})"


@check(
    "entry-without-owner",
    Severity.ERROR,
    group=Group.ENTRY,
    aliases=("item-without-owner",),
    rule=rules.POAM_ENTRY_CONTENT,
    summary="An entry has no owner.",
    hint="Name one role or person accountable for the entry, e.g. 'Jane Doe, ISSO'.",
)
def item_without_owner(ctx: CheckContext) -> Iterator[Hit]:
    for item in ctx.items:
        if not item.owner.strip():
            yield Hit(
                f"{_label(ctx, item.id, item.requirement)} has no owner.",
                requirement=item.requirement,
                item=item.id,
            )


@check(
    "owner-is-a-group",
    Severity.WARNING,
    group=Group.ENTRY,
    rule=rules.POAM_ENTRY_CONTENT,
    summary="An entry's owner is a department, team or committee instead of a role or person.",
    hint="Name one role or person (e.g. 'IT Manager' or 'Jane Doe'), not a group.",
)
def owner_is_a_group(ctx: CheckContext) -> Iterator[Hit]:
    for item in ctx.items:
        if item.owner.strip() and is_group(item.owner):
            yield Hit(
                f"{_label(ctx, item.id, item.requirement)} is owned by {item.owner!r}, a group "
                "rather than one role or person.",
                requirement=item.requirement,
                item=item.id,
            )


@check(
    "vague-gap",
    Severity.WARNING,
    group=Group.ENTRY,
    rule=rules.POAM_ENTRY_CONTENT,
    summary="The gap description is too vague to say what is missing, where.",
    hint="Say what is not in place, for which users, systems or data, e.g. 'MFA is enforced for "
    "remote access but not for privileged local accounts on CUI systems'.",
)
def vague_gap(ctx: CheckContext) -> Iterator[Hit]:
    minimum = ctx.thresholds.vague_gap_min_words
    for item in ctx.items:
        why = vagueness(item.gap, minimum)
        if why is not None:
            yield Hit(
                f"{_label(ctx, item.id, item.requirement)}: the gap is vague ({why}).",
                requirement=item.requirement,
                item=item.id,
            )


@check(
    "vague-remediation",
    Severity.WARNING,
    group=Group.ENTRY,
    rule=rules.POAM_ENTRY_CONTENT,
    summary="The remediation steps are too vague to act on or to verify.",
    hint="List concrete steps: what will be configured, bought or written, on which systems.",
)
def vague_remediation(ctx: CheckContext) -> Iterator[Hit]:
    minimum = ctx.thresholds.vague_remediation_min_words
    for item in ctx.items:
        why = vagueness(" ".join(item.remediation), minimum)
        if why is not None:
            yield Hit(
                f"{_label(ctx, item.id, item.requirement)}: the remediation is vague ({why}).",
                requirement=item.requirement,
                item=item.id,
            )


@check(
    "completed-without-evidence",
    Severity.ERROR,
    group=Group.ENTRY,
    rule=rules.EVIDENCE_FOR_COMPLETION,
    summary="An entry is completed or closed without any evidence.",
    hint="Attach the artifact that shows the work is done (configuration export, record, "
    "screenshot), with its SHA-256.",
)
def completed_without_evidence(ctx: CheckContext) -> Iterator[Hit]:
    for item in ctx.items:
        if item.status in _DONE and not item.evidence:
            yield Hit(
                f"{_label(ctx, item.id, item.requirement)} is {item.status.value} with no "
                "evidence.",
                requirement=item.requirement,
                item=item.id,
            )


@check(
    "closed-with-open-milestones",
    Severity.WARNING,
    group=Group.ENTRY,
    rule=rules.POAM_ENTRY_CONTENT,
    summary="An entry is completed or closed while some of its milestones are not.",
    hint="Record the completion date of each milestone, or reopen the entry.",
)
def closed_with_open_milestones(ctx: CheckContext) -> Iterator[Hit]:
    for item in ctx.items:
        if item.status not in _DONE:
            continue
        open_titles = [m.title for m in item.milestones if m.completed is None]
        if open_titles:
            yield Hit(
                f"{_label(ctx, item.id, item.requirement)} is {item.status.value} but "
                f"{len(open_titles)} milestone{'s are' if len(open_titles) > 1 else ' is'} not "
                f"completed: {'; '.join(open_titles)}.",
                requirement=item.requirement,
                item=item.id,
            )


CHECKS = (
    item_without_owner,
    owner_is_a_group,
    vague_gap,
    vague_remediation,
    completed_without_evidence,
    closed_with_open_milestones,
)
