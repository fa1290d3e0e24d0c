"""One unit of work for every write of the web application, with optimistic concurrency.

A service writes only inside ``with UnitOfWork(actor, system=..., reason=...) as work:``, and
only through it: :meth:`UnitOfWork.save` (a versioned update, each changed field logged),
:meth:`UnitOfWork.remove` (marked removed, never erased), :meth:`UnitOfWork.created` after an
insert, :meth:`UnitOfWork.record` for an event (a comment, a review, a member added). Leaving
the block, in the same transaction, it appends every change to the change log as one batch
(who, when, from which address, why; hash-chained by :mod:`.audit`) and bumps the revision of
each system it touched exactly once, so that no cached assessment of it is served again.

Every editable row has a ``version``: a save names the version it was based on, and if someone
saved in between it is refused with :class:`Conflict`, which carries their change so the page
can show it. During a request, writing a tenant table outside a unit of work is refused
(:mod:`.guard`), so a new write path cannot skip the history or the revision.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from contextvars import ContextVar, Token
from dataclasses import dataclass
from datetime import date, datetime
from types import TracebackType
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from poam.web import network
from poam.web.workbench import audit
from poam.web.workbench.models import Change, ObjectType, Organization, System

M = TypeVar("M", bound=models.Model)
FieldChange = tuple[str, Any, Any]
"""(field, old value, new value)."""


def client_ip(request: HttpRequest) -> str | None:
    """The address a request came from, behind ``POAM_PROXY_HOPS`` trusted proxies (the same
    reading as the security log's: :func:`poam.web.network.client_ip`)."""
    return network.client_ip(request)


@dataclass(frozen=True)
class Actor:
    """Who is making a change: a user (None for poam itself), the name to show, and the
    address the request came from."""

    user: Any
    label: str
    ip: str | None = None

    @classmethod
    def of(cls, user: Any, ip: str | None = None) -> Actor:
        if user is None or not getattr(user, "is_authenticated", False):
            return cls(None, "poam", ip)
        name = (user.get_full_name() or "").strip()
        return cls(user, name or user.get_username(), ip)

    @classmethod
    def from_request(cls, request: HttpRequest) -> Actor:
        return cls.of(getattr(request, "user", None), client_ip(request))

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


def latest_changes(object_type: str, object_id: int) -> list[Change]:
    """The most recent save of an object (all its rows), newest first."""
    last = (
        Change.objects.filter(object_type=object_type, object_id=object_id)
        .order_by("-seq")
        .values_list("batch", flat=True)
        .first()
    )
    if last is None:
        return []
    return list(Change.objects.filter(batch=last).order_by("seq")[:20])


def diff(instance: models.Model, values: Mapping[str, Any]) -> list[FieldChange]:
    return [
        (name, getattr(instance, name), value)
        for name, value in values.items()
        if getattr(instance, name) != value
    ]


def created(values: Mapping[str, Any]) -> list[FieldChange]:
    """The log of a new object: each field that holds something."""
    return [
        (name, None, value) for name, value in values.items() if value not in (None, "", [], {})
    ]


_current: ContextVar[UnitOfWork | None] = ContextVar("poam_unit_of_work", default=None)


def in_unit_of_work() -> bool:
    """True inside a unit of work (the write guard asks)."""
    return _current.get() is not None


class UnitOfWork:
    """A transaction that records what it changes and bumps each touched system once.

    ``system`` is the system written to (its rows are logged under it and its revision is
    bumped); ``organization`` alone is for an organization's own events (members, roles).
    A unit of work opened inside another joins it: one transaction, one batch, one bump.
    """

    def __init__(
        self,
        actor: Actor,
        *,
        system: System | None = None,
        organization: Organization | None = None,
        reason: str = "",
    ) -> None:
        self.actor = actor
        self.system = system
        self.organization_id: int | None = (
            system.organization_id
            if system is not None
            else None
            if organization is None
            else organization.pk
        )
        self.reason = (reason or "").strip()
        self.batch = uuid.uuid4().hex
        self.at = timezone.now()
        self._rows: list[Change] = []
        self._touched: dict[int, list[System]] = {}
        self._parent: UnitOfWork | None = None
        self._token: Token[UnitOfWork | None] | None = None
        self._atomic = transaction.atomic()

    # --- the block ---------------------------------------------------------------------------

    def __enter__(self) -> UnitOfWork:
        self._parent = _current.get()
        if self._parent is not None:  # one batch, one timestamp and one reason for the save
            self.batch, self.at = self._parent.batch, self._parent.at
            self.reason = self.reason or self._parent.reason
        self._atomic.__enter__()  # a savepoint when nested
        self._token = _current.set(self)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        try:
            if kind is None:
                if self._parent is not None:
                    self._parent._rows += self._rows
                    for pk, instances in self._touched.items():
                        self._parent._touched.setdefault(pk, []).extend(instances)
                else:
                    self._finish()
        except BaseException as failure:
            assert self._token is not None
            _current.reset(self._token)
            self._atomic.__exit__(type(failure), failure, failure.__traceback__)
            raise
        assert self._token is not None
        _current.reset(self._token)
        self._atomic.__exit__(kind, error, trace)

    def _finish(self) -> None:
        """Bump each touched system once, then chain and append the log rows."""
        if self._touched:
            pks = list(self._touched)
            System.objects.filter(pk__in=pks).update(revision=F("revision") + 1)
            for pk, revision in System.objects.filter(pk__in=pks).values_list("pk", "revision"):
                for instance in self._touched[pk]:
                    instance.revision = revision
        audit.append(self._rows)

    @property
    def rows(self) -> list[Change]:
        """The change-log rows recorded so far (appended when the block ends)."""
        return self._rows

    # --- recording ---------------------------------------------------------------------------

    def record(
        self,
        object_type: str,
        object_id: int | None,
        label: str,
        action: str,
        changes: Iterable[FieldChange] = (),
        *,
        reason: str | None = None,
        system: System | None = None,
    ) -> None:
        """Log an event or a change: one row per changed field, or one for the action."""
        system = system or self.system
        if system is not None:
            self._touched.setdefault(system.pk, [])
            if all(instance is not system for instance in self._touched[system.pk]):
                self._touched[system.pk].append(system)
        actor = self.actor
        base = {
            "organization_id": system.organization_id if system else self.organization_id,
            "system_id": None if system is None else system.pk,
            "object_type": ObjectType(object_type).value,
            "object_id": object_id,
            "object_label": label[:300],
            "action": action[:20],
            "reason": self.reason if reason is None else reason.strip(),
            "user_id": actor.user_id,
            "user_label": actor.label[:200],
            "ip_address": actor.ip,
            "at": self.at,
            "batch": self.batch,
        }
        rows = [
            Change(**base, field=name[:64], old=as_text(old), new=as_text(new))
            for name, old, new in changes
        ] or [Change(**base)]
        self._rows += rows

    def created(
        self,
        object_type: str,
        instance: models.Model,
        label: str,
        values: Mapping[str, Any],
        *,
        system: System | None = None,
    ) -> None:
        """Log an object just inserted, with each field it holds."""
        self.record(object_type, instance.pk, label, "create", created(values), system=system)

    def save(
        self,
        model: type[M],
        pk: int,
        version: int,
        values: Mapping[str, Any],
        *,
        object_type: str,
        label: str,
        untracked: Mapping[str, Any] | None = None,
        reason: str | None = None,
    ) -> tuple[M, list[FieldChange]]:
        """Apply ``values`` to row ``pk`` if it is still at ``version``; log each change.

        Returns the row as saved and the changes (none: nothing saved, the version stays).
        ``untracked`` values (timestamps) are saved along with a change but not logged.
        Raises :class:`Conflict` when the row moved on since ``version``.
        """
        manager = model._default_manager
        current = manager.select_for_update().get(pk=pk)
        if current.version != version:  # type: ignore[attr-defined]
            raise Conflict(label, latest_changes(object_type, pk))
        changes = diff(current, values)
        if not changes:
            return current, []
        for name, _old, new in changes:
            setattr(current, name, new)
        current.version = version + 1  # type: ignore[attr-defined]
        updated = manager.filter(pk=pk, version=version).update(
            **dict(values), **dict(untracked or {}), version=version + 1
        )
        if updated != 1:  # lost a race the lock did not prevent
            raise Conflict(label, latest_changes(object_type, pk))
        self.record(object_type, pk, label, "update", changes, reason=reason)
        return current, changes

    def remove(
        self,
        model: type[models.Model],
        pk: int,
        version: int,
        *,
        object_type: str,
        label: str,
        changes: Iterable[FieldChange] = (),
    ) -> None:
        """Mark row ``pk`` removed (``deleted_at``) if it is still at ``version``; log it."""
        updated = model._default_manager.filter(
            pk=pk, version=version, deleted_at__isnull=True
        ).update(deleted_at=self.at, version=version + 1)
        if updated != 1:
            raise Conflict(label, latest_changes(object_type, pk))
        self.record(object_type, pk, label, "delete", changes)


def record_event(
    actor: Actor,
    object_type: str,
    object_id: int | None,
    label: str,
    action: str,
    changes: Iterable[FieldChange] = (),
    *,
    organization: Organization | None = None,
    reason: str = "",
) -> None:
    """Log one event of an organization (``organization``) or of a person alone (none): a
    sign-in, a password change, a token issued or revoked, an invitation sent or accepted.

    Its own unit of work: the row is chained like every other, with who, when and from where.
    """
    with UnitOfWork(actor, organization=organization, reason=reason) as work:
        work.record(object_type, object_id, label, action, changes)
