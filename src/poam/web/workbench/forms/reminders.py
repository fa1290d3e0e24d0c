"""The reminder settings a user may choose: only kinds poam knows, a bounded horizon, and only
organizations and systems the user may see (anything else is refused at its field)."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.db.models import QuerySet

from poam.core.reminders import KIND_LABEL, ReminderKind
from poam.web.workbench.models import Organization, ReminderSettings, System
from poam.web.workbench.models.reminders import MAX_DAYS_AHEAD


class SystemChoices(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: System) -> str:
        return f"{obj.name} ({obj.organization.name})"


class ReminderSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    kinds = forms.MultipleChoiceField(
        choices=[(kind.value, KIND_LABEL[kind]) for kind in ReminderKind],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None chosen: every kind.",
    )
    systems = SystemChoices(
        queryset=System.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    days_ahead = forms.IntegerField(
        min_value=0,
        max_value=MAX_DAYS_AHEAD,
        label="Days ahead",
        help_text=f"Remind of what falls due within this many days (0 to {MAX_DAYS_AHEAD}); "
        "overdue items and the closeout countdown always come.",
    )

    class Meta:
        model = ReminderSettings
        fields = ("email", "days_ahead", "kinds", "organizations", "systems")
        labels: ClassVar[dict[str, str]] = {"email": "Email me a daily digest"}
        widgets: ClassVar[dict[str, type[forms.Widget]]] = {
            "organizations": forms.CheckboxSelectMultiple
        }

    def __init__(
        self,
        *args: Any,
        organizations: QuerySet[Organization],
        systems: QuerySet[System],
        address: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.address = address
        chosen_orgs = self.fields["organizations"]
        chosen_systems = self.fields["systems"]
        assert isinstance(chosen_orgs, forms.ModelMultipleChoiceField)
        assert isinstance(chosen_systems, forms.ModelMultipleChoiceField)
        chosen_orgs.queryset = organizations
        chosen_orgs.help_text = "None chosen: every organization you belong to."
        chosen_systems.queryset = systems
        chosen_systems.help_text = "None chosen: every system of the organizations above."

    def clean_email(self) -> bool:
        wanted = bool(self.cleaned_data.get("email"))
        if wanted and not self.address:
            raise forms.ValidationError(
                "Your account has no email address: add one before turning email on."
            )
        return wanted
