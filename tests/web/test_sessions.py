"""Sessions end after 30 minutes without a request and 12 hours after sign-in; password resets
by email; the email and session settings (NIST SP 800-63B 4.2.3)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from poam.web import config
from poam.web.accounts import events
from poam.web.workbench.models import ApiToken

PASSWORD = "a-long-test-password"


def _age(client: Client, **seconds: int) -> None:
    session = client.session
    for key, value in seconds.items():
        session[key] = session[key] - value
    session.save()


def test_an_idle_session_ends(login: Any, world: Any) -> None:
    client = login(world.users["viewer"])
    assert client.get("/").status_code == 200
    _age(client, poam_seen=29 * 60)
    assert client.get("/").status_code == 200  # 29 minutes idle: still in
    _age(client, poam_seen=31 * 60)
    ended = client.get(f"/systems/{world.system.pk}/")
    assert ended.status_code == 302
    assert ended["Location"] == f"/account/login/?next=%2Fsystems%2F{world.system.pk}%2F"
    assert client.get("/").status_code == 302
    event = events.security_events().get(action="session-expired")
    assert event.object_id == world.users["viewer"].pk
    assert events.detail(event)["idle_seconds"] > 30 * 60
    assert not events.security_events().filter(action="logout").exists()


def test_activity_keeps_a_session_but_not_beyond_twelve_hours(login: Any, world: Any) -> None:
    client = login(world.users["viewer"])
    client.get("/")
    _age(client, poam_started=11 * 3600)
    assert client.get("/").status_code == 200
    _age(client, poam_started=3600 + 1)
    assert client.get("/").status_code == 302


def test_the_api_with_an_idle_session_is_401(login: Any, world: Any) -> None:
    client = login(world.users["viewer"])
    assert client.get("/api/systems").status_code == 200
    _age(client, poam_seen=31 * 60)
    assert client.get("/api/systems").status_code == 401


def test_last_seen_is_written_at_most_once_a_minute(login: Any, world: Any) -> None:
    client = login(world.users["viewer"])
    client.get("/")
    before = client.session["poam_seen"]
    client.get("/")
    assert client.session["poam_seen"] == before
    _age(client, poam_seen=61)
    client.get("/")
    assert client.session["poam_seen"] >= before


def test_password_reset_by_email(world: Any) -> None:
    user = world.users["editor"]
    user.email = "editor@example.com"
    user.save()
    _token, clear = ApiToken.issue(user, "t")
    client = Client()
    sent = client.post("/account/password/reset/", {"email": "editor@example.com"})
    unknown = client.post("/account/password/reset/", {"email": "nobody@example.com"})
    assert sent.status_code == unknown.status_code == 302
    assert sent["Location"] == unknown["Location"]  # the page does not tell who has an account
    message = next(m for m in mail.outbox if m.to == ["editor@example.com"])
    link = re.search(r"http://testserver(/account/password/reset/key/\S+/)", str(message.body))
    assert link, message.body
    form = client.get(link[1], follow=True)
    assert form.status_code == 200
    action = form.redirect_chain[-1][0] if form.redirect_chain else link[1]
    weak = client.post(action, {"password1": "Password123!", "password2": "Password123!"})
    assert weak.status_code == 200 and "too easy to guess" in weak.content.decode()
    done = client.post(
        action, {"password1": "a-fresh-reset-phrase-8", "password2": "a-fresh-reset-phrase-8"}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-fresh-reset-phrase-8")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {clear}").get("/api/systems").status_code == 401
    kinds = set(events.of_account(user).values_list("action", flat=True))
    assert {"password-reset", "token-revoked"} <= kinds
    assert get_user_model().objects.get(pk=user.pk).is_active


def test_email_settings() -> None:
    assert config.email({}).backend == config.CONSOLE_EMAIL
    smtp = config.email(
        {
            "POAM_EMAIL_HOST": "smtp.example.com",
            "POAM_EMAIL_USER": "poam",
            "POAM_EMAIL_PASSWORD": "secret",
            "POAM_EMAIL_FROM": "poam <poam@example.com>",
        }
    )
    assert (smtp.backend, smtp.host, smtp.port, smtp.tls, smtp.ssl) == (
        config.SMTP_EMAIL,
        "smtp.example.com",
        587,
        True,
        False,
    )
    assert smtp.sender == "poam <poam@example.com>"
    implicit = config.email({"POAM_EMAIL_HOST": "h", "POAM_EMAIL_SECURITY": "tls"})
    assert (implicit.port, implicit.ssl, implicit.tls) == (465, True, False)
    with pytest.raises(config.ConfigError, match="POAM_EMAIL_SECURITY"):
        config.email({"POAM_EMAIL_HOST": "h", "POAM_EMAIL_SECURITY": "ssl3"})
    with pytest.raises(config.ConfigError, match="POAM_EMAIL_PORT"):
        config.email({"POAM_EMAIL_HOST": "h", "POAM_EMAIL_PORT": "smtp"})


@pytest.mark.parametrize(
    ("raw", "expected"), [("", 30), ("5", 5), ("0", None), ("-3", None), ("ten", None)]
)
def test_positive_int_settings(raw: str, expected: int | None) -> None:
    env = {"POAM_SESSION_IDLE_MINUTES": raw}
    if expected is None:
        with pytest.raises(config.ConfigError, match="POAM_SESSION_IDLE_MINUTES"):
            config.positive_int(env, "POAM_SESSION_IDLE_MINUTES", 30)
    else:
        assert config.positive_int(env, "POAM_SESSION_IDLE_MINUTES", 30) == expected
