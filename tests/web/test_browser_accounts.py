"""Account journeys in a real browser: a security key (WebAuthn, with Chromium's virtual
authenticator through the DevTools protocol), an authenticator app (TOTP), and joining an
organization by invitation. Screenshots land in ``tests/web/screenshots/`` like the others.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from allauth.mfa.totp.internal import auth as totp_auth
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import expect

from poam.web.accounts import events
from tests.web.browser import PASSWORD, needs_chromium, shot

pytestmark = needs_chromium


@pytest.fixture
def context(browser: Any, live_server: Any, world: Any) -> Iterator[Any]:
    made = browser.new_context(viewport={"width": 1280, "height": 900})
    made.set_default_timeout(15_000)
    made.base = live_server.url
    errors: list[str] = []
    made.on("weberror", lambda error: errors.append(str(error.error)))
    made.console_errors = errors
    yield made
    made.close()
    # no script error, and no Content-Security-Policy refusal of allauth's scripts
    assert not [e for e in errors if "favicon" not in e and "404" not in e], errors


def _page(context: Any) -> Any:
    page = context.new_page()
    page.base = context.base
    page.on(
        "console",
        lambda m: m.type == "error" and context.console_errors.append(m.text),
    )
    return page


def _sign_in(page: Any, username: str) -> None:
    page.goto(page.base + "/account/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _reauthenticate_if_asked(page: Any) -> None:
    if "/account/reauthenticate/" in page.url:
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Confirm").click()


def test_a_security_key_as_second_factor(context: Any, world: Any) -> None:
    page = _page(context)
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    _sign_in(page, "editor")
    page.wait_for_url(page.base + "/")
    page.get_by_role("link", name="Security").click()
    page.get_by_role("link", name="Manage two-factor authentication").click()
    shot(page, "20-mfa-index")
    page.goto(page.base + "/account/2fa/webauthn/add/")
    _reauthenticate_if_asked(page)
    page.get_by_label("Name").fill("YubiKey on my keyring")
    shot(page, "21-webauthn-add")
    page.get_by_role("button", name="Add").click()
    page.wait_for_url(re.compile(r".*/account/2fa/.*"))
    shot(page, "22-webauthn-added")
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": added["authenticatorId"]})
    assert len(credentials["credentials"]) == 1
    page.goto(page.base + "/account/security/")
    expect(page.locator("main")).to_contain_text("Security keys (WebAuthn): 1")

    page.get_by_role("button", name="Sign out editor").click()
    _sign_in(page, "editor")
    page.wait_for_url(page.base + "/account/2fa/authenticate/")
    shot(page, "23-second-factor")
    page.get_by_role("button", name="Use a security key").click()
    page.wait_for_url(page.base + "/")
    assert "Acme CUI Enclave" in page.locator("main").inner_text()
    kinds = list(events.of_account(world.users["editor"]).values_list("action", flat=True))
    assert "mfa-added" in kinds and kinds.count("login") == 2


NOW = 1_800_000_000.0


class _Clock:
    @staticmethod
    def time() -> float:
        return NOW


def test_an_authenticator_app_as_second_factor(
    context: Any, world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the live server runs in this process: pin allauth's TOTP clock, as test_mfa.py does
    monkeypatch.setattr(totp_auth, "time", _Clock)
    page = _page(context)
    _sign_in(page, "viewer")
    page.wait_for_url(page.base + "/")
    page.goto(page.base + "/account/2fa/totp/activate/")
    _reauthenticate_if_asked(page)
    shot(page, "24-totp-activate")
    secret = page.get_by_label("Authenticator secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret), secret
    assert page.locator("main img, main svg").count() == 1  # the QR code
    code = format_hotp_value(hotp_value(secret, int(NOW) // 30))
    page.get_by_label("Authenticator code").fill(code)
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url(re.compile(r".*/account/2fa/.*"))
    shot(page, "25-totp-active")
    page.goto(page.base + "/account/security/")
    expect(page.locator("main")).to_contain_text("Authenticator app (TOTP): on")
    page.get_by_role("button", name="Sign out viewer").click()
    _sign_in(page, "viewer")
    page.wait_for_url(page.base + "/account/2fa/authenticate/")
    page.get_by_label("Code").fill(format_hotp_value(hotp_value(secret, int(NOW) // 30 + 1)))
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(page.base + "/")


def test_join_an_organization_by_invitation(context: Any, world: Any, mailoutbox: Any) -> None:
    admin = _page(context)
    _sign_in(admin, "administrator")
    admin.wait_for_url(admin.base + "/")
    admin.goto(f"{admin.base}/orgs/{world.org.slug}/")
    admin.get_by_text("Invite a member").click()
    admin.get_by_label("Email", exact=True).fill("nina@example.com")
    admin.get_by_label("Role", exact=True).select_option("editor")
    admin.get_by_role("button", name="Send invitation").click()
    expect(admin.locator(".messages")).to_contain_text("Invitation sent to nina@example.com")
    shot(admin, "26-invitation-sent")
    assert len(mailoutbox) == 1
    link = re.search(r"http://\S+/invitations/\S+/", mailoutbox[0].body)
    assert link
    invitee = context.browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = invitee.new_page()
        page.goto(link[0])
        expect(page.get_by_role("heading", name="Join Acme Precision Parts")).to_be_visible()
        page.get_by_label("User name").fill("nina")
        page.get_by_label("Full name").fill("Nina Newcomer")
        page.get_by_label("Password", exact=False).first.fill("a-new-members-pass-91")
        page.get_by_label("Password again").fill("a-new-members-pass-91")
        shot(page, "27-invitation-accept")
        page.get_by_role("button", name="Create account and join").click()
        page.wait_for_url(re.compile(r".*/orgs/acme/$"))
        expect(page.locator(".messages")).to_contain_text("You joined Acme Precision Parts")
        expect(page.locator("main")).to_contain_text("Nina Newcomer")
        shot(page, "28-joined")
    finally:
        invitee.close()
