"""Sign-in under attack: back-off per address, per account and per device, as an attacker tries.

The hostile inputs of issue 8: 50 wrong passwords in a row, then the right one; a guesser
spread over many addresses aiming at one account; a guesser trying to lock the owner out; an
unknown user name (which must behave exactly as a known one). Times are injected: no test waits.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from poam.web.accounts import events, throttle
from poam.web.accounts.models import Backoff
from poam.web.accounts.throttle import ACCOUNT, ADDRESS, Throttled, decay_to, delay

PASSWORD = "a-long-test-password"


def _sign_in(client: Client, username: str, password: str, ip: str = "203.0.113.7") -> Any:
    return client.post("/account/login/", {"login": username, "password": password}, REMOTE_ADDR=ip)


def test_delay_grows_after_the_free_failures_and_is_capped() -> None:
    assert delay(ACCOUNT.free, ACCOUNT) == 0
    first = delay(ACCOUNT.free + 1, ACCOUNT)
    assert first == ACCOUNT.base
    assert delay(ACCOUNT.free + 2, ACCOUNT) == 2 * first
    assert delay(ACCOUNT.free + 100, ACCOUNT) == ACCOUNT.cap


def test_failures_decay_by_half_each_half_life() -> None:
    now = timezone.now()
    assert decay_to(8.0, ACCOUNT, now - timedelta(seconds=ACCOUNT.half_life), now) == 4.0
    assert decay_to(8.0, ACCOUNT, now, now) == 8.0


def test_fifty_wrong_passwords_then_the_right_one_is_refused(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The 51 attempts happen in one instant: on a slow machine a real clock would let the first
    # 2-second delay run out between two attempts, and the test would measure the machine.
    instant = timezone.now()
    monkeypatch.setattr(throttle, "timezone", SimpleNamespace(now=lambda: instant))
    client = Client()
    statuses = [_sign_in(client, "editor", f"wrong-{i}").status_code for i in range(50)]
    free = int(ACCOUNT.free)
    assert statuses[:free] == [200] * free  # the form again, with its error
    assert set(statuses[free + 1 :]) == {429}
    refused = _sign_in(client, "editor", PASSWORD)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert "Too many failed sign-in attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # refused attempts are not even counted as failures: the password was never checked
    failed = events.security_events().filter(action="login-failed", object_label="editor").count()
    assert failed == free + 1
    backoff = events.security_events().filter(action="backoff", object_label="editor")
    assert backoff.count() == 1 and backoff.get().ip_address == "203.0.113.7"


def test_the_delay_ends_and_the_owner_signs_in(world: Any) -> None:
    client = Client()
    for i in range(int(ACCOUNT.free) + 1):
        _sign_in(client, "editor", f"wrong-{i}")
    assert _sign_in(client, "editor", PASSWORD).status_code == 429
    Backoff.objects.update(blocked_until=timezone.now() - timedelta(seconds=1))
    done = _sign_in(client, "editor", PASSWORD)
    assert done.status_code == 302 and done["Location"] == "/"
    # success forgets the account's failures, not the address's
    assert not Backoff.objects.filter(key="account:editor").exists()
    assert Backoff.objects.filter(key="address:203.0.113.7").exists()
    login = events.security_events().get(action="login", object_label="editor")
    assert login.ip_address == "203.0.113.7" and login.user == world.users["editor"]


def test_a_guesser_on_many_addresses_is_held_by_the_account_key(world: Any) -> None:
    client = Client()
    for i in range(int(ACCOUNT.free) + 1):
        assert _sign_in(client, "viewer", f"wrong-{i}", ip=f"198.51.100.{i + 1}").status_code == 200
    assert _sign_in(client, "viewer", "another", ip="198.51.100.200").status_code == 429


def test_one_address_is_held_across_accounts(world: Any) -> None:
    client = Client()
    names = [f"nobody-{i}" for i in range(int(ADDRESS.free) + 1)]
    for name in names:
        assert _sign_in(client, name, "wrong password").status_code == 200
    assert _sign_in(client, "editor", PASSWORD).status_code == 429
    assert _sign_in(client, "editor", PASSWORD, ip="192.0.2.9").status_code == 302


def test_an_unknown_user_name_is_treated_as_a_known_one(world: Any) -> None:
    known, unknown = Client(), Client()
    seen: list[Any] = []
    for client, name in ((known, "editor"), (unknown, "no-such-user")):
        seen.append(
            [
                (r.status_code, "did not match" in r.content.decode())
                for r in (
                    _sign_in(client, name, f"w{i}", ip=f"192.0.2.{len(seen) + 1}")
                    for i in range(int(ACCOUNT.free) + 2)
                )
            ]
        )
    assert seen[0] == seen[1]


def test_the_owners_browser_is_not_locked_out_by_an_attacker(world: Any) -> None:
    owner = Client()
    assert _sign_in(owner, "editor", PASSWORD, ip="192.0.2.50").status_code == 302
    assert owner.cookies["poam_device"].value
    owner.post("/account/logout/")
    attacker = Client()
    for i in range(30):
        _sign_in(attacker, "editor", f"guess-{i}", ip=f"198.51.100.{i + 1}")
    assert _sign_in(attacker, "editor", PASSWORD, ip="198.51.100.99").status_code == 429
    # the owner's browser carries its device cookie: its own key, not the attacked account's
    back = _sign_in(owner, "editor", PASSWORD, ip="192.0.2.50")
    assert back.status_code == 302


def test_a_forged_or_foreign_device_cookie_does_not_help(world: Any) -> None:
    owner = Client()
    _sign_in(owner, "viewer", PASSWORD, ip="192.0.2.60")
    cookie = owner.cookies["poam_device"].value
    attacker = Client()
    attacker.cookies["poam_device"] = cookie[:-3] + "xyz"  # forged
    for i in range(int(ACCOUNT.free) + 1):
        _sign_in(attacker, "editor", f"guess-{i}", ip=f"198.51.100.{i + 1}")
    assert _sign_in(attacker, "editor", PASSWORD, ip="198.51.100.77").status_code == 429
    other = Client()
    other.cookies["poam_device"] = cookie  # genuine, but for another account
    assert _sign_in(other, "editor", PASSWORD, ip="198.51.100.78").status_code == 429


def test_check_and_fail_with_injected_time(db: Any) -> None:
    now = timezone.now()
    keys = ["account:someone"]
    for _ in range(int(ACCOUNT.free)):
        assert throttle.fail(keys, now=now) == []
    assert throttle.fail(keys, now=now) == keys  # the back-off starts now
    with pytest.raises(Throttled) as refused:
        throttle.check(keys, now=now)
    assert refused.value.retry_after == int(ACCOUNT.base)
    throttle.check(keys, now=now + timedelta(seconds=ACCOUNT.base + 1))
    # an hour later the score has halved: back under the free allowance
    later = now + timedelta(seconds=ACCOUNT.half_life)
    assert throttle.fail(keys, now=later) == []
    throttle.check(keys, now=later)


def test_failures_are_recorded_with_address_and_agent(world: Any) -> None:
    Client(HTTP_USER_AGENT="curl/8").post(
        "/account/login/", {"login": "editor", "password": "nope"}, REMOTE_ADDR="2001:db8::1"
    )
    event = events.security_events().get(action="login-failed")
    assert (event.object_label, event.ip_address) == ("editor", "2001:db8::1")
    assert events.detail(event) == {"agent": "curl/8"} and event.user is None
    # IPv6 clients are keyed by their /64
    assert Backoff.objects.filter(key="address:2001:db8::/64").exists()


@pytest.mark.parametrize(
    "login",
    ["", " ", "x" * 10_000, "é\u0000", "<script>", "editor' OR '1'='1"],
)
def test_hostile_user_names_never_fail_the_server(world: Any, login: str) -> None:
    client = Client(raise_request_exception=False)
    response = client.post("/account/login/", {"login": login, "password": "x" * 5000})
    assert response.status_code in (200, 429), response.status_code


@pytest.mark.parametrize(
    "body", [b"login=%ED%A0%80&password=x", b"login=%FF%FE&password=%C0", b"login", b"&&&=="]
)
def test_undecodable_forms_never_fail_the_server(world: Any, body: bytes) -> None:
    client = Client(raise_request_exception=False)
    response = client.post(
        "/account/login/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in (200, 400, 429), response.status_code


def test_the_address_behind_trusted_proxies(world: Any, settings: Any) -> None:
    from poam.web.accounts.network import client_ip

    request = Client().get("/").wsgi_request
    request.META.update({"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 5.6.7.8"})
    assert client_ip(request) == "10.0.0.2"  # no proxy configured: the header is ignored
    settings.POAM_PROXY_HOPS = 1
    assert client_ip(request) == "5.6.7.8"  # the entry the one trusted proxy added
    settings.POAM_PROXY_HOPS = 2
    assert client_ip(request) == "1.2.3.4"
    request.META["HTTP_X_FORWARDED_FOR"] = "not-an-address"
    settings.POAM_PROXY_HOPS = 1
    assert client_ip(request) is None


def test_rows_that_decayed_to_nothing_are_pruned(db: Any) -> None:
    now = timezone.now()
    throttle.fail(["account:old"], now=now - timedelta(hours=13))
    throttle.fail(["account:recent"], now=now - timedelta(hours=1))
    assert throttle.prune(now=now) == 1
    assert list(Backoff.objects.values_list("key", flat=True)) == ["account:recent"]
