"""The forms of an organization: its name, its members and their roles."""

from __future__ import annotations

from django import forms

from poam.web.workbench.forms.fields import TextField
from poam.web.workbench.models import Organization, Role


class RoleField(forms.ChoiceField):
    def __init__(self) -> None:
        super().__init__(
            choices=Role.choices,
            error_messages={
                "invalid_choice": "%(value)r is not a role",
                "required": "choose a role",
            },
        )


class OrganizationForm(forms.ModelForm):  # type: ignore[type-arg]
    """A new organization (a tenant)."""

    name = TextField(
        required=True, max_length=200, error_messages={"required": "an organization needs a name"}
    )

    class Meta:
        model = Organization
        fields = ("name",)


class RoleForm(forms.Form):
    """A member's new role."""

    role = RoleField()
