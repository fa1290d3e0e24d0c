"""The SSP editor: the 110 requirements by family; the score and verdict follow each save."""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from poam.core import labels
from poam.core.catalog import Requirement
from poam.core.model import EncryptionState, ImplementationStatus, MfaState, ObjectiveResult, Scope
from poam.web.workbench import tenancy
from poam.web.workbench.forms import errors_of
from poam.web.workbench.forms.ssp import SspRequirementForm, SystemForm
from poam.web.workbench.history import Conflict
from poam.web.workbench.models import System
from poam.web.workbench.services import ssp as ssp_service
from poam.web.workbench.templatetags.poam_tags import label, plural
from poam.web.workbench.tenancy import Access, Action
from poam.web.workbench.views.common import (
    actor,
    anchor,
    catalog,
    is_htmx,
    reason_of,
    system_context,
    version_of,
)

FORM_CHOICES = {
    "statuses": [s.value for s in ImplementationStatus],
    "results": [r.value for r in ObjectiveResult],
    "mfa_states": [s.value for s in MfaState],
    "encryption_states": [s.value for s in EncryptionState],
    "scopes": [s.value for s in Scope],
}


@lru_cache(maxsize=16)
def status_options(current: str | None) -> SafeString:
    """The quick form's status <option>s, built once per current status (a page has up to
    110 of them, and a template loop per row cost more than the rest of the row)."""
    options = [] if current else ['<option value="" selected disabled>— choose —</option>']
    for status in FORM_CHOICES["statuses"]:
        selected = " selected" if status == current else ""
        options.append(
            format_html(
                '<option value="{}"{}>{}</option>', status, mark_safe(selected), label(status)
            )
        )
    return mark_safe("".join(options))


def value_text(requirement: Requirement) -> str:
    if requirement.partial_credit:
        text = "3 or 5 points"
    elif requirement.points is None:
        text = "no point value"
    else:
        text = plural(requirement.points, "point")
    return text + (" · POA&M-eligible" if requirement.poam_eligible else "")


def _row(context: dict[str, Any], requirement: Requirement, **extra: Any) -> dict[str, Any]:
    snapshot = context["assessed"].snapshot
    record = snapshot.records.get(requirement.nist_id)
    result = context["assessment"].score.result(requirement.nist_id)
    return {
        "requirement": requirement,
        "record": record,
        "result": result,
        "status_options": status_options(record.status if record else None),
        "value_text": value_text(requirement),
        "basis": labels.label(result.basis),
        "anchor": anchor(requirement.nist_id),
        # the row's own URL, built once (a {% url %} per use costs more than the row)
        "url": f"/systems/{snapshot.system.pk}/ssp/{requirement.nist_id}/",
        **extra,
    }


@login_required
def ssp(request: HttpRequest, pk: int) -> HttpResponse:
    system, access = tenancy.system(request.user, pk)
    return _ssp_page(request, system, access)


def _ssp_page(
    request: HttpRequest,
    system: System,
    access: Access,
    *,
    status: int = 200,
    family: str | None = None,
    failed: tuple[str, dict[str, Any]] | None = None,
    **extra: Any,
) -> HttpResponse:
    """The SSP editor; ``failed``: a requirement whose save was refused, shown open with what
    went wrong (its id and the row's ``errors`` or ``conflict``)."""
    context = system_context(request, system, access, "ssp")
    cat = catalog()
    family = (family or request.GET.get("family", "AC")).upper()
    if family != "ALL" and family not in cat.families:
        family = "AC"
    families = _families(context)
    chosen = cat.requirements if family == "ALL" else cat.family(family)
    context.update(
        {
            "family": family,
            "families": families,
            "rows": [
                _row(context, requirement, editing=True, **failed[1])
                if failed is not None and failed[0] == requirement.nist_id
                else _row(context, requirement)
                for requirement in chosen
            ],
            "can_edit": access.can(Action.EDIT_SSP),
            "system_errors": {},
            **FORM_CHOICES,
            **extra,
        }
    )
    return render(request, "workbench/ssp.html", context, status=status)


def _families(context: dict[str, Any]) -> list[tuple[str, str, int, int]]:
    """Each family: code, name, requirements, and how many are NOT MET (its badge)."""
    cat = catalog()
    not_met = Counter(r.requirement.family for r in context["assessment"].score.not_met)
    return [
        (code, name, len(cat.family(code)), not_met.get(code, 0))
        for code, name in cat.families.items()
    ]


def _values(request: HttpRequest, requirement: Requirement) -> dict[str, Any]:
    """The record fields the form sent (the quick form sends only the status; the full one
    every field, and each objective as ``objective-<letter>``)."""
    post = request.POST
    values: dict[str, Any] = {
        name: post[name] for name in SspRequirementForm.Meta.fields if name in post
    }
    if post.get("full"):
        values["objectives"] = {
            letter: post.get(f"objective-{letter}", "") for letter in requirement.objective_letters
        }
        for name in (
            "enduring_exception",
            "deficiency_plan",
            "deficiency_description",
            "responsible",
        ):
            values.setdefault(name, "")
    return values


@login_required
def requirement(request: HttpRequest, pk: int, nist_id: str) -> HttpResponse:
    system, access = tenancy.system(request.user, pk)
    found = catalog().find(nist_id)
    if found is None:
        raise Http404("no such requirement")
    if request.method == "POST":
        access.require(Action.EDIT_SSP)
        return _save(request, system, access, found)
    editing = request.GET.get("edit") == "1" and access.can(Action.EDIT_SSP)
    context = system_context(request, system, access, "ssp")
    row = _row(context, found, editing=editing)
    if is_htmx(request):
        return render(
            request,
            "workbench/ssp_row.html",
            {**context, "row": row, **FORM_CHOICES, "can_edit": access.can(Action.EDIT_SSP)},
        )
    return redirect(reverse("ssp", args=[system.pk]) + f"?family={found.family}#{row['anchor']}")


def _save(request: HttpRequest, system: Any, access: Any, found: Requirement) -> HttpResponse:
    values = _values(request, found)
    version = version_of(request, "0")
    problem: dict[str, Any] = {}
    status = 200
    try:
        ssp_service.update_requirement(
            actor(request),
            system,
            found.nist_id,
            values,
            version=version,
            reason=reason_of(request),
        )
    except ValidationError as error:
        problem = {"errors": errors_of(error), "submitted": request.POST}
        status = 422
    except Conflict as conflict:
        problem = {"conflict": conflict, "submitted": request.POST}
        status = 409
    system.refresh_from_db(fields=["revision"])
    if not is_htmx(request):
        if status != 200:  # the page again, the row open with its errors at the fields
            return _ssp_page(
                request,
                system,
                access,
                status=status,
                family=found.family,
                failed=(found.nist_id, problem),
            )
        messages.success(request, f"Saved {found.cmmc_id}.")
        return redirect(
            reverse("ssp", args=[system.pk]) + f"?family={found.family}#{anchor(found.nist_id)}"
        )
    context = system_context(request, system, access, "ssp")
    row = _row(context, found, editing=status != 200, **problem)
    result = context["assessment"]
    if status == 200:
        score = result.score.value
        live = (
            f"Saved {found.cmmc_id}. Score {score if score is not None else 'none'}, "
            f"{result.verdict.verdict.label}."
        )
    else:
        live = f"{found.cmmc_id} was not saved."
    return render(
        request,
        "workbench/ssp_saved.html",
        {
            **context,
            "row": row,
            "live": live,
            "oob": True,
            "families": _families(context),
            **FORM_CHOICES,
            "can_edit": access.can(Action.EDIT_SSP),
        },
        status=status,
    )


@login_required
def system_info(request: HttpRequest, pk: int) -> HttpResponse:
    system, access = tenancy.system(request.user, pk, Action.EDIT_SSP)
    if request.method != "POST":
        return redirect("ssp", pk=system.pk)
    values = {name: request.POST[name] for name in SystemForm.Meta.fields if name in request.POST}
    try:
        ssp_service.update_system(
            actor(request),
            system,
            values,
            version=version_of(request, "0"),
            reason=reason_of(request),
        )
    except ValidationError as error:
        system.refresh_from_db()  # the form may have changed the instance it validated
        return _ssp_page(
            request,
            system,
            access,
            status=422,
            system_errors=errors_of(error),
            system_submitted=request.POST,
        )
    except Conflict as conflict:
        system.refresh_from_db()
        return _ssp_page(request, system, access, status=409, system_conflict=conflict)
    messages.success(request, "Saved the system description.")
    return redirect("ssp", pk=system.pk)
