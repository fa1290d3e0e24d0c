"""Reminders in the web application: settings, the calendar feed and the email digest, and above
all that each shows only what its user may see at that moment (tenant isolation)."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from poam.core.assess import assess
from poam.core.model import Poam, Ssp
from poam.core.reminders import ReminderKind, of_assessment
from poam.formats.native import load_poam, load_ssp
from poam.web.workbench import reminders
from poam.web.workbench.models import Membership, ReminderSettings
from poam.web.workbench.models.reminders import feed_digest
from tests.strategies import poams, ssps
from tests.web.browser import axe_problems, needs_chromium, open_page, sign_in
from tests.web.conftest import AS_OF, EXAMPLES, World

pytestmark = pytest.mark.django_db

ACME = "Acme CUI Enclave"
SUMMIT = "Summit"


@pytest.fixture(autouse=True)
def _locmem(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.POAM_BASE_URL = "https://poam.example.com"


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make_feed(user: Any) -> tuple[Client, str]:
    """The user's feed address, as the page shows it once."""
    client = client_of(user)
    assert client.post("/reminders/feed/new/").status_code == 302
    page = client.get("/reminders/").content.decode()
    shown = re.search(r"http://testserver(/reminders/feed/[A-Za-z0-9_-]{43}\.ics)", page)
    assert shown is not None
    path = shown.group(1)
    assert path not in client.get("/reminders/").content.decode()  # shown once
    return client, path


def events(response: Any) -> list[Any]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return list(calendar.walk("VEVENT"))


def summaries(found: list[Any]) -> list[str]:
    return [str(event.get("summary")) for event in found]


# --- the page ---------------------------------------------------------------------------------


def test_the_page_shows_the_users_reminders_of_the_systems_they_see(world: World) -> None:
    body = client_of(world.users["viewer"]).get("/reminders/").content.decode()
    assert ACME in body
    assert "Summit Fasteners" not in body
    consultant = client_of(world.users["consultant"]).get("/reminders/").content.decode()
    assert "POA&amp;M closeout deadline" in consultant  # Summit's Conditional status counts down
    assert 'href="/reminders/"' in body  # linked from the menu
    found = reminders.for_user(world.users["viewer"], AS_OF)
    milestones = [r for r in found if r.reminder.item is not None]
    assert milestones
    for reminded in milestones:  # each opens its entry, of the viewer's own system
        assert reminded.path.startswith("/entries/")
        assert client_of(world.users["viewer"]).get(reminded.path).status_code == 200


def test_settings_are_saved_and_narrow_the_reminders(world: World) -> None:
    user = world.users["consultant"]
    client = client_of(user)
    response = client.post(
        "/reminders/",
        {
            "days_ahead": "30",
            "kinds": [ReminderKind.CLOSEOUT_COUNTDOWN.value],
            "systems": [str(world.other_system.pk)],
        },
    )
    assert response.status_code == 302
    prefs = ReminderSettings.objects.get(user=user)
    assert prefs.days_ahead == 30
    assert prefs.kinds == ["closeout-countdown"]
    found = reminders.for_user(user, AS_OF)
    assert [r.reminder.kind for r in found] == [ReminderKind.CLOSEOUT_COUNTDOWN]
    assert found[0].reminder.day == date(2026, 12, 17)
    assert found[0].path == f"/systems/{world.other_system.pk}/status/"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"days_ahead": "91"}, "days_ahead"),
        ({"days_ahead": "-1"}, "days_ahead"),
        ({"days_ahead": "x" * 5000}, "days_ahead"),
        ({"days_ahead": "7", "kinds": ["milestone-due", "drop-table"]}, "kinds"),
        ({"days_ahead": "7", "email": "on"}, "email"),  # the viewer has no email address
    ],
)
def test_bad_settings_are_refused_at_their_field(
    world: World, data: dict[str, Any], field: str
) -> None:
    response = client_of(world.users["viewer"]).post("/reminders/", data)
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert not ReminderSettings.objects.filter(user=world.users["viewer"]).exists()


@pytest.mark.parametrize("field", ["systems", "organizations"])
def test_another_tenants_system_or_organization_cannot_be_chosen(world: World, field: str) -> None:
    foreign = world.other_system.pk if field == "systems" else world.other_org.pk
    response = client_of(world.users["viewer"]).post(
        "/reminders/", {"days_ahead": "7", field: [str(foreign)]}
    )
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert SUMMIT not in response.content.decode()


def test_the_pages_need_a_session(world: World) -> None:
    client = Client()
    assert client.get("/reminders/").status_code == 302
    assert client.post("/reminders/feed/new/").status_code == 302
    assert not ReminderSettings.objects.exists()


# --- the feed ---------------------------------------------------------------------------------


def test_the_feed_is_icalendar_with_all_day_events_and_stable_uids(world: World) -> None:
    _client, path = make_feed(world.users["consultant"])
    anonymous = Client()
    found = events(anonymous.get(path))
    expected = reminders.for_user(
        world.users["consultant"], AS_OF, days_ahead=reminders.FEED_DAYS_AHEAD
    )
    assert len(found) == len(expected) > 0
    for event, reminded in zip(found, expected, strict=True):
        start = event.get("dtstart").dt
        assert start == reminded.reminder.day
        assert type(start) is date  # all-day
        assert event.get("dtend").dt == start + timedelta(days=1)
        assert str(event.get("summary")).startswith(reminded.reminder.system + ": ")
        description = str(event.get("description"))
        assert "Open: https://poam.example.com/" in description
        if reminded.reminder.rule:
            assert reminded.reminder.rule in description
    again = events(anonymous.get(path))
    assert [str(e.get("uid")) for e in again] == [str(e.get("uid")) for e in found]
    assert len({str(e.get("uid")) for e in found}) == len(found)
    countdown = [e for e in found if "closeout deadline" in str(e.get("summary"))]
    assert [e.get("dtstart").dt for e in countdown] == [date(2026, 12, 17)]
    assert "32 CFR 170.21(b)" in str(countdown[0].get("description"))
    response = anonymous.get(path)
    assert response["Cache-Control"] == "private, no-store"


def test_the_token_is_stored_as_its_digest_only(world: World) -> None:
    _client, path = make_feed(world.users["viewer"])
    token = path.removeprefix("/reminders/feed/").removesuffix(".ics")
    prefs = ReminderSettings.objects.get(user=world.users["viewer"])
    assert prefs.feed_digest == feed_digest(token)
    assert token not in str(list(ReminderSettings.objects.values()))


def test_the_feed_shows_only_what_its_user_may_see(world: World) -> None:
    _client, viewer_path = make_feed(world.users["viewer"])
    _client, outsider_path = make_feed(world.users["outsider"])
    viewer = " ".join(summaries(events(Client().get(viewer_path))))
    outsider = " ".join(summaries(events(Client().get(outsider_path))))
    assert ACME in viewer
    assert SUMMIT not in viewer
    assert SUMMIT in outsider
    assert ACME not in outsider


def test_a_role_removed_takes_the_systems_out_of_the_feed_at_once(world: World) -> None:
    _client, path = make_feed(world.users["consultant"])
    before = summaries(events(Client().get(path)))
    assert any(s.startswith(ACME) for s in before)
    Membership.objects.filter(user=world.users["consultant"], organization=world.org).delete()
    after = summaries(events(Client().get(path)))
    assert after
    assert not any(ACME in s for s in after)


def test_a_system_chosen_then_no_longer_visible_is_not_shown_nor_replaced_by_all(
    world: World,
) -> None:
    user = world.users["consultant"]
    client, path = make_feed(user)
    client.post("/reminders/", {"days_ahead": "14", "systems": [str(world.other_system.pk)]})
    assert all(not s.startswith(ACME) for s in summaries(events(Client().get(path))))
    Membership.objects.filter(user=user, organization=world.other_org).delete()
    assert events(Client().get(path)) == []


def test_a_new_address_retires_the_old_one(world: World) -> None:
    user = world.users["viewer"]
    _client, old = make_feed(user)
    _client, new = make_feed(user)
    assert old != new
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200


def test_a_removed_address_and_a_disabled_account_are_404(world: World) -> None:
    user = world.users["viewer"]
    client, path = make_feed(user)
    user.is_active = False
    user.save()
    assert Client().get(path).status_code == 404
    user.is_active = True
    user.save()
    assert Client().get(path).status_code == 200
    assert client.post("/reminders/feed/remove/").status_code == 302
    assert Client().get(path).status_code == 404


@pytest.mark.parametrize(
    "token", ["guess", "a" * 43, "b" * 101, "%00" * 20, "../../../etc/passwd" * 3, "é" * 30]
)
def test_a_guessed_token_is_404(world: World, token: str) -> None:
    make_feed(world.users["viewer"])
    response = Client().get(f"/reminders/feed/{token}.ics")
    assert response.status_code == 404
    assert ACME not in response.content.decode(errors="replace")


def test_the_feed_takes_no_post(world: World) -> None:
    _client, path = make_feed(world.users["viewer"])
    assert Client().post(path).status_code == 405


# --- the digest: poam notify -----------------------------------------------------------------


def email_on(user: Any, address: str, **values: Any) -> ReminderSettings:
    user.email = address
    user.save()
    prefs, _ = ReminderSettings.objects.update_or_create(
        user=user, defaults={"email": True, **values}
    )
    return prefs


def notify(*args: str) -> str:
    out = io.StringIO()
    call_command("poam_notify", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_a_digest_goes_to_each_user_with_email_on_once_a_day(world: World) -> None:
    email_on(world.users["viewer"], "viewer@acme.example")
    email_on(world.users["outsider"], "olive@summit.example")
    world.users["editor"].email = "editor@acme.example"  # email off: nothing sent
    world.users["editor"].save()
    output = notify()
    assert "sent 2 digests" in output
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"viewer@acme.example", "olive@summit.example"}
    viewer = by_address["viewer@acme.example"]
    assert viewer.subject.startswith("poam reminders for 2026-11-20")
    assert viewer.extra_headers["Auto-Submitted"] == "auto-generated"
    assert ACME in viewer.body
    assert SUMMIT not in viewer.body
    assert "https://poam.example.com/" in viewer.body
    olive = by_address["olive@summit.example"]
    assert "POA&M closeout deadline" in olive.body
    assert "27 days left" in olive.body
    assert "32 CFR 170.21(b)" in olive.body
    assert ACME not in olive.body
    assert ReminderSettings.objects.get(user=world.users["viewer"]).last_sent_on == AS_OF
    # the timer fires again the same day: nothing more
    assert "sent 0 digests" in notify()
    assert len(mail.outbox) == 2
    # the next day, again
    notify("--today", (AS_OF + timedelta(days=1)).isoformat())
    assert len(mail.outbox) == 4


def test_dry_run_prints_and_sends_nothing(world: World) -> None:
    email_on(world.users["viewer"], "viewer@acme.example")
    output = notify("--dry-run")
    assert "To: viewer@acme.example" in output
    assert ACME in output
    assert "would send 1 digest" in output
    assert mail.outbox == []
    assert ReminderSettings.objects.get(user=world.users["viewer"]).last_sent_on is None


def test_no_digest_when_nothing_is_due_or_the_account_is_off(world: World) -> None:
    email_on(
        world.users["viewer"], "viewer@acme.example", kinds=[ReminderKind.VALIDITY_ENDING.value]
    )
    email_on(world.users["assessor"], "assessor@acme.example")
    world.users["assessor"].is_active = False
    world.users["assessor"].save()
    output = notify()
    assert "sent 0 digests, 1 with nothing due" in output
    assert mail.outbox == []


def test_a_digest_follows_the_membership_of_the_day(world: World) -> None:
    email_on(world.users["consultant"], "cora@example.com")
    Membership.objects.filter(user=world.users["consultant"], organization=world.other_org).delete()
    notify()
    (message,) = mail.outbox
    assert SUMMIT not in message.body
    assert ACME in message.body


def test_a_failed_send_is_tried_again_next_run(world: World, monkeypatch: Any) -> None:
    email_on(world.users["viewer"], "viewer@acme.example")

    def refuse(*args: Any, **kwargs: Any) -> int:
        raise OSError("connection refused")

    monkeypatch.setattr(
        "poam.web.workbench.management.commands.poam_notify.EmailMessage.send", refuse
    )
    with pytest.raises(CommandError, match="1 digest could not be sent"):
        notify()
    assert ReminderSettings.objects.get(user=world.users["viewer"]).last_sent_on is None
    monkeypatch.undo()
    notify()
    assert len(mail.outbox) == 1


def test_a_bad_day_is_refused(world: World) -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        notify("--today", "2026-13-45")


# --- the site's address for links written outside a request ----------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", ""),
        ("https://poam.example.com/", "https://poam.example.com"),
        ("http://10.0.0.5:8000", "http://10.0.0.5:8000"),
    ],
)
def test_the_base_url_is_read_from_the_environment(value: str, expected: str) -> None:
    from poam.web import config

    assert config.base_url({"POAM_BASE_URL": value}) == expected


@pytest.mark.parametrize(
    "value",
    ["poam.example.com", "ftp://poam.example.com", "https://", "https://a b", "https://x?y"],
)
def test_a_base_url_that_is_no_site_address_is_refused(value: str) -> None:
    from poam.web import config

    with pytest.raises(config.ConfigError, match="POAM_BASE_URL"):
        config.base_url({"POAM_BASE_URL": value})


# --- in a real browser (Chromium), at desktop and phone widths --------------------------------

WIDEST_IN_MAIN = (
    "Math.max(...Array.from(document.querySelectorAll('main *'), "
    "e => Math.ceil(e.getBoundingClientRect().right)))"
)
"""The right edge of the page's content (the top bar's own layout is the base template's)."""


@needs_chromium
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 390])
def test_reminders_journey_in_a_browser(
    world: World, browser: Any, live_server: Any, width: int
) -> None:
    """Open Reminders from the menu, see the countdown, narrow the kinds, make the calendar
    address and read it; nothing wider than the screen on a phone."""
    from playwright.sync_api import expect

    for page in open_page(browser, live_server.url, {"width": width, "height": 900}):
        context = page.context
        sign_in(page, "consultant")
        page.get_by_role("link", name="Reminders").click()
        expect(page.get_by_role("heading", name="Reminders", level=1)).to_be_visible()
        assert "POA&M closeout deadline" in page.locator("#due-list").inner_text()
        assert page.evaluate(WIDEST_IN_MAIN) <= width
        assert axe_problems(page, "main") == []
        page.get_by_label("Days ahead").fill("30")
        page.get_by_label("POA&M closeout deadline").check()
        page.get_by_role("button", name="Save settings").click()
        expect(page.get_by_text("Reminder settings saved.")).to_be_visible()
        expect(page.locator("#due-list li")).to_have_count(1)
        page.get_by_role("button", name="Make a calendar address").click()
        address = page.locator("code.hash").inner_text()
        assert address.startswith(live_server.url + "/reminders/feed/")
        feed = context.request.get(address)
        assert feed.status == 200
        assert b"BEGIN:VCALENDAR" in feed.body()
        assert b"POA&M closeout deadline" in feed.body()
        assert page.evaluate(WIDEST_IN_MAIN) <= width
        page.get_by_label("Days ahead").fill("999")
        page.get_by_role("button", name="Save settings").click()
        expect(
            page.get_by_role("alert").filter(has_text="less than or equal to 90")
        ).to_be_visible()
        assert axe_problems(page, "main") == []  # the refused form too


def test_the_dashboard_lists_the_milestones_due_soon_as_the_reminders_do(world: World) -> None:
    client = client_of(world.users["viewer"])
    response = client.get(f"/systems/{world.system.pk}/")
    assert response.status_code == 200
    upcoming = response.context["upcoming"]
    expected = [
        r
        for r in reminders.for_user(world.users["viewer"], AS_OF, days_ahead=14)
        if r.reminder.kind in reminders.MILESTONE_KINDS
    ]
    assert [r.reminder.key for r in upcoming] == [r.reminder.key for r in expected]
    assert upcoming
    body = response.content.decode()
    for reminded in upcoming:
        assert reminded.path in body


def test_the_feed_follows_a_change_of_the_data_at_once(world: World) -> None:
    """The feed is cached, but keyed by each system's revision: a moved milestone shows."""
    from poam.web.workbench.history import Actor
    from poam.web.workbench.models import EntryMilestone
    from poam.web.workbench.services.entries import move_milestone

    _client, path = make_feed(world.users["viewer"])
    before = events(Client().get(path))
    milestone = (
        EntryMilestone.objects.filter(
            entry__poam__system=world.system, completed__isnull=True, due__isnull=False
        )
        .order_by("due", "pk")
        .first()
    )
    assert milestone is not None
    moved_to = date(2027, 3, 3)
    assert all(e.get("dtstart").dt != moved_to for e in before)
    move_milestone(
        Actor(world.users["editor"], "tests"),
        milestone,
        moved_to.isoformat(),
        "The vendor shipped late; the new date is in the purchase order.",
        version=milestone.version,
        today=AS_OF,
    )
    after = events(Client().get(path))
    assert any(e.get("dtstart").dt == moved_to for e in after)
    assert {str(e.get("uid")) for e in after} == {str(e.get("uid")) for e in before}


# --- the calendar document holds any text a user can write ------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ssp=ssps(with_cmmc=True),
    poam=poams(),
    today=st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
)
def test_any_reminder_round_trips_through_the_calendar(ssp: Ssp, poam: Poam, today: date) -> None:
    """Titles, entry ids and names are user text (commas, semicolons, backslashes, new lines,
    any script): each event reads back exactly as written, one per reminder."""
    found = of_assessment(assess(ssp, poam, as_of=today), days_ahead=reminders.FEED_DAYS_AHEAD)
    rows = [
        reminders.Reminded(r, 7, "Org; \\ , name", f"/systems/7/?k={i}")
        for i, r in enumerate(found)
    ]
    document = reminders.calendar(rows, today, "https://poam.example.com")
    parsed = list(Calendar.from_ical(document).walk("VEVENT"))
    assert len(parsed) == len(rows)
    for event, reminded in zip(parsed, rows, strict=True):
        reminder = reminded.reminder
        assert str(event.get("summary")) == reminders.ical_text(
            f"{reminder.system}: {reminder.kind.label}: {reminder.title}"
        )
        assert str(event.get("description")).startswith(reminders.ical_text(reminder.detail))
        assert event.get("dtstart").dt == reminder.day
    assert len({str(e.get("uid")) for e in parsed}) == len(parsed)


def test_choosing_an_organization_keeps_its_systems_only(world: World) -> None:
    user = world.users["consultant"]
    client_of(user).post("/reminders/", {"days_ahead": "14", "organizations": [world.org.pk]})
    found = reminders.for_user(user, AS_OF)
    assert found
    assert {r.system_id for r in found} == {world.system.pk}


def test_a_deleted_system_is_never_reminded(world: World) -> None:
    from django.utils import timezone

    from poam.web.workbench.models import System

    _client, path = make_feed(world.users["viewer"])
    assert any(ACME in s for s in summaries(events(Client().get(path))))
    System.objects.filter(pk=world.system.pk).update(deleted_at=timezone.now())
    assert events(Client().get(path)) == []
    assert reminders.for_user(world.users["viewer"], AS_OF) == []


def test_a_carriage_return_in_user_text_is_one_line_break_in_the_calendar() -> None:
    """Found by the property above: a system named ``"0\\r"`` read back as ``"0\\n"``."""
    assert reminders.ical_text("a\rb\r\nc\nd") == "a\nb\nc\nd"
    reminder = next(
        iter(
            of_assessment(
                assess(
                    load_ssp(EXAMPLES / "summit-conditional" / "ssp.yaml"),
                    load_poam(EXAMPLES / "summit-conditional" / "poam.yaml"),
                    as_of=AS_OF,
                ),
                days_ahead=reminders.FEED_DAYS_AHEAD,
            )
        )
    )
    system = replace(reminder, system="Lab\rnetwork")
    document = reminders.calendar([reminders.Reminded(system, 7, "Org", "/s/")], AS_OF)
    (event,) = Calendar.from_ical(document).walk("VEVENT")
    assert str(event.get("summary")).startswith("Lab\nnetwork: ")
    assert b"\r: " not in document and b"Lab\\nnetwork" in document
