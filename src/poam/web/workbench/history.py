"""Writing the change log, and saving with optimistic concurrency.

Every editable row has a ``version``. A save names the version it was based on; if someone else
saved in between, the save is refused with :class:`Conflict`, which carries their change so the
page can show it. The change log rows are written in the same transaction as the change, and
the system's ``revision`` is bumped so that cached assessments are recomputed.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from poam.web.workbench.models import Change, System


@dataclass(frozen=True)
class Actor:
    """Who is making a change: a user (or None for the system itself) and the name to show."""

    user: Any
    label: str

    @classmethod
    def of(cls, user: Any) -> Actor:
        if user is None or not getattr(user, "is_authenticated", False):
            return cls(None, "poam")
        name = (user.get_full_name() or "").strip()
        return cls(user, name or user.get_username())

    @property
    def user_id(self) -> int | None:
        return None if self.user is None else int(self.user.pk)


class Conflict(Exception):
    """A save based on an out-of-date version: someone else changed the object first."""

    def __init__(self, label: str, latest: Sequence[Change]) -> None:
        self.label = label
        self.latest = list(latest)
        super().__init__(self.message)

    @property
    def message(self) -> str:
        if not self.latest:
            return (
                f"{self.label} was changed by someone else since you opened it. Your change was "
                "not saved: reload to see the current version, then apply your change again."
            )
        first = self.latest[0]
        when = timezone.localtime(first.at).strftime("%Y-%m-%d %H:%M")
        fields = "; ".join(describe(change) for change in self.latest)
        return (
            f"{self.label} was changed by {first.user_label or 'someone'} at {when} since you "
            f"opened it ({fields}). Your change was not saved: review theirs, then apply yours "
            "again."
        )


def describe(change: Change) -> str:
    if change.action != "update" or not change.field:
        return f"{change.action} {change.object_label}".strip()
    return f"{change.field}: {short(change.old)} → {short(change.new)}"


def short(value: str | None, limit: int = 80) -> str:
    if value is None or value == "":
        return "(empty)"
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def as_text(value: Any) -> str | None:
    """How a value is kept in the change log: dates ISO, lists and mappings as JSON."""
    if value is None:
        return None
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=isinstance(value, dict))
    return str(value)


def new_batch() -> str:
    return uuid.uuid4().hex


def record(
    actor: Actor,
    *,
    system: System,
    object_type: str,
    object_id: int | None,
    label: str,
    action: str,
    changes: Iterable[tuple[str, Any, Any]] = (),
    reason: str = "",
    batch: str | None = None,
    at: datetime | None = None,
) -> list[Change]:
    """Write change-log rows: one per changed field, or one for the action when no fields."""
    batch = batch or new_batch()
    at = at or timezone.now()
    base = {
        "organization_id": system.organization_id,
        "system": system,
        "object_type": object_type,
        "object_id": object_id,
        "object_label": label[:300],
        "action": action,
        "reason": reason,
        "user": actor.user,
        "user_label": actor.label,
        "at": at,
        "batch": batch,
    }
    rows = [
        Change(**base, field=name, old=as_text(old), new=as_text(new)) for name, old, new in changes
    ] or [Change(**base)]
    return Change.objects.bulk_create(rows)


def bump(system: System) -> None:
    """Mark the system changed: its cached assessment and summary are recomputed."""
    System.objects.filter(pk=system.pk).update(revision=F("revision") + 1)
    system.revision = System.objects.values_list("revision", flat=True).get(pk=system.pk)


def latest_changes(object_type: str, object_id: int) -> list[Change]:
    """The most recent save of an object (all its rows), newest first."""
    last = (
        Change.objects.filter(object_type=object_type, object_id=object_id)
        .order_by("-at", "-id")
        .values_list("batch", flat=True)
        .first()
    )
    if last is None:
        return []
    return list(Change.objects.filter(batch=last).order_by("id")[:20])


def diff(instance: models.Model, values: Mapping[str, Any]) -> list[tuple[str, Any, Any]]:
    return [
        (name, getattr(instance, name), value)
        for name, value in values.items()
        if getattr(instance, name) != value
    ]


def versioned_update(
    model: type[models.Model],
    pk: int,
    expected_version: int,
    values: Mapping[str, Any],
    *,
    actor: Actor,
    system: System,
    object_type: str,
    label: str,
    reason: str = "",
    untracked: Mapping[str, Any] | None = None,
) -> tuple[models.Model, list[tuple[str, Any, Any]]]:
    """Apply ``values`` to row ``pk`` if it is still at ``expected_version``; log each change.

    Returns the updated row and the changes (none: nothing saved, the version stays).
    ``untracked`` values (timestamps) are saved along with a change but not logged.
    Raises :class:`Conflict` when the row moved on since ``expected_version``.
    """
    with transaction.atomic():
        current = model._default_manager.select_for_update().get(pk=pk)
        if current.version != expected_version:  # type: ignore[attr-defined]
            raise Conflict(label, latest_changes(object_type, pk))
        changes = diff(current, values)
        if not changes:
            return current, []
        for name, _old, new in changes:
            setattr(current, name, new)
        current.version = expected_version + 1  # type: ignore[attr-defined]
        updated = model._default_manager.filter(pk=pk, version=expected_version).update(
            **dict(values), **dict(untracked or {}), version=expected_version + 1
        )
        if updated != 1:  # lost a race the lock did not prevent (SQLite without IMMEDIATE)
            raise Conflict(label, latest_changes(object_type, pk))
        record(
            actor,
            system=system,
            object_type=object_type,
            object_id=pk,
            label=label,
            action="update",
            changes=changes,
            reason=reason,
        )
        bump(system)
    return current, changes
