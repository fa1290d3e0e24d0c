"""Device cookies: a browser that signed in to an account is recognised the next time.

A signed cookie (Django's signing, keyed by the secret key) lists up to five accounts that
signed in from this browser, each with a random nonce. For such a browser the account's back-off
is replaced by the device's own (see ``throttle``), so an attacker elsewhere cannot lock the
owner out of their usual browser (OWASP, "Slow Down Online Guessing Attacks with Device Cookies").
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

COOKIE = "poam_device"
SALT = "poam.accounts.device"
MAX_AGE = 180 * 24 * 3600
KEEP = 5


def _entries(request: HttpRequest) -> list[list[str]]:
    raw = request.COOKIES.get(COOKIE, "")
    if not raw or len(raw) > 2000:
        return []
    try:
        value: Any = signing.loads(raw, salt=SALT, max_age=MAX_AGE)
    except (signing.BadSignature, ValueError):
        return []
    if not isinstance(value, list):
        return []
    return [
        e
        for e in value
        if isinstance(e, list) and len(e) == 2 and all(isinstance(x, str) for x in e)
    ][:KEEP]


def _name(username: str) -> str:
    return username.strip().casefold()


def nonce_for(request: HttpRequest, username: str) -> str | None:
    """The device nonce this browser holds for ``username``, if it signed in to it before."""
    wanted = _name(username)
    return next((nonce for name, nonce in _entries(request) if name == wanted), None)


def remember(request: HttpRequest, username: str) -> None:
    """After a complete sign-in: give this browser a fresh nonce for the account."""
    wanted = _name(username)
    others = [e for e in _entries(request) if e[0] != wanted]
    entries = [[wanted, secrets.token_urlsafe(16)], *others][:KEEP]
    request._poam_device_cookie = signing.dumps(entries, salt=SALT)  # type: ignore[attr-defined]


def set_cookie(request: HttpRequest, response: HttpResponse) -> None:
    value = getattr(request, "_poam_device_cookie", None)
    if value:
        response.set_cookie(
            COOKIE,
            value,
            max_age=MAX_AGE,
            secure=bool(getattr(settings, "SESSION_COOKIE_SECURE", False)),
            httponly=True,
            samesite="Lax",
        )
