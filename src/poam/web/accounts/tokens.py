"""API tokens: issued with a scope and an expiry, revoked by their owner or by a password change.

A token is a bearer secret: it expires (at most a year; 90 days unless chosen), reads or writes
(``read`` tokens are refused any method but GET, HEAD and OPTIONS on every route), and dies with
the password it was created under: whoever changes a password to shut someone out shuts out
their tokens too.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone

from poam.web.accounts.events import Event, record
from poam.web.workbench.models import ApiToken, TokenScope

LIFETIMES = {7: "7 days", 30: "30 days", 90: "90 days", 365: "1 year"}
"""Lifetimes a person may choose, in days."""
DEFAULT_DAYS = 90
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
TOUCH_EVERY = timedelta(minutes=1)
"""``last_used_at`` is written at most once a minute per token, not on every request."""


def create(
    request: HttpRequest | None, user: Any, name: str, scope: str, days: int
) -> tuple[ApiToken, str]:
    name = name.strip()[:100] or "API token"
    if scope not in TokenScope.values:
        raise ValidationError({"scope": f"{scope!r} is not a scope (read or write)"})
    if days not in LIFETIMES:
        raise ValidationError({"days": "choose a lifetime of 7, 30, 90 or 365 days"})
    token, clear = ApiToken.issue(
        user, name, scope=scope, expires_at=timezone.now() + timedelta(days=days)
    )
    record(
        Event.TOKEN_CREATED,
        request=request,
        user=user,
        token=token.hint,
        name=name,
        scope=scope,
        expires=token.expires_at.isoformat() if token.expires_at else None,
    )
    return token, clear


def revoke(request: HttpRequest | None, user: Any, pk: int) -> bool:
    """Revoke one of ``user``'s own live tokens; False if there is no such token."""
    token = ApiToken.objects.filter(pk=pk, user_id=user.pk, revoked_at__isnull=True).first()
    if token is None:
        return False
    ApiToken.objects.filter(pk=token.pk).update(
        revoked_at=timezone.now(), revoked_reason="revoked by its owner"
    )
    record(Event.TOKEN_REVOKED, request=request, user=user, token=token.hint, reason="owner")
    return True


def revoke_all(user: Any, *, reason: str) -> int:
    """Revoke every live token of ``user`` (the password changed, the account was disabled)."""
    from allauth.core import context

    request = context.request
    live = list(ApiToken.objects.filter(user_id=user.pk, revoked_at__isnull=True))
    if not live:
        return 0
    ApiToken.objects.filter(pk__in=[t.pk for t in live]).update(
        revoked_at=timezone.now(), revoked_reason=reason[:60]
    )
    for token in live:
        record(Event.TOKEN_REVOKED, request=request, user=user, token=token.hint, reason=reason)
    return len(live)


def live(user: Any) -> Any:
    """The user's tokens that still work (newest first)."""
    return ApiToken.objects.filter(
        user_id=user.pk, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )
