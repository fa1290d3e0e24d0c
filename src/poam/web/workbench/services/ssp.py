"""Changing the SSP: one requirement record at a time, or the system's header."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from poam.core.catalog import load_catalog
from poam.core.model import EncryptionState, ImplementationStatus, MfaState, ObjectiveResult, Scope
from poam.web.workbench import history
from poam.web.workbench.history import Actor, Conflict
from poam.web.workbench.models import RequirementRecord, System

RECORD_FIELDS = (
    "status",
    "narrative",
    "objectives",
    "mfa",
    "encryption",
    "enduring_exception",
    "deficiency_plan",
    "deficiency_description",
    "responsible",
)


def _optional(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def clean_record(nist_id: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Validate the fields given (any subset of RECORD_FIELDS); ValidationError per field."""
    requirement = load_catalog().get(nist_id)
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    unknown = set(values) - set(RECORD_FIELDS)
    if unknown:
        errors["__all__"] = f"unknown fields: {', '.join(sorted(unknown))}"
    if "status" in values:
        try:
            clean["status"] = ImplementationStatus(values["status"]).value
        except ValueError:
            errors["status"] = f"{values['status']!r} is not a status"
    if "narrative" in values:
        clean["narrative"] = str(values["narrative"] or "").strip()
    if "objectives" in values:
        objectives = values["objectives"] or {}
        letters = set(requirement.objective_letters)
        result = {}
        for letter, outcome in dict(objectives).items():
            if letter not in letters:
                errors["objectives"] = (
                    f"{requirement.cmmc_id} has no objective {letter!r} "
                    f"(it has {', '.join(requirement.objective_letters)})"
                )
                continue
            if outcome in (None, ""):
                continue
            try:
                result[letter] = ObjectiveResult(outcome).value
            except ValueError:
                errors["objectives"] = f"{outcome!r} is not met, not-met or not-applicable"
        clean["objectives"] = {k: result[k] for k in requirement.objective_letters if k in result}
    partial = requirement.partial_credit
    for name, enum in (("mfa", MfaState), ("encryption", EncryptionState)):
        if name not in values:
            continue
        value = _optional(values[name])
        if value is not None and (partial is None or partial.field != name):
            errors[name] = f"{name} applies only to " + (
                "IA.L2-3.5.3" if name == "mfa" else "SC.L2-3.13.11"
            )
            continue
        try:
            clean[name] = None if value is None else enum(value).value
        except ValueError:
            errors[name] = f"{value!r} is not one of {', '.join(m.value for m in enum)}"
    for name in ("enduring_exception", "deficiency_plan", "responsible"):
        if name in values:
            clean[name] = _optional(values[name])
    if "deficiency_description" in values:
        clean["deficiency_description"] = str(values["deficiency_description"] or "").strip()
    if errors:
        raise ValidationError(errors)
    return clean


def update_requirement(
    actor: Actor,
    system: System,
    nist_id: str,
    values: Mapping[str, Any],
    *,
    version: int,
    reason: str = "",
) -> tuple[RequirementRecord, list[tuple[str, Any, Any]]]:
    """Save what the SSP says of one requirement; ``version`` 0 creates the record."""
    requirement = load_catalog().find(nist_id)
    if requirement is None:
        raise ValidationError({"requirement": f"no requirement {nist_id!r}"})
    nist_id = requirement.nist_id
    clean = clean_record(nist_id, values)
    label = f"{requirement.cmmc_id} {requirement.title}"
    with transaction.atomic():
        row = RequirementRecord.objects.filter(system=system, requirement=nist_id).first()
        if row is None:
            if version != 0:
                raise Conflict(label, [])
            if "status" not in clean:
                raise ValidationError({"status": "a status is required"})
            row = RequirementRecord.objects.create(system=system, requirement=nist_id, **clean)
            history.record(
                actor,
                system=system,
                object_type="requirement",
                object_id=row.pk,
                label=label,
                action="create",
                changes=[(k, None, v) for k, v in clean.items() if v not in (None, "", {})],
                reason=reason,
            )
            history.bump(system)
            return row, [(k, None, v) for k, v in clean.items()]
        if version == 0:
            raise Conflict(label, history.latest_changes("requirement", row.pk))
        updated, changes = history.versioned_update(
            RequirementRecord,
            row.pk,
            version,
            clean,
            actor=actor,
            system=system,
            object_type="requirement",
            label=label,
            reason=reason,
        )
    assert isinstance(updated, RequirementRecord)
    return updated, changes


SYSTEM_FIELDS = (
    "name",
    "scope",
    "cage_codes",
    "organization_label",
    "description",
    "ssp_version",
    "ssp_date",
)


def clean_system(values: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    if "name" in values:
        clean["name"] = str(values["name"] or "").strip()
        if not clean["name"]:
            errors["name"] = "a system needs a name"
    if "scope" in values:
        try:
            clean["scope"] = Scope(values["scope"]).value
        except ValueError:
            errors["scope"] = "scope is enterprise, enclave or contract"
    if "cage_codes" in values:
        raw = values["cage_codes"]
        codes = raw.replace(",", " ").split() if isinstance(raw, str) else list(raw or ())
        codes = [str(c).strip().upper() for c in codes if str(c).strip()]
        bad = [c for c in codes if len(c) != 5 or not c.isalnum()]
        if bad:
            errors["cage_codes"] = f"{', '.join(bad)}: a CAGE code is 5 letters or digits"
        clean["cage_codes"] = codes
    for name in ("organization_label", "description"):
        if name in values:
            clean[name] = _optional(values[name])
    if "ssp_version" in values:
        clean["ssp_version"] = str(values["ssp_version"] or "").strip()
        if not clean["ssp_version"]:
            errors["ssp_version"] = "the SSP needs a version"
    if "ssp_date" in values:
        value = values["ssp_date"]
        try:
            clean["ssp_date"] = value if isinstance(value, date) else date.fromisoformat(str(value))
        except ValueError:
            errors["ssp_date"] = f"{value!r} is not a date (YYYY-MM-DD)"
    if errors:
        raise ValidationError(errors)
    return clean


def update_system(
    actor: Actor, system: System, values: Mapping[str, Any], *, version: int, reason: str = ""
) -> list[tuple[str, Any, Any]]:
    clean = clean_system(values)
    _row, changes = history.versioned_update(
        System,
        system.pk,
        version,
        clean,
        actor=actor,
        system=system,
        object_type="system",
        label=system.name,
        reason=reason,
    )
    return changes
