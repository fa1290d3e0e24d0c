"""Keeping the POA&M: its settings, its reviews, and remarks on it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError

from poam.web.workbench.forms import validated
from poam.web.workbench.forms.poam import CommentForm, PoamKindForm, PoamSettingsForm, ReviewForm
from poam.web.workbench.history import Actor, FieldChange, UnitOfWork
from poam.web.workbench.models import Comment, Entry, ObjectType, PoamDocument, Review, System


def _label(poam: PoamDocument) -> str:
    return f"{poam.kind.capitalize()} POA&M"


def update_poam(
    actor: Actor,
    poam: PoamDocument,
    values: Mapping[str, Any],
    *,
    version: int,
    reason: str = "",
) -> list[FieldChange]:
    """Change a POA&M's settings (maintainer, review cadence, Conditional status date)."""
    form = validated(PoamSettingsForm(values, instance=poam, only=values))
    with UnitOfWork(actor, system=poam.system, reason=reason) as work:
        _row, changes = work.save(
            PoamDocument,
            poam.pk,
            version,
            form.values(),
            object_type=ObjectType.POAM,
            label=_label(poam),
        )
    return changes


def create_poam(
    actor: Actor, system: System, kind: str, values: Mapping[str, Any] | None = None
) -> PoamDocument:
    """Start the system's internal or Conditional POA&M (one of each at most)."""
    kind = validated(PoamKindForm({"kind": kind})).cleaned_data["kind"]
    if PoamDocument.objects.filter(system=system, kind=kind).exists():
        raise ValidationError({"kind": f"this system already has a {kind} POA&M"})
    given = dict(values or {})
    form = validated(
        PoamSettingsForm(given, instance=PoamDocument(system=system, kind=kind), only=given)
    )
    with UnitOfWork(actor, system=system) as work:
        poam: PoamDocument = form.save()
        work.created(ObjectType.POAM, poam, _label(poam), form.values())
    return poam


def mark_reviewed(actor: Actor, poam: PoamDocument, *, on: date, note: str = "") -> Review:
    """Record that ``actor`` reviewed the POA&M on ``on`` (the core reads ``last_reviewed``)."""
    note = validated(ReviewForm({"note": note})).cleaned_data["note"]
    with UnitOfWork(actor, system=poam.system, reason=note) as work:
        review = Review.objects.create(
            poam=poam, reviewed_on=on, user=actor.user, user_label=actor.label, note=note
        )
        old = poam.last_reviewed
        PoamDocument.objects.filter(pk=poam.pk).update(last_reviewed=on)
        poam.last_reviewed = on
        work.record(ObjectType.POAM, poam.pk, _label(poam), "review", [("last_reviewed", old, on)])
    return review


def add_comment(
    actor: Actor,
    system: System,
    text: str,
    *,
    entry: Entry | None = None,
    requirement: str | None = None,
) -> Comment:
    """A remark on the system, one of its requirements, or one of its entries."""
    form = validated(CommentForm({"text": text, "requirement": requirement or ""}))
    text, requirement = form.cleaned_data["text"], form.cleaned_data["requirement"] or None
    with UnitOfWork(actor, system=system) as work:
        comment = Comment.objects.create(
            system=system,
            entry=entry,
            requirement=requirement,
            user=actor.user,
            user_label=actor.label,
            text=text,
        )
        if entry is not None:
            kind, pk, label = ObjectType.ENTRY, entry.pk, f"Entry {entry.item_id}"
        elif requirement is not None:
            kind, pk, label = ObjectType.REQUIREMENT, None, requirement
        else:
            kind, pk, label = ObjectType.SYSTEM, system.pk, system.name
        work.record(kind, pk, label, "comment", [("comment", None, text)])
    return comment
