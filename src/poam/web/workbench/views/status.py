"""A system's CMMC status over time: the timeline, the record, and the forms that keep it.

Everything shown is the core's (``poam.core.lifecycle``: the standing, the affirmations owed,
the timeline); administrators record assessments, closeouts and affirmations here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from poam.core.labels import AFFIRMATION_KIND, ASSESSMENT_RESULT, ASSESSMENT_TYPE, CLOSEOUT_RESULT
from poam.core.lifecycle import affirmations_due, describe_status, timeline
from poam.web.workbench import tenancy
from poam.web.workbench.clock import today
from poam.web.workbench.forms import errors_of
from poam.web.workbench.forms.status import AffirmationForm, AssessmentForm
from poam.web.workbench.history import Conflict
from poam.web.workbench.models import System
from poam.web.workbench.services import status as status_service
from poam.web.workbench.tenancy import Access, Action
from poam.web.workbench.views.common import actor, reason_of, system_context, version_of

ASSESSMENT_FIELDS = tuple(AssessmentForm.base_fields)
AFFIRMATION_FIELDS = tuple(AffirmationForm.base_fields)


def _choices(table: dict[Any, str]) -> list[tuple[str, str]]:
    return [(member.value, label) for member, label in table.items()]


def _page(
    request: HttpRequest, system: System, access: Access, *, status: int = 200, **extra: Any
) -> HttpResponse:
    context = system_context(request, system, access, "status")
    assessed = context["assessed"]
    result = assessed.assessment
    record = result.ssp.cmmc
    as_of = context["as_of"]
    context.update(
        {
            "events": timeline(result.ssp, result.poam, result.verdict, as_of),
            "owed": affirmations_due(result.verdict, record, as_of),
            "assessments": [
                {
                    "index": i,
                    "record": a,
                    "name": describe_status(a),
                    "errors": extra.get(f"assessment_{i}_errors"),
                    "sent": extra.get(f"assessment_{i}_submitted"),
                }
                for i, a in enumerate(record.assessments)
            ],
            "affirmations": list(enumerate(record.affirmations)),
            "can_record": access.can(Action.RECORD_STATUS),
            "types": _choices(ASSESSMENT_TYPE),
            "results": _choices(ASSESSMENT_RESULT),
            "closeout_results": _choices(CLOSEOUT_RESULT),
            "kinds": _choices(AFFIRMATION_KIND),
            "today": today(),
            **extra,
        }
    )
    return render(request, "workbench/status.html", context, status=status)


@login_required
def status_page(request: HttpRequest, pk: int) -> HttpResponse:
    system, access = tenancy.system(request.user, pk)
    return _page(request, system, access)


def _values(request: HttpRequest, fields: tuple[str, ...]) -> dict[str, str]:
    return {name: request.POST[name] for name in fields if request.POST.get(name, "") != ""}


def _run(
    request: HttpRequest,
    system: System,
    access: Access,
    form: str,
    action: Any,
    done: str,
) -> HttpResponse:
    """Run one change of the record; show the page again with the errors at their fields."""
    try:
        action()
    except ValidationError as error:
        system.refresh_from_db()
        return _page(
            request,
            system,
            access,
            status=422,
            **{f"{form}_errors": errors_of(error), f"{form}_submitted": request.POST},
        )
    except Conflict as conflict:
        system.refresh_from_db()
        return _page(request, system, access, status=409, conflict=conflict)
    messages.success(request, done)
    return redirect("status", pk=system.pk)


@login_required
@require_POST
def assessment_add(request: HttpRequest, pk: int) -> HttpResponse:
    system, access = tenancy.system(request.user, pk, Action.RECORD_STATUS)
    return _run(
        request,
        system,
        access,
        "assessment",
        lambda: status_service.add_assessment(
            actor(request),
            system,
            _values(request, ASSESSMENT_FIELDS),
            version=version_of(request),
            today=today(),
            reason=reason_of(request),
        ),
        "Recorded the assessment.",
    )


@login_required
@require_POST
def assessment_edit(request: HttpRequest, pk: int, index: int) -> HttpResponse:
    system, access = tenancy.system(request.user, pk, Action.RECORD_STATUS)
    if request.POST.get("remove"):
        return _run(
            request,
            system,
            access,
            f"assessment_{index}",
            lambda: status_service.remove_assessment(
                actor(request),
                system,
                index,
                version=version_of(request),
                reason=reason_of(request),
            ),
            "Removed the assessment from the record (the history keeps it).",
        )
    return _run(
        request,
        system,
        access,
        f"assessment_{index}",
        lambda: status_service.update_assessment(
            actor(request),
            system,
            index,
            _values(request, ASSESSMENT_FIELDS),
            version=version_of(request),
            today=today(),
            reason=reason_of(request),
        ),
        "Saved the assessment.",
    )


@login_required
@require_POST
def affirmation_add(request: HttpRequest, pk: int) -> HttpResponse:
    system, access = tenancy.system(request.user, pk, Action.RECORD_STATUS)
    return _run(
        request,
        system,
        access,
        "affirmation",
        lambda: status_service.add_affirmation(
            actor(request),
            system,
            _values(request, AFFIRMATION_FIELDS),
            version=version_of(request),
            today=today(),
            reason=reason_of(request),
        ),
        "Recorded the affirmation.",
    )


@login_required
@require_POST
def affirmation_remove(request: HttpRequest, pk: int, index: int) -> HttpResponse:
    system, access = tenancy.system(request.user, pk, Action.RECORD_STATUS)
    return _run(
        request,
        system,
        access,
        f"affirmation_{index}",
        lambda: status_service.remove_affirmation(
            actor(request),
            system,
            index,
            version=version_of(request),
            reason=reason_of(request),
        ),
        "Removed the affirmation from the record (the history keeps it).",
    )
