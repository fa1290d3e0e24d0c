"""Bearer tokens (``Authorization: Bearer poam_...``), or the browser's session for the docs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from poam.web.workbench.models import ApiToken, token_digest

TOUCH_EVERY = timedelta(minutes=5)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = (
            ApiToken.objects.filter(digest=token_digest(token), revoked_at__isnull=True)
            .select_related("user")
            .first()
        )
        if found is None or not found.user.is_active:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > TOUCH_EVERY:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


AUTH = [TokenAuth(), django_auth]
