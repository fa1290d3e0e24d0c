"""A system's dashboard, findings, history and review."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from poam.core.catalog import load_catalog
from poam.core.checks.base import Severity
from poam.core.lifecycle import affirmations_due
from poam.core.model import ItemStatus, Thresholds
from poam.core.plan import describe_full_score, plan
from poam.core.scoring import MAX_SCORE
from poam.web.workbench import charts, reminders, tenancy
from poam.web.workbench.clock import today
from poam.web.workbench.models import SYSTEM_OBJECTS, Change, Review
from poam.web.workbench.services import governance
from poam.web.workbench.tenancy import Action
from poam.web.workbench.views.common import actor, finding_views, safe_next, system_context

OBJECT_TYPES = tuple(kind.value for kind in SYSTEM_OBJECTS)


@login_required
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    system, access = tenancy.system(request.user, pk)
    context = system_context(request, system, access, "dashboard")
    assessed = context["assessed"]
    result = assessed.assessment
    poam = result.poam
    as_of = context["as_of"]
    statuses = Counter(item.status for item in poam.items) if poam else Counter()
    by_status = [(status, statuses.get(status, 0)) for status in ItemStatus]
    poam_row = assessed.snapshot.poam_rows.get(assessed.kind or "")
    cadence = None
    next_review = None
    if poam is not None:
        cadence = poam.review_cadence_days or poam.thresholds.default_review_cadence_days
        if poam.last_reviewed is not None:
            next_review = poam.last_reviewed + timedelta(days=cadence)
    deadline = result.verdict.closeout_deadline
    window = None
    of_record = result.verdict.of_record
    if deadline is not None and of_record is not None:
        elapsed = (as_of - of_record.status_date).days
        window = {"elapsed": elapsed, "percent": max(0, min(100, round(elapsed * 100 / 180)))}
    steps = plan(result.score, poam, as_of).steps[:5]
    thresholds = poam.thresholds if poam is not None else Thresholds()
    owed = [
        due
        for due in affirmations_due(result.verdict, result.ssp.cmmc, as_of)
        if due.done is None and (due.due - as_of).days <= thresholds.affirmation_warning_days
    ]
    valid_until = result.verdict.valid_until
    validity_left = None if valid_until is None else (valid_until - as_of).days
    context.update(
        {
            "by_status": by_status,
            "open_count": 0 if poam is None else len(poam.open_items),
            "findings": finding_views(system, assessed, result.findings[:6], access=access),
            "errors": result.count(Severity.ERROR),
            "warnings": result.count(Severity.WARNING),
            "infos": result.count(Severity.INFO),
            "deductions": result.score.deductions,
            "deducted": MAX_SCORE - result.score.provisional,
            "burndown": charts.burndown(poam, as_of, deadline),
            "full_score": assessed.full_score,
            "full_score_text": describe_full_score(assessed.full_score, load_catalog()),
            "poam_row": poam_row,
            "cadence": cadence,
            "next_review": next_review,
            "review_overdue": poam is not None and (next_review is None or next_review < as_of),
            "review_days": None if next_review is None else (next_review - as_of).days,
            "last_review": Review.objects.filter(poam_id=poam_row.pk).first() if poam_row else None,
            "window": window,
            "steps": steps,
            "owed": owed,
            "validity_left": validity_left,
            "validity_warning": validity_left is not None
            and validity_left <= thresholds.validity_warning_days,
            "upcoming": reminders.of_system(assessed, kinds=reminders.MILESTONE_KINDS),
            "upcoming_days": reminders.DASHBOARD_DAYS_AHEAD,
        }
    )
    return render(request, "workbench/dashboard.html", context)


@login_required
def findings(request: HttpRequest, pk: int) -> HttpResponse:
    system, access = tenancy.system(request.user, pk)
    kind = request.GET.get("kind") or None
    context = system_context(request, system, access, "findings", kind)
    assessed = context["assessed"]
    result = assessed.assessment
    groups = []
    for severity in Severity:
        chosen = [f for f in result.findings if f.severity is severity]
        groups.append((severity, finding_views(system, assessed, chosen, access=access)))
    context.update(
        {"groups": groups, "waived": result.waived, "kinds": list(assessed.snapshot.poams)}
    )
    return render(request, "workbench/findings.html", context)


@login_required
def history_page(request: HttpRequest, pk: int) -> HttpResponse:
    system, access = tenancy.system(request.user, pk)
    rows = Change.objects.filter(system=system).select_related(None)
    chosen = request.GET.get("type", "")
    if chosen in OBJECT_TYPES:
        rows = rows.filter(object_type=chosen)
    page = Paginator(rows.order_by("-at", "-id"), 50).get_page(request.GET.get("page"))
    context = {
        "system": system,
        "org": system.organization,
        "access": access,
        "tab": "history",
        "page": page,
        "types": OBJECT_TYPES,
        "chosen": chosen,
    }
    return render(request, "workbench/history.html", context)


@login_required
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    poam_row, _access = tenancy.poam(request.user, pk, Action.REVIEW)
    note = request.POST.get("note", "")
    governance.mark_reviewed(actor(request), poam_row, on=today(), note=note)
    messages.success(request, f"Recorded your review of the {poam_row.kind} POA&M today.")
    return redirect(safe_next(request) or f"/systems/{poam_row.system_id}/")
