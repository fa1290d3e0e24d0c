"""Every security event is in the hash-chained change log with who, when and from where.

Each event is caused the way a person or an attacker would cause it (pages, the API), from an
address behind one trusted proxy (``POAM_PROXY_HOPS=1``) with a forged ``X-Forwarded-For``
entry in front: the address recorded is always the one the proxy saw. The rows are refused
``UPDATE`` and ``DELETE`` by the database (SQLite and PostgreSQL) and ``poam audit verify``
covers them. Account events are on the account's security page; an organization's on its
activity page, for its administrators only.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import timezone

from poam.web.accounts import events, setup
from poam.web.accounts.events import Event
from poam.web.accounts.throttle import ACCOUNT
from poam.web.workbench import audit
from poam.web.workbench.models import ApiToken, Change, Membership, TokenScope
from tests.web.test_mfa import PASSWORD, _enrol_totp, _fixed_totp_clock  # noqa: F401

PROXY_SAW = "198.51.100.23"
FORGED = "6.6.6.6"
"""What the client itself wrote in X-Forwarded-For: never the recorded address."""


@pytest.fixture(autouse=True)
def _behind_one_proxy(settings: Any) -> None:
    settings.POAM_PROXY_HOPS = 1
    cache.clear()  # the aggregation of repeated refusals lives in the cache


def _client(**extra: Any) -> Client:
    """A browser behind the proxy: the proxy appends the address it saw to the client's header."""
    return Client(
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR=f"{FORGED}, {PROXY_SAW}",
        HTTP_USER_AGENT="Firefox/140",
        **extra,
    )


def _sign_in(client: Client, username: str, password: str = PASSWORD) -> Any:
    return client.post("/account/login/", {"login": username, "password": password})


def _one(action: str, **filters: Any) -> Change:
    return events.security_events().get(action=action, **filters)


def _from_proxy(row: Change) -> None:
    assert row.ip_address == PROXY_SAW
    assert row.at is not None and abs(timezone.now() - row.at) < timedelta(minutes=5)


def test_sign_in_failure_success_and_sign_out(world: Any) -> None:
    editor = world.users["editor"]
    client = _client()
    assert _sign_in(client, "editor", "wrong-secret-guess").status_code == 200
    assert _sign_in(client, "nobody-here", "another-guess").status_code == 200
    assert _sign_in(client, "editor").status_code == 302
    client.post("/account/logout/")

    failed = _one("login-failed", object_label="editor")
    _from_proxy(failed)
    # about the account (its owner sees it), caused by nobody proven
    assert (failed.object_id, failed.user_id, failed.user_label) == (
        editor.pk,
        None,
        events.NOT_SIGNED_IN,
    )
    unknown = _one("login-failed", object_label="nobody-here")
    assert unknown.object_id is None and unknown.user_id is None
    login = _one("login")
    logout = _one("logout")
    for row in (login, logout):
        _from_proxy(row)
        assert (row.object_id, row.user_id) == (editor.pk, editor.pk)
    assert events.detail(login) == {"agent": "Firefox/140"}
    everything = " ".join(str(row.new) for row in events.security_events())
    assert "wrong-secret-guess" not in everything and "another-guess" not in everything
    assert PASSWORD not in everything


def test_back_off_refusals_are_counted_in_one_row_per_window(world: Any) -> None:
    client = _client()
    free = int(ACCOUNT.free)
    for attempt in range(free + 1):
        _sign_in(client, "editor", f"guess-{attempt}")
    backoff = events.security_events().filter(action="backoff", object_label="editor")
    assert backoff.count() == 1
    _from_proxy(backoff.get())

    statuses = [_sign_in(client, "editor", f"more-{n}").status_code for n in range(12)]
    assert set(statuses) == {429}
    refused = events.security_events().filter(action=Event.REFUSED)
    assert refused.count() == 1  # twelve refusals, one row
    first = refused.get()
    _from_proxy(first)
    assert events.detail(first)["count"] == 1 and events.detail(first)["key"] == "account"
    assert first.object_label == "editor"

    # the window ends (its cache key expires): the next refusal writes the count since
    cache.delete(f"poam:event:{Event.REFUSED}:account:editor")
    _sign_in(client, "editor", "yet-another")
    latest = refused.order_by("-seq").first()
    assert latest is not None and latest.pk != first.pk
    assert events.detail(latest)["count"] == 12  # the 11 held back and this one


def test_mfa_added_codes_generated_and_used_and_removed(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    viewer = world.users["viewer"]
    client = _client()
    _sign_in(client, "viewer")
    _enrol_totp(client, django_capture_on_commit_callbacks)
    added = events.of_account(viewer).filter(action="mfa-added")
    assert {events.detail(row)["factor"] for row in added} == {"totp", "recovery_codes"}
    for row in added:
        _from_proxy(row)

    with django_capture_on_commit_callbacks(execute=True):
        page = client.post("/account/2fa/recovery-codes/generate/")
    assert page.status_code == 302, page.content
    generated = _one("recovery-codes")
    _from_proxy(generated)
    assert generated.object_id == viewer.pk

    codes = RecoveryCodes(Authenticator.objects.get(user=viewer, type="recovery_codes"))
    code = codes.get_unused_codes()[0]
    client.post("/account/logout/")
    _sign_in(client, "viewer")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/account/2fa/authenticate/", {"code": code}).status_code == 302
    used = _one("recovery-code-used")
    _from_proxy(used)
    assert used.user_id == viewer.pk and code not in str(used.new)

    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post("/account/2fa/totp/deactivate/")
        assert asked["Location"].startswith("/account/reauthenticate/")
        # allauth replays the deactivation once the password is given again
        assert client.post(asked["Location"], {"password": PASSWORD}).status_code == 302
    assert not Authenticator.objects.filter(user=viewer, type="totp").exists()
    removed = events.of_account(viewer).filter(action="mfa-removed")
    assert {events.detail(row)["factor"] for row in removed} == {"totp", "recovery_codes"}
    for row in removed:
        _from_proxy(row)


def test_password_changed_and_reset(world: Any) -> None:
    editor = world.users["editor"]
    editor.email = "editor@example.com"
    editor.save()
    client = _client()
    _sign_in(client, "editor")
    changed = client.post(
        "/account/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "a-brand-new-phrase-41",
            "password2": "a-brand-new-phrase-41",
        },
    )
    assert changed.status_code == 302, changed.content
    row = _one("password-changed")
    _from_proxy(row)
    assert (row.object_id, row.user_id) == (editor.pk, editor.pk)

    anonymous = _client()
    anonymous.post("/account/password/reset/", {"email": "editor@example.com"})
    message = next(m for m in mail.outbox if m.to == ["editor@example.com"])
    link = re.search(r"http://testserver(/account/password/reset/key/\S+/)", str(message.body))
    assert link is not None
    form = anonymous.get(link[1], follow=True)
    action = form.redirect_chain[-1][0] if form.redirect_chain else link[1]
    done = anonymous.post(
        action, {"password1": "a-fresh-reset-phrase-8", "password2": "a-fresh-reset-phrase-8"}
    )
    assert done.status_code == 302
    reset = _one("password-reset")
    _from_proxy(reset)
    assert reset.object_id == editor.pk


def test_tokens_created_revoked_and_refused_when_expired(world: Any) -> None:
    editor = world.users["editor"]
    client = _client()
    client.force_login(editor)
    client.post("/account/tokens/new/", {"name": "ci", "scope": "write", "days": "30"})
    created = _one("token-created")
    _from_proxy(created)
    token = ApiToken.objects.get(user=editor, name="ci")
    assert events.detail(created)["token"] == token.hint and created.object_id == editor.pk
    client.post(f"/account/tokens/{token.pk}/revoke/")
    revoked = _one("token-revoked")
    _from_proxy(revoked)
    assert events.detail(revoked)["reason"] == "owner"

    old, clear = ApiToken.issue(editor, "old", scope=TokenScope.READ)
    ApiToken.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(days=1))
    api = _client(HTTP_AUTHORIZATION=f"Bearer {clear}")
    assert [api.get("/api/systems").status_code for _ in range(5)] == [401] * 5
    refused = events.security_events().filter(action="token-refused")
    assert refused.count() == 1  # a script retrying an expired token: one row per window
    row = refused.get()
    _from_proxy(row)
    assert events.detail(row)["why"] == "expired" and events.detail(row)["token"] == old.hint
    assert row.object_id == editor.pk


def test_invitations_memberships_and_policy_are_on_the_organization_log(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    admin = world.users["administrator"]
    client = _client()
    client.force_login(admin)
    slug = world.org.slug
    client.post(f"/orgs/{slug}/invitations/new/", {"email": "new@example.com", "role": "viewer"})
    sent = _one("invitation-sent")
    _from_proxy(sent)
    assert (sent.organization_id, sent.user_id, sent.object_type) == (
        world.org.pk,
        admin.pk,
        "invitation",
    )
    client.post(f"/orgs/{slug}/invitations/new/", {"email": "gone@example.com", "role": "editor"})
    second = events.security_events().get(action="invitation-sent", object_label="gone@example.com")
    client.post(f"/orgs/{slug}/invitations/{second.object_id}/revoke/")
    revoked = _one("invitation-revoked")
    _from_proxy(revoked)
    assert revoked.user_id == admin.pk and revoked.organization_id == world.org.pk

    link = re.search(r"http://testserver(/invitations/\S+/)", str(mail.outbox[0].body))
    assert link is not None
    invitee = _client()
    joined = invitee.post(
        link[1],
        {
            "username": "newcomer",
            "full_name": "New Comer",
            "password1": "a-newcomer-phrase-77",
            "password2": "a-newcomer-phrase-77",
        },
    )
    assert joined.status_code == 302, joined.content
    newcomer = get_user_model().objects.get(username="newcomer")
    accepted = _one("invitation-accepted")
    _from_proxy(accepted)
    assert (accepted.object_id, accepted.user_id, accepted.organization_id) == (
        newcomer.pk,
        newcomer.pk,
        world.org.pk,
    )

    membership = Membership.objects.get(user=newcomer, organization=world.org)
    client.post(f"/orgs/{slug}/members/{membership.pk}/", {"role": "editor"})
    client.post(f"/orgs/{slug}/members/{membership.pk}/", {"remove": "1"})
    member_rows = Change.objects.filter(object_type="membership", object_id=membership.pk)
    assert [(r.action, r.new) for r in member_rows.order_by("seq")] == [
        ("create", "viewer"),
        ("update", "editor"),
        ("delete", None),
    ]
    for row in member_rows:
        _from_proxy(row)

    secret = _enrol_totp_for(admin, django_capture_on_commit_callbacks)
    assert secret
    client.post(f"/orgs/{slug}/security/", {"mfa_required": "1"})
    policy = _one("mfa-policy-changed")
    _from_proxy(policy)
    assert (policy.object_type, policy.object_id, policy.user_id) == (
        "organization",
        world.org.pk,
        admin.pk,
    )
    assert events.detail(policy)["mfa_required"] is True

    created = _client()
    created.force_login(world.users["outsider"])  # no organization requiring MFA
    made = created.post("/orgs/new/", {"name": "Outsider's Own Shop"})
    assert made.status_code == 302 and made["Location"].startswith("/orgs/")
    org_row = Change.objects.get(
        object_type="organization", action="create", field="name", new="Outsider's Own Shop"
    )
    _from_proxy(org_row)
    assert org_row.user_id == world.users["outsider"].pk

    page = client.get(f"/orgs/{slug}/activity/")
    assert page.status_code == 200
    text = page.content.decode()
    for action in (
        "invitation-sent",
        "invitation-revoked",
        "invitation-accepted",
        "mfa-policy-changed",
    ):
        assert action in text
    assert PROXY_SAW in text and FORGED not in text
    assert "Outsider&#x27;s Own Shop" not in text  # another organization's creation


def _enrol_totp_for(user: Any, commits: Any) -> str:
    """An administrator needs a second factor before requiring one of everyone."""
    client = _client()
    _sign_in(client, user.get_username())
    return _enrol_totp(client, commits)


def test_the_activity_page_is_for_administrators_only(login: Any, world: Any) -> None:
    for role in ("editor", "viewer"):
        page = login(world.users[role]).get(f"/orgs/{world.org.slug}/activity/")
        assert page.status_code in (403, 404)
    outsider = login(world.users["outsider"]).get(f"/orgs/{world.org.slug}/activity/")
    assert outsider.status_code in (403, 404)


def test_the_account_page_shows_its_own_events_only(world: Any) -> None:
    client = _client()
    _sign_in(client, "editor", "not-it")
    _sign_in(client, "viewer", "not-it-either")
    _sign_in(client, "editor")
    page = client.get("/account/security/").content.decode()
    assert "login-failed" in page and PROXY_SAW in page and FORGED not in page
    viewer_rows = events.of_account(world.users["viewer"])
    assert viewer_rows.count() == 1
    assert not events.of_account(world.users["editor"]).filter(pk=viewer_rows.get().pk).exists()


def test_first_administrator_is_recorded_with_the_address(db: Any, settings: Any) -> None:
    token = setup.issue()
    client = _client()
    done = client.post(
        f"/setup/?token={token}",
        {
            "token": token,
            "username": "founder",
            "email": "founder@example.com",
            "password": "a-founders-long-phrase-3",
            "organization": "Founded Co",
        },
    )
    assert done.status_code == 302, done.content
    row = _one("first-administrator")
    _from_proxy(row)
    founder = get_user_model().objects.get(username="founder")
    assert (row.object_id, row.user_id) == (founder.pk, founder.pk)
    assert row.organization is not None and row.organization.name == "Founded Co"


def test_security_rows_are_chained_and_refused_update_and_delete(world: Any) -> None:
    client = _client()
    _sign_in(client, "editor", "wrong")
    _sign_in(client, "editor")
    rows = list(events.security_events())
    assert len(rows) == 2
    assert audit.verify().intact
    with connection.cursor() as cursor:
        for row in rows:
            with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
                cursor.execute(
                    "UPDATE workbench_change SET ip_address = %s WHERE id = %s",
                    ["192.0.2.1", row.pk],
                )
            with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
                cursor.execute("DELETE FROM workbench_change WHERE id = %s", [row.pk])
    assert [r.ip_address for r in events.security_events()] == [PROXY_SAW, PROXY_SAW]
    assert audit.verify().intact


@pytest.mark.django_db(transaction=True)
def test_events_of_the_old_table_move_into_the_chain() -> None:
    """The migration appends the events of the accounts' former table to the chain."""
    executor = MigrationExecutor(connection)
    before = [("poam_accounts", "0001_initial"), ("workbench", "0100_api_token_expiry_scope")]
    executor.migrate(before)
    old = MigrationExecutor(connection).loader.project_state(before).apps
    user = old.get_model("auth", "User").objects.create(username="old-timer", first_name="Old")
    event = old.get_model("poam_accounts", "SecurityEvent")
    at = timezone.now() - timedelta(days=3)
    event.objects.create(at=at, kind="login", user=user, username="old-timer", ip="192.0.2.8")
    event.objects.create(
        at=at,
        kind="recovery-codes-generated",
        user=user,
        username="old-timer",
        ip="192.0.2.8",
        user_agent="Safari",
    )
    event.objects.create(at=at, kind="login-failed", username="ghost", detail={"x": 1})

    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    rows = list(events.security_events().order_by("seq"))
    assert [(r.action, r.object_label, r.ip_address) for r in rows] == [
        ("login", "old-timer", "192.0.2.8"),
        ("recovery-codes", "old-timer", "192.0.2.8"),
        ("login-failed", "ghost", None),
    ]
    assert rows[0].user_id == user.pk and rows[2].user_id is None
    assert events.detail(rows[1]) == {"agent": "Safari"}
    assert audit.verify().intact
