"""Receivers that turn Django's and allauth's signals into security events, and revoke a
user's API tokens when their password changes (whatever changed it)."""

from __future__ import annotations

from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import get_user_model
from django.contrib.auth import signals as auth_signals
from django.db.models.signals import post_save, pre_save
from django.http import HttpRequest
from django.utils import timezone

from poam.web.accounts import devices, throttle
from poam.web.accounts.adapter import attempt_keys, note_failure
from poam.web.accounts.events import Event, record

PASSWORD_CHANGED = "_poam_password_changed"


def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None:
        return
    username = user.get_username()
    throttle.succeed(attempt_keys(request, username))
    devices.remember(request, username)
    now = int(timezone.now().timestamp())
    request.session["poam_seen"] = now
    request.session["poam_started"] = now
    record(Event.LOGIN, request=request, user=user)


def _logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None and not getattr(request, "_poam_idle_expired", False):
        record(Event.LOGOUT, request=request, user=user)


def _password_changed(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record(Event.PASSWORD_CHANGED, request=request, user=user)


def _password_reset(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record(Event.PASSWORD_RESET, request=request, user=user)


def _authenticator_event(kind: Event) -> Any:
    def receiver(
        sender: Any, request: HttpRequest, user: Any, authenticator: Any, **kw: Any
    ) -> None:
        record(kind, request=request, user=user, factor=str(authenticator.type))

    return receiver


def _authenticator_used(
    sender: Any, request: HttpRequest, user: Any, authenticator: Any, **kw: Any
) -> None:
    """A recovery code spent is an event (one fewer left); a TOTP code or a key is a sign-in."""
    from allauth.mfa.models import Authenticator

    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        record(
            Event.RECOVERY_CODE_USED,
            request=request,
            user=user,
            reauthenticated=bool(kw.get("reauthenticated")) or None,
        )


def _mfa_failed(
    sender: Any, request: HttpRequest, user: Any, authenticator: Any, **kw: Any
) -> None:
    note_failure(request, user.get_username(), user, factor=str(authenticator.type))


def _remember_password_change(
    sender: Any, instance: Any, update_fields: Any = None, **kw: Any
) -> None:
    """Before a user is saved: is its password hash about to change?"""
    if instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    stored = sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if stored is not None and stored != instance.password:
        setattr(instance, PASSWORD_CHANGED, True)


def _revoke_tokens(sender: Any, instance: Any, created: bool = False, **kw: Any) -> None:
    """After the save: a changed password revokes every API token of the user."""
    if not getattr(instance, PASSWORD_CHANGED, False):
        return
    setattr(instance, PASSWORD_CHANGED, False)
    from poam.web.accounts.tokens import revoke_all

    revoke_all(instance, reason="password changed")


_EVENTS = {
    mfa_signals.authenticator_added: _authenticator_event(Event.MFA_ADDED),
    mfa_signals.authenticator_removed: _authenticator_event(Event.MFA_REMOVED),
    mfa_signals.authenticator_reset: _authenticator_event(Event.RECOVERY_CODES),
}


def connect() -> None:
    uid = "poam.accounts"
    auth_signals.user_logged_in.connect(_logged_in, dispatch_uid=uid)
    auth_signals.user_logged_out.connect(_logged_out, dispatch_uid=uid)
    account_signals.password_changed.connect(_password_changed, dispatch_uid=uid)
    account_signals.password_set.connect(_password_changed, dispatch_uid=uid)
    account_signals.password_reset.connect(_password_reset, dispatch_uid=uid)
    mfa_signals.authentication_failed.connect(_mfa_failed, dispatch_uid=uid)
    mfa_signals.authenticator_used.connect(_authenticator_used, dispatch_uid=uid)
    for signal, receiver in _EVENTS.items():
        signal.connect(receiver, dispatch_uid=uid, weak=False)
    user_model = get_user_model()
    pre_save.connect(_remember_password_change, sender=user_model, dispatch_uid=uid)
    post_save.connect(_revoke_tokens, sender=user_model, dispatch_uid=uid)
