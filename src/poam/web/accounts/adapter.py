"""poam's hooks into django-allauth: no open sign-up, back-off around every password check,
invitation-aware redirects, and TOTP secrets encrypted at rest."""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest

from poam.web.accounts import devices, throttle
from poam.web.accounts.events import Event, record
from poam.web.accounts.network import address_key, client_ip


def attempt_keys(request: HttpRequest | None, username: str) -> list[str]:
    """The back-off keys of a sign-in attempt: the address, and the account or this device."""
    keys = [address_key(client_ip(request))]
    nonce = devices.nonce_for(request, username) if request is not None else None
    keys.append(throttle.device_key(nonce) if nonce else throttle.account_key(username))
    return keys


def note_failure(
    request: HttpRequest | None, username: str, user: Any = None, **detail: Any
) -> None:
    started = throttle.fail(attempt_keys(request, username))
    kind = Event.MFA_FAILED if detail.get("factor") else Event.LOGIN_FAILED
    record(kind, request=request, user=user, username=username, **detail)
    for key in started:
        record(Event.BACKOFF, request=request, user=user, username=username, key=key.split(":")[0])


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is by invitation only; every password check is throttled first."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        # allauth's own login rate limits are replaced by poam's shared back-off (throttle.py)
        throttle.check(attempt_keys(request, str(credentials.get("username", ""))))

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        username = str(credentials.get("username", ""))
        # the event names the account when there is one, so its owner sees the attempt
        owner = get_user_model().objects.filter(username=username).first() if username else None
        note_failure(request, username, owner)


class PoamAuthenticateForm(AuthenticateForm):
    """The second step of a sign-in (TOTP or recovery code), under the same back-off."""

    def clean_code(self) -> str:
        username = self.user.get_username()
        throttle.check(attempt_keys(_request(), username))
        return str(super().clean_code())


class PoamReauthenticateForm(ReauthenticateForm):
    def clean_code(self) -> str:
        throttle.check(attempt_keys(_request(), self.user.get_username()))
        return str(super().clean_code())


def _request() -> HttpRequest | None:
    from allauth.core import context

    return context.request  # type: ignore[no-any-return]


def _fernet() -> Fernet:
    digest = hashlib.sha256(("poam.mfa.secrets:" + settings.SECRET_KEY).encode("utf-8")).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


class MFAAdapter(DefaultMFAAdapter):
    """TOTP secrets and recovery-code seeds are stored encrypted with a key derived from
    ``POAM_SECRET_KEY`` (a copy of the database alone gives no second factor)."""

    PREFIX = "fernet:"

    def encrypt(self, text: str) -> str:
        return self.PREFIX + _fernet().encrypt(text.encode("utf-8")).decode("ascii")

    def decrypt(self, encrypted_text: str) -> str:
        if not encrypted_text.startswith(self.PREFIX):
            return encrypted_text
        try:
            return _fernet().decrypt(encrypted_text[len(self.PREFIX) :].encode("ascii")).decode()
        except InvalidToken:
            # The secret key changed: this factor can no longer be checked. A random secret
            # (never an empty or fixed one, whose codes anyone could compute) makes every code
            # fail; the user signs in with another factor or has an administrator reset it.
            return base64.b32encode(secrets.token_bytes(20)).decode("ascii")
