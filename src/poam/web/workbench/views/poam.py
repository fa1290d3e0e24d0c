"""The POA&M: entries with filters, a new entry, the POA&M's settings."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from poam.core import labels
from poam.core.model import AssessmentType, ImplementationStatus, ItemStatus, PoamKind
from poam.core.states import MilestoneState, is_after_deadline, is_overdue, milestone_state
from poam.web.workbench import tenancy
from poam.web.workbench.clock import today
from poam.web.workbench.forms import errors_of
from poam.web.workbench.forms.poam import EntryForm, assignable_users, suggested_item_id
from poam.web.workbench.history import Conflict
from poam.web.workbench.models import System
from poam.web.workbench.seam import read
from poam.web.workbench.seam.rows import EntryRow, MilestoneRow
from poam.web.workbench.services import entries as entry_service
from poam.web.workbench.services import governance
from poam.web.workbench.tenancy import Access, Action
from poam.web.workbench.views.common import (
    actor,
    catalog,
    is_htmx,
    reason_of,
    system_context,
    version_of,
)

INELIGIBLE_CODES = frozenset({"ineligible-on-conditional-poam", "must-be-met-before-assessment"})


def milestone_states(
    entry: EntryRow, as_of: date, deadline: date | None
) -> list[tuple[MilestoneRow, MilestoneState]]:
    """Each live milestone of the entry with its display state, decided by the core's
    ``milestone_state`` (the function the checks milestone-overdue and
    milestone-after-closeout-deadline call), so a page and a finding never disagree."""
    core_item = read.item(entry)
    return [
        (row, milestone_state(core, as_of, deadline, core_item))
        for row, core in zip(entry.milestones, core_item.milestones, strict=True)
    ]


def entry_rows(context: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """Each live entry of the POA&M with what the list shows and filters on."""
    assessed = context["assessed"]
    cat = catalog()
    flags: dict[str, set[str]] = {}
    for finding in assessed.assessment.findings:
        if finding.item:
            flags.setdefault(finding.item, set()).add(finding.code)
    as_of = context["as_of"]
    deadline = assessed.assessment.verdict.closeout_deadline
    rows = []
    for entry in assessed.snapshot.entries_of(kind):
        requirement = cat.find(entry.requirement)
        open_milestones = [m for m in entry.milestones if m.completed is None]
        next_due = min((m.due for m in open_milestones if m.due), default=None)
        codes = flags.get(entry.item_id, set())
        core_item = read.item(entry)
        rows.append(
            {
                "entry": entry,
                "requirement": requirement,
                "family": requirement.family if requirement else "",
                "next_due": next_due,
                "overdue": any(is_overdue(m, as_of, core_item) for m in core_item.milestones),
                "late": any(
                    is_after_deadline(m, deadline, core_item) for m in core_item.milestones
                ),
                "ineligible": bool(codes & INELIGIBLE_CODES),
                "finding_count": len(codes),
                "evidence_count": len(entry.evidence),
            }
        )
    return rows


def _filtered(rows: list[dict[str, Any]], params: Any) -> list[dict[str, Any]]:
    status = params.get("status", "")
    owner = params.get("owner", "").strip().lower()
    family = params.get("family", "").upper()
    text = params.get("q", "").strip().lower()
    chosen = []
    for row in rows:
        entry = row["entry"]
        if status == "open" and entry.status not in ("not-started", "in-progress"):
            continue
        if status not in ("", "open", entry.status):
            continue
        if (
            owner
            and owner not in entry.owner.lower()
            and owner not in (entry.assignee.get_username().lower() if entry.assignee else "")
        ):
            continue
        if family and row["family"] != family:
            continue
        if params.get("overdue") and not row["overdue"]:
            continue
        if params.get("late") and not row["late"]:
            continue
        if params.get("ineligible") and not row["ineligible"]:
            continue
        if text and text not in f"{entry.item_id} {entry.requirement} {entry.gap}".lower():
            continue
        chosen.append(row)
    return chosen


@login_required
def poam(request: HttpRequest, pk: int) -> HttpResponse:
    system, access = tenancy.system(request.user, pk)
    return _poam_page(request, system, access, request.GET.get("kind") or None)


def _poam_page(
    request: HttpRequest,
    system: System,
    access: Access,
    kind: str | None,
    *,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    context = system_context(request, system, access, "poam", kind)
    assessed = context["assessed"]
    kind = assessed.kind
    poam_row = assessed.snapshot.poam_rows.get(kind or "")
    rows = entry_rows(context, kind) if kind else []
    shown = _filtered(rows, request.GET)
    context.update(
        {
            "kind": kind,
            "kinds": list(assessed.snapshot.poam_rows),
            "missing_kinds": [
                k.value for k in PoamKind if k.value not in assessed.snapshot.poam_rows
            ],
            "poam_row": poam_row,
            "rows": shown,
            "total": len(rows),
            "statuses": [s.value for s in ItemStatus],
            "families": list(catalog().families),
            "filters": request.GET,
            "overdue_label": labels.MILESTONE_STATE[MilestoneState.OVERDUE],
            "late_label": labels.MILESTONE_STATE[MilestoneState.LATE],
            "assessment_types": [a.value for a in AssessmentType],
            "can_edit": access.can(Action.EDIT_POAM),
            "settings_errors": {},
            **extra,
        }
    )
    template = (
        "workbench/poam_table.html"
        if is_htmx(request) and request.GET.get("partial")
        else "workbench/poam.html"
    )
    return render(request, template, context, status=status)


NEW_ENTRY_FIELDS = tuple(
    name for name in EntryForm.Meta.fields if name not in ("created", "comments")
)
"""What the new-entry page asks (the creation date is today; comments come later)."""


def suggested_entry(context: dict[str, Any], requirement_text: str) -> dict[str, str]:
    """A new entry for a gap, pre-filled from what the SSP says of the requirement: the gap
    (the SSP's temporary deficiency description, else its status and the objectives NOT MET,
    each with its statement), those objectives' letters, and the SSP's responsible person as
    the owner. To be read and completed before saving: nothing is saved from this."""
    requirement = catalog().find(requirement_text) if requirement_text else None
    if requirement is None:
        return {"requirement": requirement_text} if requirement_text else {}
    record = context["assessed"].snapshot.records.get(requirement.nist_id)
    result = context["assessment"].score.result(requirement.nist_id)
    missing = [o for o in requirement.objectives if o.letter in result.not_met_objectives]
    if record is not None and record.deficiency_description:
        gap = record.deficiency_description
    else:
        known = {s.value: s for s in ImplementationStatus}
        status = (
            labels.IMPLEMENTATION_STATUS[known[record.status]].lower()
            if record is not None and record.status in known
            else "not described"
        )
        gap = f"{requirement.cmmc_id} ({requirement.title}) is {status} in the SSP."
        if missing:
            gap += " Objectives NOT MET: " + "; ".join(
                f"[{o.letter}] {o.statement}" for o in missing
            )
    return {
        "requirement": requirement.nist_id,
        "gap": gap,
        "objectives": ", ".join(o.letter for o in missing),
        "owner": (record.responsible or "") if record is not None else "",
        "status": ItemStatus.NOT_STARTED.value,
    }


@login_required
def new_entry(request: HttpRequest, pk: int) -> HttpResponse:
    poam_row, access = tenancy.poam(request.user, pk, Action.EDIT_POAM)
    system = poam_row.system
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {name: request.POST[name] for name in NEW_ENTRY_FIELDS if name in request.POST}
        milestone = (
            request.POST.get("milestone_title", ""),
            request.POST.get("milestone_due", ""),
        )
        try:
            entry = entry_service.create_entry(
                actor(request), poam_row, values, today=today(), milestone=milestone
            )
        except ValidationError as error:
            errors = errors_of(error)
        else:
            messages.success(request, f"Added entry {entry.item_id}.")
            return redirect("entry", pk=entry.pk)
    context = system_context(request, system, access, "poam", poam_row.kind)
    context.update(
        {
            "poam_row": poam_row,
            "errors": errors,
            "submitted": request.POST
            if request.method == "POST"
            else suggested_entry(context, request.GET.get("requirement", "")),
            "statuses": [s.value for s in ItemStatus],
            "suggested_id": suggested_item_id(poam_row),
            "users": assignable_users(system.organization_id),
            "requirement_hint": request.GET.get("requirement", ""),
        }
    )
    return render(request, "workbench/entry_new.html", context, status=422 if errors else 200)


@login_required
@require_POST
def poam_settings(request: HttpRequest, pk: int) -> HttpResponse:
    poam_row, access = tenancy.poam(request.user, pk, Action.EDIT_POAM)
    fields = ["maintainer", "review_cadence_days"]
    if poam_row.kind == PoamKind.CONDITIONAL.value:
        fields += ["conditional_assessment", "conditional_status_date"]
    values = {name: request.POST[name] for name in fields if name in request.POST}
    try:
        governance.update_poam(
            actor(request),
            poam_row,
            values,
            version=version_of(request, "0"),
            reason=reason_of(request),
        )
    except ValidationError as error:
        return _poam_page(
            request,
            poam_row.system,
            access,
            poam_row.kind,
            status=422,
            settings_errors=errors_of(error),
            settings_submitted=request.POST,
        )
    except Conflict as conflict:
        return _poam_page(
            request, poam_row.system, access, poam_row.kind, status=409, settings_conflict=conflict
        )
    messages.success(request, "Saved the POA&M settings.")
    return redirect(reverse("poam", args=[poam_row.system_id]) + f"?kind={poam_row.kind}#settings")


@login_required
@require_POST
def create_poam(request: HttpRequest, pk: int) -> HttpResponse:
    system, _access = tenancy.system(request.user, pk, Action.EDIT_POAM)
    kind = request.POST.get("kind", "")
    try:
        governance.create_poam(actor(request), system, kind)
    except ValidationError as error:
        messages.error(request, "; ".join(m for ms in errors_of(error).values() for m in ms))
        return redirect("poam", pk=system.pk)
    messages.success(request, f"Created the {kind} POA&M.")
    return redirect(reverse("poam", args=[system.pk]) + f"?kind={kind}#settings")
