"""Changing the SSP: one requirement record at a time, or the system's header."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError

from poam.core.catalog import load_catalog
from poam.web.workbench.clock import today
from poam.web.workbench.forms import validated
from poam.web.workbench.forms.ssp import SspRequirementForm, SystemForm
from poam.web.workbench.history import Actor, Conflict, FieldChange, UnitOfWork, latest_changes
from poam.web.workbench.models import ObjectType, SspRequirement, System


def update_requirement(
    actor: Actor,
    system: System,
    nist_id: str,
    values: Mapping[str, Any],
    *,
    version: int,
    reason: str = "",
) -> tuple[SspRequirement, list[FieldChange]]:
    """Save what the SSP says of one requirement; ``version`` 0 creates the record."""
    requirement = load_catalog().find(nist_id)
    if requirement is None:
        raise ValidationError({"requirement": f"no requirement {nist_id!r}"})
    label = f"{requirement.cmmc_id} {requirement.title}"
    row = SspRequirement.objects.filter(system=system, requirement=requirement.nist_id).first()
    if row is None and version != 0:
        raise Conflict(label, [])
    if row is not None and version == 0:
        raise Conflict(label, latest_changes(ObjectType.REQUIREMENT, row.pk))
    creating = row is None
    instance = row or SspRequirement(system=system, requirement=requirement.nist_id)
    only = {"status", *values} if creating else set(values)
    form = validated(
        SspRequirementForm(values, requirement=requirement, instance=instance, only=only)
    )
    with UnitOfWork(actor, system=system, reason=reason) as work:
        if creating:
            record = form.save()
            work.created(ObjectType.REQUIREMENT, record, label, form.values())
            _changed(system)
            return record, [(name, None, value) for name, value in form.values().items()]
        saved, changes = work.save(
            SspRequirement,
            instance.pk,
            version,
            form.values(),
            object_type=ObjectType.REQUIREMENT,
            label=label,
        )
        if changes:
            _changed(system)
        return saved, changes


def _changed(system: System) -> None:
    """The SSP's content changed today: until its date moves past today, the core reports an
    SSP older than its last change (ssp-outdated, NIST SP 800-171A 3.12.4[h])."""
    day = today()
    System.objects.filter(pk=system.pk).update(ssp_changed_on=day)
    system.ssp_changed_on = day


def update_system(
    actor: Actor, system: System, values: Mapping[str, Any], *, version: int, reason: str = ""
) -> list[FieldChange]:
    """Change the system's description (the header of its SSP)."""
    form = validated(SystemForm(values, instance=system, only=values))
    with UnitOfWork(actor, system=system, reason=reason) as work:
        _row, changes = work.save(
            System,
            system.pk,
            version,
            form.values(),
            object_type=ObjectType.SYSTEM,
            label=system.name,
        )
    return changes
