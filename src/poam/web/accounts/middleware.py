"""Session rules on every request: idle timeout, "MFA required", and refusals (429, 503).

Idle timeout (NIST SP 800-63B 4.2.3: at AAL2, reauthenticate after 30 minutes of inactivity and
at least every 12 hours): a session unused for ``POAM_SESSION_IDLE_MINUTES`` (default 30) is
ended, and so is any session 12 hours (``SESSION_COOKIE_AGE``) after sign-in, whatever the
activity. The last-seen time is
written to the session at most once a minute, not on every request.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from poam.web.accounts import devices, policy
from poam.web.accounts.events import Event, record, record_aggregated
from poam.web.accounts.hashing import HashingBusy
from poam.web.accounts.throttle import Throttled

SEEN = "poam_seen"
STARTED = "poam_started"
MFA_CHECKED = "poam_mfa_checked"
WRITE_EVERY = 60
"""Seconds between writes of the last-seen time (and re-checks of the MFA policy)."""
MFA_FREE_PREFIXES = ("/account/", "/static/", "/invitations/")
"""What a member held back by "MFA required" may still reach: their account, to enrol."""


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


class AccountSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        early = self._idle(request) or self._mfa_policy(request)
        response = early or self.get_response(request)
        devices.set_cookie(request, response)
        return response

    def _idle(self, request: HttpRequest) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        now = int(time.time())
        seen = request.session.get(SEEN)
        started = request.session.get(STARTED)
        idle = int(getattr(settings, "POAM_SESSION_IDLE_SECONDS", 1800))
        longest = int(settings.SESSION_COOKIE_AGE)
        if not isinstance(started, int):
            started = now
            request.session[STARTED] = now
        if (isinstance(seen, int) and now - seen > idle) or now - started > longest:
            record(
                Event.SESSION_EXPIRED,
                request=request,
                user=user,
                idle_seconds=now - seen if isinstance(seen, int) else None,
                age_seconds=now - started,
            )
            request._poam_idle_expired = True  # type: ignore[attr-defined]
            logout(request)
            if _is_api(request):
                return None  # the API answers 401 to the now anonymous request
            messages.info(request, "You were signed out after a period of inactivity.")
            return redirect(reverse("account_login") + "?" + urlencode({"next": request.path}))
        if not isinstance(seen, int) or now - seen >= WRITE_EVERY:
            request.session[SEEN] = now
        return None

    def _mfa_policy(self, request: HttpRequest) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(MFA_FREE_PREFIXES):
            return None
        now = int(time.time())
        checked = request.session.get(MFA_CHECKED)
        if isinstance(checked, int) and now - checked < WRITE_EVERY:
            return None
        if not policy.lacks_required_mfa(user):
            request.session[MFA_CHECKED] = now
            return None
        names = ", ".join(policy.requiring_organizations(user))
        text = (
            f"{names} requires two-factor authentication: set up an authenticator app or a "
            "security key to continue."
        )
        if _is_api(request):
            return JsonResponse({"detail": text}, status=403)
        messages.warning(request, text)
        return redirect("account-security")

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Throttled):
            status, wait = 429, exception.retry_after
            kind, _sep, name = exception.key.partition(":")
            record_aggregated(
                Event.REFUSED,
                exception.key,
                request=request,
                username=name if kind == "account" else "",
                key=kind,
                retry_after=wait,
            )
            text = (
                "Too many failed sign-in attempts from here or for this account. "
                f"Try again in {wait} seconds."
            )
        elif isinstance(exception, HashingBusy):
            status, wait = 503, exception.retry_after
            text = "The server is busy checking other sign-ins. Try again in a moment."
        else:
            return None
        if _is_api(request):
            response: HttpResponse = JsonResponse({"detail": text}, status=status)
        else:
            response = render(
                request,
                "accounts/refused.html",
                {"text": text, "retry_after": wait, "status": status},
                status=status,
            )
        response["Retry-After"] = str(wait)
        return response
