"""Two-factor sign-in (allauth's TOTP and recovery codes), its back-off, and the organization
policy "MFA required". WebAuthn security keys are exercised in a real browser
(test_browser_accounts.py)."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal import auth as totp_auth
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.test import Client

from poam.web.accounts import events, policy
from poam.web.accounts.throttle import ACCOUNT

PASSWORD = "a-long-test-password"


NOW = 1_800_000_000.0  # the TOTP clock of these tests: no test reads the wall clock


class _Clock:
    @staticmethod
    def time() -> float:
        return NOW


@pytest.fixture(autouse=True)
def _fixed_totp_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """allauth counts TOTP steps from time.time(): pin it, so that a code never crosses a
    30-second boundary however slow the machine."""
    monkeypatch.setattr(totp_auth, "time", _Clock)


def _code(secret: str, step: int = 0) -> str:
    return str(format_hotp_value(hotp_value(secret, int(NOW) // 30 + step)))


def _sign_in(client: Client, username: str) -> Any:
    return client.post("/account/login/", {"login": username, "password": PASSWORD})


def _enrol_totp(client: Client, commits: Any) -> str:
    """Activate TOTP as a person would: allauth asks for the password again first."""
    page = client.get("/account/2fa/totp/activate/")
    assert page.status_code == 302 and page["Location"].startswith("/account/reauthenticate/")
    again = client.post(page["Location"], {"password": PASSWORD})
    assert again.status_code == 302, again.content
    page = client.get("/account/2fa/totp/activate/")
    assert page.status_code == 200, page.status_code
    secret = client.session["mfa.totp.secret"]
    with commits(execute=True):  # allauth signals "authenticator added" once committed
        done = client.post("/account/2fa/totp/activate/", {"code": _code(secret)})
    assert done.status_code == 302, done.content
    return str(secret)


def test_enrol_totp_then_sign_in_with_a_code(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    assert _sign_in(client, "editor").status_code == 302
    secret = _enrol_totp(client, django_capture_on_commit_callbacks)
    user = world.users["editor"]
    types = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    assert types == {"totp", "recovery_codes"}
    stored = Authenticator.objects.get(user=user, type="totp").data["secret"]
    assert stored.startswith("fernet:") and secret not in stored  # encrypted at rest
    client.post("/account/logout/")
    first = _sign_in(client, "editor")
    assert first.status_code == 302 and first["Location"] == "/account/2fa/authenticate/"
    assert client.get("/").status_code == 302  # not signed in yet
    done = client.post("/account/2fa/authenticate/", {"code": _code(secret, 1)})
    assert done.status_code == 302 and done["Location"] == "/"
    assert client.get("/").status_code == 200
    kinds = list(events.of_account(user).values_list("action", flat=True))
    assert "mfa-added" in kinds and kinds.count("login") == 2


def test_a_recovery_code_signs_in_once(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    client = Client()
    _sign_in(client, "viewer")
    _enrol_totp(client, django_capture_on_commit_callbacks)
    client.post("/account/logout/")
    codes = RecoveryCodes(
        Authenticator.objects.get(user=world.users["viewer"], type="recovery_codes")
    ).get_unused_codes()
    _sign_in(client, "viewer")
    assert client.post("/account/2fa/authenticate/", {"code": codes[0]}).status_code == 302
    assert client.get("/").status_code == 200
    again = Client()
    _sign_in(again, "viewer")
    reused = again.post("/account/2fa/authenticate/", {"code": codes[0]})
    assert reused.status_code == 200 and "Incorrect code" in reused.content.decode()


def test_guessing_codes_meets_the_same_back_off(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    _sign_in(client, "editor")
    secret = _enrol_totp(client, django_capture_on_commit_callbacks)
    client.post("/account/logout/")
    attacker = Client()
    _sign_in(attacker, "editor")  # knows the password, guesses the code
    statuses = [
        attacker.post("/account/2fa/authenticate/", {"code": f"{i:06d}"}).status_code
        for i in range(int(ACCOUNT.free) + 3)
    ]
    assert statuses[-1] == 429
    refused = attacker.post("/account/2fa/authenticate/", {"code": _code(secret, 1)})
    assert refused.status_code == 429 and refused["Retry-After"]
    assert events.security_events().filter(action="mfa-failed", object_label="editor").exists()


def test_mfa_required_sends_members_to_enrol_first(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    admin_client = Client()
    _sign_in(admin_client, "administrator")
    refused = admin_client.post(f"/orgs/{world.org.slug}/security/", {"mfa_required": "1"})
    assert refused.status_code == 302 and not policy.mfa_required(world.org)  # enrol first
    _enrol_totp(admin_client, django_capture_on_commit_callbacks)
    admin_client.post(f"/orgs/{world.org.slug}/security/", {"mfa_required": "1"})
    assert policy.mfa_required(world.org)
    change = events.security_events().get(action="mfa-policy-changed")
    assert change.organization == world.org
    assert events.detail(change) == {"mfa_required": True}

    member = Client()
    _sign_in(member, "viewer")
    held = member.get(f"/systems/{world.system.pk}/")
    assert held.status_code == 302 and held["Location"] == "/account/security/"
    page = member.get("/account/security/").content.decode()
    assert "Acme Precision Parts requires two-factor authentication" in page
    assert member.get("/api/systems").status_code == 403
    _enrol_totp(member, django_capture_on_commit_callbacks)
    assert member.get(f"/systems/{world.system.pk}/").status_code == 200
    # the outsider belongs to Summit only: not concerned
    other = Client()
    _sign_in(other, "outsider")
    assert other.get("/").status_code == 200


def test_the_security_page_lists_the_accounts_own_events(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    client.post(
        "/account/login/", {"login": "editor", "password": "wrong"}, REMOTE_ADDR="192.0.2.4"
    )
    _sign_in(client, "editor")
    page = client.get("/account/security/").content.decode()
    assert "login-failed" in page and "192.0.2.4" in page
    assert "outsider" not in page


def test_a_totp_code_works_once_in_any_server_process(
    world: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    # the used codes are kept in the default cache, which every server process shares
    assert settings.CACHES["default"]["BACKEND"].endswith("FileBasedCache")
    client = Client()
    _sign_in(client, "editor")
    secret = _enrol_totp(client, django_capture_on_commit_callbacks)
    client.post("/account/logout/")
    code = _code(secret, 1)
    _sign_in(client, "editor")
    assert client.post("/account/2fa/authenticate/", {"code": code}).status_code == 302
    replay = Client()
    _sign_in(replay, "editor")
    again = replay.post("/account/2fa/authenticate/", {"code": code})
    assert again.status_code == 200 and "Incorrect code" in again.content.decode()
