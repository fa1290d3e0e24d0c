"""Recording the CMMC status over time: assessments of record, their closeouts, affirmations.

The record is the system's (``System.cmmc``, the core's ``CmmcRecord`` as
:func:`poam.core.serialize.cmmc_to_data` stores it); each change is a versioned save of the
system in a unit of work, so the change log keeps the record before and after, with who, when,
from where and why, and the system's revision moves (the standing is assessed again).
Assessments and affirmations are addressed by their position in the record at ``version``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError

from poam.core.model import CmmcRecord
from poam.core.serialize import cmmc_from_data, cmmc_to_data
from poam.web.workbench.forms import validated
from poam.web.workbench.forms.status import AffirmationForm, AssessmentForm, refuse_unknown
from poam.web.workbench.history import Actor, FieldChange, UnitOfWork
from poam.web.workbench.models import ObjectType, System


def _record_of(system: System) -> CmmcRecord:
    return cmmc_from_data(system.cmmc)


def _save(
    actor: Actor, system: System, record: CmmcRecord, *, version: int, reason: str
) -> list[FieldChange]:
    with UnitOfWork(actor, system=system, reason=reason) as work:
        _row, changes = work.save(
            System,
            system.pk,
            version,
            {"cmmc": cmmc_to_data(record)},
            object_type=ObjectType.SYSTEM,
            label=f"{system.name}: CMMC status record",
        )
    system.cmmc = cmmc_to_data(record)
    system.version = _row.version
    return changes


def _index(items: tuple[Any, ...], index: int, what: str) -> int:
    if not 0 <= index < len(items):
        raise ValidationError({"index": f"there is no {what} {index + 1} in this record"})
    return index


def add_assessment(
    actor: Actor,
    system: System,
    values: Mapping[str, Any],
    *,
    version: int,
    today: date,
    reason: str = "",
) -> list[FieldChange]:
    """Record an assessment whose result was entered (and its closeout, once there is one)."""
    refuse_unknown(values, AssessmentForm)
    assessment = validated(AssessmentForm(values, today=today)).record()
    record = _record_of(system)
    return _save(
        actor,
        system,
        replace(record, assessments=(*record.assessments, assessment)),
        version=version,
        reason=reason,
    )


def update_assessment(
    actor: Actor,
    system: System,
    index: int,
    values: Mapping[str, Any],
    *,
    version: int,
    today: date,
    reason: str = "",
) -> list[FieldChange]:
    """Correct an assessment of record, or record its POA&M closeout (date and result)."""
    refuse_unknown(values, AssessmentForm)
    record = _record_of(system)
    _index(record.assessments, index, "assessment")
    assessment = validated(AssessmentForm(values, today=today)).record()
    items = list(record.assessments)
    items[index] = assessment
    return _save(
        actor, system, replace(record, assessments=tuple(items)), version=version, reason=reason
    )


def remove_assessment(
    actor: Actor, system: System, index: int, *, version: int, reason: str
) -> list[FieldChange]:
    """Take an assessment out of the record (entered by mistake); the log keeps it."""
    if not reason.strip():
        raise ValidationError({"reason": "say why this assessment is removed from the record"})
    record = _record_of(system)
    _index(record.assessments, index, "assessment")
    items = tuple(a for i, a in enumerate(record.assessments) if i != index)
    return _save(actor, system, replace(record, assessments=items), version=version, reason=reason)


def add_affirmation(
    actor: Actor,
    system: System,
    values: Mapping[str, Any],
    *,
    version: int,
    today: date,
    reason: str = "",
) -> list[FieldChange]:
    """Record an affirmation the Affirming Official submitted in SPRS."""
    refuse_unknown(values, AffirmationForm)
    affirmation = validated(AffirmationForm(values, today=today)).affirmation()
    record = _record_of(system)
    return _save(
        actor,
        system,
        replace(record, affirmations=(*record.affirmations, affirmation)),
        version=version,
        reason=reason,
    )


def remove_affirmation(
    actor: Actor, system: System, index: int, *, version: int, reason: str
) -> list[FieldChange]:
    """Take an affirmation out of the record (entered by mistake); the log keeps it."""
    if not reason.strip():
        raise ValidationError({"reason": "say why this affirmation is removed from the record"})
    record = _record_of(system)
    _index(record.affirmations, index, "affirmation")
    items = tuple(a for i, a in enumerate(record.affirmations) if i != index)
    return _save(actor, system, replace(record, affirmations=items), version=version, reason=reason)
