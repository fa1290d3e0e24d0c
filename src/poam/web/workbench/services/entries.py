"""Changing POA&M entries and their milestones.

A milestone's due date never changes silently: :func:`move_milestone` refuses to save without a
justification and records the move as a ``MilestoneChange`` (what the core's milestone checks
read) as well as in the change log.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from poam.core.catalog import load_catalog
from poam.core.model import ItemStatus
from poam.web.workbench import history
from poam.web.workbench.history import Actor, Conflict
from poam.web.workbench.models import Entry, Membership, Milestone, MilestoneChange, Poam

ENTRY_FIELDS = (
    "item_id",
    "requirement",
    "gap",
    "remediation",
    "owner",
    "assignee",
    "status",
    "objectives",
    "created",
    "identified_by",
    "resources",
    "comments",
)
OWNER_FIELDS = frozenset({"gap", "remediation", "status", "resources", "comments"})
"""What an entry owner may change on the entries assigned to them."""


def _date(value: Any, name: str, errors: dict[str, str]) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        errors[name] = f"{value!r} is not a date (YYYY-MM-DD)"
        return None


def _lines(value: Any) -> list[str]:
    if isinstance(value, str):
        return [line.strip(" -*\t") for line in value.splitlines() if line.strip(" -*\t")]
    return [str(v).strip() for v in value or () if str(v).strip()]


def clean_entry(poam: Poam, values: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    unknown = set(values) - set(ENTRY_FIELDS)
    if unknown:
        errors["__all__"] = f"unknown fields: {', '.join(sorted(unknown))}"
    if "item_id" in values:
        clean["item_id"] = str(values["item_id"] or "").strip()
        if not clean["item_id"]:
            errors["item_id"] = "an entry needs an id"
    requirement = None
    if "requirement" in values:
        requirement = load_catalog().find(str(values["requirement"] or "").strip())
        if requirement is None:
            errors["requirement"] = (
                f"{values['requirement']!r} is not a NIST SP 800-171 requirement"
            )
        else:
            clean["requirement"] = requirement.nist_id
    for name in ("gap", "owner"):
        if name in values:
            clean[name] = str(values[name] or "").strip()
    if "remediation" in values:
        clean["remediation"] = _lines(values["remediation"])
    if "objectives" in values:
        raw = values["objectives"]
        letters = re.findall(r"[a-z]+", raw.lower()) if isinstance(raw, str) else list(raw or ())
        clean["objectives"] = [str(letter) for letter in letters]
    if "status" in values:
        try:
            clean["status"] = ItemStatus(values["status"]).value
        except ValueError:
            errors["status"] = f"{values['status']!r} is not an entry status"
    if "created" in values:
        clean["created"] = _date(values["created"], "created", errors)
    for name in ("identified_by", "resources", "comments"):
        if name in values:
            text = str(values[name] or "").strip()
            clean[name] = text or None
    if "assignee" in values:
        assignee = values["assignee"]
        if assignee in (None, ""):
            clean["assignee_id"] = None
        else:
            user_id = int(getattr(assignee, "pk", assignee))
            if not Membership.objects.filter(
                user_id=user_id, organization_id=poam.system.organization_id
            ).exists():
                errors["assignee"] = "the assignee must be a member of this organization"
            clean["assignee_id"] = user_id
    if errors:
        raise ValidationError(errors)
    return clean


def _label(entry: Entry) -> str:
    return f"Entry {entry.item_id}"


def next_item_id(poam: Poam) -> str:
    """``<prefix><n+1>`` after the highest numbered id of the POA&M (``POAM-001`` to start)."""
    best: tuple[int, str, int] | None = None
    for item_id in Entry.objects.filter(poam=poam).values_list("item_id", flat=True):
        match = re.match(r"^(.*?)(\d+)$", item_id)
        if match and (best is None or int(match[2]) > best[0]):
            best = (int(match[2]), match[1], len(match[2]))
    if best is None:
        return "POAM-001"
    number, prefix, width = best
    return f"{prefix}{number + 1:0{width}d}"


def create_entry(
    actor: Actor,
    poam: Poam,
    values: Mapping[str, Any],
    *,
    today: date,
    milestone: tuple[str, date | None] | None = None,
) -> Entry:
    data = dict(values)
    if not str(data.get("item_id") or "").strip():
        data["item_id"] = next_item_id(poam)
    clean = clean_entry(poam, data)
    if "requirement" not in clean:
        raise ValidationError({"requirement": "an entry covers a requirement"})
    clean.setdefault("created", today)
    if clean.get("created") is None:
        clean["created"] = today
    with transaction.atomic():
        position = (Entry.objects.filter(poam=poam).aggregate(top=Max("position"))["top"] or 0) + 1
        entry = Entry.objects.create(poam=poam, position=position, updated=today, **clean)
        history.record(
            actor,
            system=poam.system,
            object_type="entry",
            object_id=entry.pk,
            label=_label(entry),
            action="create",
            changes=[(k, None, v) for k, v in clean.items() if v not in (None, "", [])],
        )
        if milestone is not None and milestone[0].strip():
            add_milestone(actor, entry, milestone[0], milestone[1], bump=False)
        history.bump(poam.system)
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
) -> list[tuple[str, Any, Any]]:
    if owner_only:
        refused = set(values) - OWNER_FIELDS
        if refused:
            raise ValidationError(
                {"__all__": f"as entry owner you may not change {', '.join(sorted(refused))}"}
            )
    clean = clean_entry(entry.poam, values)
    _row, changes = history.versioned_update(
        Entry,
        entry.pk,
        version,
        clean,
        actor=actor,
        system=entry.poam.system,
        object_type="entry",
        label=_label(entry),
        reason=reason,
        untracked={"updated": today},
    )
    return changes


def delete_entry(actor: Actor, entry: Entry, *, version: int, reason: str = "") -> None:
    with transaction.atomic():
        updated = Entry.objects.filter(
            pk=entry.pk, version=version, deleted_at__isnull=True
        ).update(deleted_at=timezone.now(), version=version + 1)
        if updated != 1:
            raise Conflict(_label(entry), history.latest_changes("entry", entry.pk))
        history.record(
            actor,
            system=entry.poam.system,
            object_type="entry",
            object_id=entry.pk,
            label=_label(entry),
            action="delete",
            reason=reason,
        )
        history.bump(entry.poam.system)


# --- milestones ------------------------------------------------------------------------------


def _milestone_label(milestone: Milestone) -> str:
    return f"Milestone '{milestone.title}' of {milestone.entry.item_id}"


def add_milestone(
    actor: Actor, entry: Entry, title: str, due: date | None, *, bump: bool = True
) -> Milestone:
    title = title.strip()
    if not title:
        raise ValidationError({"title": "a milestone needs a title"})
    with transaction.atomic():
        position = (entry.milestones.aggregate(top=Max("position"))["top"] or 0) + 1
        milestone = Milestone.objects.create(entry=entry, position=position, title=title, due=due)
        history.record(
            actor,
            system=entry.poam.system,
            object_type="milestone",
            object_id=milestone.pk,
            label=_milestone_label(milestone),
            action="create",
            changes=[("title", None, title), ("due", None, due)],
        )
        if bump:
            history.bump(entry.poam.system)
    return milestone


def update_milestone(
    actor: Actor,
    milestone: Milestone,
    values: Mapping[str, Any],
    *,
    version: int,
    reason: str = "",
) -> list[tuple[str, Any, Any]]:
    """Title and completion date; a due date only where there was none (else: move it)."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    if "title" in values:
        clean["title"] = str(values["title"] or "").strip()
        if not clean["title"]:
            errors["title"] = "a milestone needs a title"
    if "completed" in values:
        clean["completed"] = _date(values["completed"], "completed", errors)
    if "due" in values:
        due = _date(values["due"], "due", errors)
        if milestone.due is not None and due != milestone.due:
            errors["due"] = "moving a due date needs a justification: use “Change date”"
        clean["due"] = due if milestone.due is None else milestone.due
    if errors:
        raise ValidationError(errors)
    _row, changes = history.versioned_update(
        Milestone,
        milestone.pk,
        version,
        clean,
        actor=actor,
        system=milestone.entry.poam.system,
        object_type="milestone",
        label=_milestone_label(milestone),
        reason=reason,
    )
    return changes


def move_milestone(
    actor: Actor,
    milestone: Milestone,
    to_date: date | None,
    justification: str,
    *,
    version: int,
    today: date,
) -> MilestoneChange:
    """Move a due date, with the justification that the rules require (never without one)."""
    justification = " ".join((justification or "").split())
    errors = {}
    if to_date is None:
        errors["to_date"] = "give the new due date"
    elif to_date == milestone.due:
        errors["to_date"] = f"the milestone is already due {to_date.isoformat()}"
    if not justification:
        errors["justification"] = (
            "a justification is required: say what changed and why the new date is realistic"
        )
    if errors:
        raise ValidationError(errors)
    assert to_date is not None
    system = milestone.entry.poam.system
    with transaction.atomic():
        current = Milestone.objects.select_for_update().get(pk=milestone.pk)
        if current.version != version:
            raise Conflict(
                _milestone_label(milestone), history.latest_changes("milestone", milestone.pk)
            )
        position = (current.changes.aggregate(top=Max("position"))["top"] or 0) + 1
        change = MilestoneChange.objects.create(
            milestone=current,
            position=position,
            changed=today,
            from_date=current.due,
            to_date=to_date,
            by=actor.label,
            justification=justification,
            user=actor.user,
        )
        history.versioned_update(
            Milestone,
            milestone.pk,
            version,
            {"due": to_date},
            actor=actor,
            system=system,
            object_type="milestone",
            label=_milestone_label(milestone),
            reason=justification,
        )
    return change


def delete_milestone(actor: Actor, milestone: Milestone, *, version: int, reason: str = "") -> None:
    with transaction.atomic():
        updated = Milestone.objects.filter(
            pk=milestone.pk, version=version, deleted_at__isnull=True
        ).update(deleted_at=timezone.now(), version=version + 1)
        if updated != 1:
            raise Conflict(
                _milestone_label(milestone), history.latest_changes("milestone", milestone.pk)
            )
        system = milestone.entry.poam.system
        history.record(
            actor,
            system=system,
            object_type="milestone",
            object_id=milestone.pk,
            label=_milestone_label(milestone),
            action="delete",
            reason=reason,
        )
        history.bump(system)


def assignable_users(poam: Poam) -> list[Any]:
    """Members of the organization, for the assignee list."""
    return list(
        get_user_model()
        .objects.filter(memberships__organization_id=poam.system.organization_id)
        .order_by("first_name", "last_name", "username")
    )
