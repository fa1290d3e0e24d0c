"""The reminders page (settings, the secret calendar address, what is due now) and the feed.

The feed is the one page read without a session: its address holds a secret token, stored as
its SHA-256 only; an unknown token, a token replaced by a new one, or an account switched off
is a 404, and the feed lists only what its user may see at the moment it is read.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from poam.web.workbench import reminders, tenancy
from poam.web.workbench.clock import today
from poam.web.workbench.forms.reminders import ReminderSettingsForm
from poam.web.workbench.models import ReminderSettings
from poam.web.workbench.models.reminders import feed_digest

MAX_TOKEN_LENGTH = 100
SESSION_KEY = "issued_feed_token"


def _form(request: HttpRequest, prefs: ReminderSettings) -> ReminderSettingsForm:
    user = request.user
    return ReminderSettingsForm(
        request.POST if request.method == "POST" else None,
        instance=prefs,
        organizations=tenancy.organizations(user).order_by("name"),
        systems=tenancy.systems(user).order_by("organization__name", "name"),
        address=getattr(user, "email", "") or "",
    )


@login_required
def reminder_settings(request: HttpRequest) -> HttpResponse:
    """The user's reminder settings, and the reminders they give today."""
    prefs = reminders.settings_of(request.user)
    form = _form(request, prefs)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, "Reminder settings saved.")
            return redirect("reminders")
        status = 422
    else:
        status = 200
    as_of = today()
    issued = request.session.pop(SESSION_KEY, None)
    feed_url = (
        request.build_absolute_uri(reverse("reminder-feed", args=[issued]))
        if issued is not None
        else None
    )
    return render(
        request,
        "workbench/reminders.html",
        {
            "form": form,
            "prefs": prefs,
            "due": reminders.for_user(request.user, as_of, prefs),
            "feed_url": feed_url,
            "as_of": as_of,
            "tab": "reminders",
        },
        status=status,
    )


@login_required
@require_POST
def reminder_feed_new(request: HttpRequest) -> HttpResponse:
    """A new secret feed address; the old one stops working at once. Shown once."""
    with transaction.atomic():
        prefs, _ = ReminderSettings.objects.select_for_update().get_or_create(
            user_id=int(request.user.pk or 0)
        )
        token = prefs.new_feed_token()
        prefs.feed_created_at = timezone.now()
        prefs.save(update_fields=["feed_digest", "feed_created_at", "updated_at"])
    request.session[SESSION_KEY] = token
    messages.success(request, "New calendar address made: the previous one no longer works.")
    return redirect("reminders")


@login_required
@require_POST
def reminder_feed_remove(request: HttpRequest) -> HttpResponse:
    """Switch the feed off: its address answers 404 from now on."""
    ReminderSettings.objects.filter(user_id=int(request.user.pk or 0)).update(
        feed_digest=None, feed_created_at=None
    )
    messages.success(request, "Calendar address removed.")
    return redirect("reminders")


@require_GET
def reminder_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The user's reminders as iCalendar, a year ahead, for whoever holds the address."""
    if not 20 <= len(token) <= MAX_TOKEN_LENGTH:
        raise Http404("not found")
    prefs = (
        ReminderSettings.objects.filter(feed_digest=feed_digest(token), user__is_active=True)
        .select_related("user")
        .first()
    )
    if prefs is None:
        raise Http404("not found")
    base = settings.POAM_BASE_URL or request.build_absolute_uri("/").rstrip("/")
    document = reminders.feed(prefs.user, prefs, today(), base)
    response = HttpResponse(document, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = 'inline; filename="poam-reminders.ics"'
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
