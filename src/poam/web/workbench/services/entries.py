"""Changing POA&M entries and their milestones.

A milestone's due date never changes silently: :func:`move_milestone` refuses to save without a
justification and records the move as a ``DueDateMove`` (what the core's milestone checks read)
as well as in the change log.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Max

from poam.web.workbench.forms import validated
from poam.web.workbench.forms.poam import (
    OWNER_FIELDS,
    DueDateMoveForm,
    EntryForm,
    MilestoneForm,
    suggested_item_id,
)
from poam.web.workbench.history import Actor, FieldChange, UnitOfWork
from poam.web.workbench.models import DueDateMove, Entry, EntryMilestone, ObjectType, PoamDocument


def _label(entry: Entry) -> str:
    return f"Entry {entry.item_id}"


def _milestone_label(milestone: EntryMilestone) -> str:
    return f"Milestone '{milestone.title}' of {milestone.entry.item_id}"


def create_entry(
    actor: Actor,
    poam: PoamDocument,
    values: Mapping[str, Any],
    *,
    today: date,
    milestone: tuple[str, Any] | None = None,
    reason: str = "",
) -> Entry:
    """A new entry at the end of the POA&M (its id suggested when none is given), with an
    optional first milestone (title, due date); the errors of both are reported together."""
    data = {"status": "not-started", **values}
    if not str(data.get("item_id") or "").strip():
        data["item_id"] = suggested_item_id(poam)
    form = EntryForm(
        data,
        poam=poam,
        instance=Entry(poam=poam),
        only={"item_id", "requirement", "status", *values},
    )
    first = None
    if milestone is not None and any(str(part or "").strip() for part in milestone):
        first = MilestoneForm(
            {"title": milestone[0], "due": milestone[1]}, instance=EntryMilestone()
        )
    problems: dict[str, Any] = {}  # the entry's and its first milestone's, shown together
    for checked in (form, first):
        if checked is not None and not checked.is_valid():
            problems.update(checked.errors.as_data())
    if problems:
        raise ValidationError(problems)
    entry: Entry = form.save(commit=False)
    entry.created = entry.created or today
    entry.updated = today
    with UnitOfWork(actor, system=poam.system, reason=reason) as work:
        entry.position = (
            Entry.objects.filter(poam=poam).aggregate(top=Max("position"))["top"] or 0
        ) + 1
        entry.save()
        work.created(
            ObjectType.ENTRY, entry, _label(entry), {**form.values(), "created": entry.created}
        )
        if first is not None:
            _add_milestone(work, entry, first)
    return entry


def update_entry(
    actor: Actor,
    entry: Entry,
    values: Mapping[str, Any],
    *,
    version: int,
    today: date,
    reason: str = "",
    owner_only: bool = False,
) -> list[FieldChange]:
    """Change the given fields of an entry; an entry owner may change only theirs."""
    if owner_only:
        refused = set(values) - OWNER_FIELDS
        if refused:
            raise ValidationError(
                {"__all__": f"as entry owner you may not change {', '.join(sorted(refused))}"}
            )
    form = validated(EntryForm(values, poam=entry.poam, instance=entry, only=values))
    with UnitOfWork(actor, system=entry.poam.system, reason=reason) as work:
        _row, changes = work.save(
            Entry,
            entry.pk,
            version,
            form.values(),
            object_type=ObjectType.ENTRY,
            label=_label(entry),
            untracked={"updated": today},
        )
    return changes


def delete_entry(actor: Actor, entry: Entry, *, version: int, reason: str = "") -> None:
    """Take the entry off the POA&M; the change log keeps it."""
    with UnitOfWork(actor, system=entry.poam.system, reason=reason) as work:
        work.remove(Entry, entry.pk, version, object_type=ObjectType.ENTRY, label=_label(entry))


# --- milestones ------------------------------------------------------------------------------


def _add_milestone(work: UnitOfWork, entry: Entry, form: MilestoneForm) -> EntryMilestone:
    milestone: EntryMilestone = form.save(commit=False)
    milestone.entry = entry
    milestone.position = (entry.milestones.aggregate(top=Max("position"))["top"] or 0) + 1
    milestone.save()
    work.created(
        ObjectType.MILESTONE,
        milestone,
        _milestone_label(milestone),
        {"title": milestone.title, "due": milestone.due},
    )
    return milestone


def add_milestone(
    actor: Actor, entry: Entry, title: str, due: Any, *, reason: str = ""
) -> EntryMilestone:
    """A new milestone at the end of the entry's."""
    form = validated(MilestoneForm({"title": title, "due": due}, instance=EntryMilestone()))
    with UnitOfWork(actor, system=entry.poam.system, reason=reason) as work:
        return _add_milestone(work, entry, form)


def update_milestone(
    actor: Actor,
    milestone: EntryMilestone,
    values: Mapping[str, Any],
    *,
    version: int,
    reason: str = "",
) -> list[FieldChange]:
    """Title and completion date; a due date only where there was none (else: move it)."""
    form = validated(MilestoneForm(values, instance=milestone, only=values))
    with UnitOfWork(actor, system=milestone.entry.poam.system, reason=reason) as work:
        _row, changes = work.save(
            EntryMilestone,
            milestone.pk,
            version,
            form.values(),
            object_type=ObjectType.MILESTONE,
            label=_milestone_label(milestone),
        )
    return changes


def move_milestone(
    actor: Actor,
    milestone: EntryMilestone,
    to_date: Any,
    justification: str,
    *,
    version: int,
    today: date,
) -> DueDateMove:
    """Move a due date, with the justification that the rules require (never without one)."""
    form = validated(
        DueDateMoveForm({"to_date": to_date, "justification": justification}, milestone=milestone)
    )
    to_day, why = form.cleaned_data["to_date"], form.cleaned_data["justification"]
    with UnitOfWork(actor, system=milestone.entry.poam.system, reason=why) as work:
        _row, changes = work.save(
            EntryMilestone,
            milestone.pk,
            version,
            {"due": to_day},
            object_type=ObjectType.MILESTONE,
            label=_milestone_label(milestone),
        )
        position = (milestone.moves.aggregate(top=Max("position"))["top"] or 0) + 1
        return DueDateMove.objects.create(
            milestone=milestone,
            position=position,
            changed=today,
            from_date=changes[0][1] if changes else milestone.due,
            to_date=to_day,
            by=actor.label,
            justification=why,
            user=actor.user,
        )


def delete_milestone(
    actor: Actor, milestone: EntryMilestone, *, version: int, reason: str = ""
) -> None:
    """Take the milestone off its entry; the change log keeps it."""
    with UnitOfWork(actor, system=milestone.entry.poam.system, reason=reason) as work:
        work.remove(
            EntryMilestone,
            milestone.pk,
            version,
            object_type=ObjectType.MILESTONE,
            label=_milestone_label(milestone),
        )
