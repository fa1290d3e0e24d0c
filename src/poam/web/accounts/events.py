"""The security log: one function writes every account and access event.

Each event goes into the change log itself (:class:`~poam.web.workbench.models.Change`), through
a unit of work and so :func:`poam.web.workbench.audit.append`: it is hash-chained with every
other change, refused ``UPDATE``/``DELETE`` by the database's triggers, and covered by
``poam audit verify``. A row says what the event is about (``object_type``, ``object_id``,
``object_label``: the account, the organization for its MFA policy, or the invitation), who
caused it (``user``: the account itself, an administrator, or nobody for an attempt not yet
proven), which organization, when, from which address
(:func:`poam.web.accounts.network.client_ip`), and its details as JSON in ``new`` (never a
password or a code).

Events that an attacker can repeat at will (refusals under back-off, an expired token still
used) are aggregated: at most one row per key and :data:`AGGREGATE_WINDOW`, counting the
refusals since the last row (:func:`record_aggregated`).
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from enum import StrEnum
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.http import HttpRequest

from poam.web.accounts.network import client_ip
from poam.web.workbench.history import Actor, UnitOfWork
from poam.web.workbench.models import Change, ObjectType, Organization

logger = logging.getLogger("poam.security")

AGGREGATE_WINDOW = timedelta(minutes=5)
"""A repeated refusal is written at most once per key in this time, with its count."""
NOT_SIGNED_IN = "(not signed in)"
"""Who caused an attempt that did not prove who it was (a failed sign-in)."""


class Event(StrEnum):
    """The kinds of security event (the change log's ``action``; at most 20 characters)."""

    LOGIN = "login"
    LOGIN_FAILED = "login-failed"
    LOGOUT = "logout"
    BACKOFF = "backoff"
    """Failures crossed the free allowance: an account, address or device is slowed down."""
    REFUSED = "backoff-refused"
    """Attempts refused (429) while backed off: aggregated, with their count."""
    SESSION_EXPIRED = "session-expired"
    MFA_ADDED = "mfa-added"
    MFA_REMOVED = "mfa-removed"
    MFA_FAILED = "mfa-failed"
    RECOVERY_CODES = "recovery-codes"
    """Recovery codes (re)generated."""
    RECOVERY_CODE_USED = "recovery-code-used"
    MFA_POLICY = "mfa-policy-changed"
    PASSWORD_CHANGED = "password-changed"
    PASSWORD_RESET = "password-reset"
    INVITATION_SENT = "invitation-sent"
    INVITATION_ACCEPTED = "invitation-accepted"
    INVITATION_REVOKED = "invitation-revoked"
    TOKEN_CREATED = "token-created"
    TOKEN_REVOKED = "token-revoked"
    TOKEN_REFUSED = "token-refused"
    """A revoked or expired token was presented: aggregated, with its count."""
    FIRST_ADMINISTRATOR = "first-administrator"


UNPROVEN = frozenset({Event.LOGIN_FAILED, Event.MFA_FAILED, Event.BACKOFF, Event.REFUSED})
"""Events of an attempt whose maker is not known: recorded with nobody as their cause."""
SECURITY_ACTIONS = frozenset(str(event) for event in Event)
"""Every security event's ``action`` (the change log's other rows say create/update/delete)."""


def _saved(person: Any) -> Any:
    return person if person is not None and getattr(person, "pk", None) else None


def record(
    kind: Event,
    *,
    request: HttpRequest | None = None,
    user: Any = None,
    username: str = "",
    actor: Any = None,
    organization: Organization | None = None,
    subject: tuple[ObjectType, int | None, str] | None = None,
    **detail: Any,
) -> Change:
    """Append one event to the change log and return its row.

    ``user``: the account it is about (a failed sign-in for an unknown name: none, with the
    ``username`` typed); ``actor``: who caused it when not the account itself (an
    administrator); ``subject``: what it is about when not an account (object type, id, label).
    """
    account, actor = _saved(user), _saved(actor)
    cause = actor or (None if kind in UNPROVEN else account)
    name = username or (account.get_username() if account is not None else "")
    object_type, object_id, label = subject or (
        ObjectType.USER,
        None if account is None else int(account.pk),
        name,
    )
    values = {
        key: value if isinstance(value, bool | int | float | str) else str(value)
        for key, value in detail.items()
        if value is not None
    }
    agent = request.META.get("HTTP_USER_AGENT", "") if request is not None else ""
    if agent:
        values["agent"] = str(agent)[:300]
    if cause is not None:
        who = Actor.of(cause, client_ip(request))
    else:
        who = Actor(None, NOT_SIGNED_IN if kind in UNPROVEN else "poam", client_ip(request))
    with UnitOfWork(who, organization=organization) as work:
        work.record(
            object_type,
            object_id,
            str(label),
            str(kind),
            [("", None, values)] if values else (),
            reason="",
        )
        row = work.rows[-1]
    logger.info("security event %s about=%s ip=%s %s", kind, name, who.ip, values)
    return row


def record_aggregated(kind: Event, aggregate: str, /, **arguments: Any) -> Change | None:
    """:func:`record`, at most once per ``aggregate`` key and :data:`AGGREGATE_WINDOW` (per cache).

    The row written carries ``count``: how many such events happened since the last row for
    the key (this one included), so that a flood of refusals costs one row per window, not
    one per request, and is still counted.
    """
    seen_key = f"poam:event:{kind}:{aggregate}"[:240]
    count_key = seen_key + ":count"
    seconds = int(AGGREGATE_WINDOW.total_seconds())
    if not cache.add(seen_key, 1, timeout=seconds):  # written recently: count it only
        try:
            cache.incr(count_key)
        except ValueError:
            cache.set(count_key, 1, timeout=seconds * 4)
        return None
    pending = int(cache.get(count_key) or 0)
    cache.delete(count_key)
    return record(kind, count=pending + 1, **arguments)


def detail(change: Change) -> dict[str, Any]:
    """The details of a security event (its ``new`` column read back), or none."""
    if change.action not in SECURITY_ACTIONS or not change.new:
        return {}
    try:
        values = json.loads(change.new)
    except ValueError:
        return {}
    return values if isinstance(values, dict) else {}


def security_events() -> QuerySet[Change]:
    """Every security event, newest first."""
    return Change.objects.filter(action__in=SECURITY_ACTIONS).order_by("-at", "-id")


def of_account(user: Any) -> QuerySet[Change]:
    """The events about one account (its sign-ins, factors, passwords, tokens)."""
    return security_events().filter(object_type=ObjectType.USER, object_id=int(user.pk or 0))


def of_organization(organization: Organization) -> QuerySet[Change]:
    """The organization's own log for its administrators: its security events (invitations,
    MFA policy, first administrator) and its membership and organization changes."""
    return Change.objects.filter(organization=organization, system__isnull=True).order_by(
        "-at", "-id"
    )
