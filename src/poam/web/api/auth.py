"""Who an API request acts as: a bearer token (``Authorization: Bearer poam_...``), or the
browser's session (for the interactive docs).

A token is refused (401, never a 500, whatever the header holds) when it is unknown, revoked,
expired or its user disabled; a read-only token is refused (403) any method that changes
something, on every route, because this check runs before any route does. A user held back by
an organization's "MFA required" policy gets 403 until they enrol a second factor. The token's
last use is written at most once a minute.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from poam.web.accounts import policy
from poam.web.accounts.events import Event, record_aggregated
from poam.web.accounts.tokens import SAFE_METHODS, TOUCH_EVERY
from poam.web.workbench.models import ApiToken, TokenScope, token_digest

LONGEST_TOKEN = 200
"""Ours are 48 characters; anything much longer is not one (and is not hashed)."""


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        token = token.strip()
        if not token.startswith(ApiToken.PREFIX) or len(token) > LONGEST_TOKEN:
            return None
        now = timezone.now()
        found = ApiToken.objects.filter(digest=token_digest(token)).select_related("user").first()
        if found is None or not found.user.is_active:
            return None
        if found.revoked_at is not None or found.expires_at is None or found.expires_at <= now:
            # a real token, no longer good: its owner sees it was still used, and from where
            record_aggregated(
                Event.TOKEN_REFUSED,
                f"token:{found.pk}",
                request=request,
                user=found.user,
                token=found.hint,
                why="revoked" if found.revoked_at is not None else "expired",
            )
            return None
        if request.method not in SAFE_METHODS and found.scope != TokenScope.WRITE:
            raise PermissionDenied("this token is read-only: create a read and write token")
        if policy.lacks_required_mfa(found.user):
            raise PermissionDenied(
                "your organization requires two-factor authentication: set it up under "
                "Security before using the API"
            )
        if found.last_used_at is None or now - found.last_used_at > TOUCH_EVERY:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        request.auth_token = found  # type: ignore[attr-defined]
        return found.user


AUTH = [TokenAuth(), django_auth]
