"""Each user's reminders: the core's (:mod:`poam.core.reminders`) for every system the user may
see now and has chosen, with the page to open; rendered as an email digest and an iCalendar
feed.

Visibility is decided at the moment of use, through :mod:`.tenancy`: the settings only narrow
it. A user who leaves an organization, or loses the account, stops being reminded of its
systems at once, in the digest and in the feed alike.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from poam.core.reminders import KIND_LABEL, Reminder, ReminderKind, of_assessment, when
from poam.web.workbench import tenancy
from poam.web.workbench.assessment import Assessed, system_assessment
from poam.web.workbench.models import ReminderSettings, System
from poam.web.workbench.seam.read import Snapshot

FEED_DAYS_AHEAD = 366
"""A calendar shows what comes: the feed looks a year ahead, whatever the digest's horizon."""
DASHBOARD_DAYS_AHEAD = 14
MILESTONE_KINDS = {ReminderKind.MILESTONE_DUE, ReminderKind.MILESTONE_OVERDUE}
KIND_CHOICES = [(kind.value, KIND_LABEL[kind]) for kind in ReminderKind]


@dataclass(frozen=True)
class Reminded:
    """A reminder of one system the user may see, with where to act on it."""

    reminder: Reminder
    system_id: int
    organization: str
    path: str
    """The page to open (an entry, the POA&M, the status timeline), relative to the site."""


def settings_of(user: Any) -> ReminderSettings:
    """The user's settings, or the defaults (unsaved) when they never chose any."""
    found = ReminderSettings.objects.filter(user_id=user.pk).first()
    return found if found is not None else ReminderSettings(user=user)


def kinds_of(prefs: ReminderSettings) -> set[ReminderKind] | None:
    """The kinds chosen (None: all); a kind no longer known is ignored."""
    known = {kind.value for kind in ReminderKind}
    chosen = {ReminderKind(value) for value in prefs.kinds or [] if value in known}
    return chosen or None


def chosen_systems(user: Any, prefs: ReminderSettings) -> QuerySet[System]:
    """The systems the user may see now, narrowed to the organizations and systems chosen."""
    rows = tenancy.systems(user)
    if prefs.pk is not None:
        organizations = list(prefs.organizations.values_list("pk", flat=True))
        if organizations:
            rows = rows.filter(organization_id__in=organizations)
        systems = list(prefs.systems.values_list("pk", flat=True))
        if systems:
            rows = rows.filter(pk__in=systems)
    return rows.order_by("organization__name", "name", "pk")


def _path(snapshot: Snapshot, reminder: Reminder) -> str:
    system = snapshot.system
    if reminder.item is not None and reminder.poam is not None:
        pk = snapshot.entry_pk.get((reminder.poam.value, reminder.item))
        if pk is not None:
            return reverse("entry", args=[pk])
    if reminder.poam is not None:
        return reverse("poam", args=[system.pk]) + f"?kind={reminder.poam.value}"
    return reverse("status", args=[system.pk])


def of_system(
    assessed: Assessed,
    *,
    days_ahead: int = DASHBOARD_DAYS_AHEAD,
    kinds: set[ReminderKind] | None = None,
) -> list[Reminded]:
    """The reminders of one assessed system (every one of its POA&Ms), with their pages."""
    snapshot = assessed.snapshot
    system = snapshot.system
    return [
        Reminded(reminder, system.pk, system.organization.name, _path(snapshot, reminder))
        for reminder in of_assessment(
            assessed.assessment,
            others=snapshot.poams.values(),
            days_ahead=days_ahead,
            system=system.name,
            kinds=kinds,
        )
    ]


def for_user(
    user: Any,
    today: date,
    prefs: ReminderSettings | None = None,
    *,
    days_ahead: int | None = None,
    systems: Iterable[System] | None = None,
) -> list[Reminded]:
    """Every reminder of the user's chosen systems on ``today``, in date order (``systems``:
    those :func:`chosen_systems` gave, when the caller has them already)."""
    if user is None or not user.is_active:
        return []
    prefs = prefs if prefs is not None else settings_of(user)
    horizon = prefs.days_ahead if days_ahead is None else days_ahead
    kinds = kinds_of(prefs)
    found: list[Reminded] = []
    for system in chosen_systems(user, prefs) if systems is None else systems:
        found.extend(of_system(system_assessment(system, today), days_ahead=horizon, kinds=kinds))
    found.sort(key=lambda r: (*r.reminder.sort_key(), r.organization, r.system_id))
    return found


def absolute(base: str, path: str) -> str:
    """``path`` under the site's address when it is known (``POAM_BASE_URL``), else as is."""
    return base.rstrip("/") + path if base else path


# --- the digest -------------------------------------------------------------------------------


def digest(reminders: Iterable[Reminded], today: date, base: str = "") -> tuple[str, str]:
    """The subject and plain-text body of one user's email digest: overdue first, then what
    falls due, each with its system, its date, what to do, the page and the rule."""
    items = list(reminders)
    late = [r for r in items if r.reminder.kind.overdue]
    coming = [r for r in items if not r.reminder.kind.overdue]
    counts = []
    if late:
        counts.append(f"{len(late)} overdue")
    if coming:
        counts.append(f"{len(coming)} coming")
    subject = f"poam reminders for {today.isoformat()}: {', '.join(counts) or 'nothing due'}"
    lines = [f"Your poam reminders on {today.isoformat()}.", ""]
    for title, group in (("Overdue", late), ("Coming", coming)):
        if not group:
            continue
        lines += [f"{title} ({len(group)})", "=" * (len(title) + len(str(len(group))) + 3), ""]
        for reminded in group:
            reminder = reminded.reminder
            lines.append(
                f"- {reminder.day.isoformat()} ({when(reminder.day, today)}) "
                f"{reminder.system} [{reminded.organization}]: {reminder.kind.label}: "
                f"{reminder.title}"
            )
            lines.append(f"  {reminder.detail}")
            lines.append(f"  Open: {absolute(base, reminded.path)}")
            if reminder.rule:
                lines.append(f"  Rule: {reminder.rule}")
            lines.append("")
    lines.append(
        "You receive this because email reminders are on in your poam settings "
        f"({absolute(base, reverse('reminders'))})."
    )
    return subject, "\n".join(lines) + "\n"


# --- the calendar feed ------------------------------------------------------------------------


FEED_CACHE_SECONDS = 3600


def feed(user: Any, prefs: ReminderSettings, today: date, base: str) -> bytes:
    """The user's calendar document, a year ahead, kept an hour in the shared cache.

    Writing iCalendar costs about a millisecond an event (the library folds each line
    character by character; bench/reminders.py), and calendars poll the same address all day.
    The cache key holds everything the document depends on: the settings as saved, the day,
    the site's address, and each system the user may see now with its revision and names, so
    a change of data, of settings or of membership (a system gone) is never served stale.
    """
    from django.core.cache import cache

    systems = list(chosen_systems(user, prefs))
    parts = [
        str(prefs.pk),
        prefs.updated_at.isoformat() if prefs.updated_at else "",
        today.isoformat(),
        base,
        *(f"{s.pk}:{s.revision}:{s.name}:{s.organization.name}" for s in systems),
    ]
    key = "reminder-feed:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()
    cached = cache.get(key)
    if isinstance(cached, bytes):
        return cached
    found = for_user(user, today, prefs, days_ahead=FEED_DAYS_AHEAD, systems=systems)
    document = calendar(found, today, base)
    cache.set(key, document, FEED_CACHE_SECONDS)
    return document


def uid(reminded: Reminded) -> str:
    """A UID that stays while the thing reminded of stays (its date may move, it may become
    overdue), and says nothing of it: a digest of the system and the reminder's key."""
    key = f"{reminded.system_id}:{reminded.reminder.key}".encode()
    return f"{hashlib.sha256(key).hexdigest()[:32]}@poam"


def ical_text(text: str) -> str:
    """User text as an iCalendar TEXT value can hold it: RFC 5545 (3.3.11) escapes a line break
    only as ``\\n``, so a carriage return (alone or before a line feed) becomes one line break;
    left in, it would read back differently, or end the content line early in some clients."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def calendar(reminders: Iterable[Reminded], today: date, base: str = "") -> bytes:
    """An iCalendar document (RFC 5545): one all-day VEVENT per reminder."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//poam//reminders//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "poam reminders")
    stamp = datetime(today.year, today.month, today.day, tzinfo=UTC)
    for reminded in reminders:
        reminder = reminded.reminder
        link = absolute(base, reminded.path)
        event = Event()
        event.add("uid", uid(reminded))
        event.add("dtstamp", stamp)
        event.add("dtstart", reminder.day)
        event.add("dtend", reminder.day + timedelta(days=1))
        event.add(
            "summary", ical_text(f"{reminder.system}: {reminder.kind.label}: {reminder.title}")
        )
        description = [reminder.detail, f"Open: {link}"]
        if reminder.rule:
            description.append(f"Rule: {reminder.rule}")
        event.add("description", ical_text("\n".join(description)))
        event.add("categories", [reminder.kind.label])
        event.add("transp", "TRANSPARENT")
        if base:
            event.add("url", link)
        cal.add_component(event)
    return bytes(cal.to_ical())
