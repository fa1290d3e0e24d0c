"""Keeping the POA&M: its settings, its reviews, and remarks on it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from poam.core.model import AssessmentType, PoamKind
from poam.web.workbench import history
from poam.web.workbench.history import Actor
from poam.web.workbench.models import Comment, Entry, Poam, Review, System


def _label(poam: Poam) -> str:
    return f"{poam.kind.capitalize()} POA&M"


def clean_poam(kind: str, values: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    if "maintainer" in values:
        clean["maintainer"] = str(values["maintainer"] or "").strip()
    if "review_cadence_days" in values:
        raw = values["review_cadence_days"]
        if raw in (None, ""):
            clean["review_cadence_days"] = None
        else:
            try:
                clean["review_cadence_days"] = int(raw)
                if clean["review_cadence_days"] < 1:
                    raise ValueError
            except (TypeError, ValueError):
                errors["review_cadence_days"] = "a number of days, 1 or more"
    if "conditional_assessment" in values or "conditional_status_date" in values:
        if kind != PoamKind.CONDITIONAL.value:
            errors["__all__"] = "only the Conditional POA&M has a Conditional status date"
        assessment = values.get("conditional_assessment") or None
        when = values.get("conditional_status_date") or None
        if assessment is not None:
            try:
                clean["conditional_assessment"] = AssessmentType(assessment).value
            except ValueError:
                errors["conditional_assessment"] = "self or c3pao"
        else:
            clean["conditional_assessment"] = None
        if when is None:
            clean["conditional_status_date"] = None
        elif isinstance(when, date):
            clean["conditional_status_date"] = when
        else:
            try:
                clean["conditional_status_date"] = date.fromisoformat(str(when))
            except ValueError:
                errors["conditional_status_date"] = f"{when!r} is not a date (YYYY-MM-DD)"
    if errors:
        raise ValidationError(errors)
    return clean


def update_poam(
    actor: Actor, poam: Poam, values: Mapping[str, Any], *, version: int, reason: str = ""
) -> list[tuple[str, Any, Any]]:
    clean = clean_poam(poam.kind, values)
    _row, changes = history.versioned_update(
        Poam,
        poam.pk,
        version,
        clean,
        actor=actor,
        system=poam.system,
        object_type="poam",
        label=_label(poam),
        reason=reason,
    )
    return changes


def create_poam(actor: Actor, system: System, kind: str, **values: Any) -> Poam:
    try:
        kind = PoamKind(kind).value
    except ValueError:
        raise ValidationError({"kind": "internal or conditional"}) from None
    if Poam.objects.filter(system=system, kind=kind).exists():
        raise ValidationError({"kind": f"this system already has a {kind} POA&M"})
    clean = clean_poam(kind, values)
    with transaction.atomic():
        poam = Poam.objects.create(system=system, kind=kind, **clean)
        history.record(
            actor,
            system=system,
            object_type="poam",
            object_id=poam.pk,
            label=_label(poam),
            action="create",
            changes=[(k, None, v) for k, v in clean.items() if v not in (None, "")],
        )
        history.bump(system)
    return poam


def mark_reviewed(actor: Actor, poam: Poam, *, on: date, note: str = "") -> Review:
    """Record that ``actor`` reviewed the POA&M on ``on`` (the core reads ``last_reviewed``)."""
    with transaction.atomic():
        review = Review.objects.create(
            poam=poam, reviewed_on=on, user=actor.user, user_label=actor.label, note=note.strip()
        )
        old = poam.last_reviewed
        Poam.objects.filter(pk=poam.pk).update(last_reviewed=on)
        poam.last_reviewed = on
        history.record(
            actor,
            system=poam.system,
            object_type="poam",
            object_id=poam.pk,
            label=_label(poam),
            action="review",
            changes=[("last_reviewed", old, on)],
            reason=note.strip(),
        )
        history.bump(poam.system)
    return review


def add_comment(
    actor: Actor,
    system: System,
    text: str,
    *,
    entry: Entry | None = None,
    requirement: str | None = None,
) -> Comment:
    text = text.strip()
    if not text:
        raise ValidationError({"text": "write the comment first"})
    with transaction.atomic():
        comment = Comment.objects.create(
            system=system,
            entry=entry,
            requirement=requirement,
            user=actor.user,
            user_label=actor.label,
            text=text,
        )
        target = f"Entry {entry.item_id}" if entry else requirement or system.name
        history.record(
            actor,
            system=system,
            object_type="entry" if entry else "requirement" if requirement else "system",
            object_id=entry.pk if entry else None,
            label=target,
            action="comment",
            changes=[("comment", None, text)],
        )
    return comment
