"""The security log: one function writes every account and access event.

Each event says who it is about, who caused it (an administrator, when not the account itself),
which organization, when, and from which address. Everything goes through :func:`record`, so
that the log can move (into the workbench's change log, say) by changing this one function.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from poam.web.accounts.models import SecurityEvent
from poam.web.accounts.network import client_ip

logger = logging.getLogger("poam.security")


class Event(StrEnum):
    LOGIN = "login"
    LOGIN_FAILED = "login-failed"
    LOGOUT = "logout"
    BACKOFF = "backoff"
    """Failures crossed the free allowance: an account, address or device is slowed down."""
    SESSION_EXPIRED = "session-expired"
    MFA_ADDED = "mfa-added"
    MFA_REMOVED = "mfa-removed"
    MFA_FAILED = "mfa-failed"
    RECOVERY_CODES = "recovery-codes-generated"
    MFA_POLICY = "mfa-policy-changed"
    PASSWORD_CHANGED = "password-changed"
    PASSWORD_RESET = "password-reset"
    INVITATION_SENT = "invitation-sent"
    INVITATION_ACCEPTED = "invitation-accepted"
    INVITATION_REVOKED = "invitation-revoked"
    TOKEN_CREATED = "token-created"
    TOKEN_REVOKED = "token-revoked"
    FIRST_ADMINISTRATOR = "first-administrator"


def record(
    kind: Event,
    *,
    request: HttpRequest | None = None,
    user: Any = None,
    username: str = "",
    actor: Any = None,
    organization: Any = None,
    **detail: Any,
) -> SecurityEvent:
    """Append one event. ``user``: the account it is about; ``actor``: who did it, if another."""
    if user is not None and not getattr(user, "pk", None):
        user = None
    if actor is not None and (not getattr(actor, "pk", None) or actor == user):
        actor = None
    name = username or (user.get_username() if user is not None else "")
    agent = request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""
    event = SecurityEvent.objects.create(
        at=timezone.now(),
        kind=str(kind),
        user=user,
        username=name[:150],
        actor=actor,
        organization=organization,
        ip=client_ip(request),
        user_agent=agent,
        detail={k: v for k, v in detail.items() if v is not None},
    )
    logger.info("security event %s user=%s ip=%s %s", kind, name, event.ip, event.detail)
    return event
