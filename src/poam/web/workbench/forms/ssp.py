"""The SSP's forms: what it says of one requirement, and the system's own description."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from poam.core.catalog import Requirement
from poam.core.model import EncryptionState, ImplementationStatus, MfaState, ObjectiveResult, Scope
from poam.web.workbench.forms import PartialModelForm
from poam.web.workbench.forms.fields import EnumField, IsoDateField, TextField
from poam.web.workbench.models import SspRequirement, System

PARTIAL_CREDIT_OF = {"mfa": "IA.L2-3.5.3", "encryption": "SC.L2-3.13.11"}
"""The one requirement where each partial-credit state applies (32 CFR 170.24(c)(2)(i)(B))."""


class ObjectivesField(forms.Field):
    """The assessment objectives of one requirement (NIST SP 800-171A): letter -> outcome.

    Letters the requirement does not have are refused; an empty outcome means not assessed.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.requirement: Requirement | None = None

    def to_python(self, value: Any) -> dict[str, str]:
        requirement = self.requirement
        assert requirement is not None, "the form sets the requirement"
        if value in (None, ""):
            return {}
        if not isinstance(value, dict):
            raise ValidationError("objectives are given as letter: outcome", code="invalid")
        letters = requirement.objective_letters
        errors, result = [], {}
        for letter, outcome in value.items():
            if letter not in letters:
                errors.append(
                    f"{requirement.cmmc_id} has no objective {letter!r} "
                    f"(it has {', '.join(letters)})"
                )
            elif outcome not in (None, ""):
                try:
                    result[letter] = ObjectiveResult(outcome).value
                except ValueError:
                    errors.append(f"{outcome!r} is not met, not-met or not-applicable")
        if errors:
            raise ValidationError(errors, code="invalid")
        return {letter: result[letter] for letter in letters if letter in result}


class SspRequirementForm(PartialModelForm):
    """What the SSP says of one requirement. Creating a record needs its status."""

    status = EnumField(
        ImplementationStatus, "%(value)r is not a status", required_message="a status is required"
    )
    narrative = TextField()
    objectives = ObjectivesField()
    mfa = EnumField(
        MfaState,
        "%(value)r is not one of " + ", ".join(m.value for m in MfaState),
        required=False,
    )
    encryption = EnumField(
        EncryptionState,
        "%(value)r is not one of " + ", ".join(e.value for e in EncryptionState),
        required=False,
    )
    enduring_exception = TextField(empty_none=True)
    deficiency_plan = TextField(empty_none=True)
    deficiency_description = TextField()
    responsible = TextField(empty_none=True, max_length=200)

    class Meta:
        model = SspRequirement
        fields = (
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

    def __init__(self, data: Any, *, requirement: Requirement, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.requirement = requirement
        if "objectives" in self.fields:
            field = self.fields["objectives"]
            assert isinstance(field, ObjectivesField)
            field.requirement = requirement

    def _partial_credit(self, name: str) -> str | None:
        value: str | None = self.cleaned_data.get(name)
        partial = self.requirement.partial_credit
        if value is not None and (partial is None or partial.field != name):
            raise ValidationError(f"{name} applies only to {PARTIAL_CREDIT_OF[name]}")
        return value

    def clean_mfa(self) -> str | None:
        return self._partial_credit("mfa")

    def clean_encryption(self) -> str | None:
        return self._partial_credit("encryption")


class CageCodesField(forms.Field):
    """CAGE codes separated by spaces or commas (or a JSON list): five letters or digits."""

    def to_python(self, value: Any) -> list[str]:
        raw = value.replace(",", " ").split() if isinstance(value, str) else list(value or ())
        codes = [str(code).strip().upper() for code in raw if str(code).strip()]
        bad = [code for code in codes if len(code) != 5 or not code.isalnum()]
        if bad:
            raise ValidationError(f"{', '.join(bad)}: a CAGE code is 5 letters or digits")
        return codes


class SystemForm(PartialModelForm):
    """A system's description: the header of its SSP."""

    name = TextField(
        required=True, max_length=200, error_messages={"required": "a system needs a name"}
    )
    scope = EnumField(
        Scope,
        "scope is enterprise, enclave or contract",
        required_message="scope is enterprise, enclave or contract",
    )
    cage_codes = CageCodesField(required=False)
    organization_label = TextField(empty_none=True, max_length=200)
    description = TextField(empty_none=True)
    ssp_version = TextField(
        required=True, max_length=50, error_messages={"required": "the SSP needs a version"}
    )
    ssp_date = IsoDateField(error_messages={"required": "the SSP needs a date"})
    ssp_update_cadence_days = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=3650,
        error_messages={
            "invalid": "the update cadence is a number of days",
            "min_value": "the update cadence is 1 day or more",
            "max_value": "the update cadence is at most 3650 days (10 years)",
        },
    )

    class Meta:
        model = System
        fields = (
            "name",
            "scope",
            "cage_codes",
            "organization_label",
            "description",
            "ssp_version",
            "ssp_date",
            "ssp_update_cadence_days",
        )
