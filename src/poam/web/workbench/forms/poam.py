"""The POA&M's forms: entries, their milestones and date moves, evidence, settings, comments."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from poam.core.model import AssessmentType, ItemStatus, PoamKind
from poam.web.workbench.forms import PartialModelForm
from poam.web.workbench.forms.fields import (
    EnumField,
    IsoDateField,
    LettersField,
    LinesField,
    RequirementField,
    TextField,
)
from poam.web.workbench.models import Entry, EntryMilestone, PoamDocument

OWNER_FIELDS = frozenset({"gap", "remediation", "status", "resources", "comments"})
"""What an entry owner may change on the entries assigned to them."""


def assignable_users(organization_id: int) -> QuerySet[Any]:
    """Members of the organization: who an entry may be assigned to."""
    return (
        get_user_model()
        .objects.filter(memberships__organization_id=organization_id)
        .order_by("first_name", "last_name", "username")
    )


def suggested_item_id(poam: PoamDocument) -> str:
    """``<prefix><n+1>`` after the highest numbered id of the POA&M (``POAM-001`` to start)."""
    best: tuple[int, str, int] | None = None
    for item_id in Entry.objects.filter(poam=poam).values_list("item_id", flat=True):
        match = re.match(r"^(.*?)(\d+)$", item_id)
        if match and (best is None or int(match[2]) > best[0]):
            best = (int(match[2]), match[1], len(match[2]))
    if best is None:
        return "POAM-001"
    number, prefix, width = best
    return f"{prefix}{number + 1:0{width}d}"


class EntryForm(PartialModelForm):
    """A POA&M entry (the core's ``PoamItem``): its fields are this form's, nowhere else."""

    item_id = TextField(
        required=True, max_length=64, error_messages={"required": "an entry needs an id"}
    )
    requirement = RequirementField(
        max_length=64, error_messages={"required": "an entry covers a requirement"}
    )
    gap = TextField()
    remediation = LinesField(required=False)
    owner = TextField(max_length=200)
    assignee = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        error_messages={"invalid_choice": "the assignee must be a member of this organization"},
    )
    status = EnumField(
        ItemStatus, "%(value)r is not an entry status", required_message="an entry needs a status"
    )
    objectives = LettersField(required=False)
    created = IsoDateField(required=False)
    identified_by = TextField(empty_none=True)
    resources = TextField(empty_none=True)
    comments = TextField(empty_none=True)

    class Meta:
        model = Entry
        fields = (
            "item_id",
            "requirement",
            "gap",
            "remediation",
            "owner",
            "assignee",
            "status",
            "objectives",
            "created",
            "identified_by",
            "resources",
            "comments",
        )

    def __init__(self, data: Any, *, poam: PoamDocument, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        if "assignee" in self.fields:
            field = self.fields["assignee"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = assignable_users(poam.system.organization_id)


class PoamSettingsForm(PartialModelForm):
    """A POA&M's maintainer, review cadence and (the Conditional one's) status date."""

    maintainer = TextField(max_length=200)
    review_cadence_days = forms.IntegerField(
        required=False,
        min_value=1,
        error_messages={
            "invalid": "a number of days, 1 or more",
            "min_value": "a number of days, 1 or more",
        },
    )
    conditional_assessment = EnumField(AssessmentType, "self or c3pao", required=False)
    conditional_status_date = IsoDateField(required=False)

    class Meta:
        model = PoamDocument
        fields = (
            "maintainer",
            "review_cadence_days",
            "conditional_assessment",
            "conditional_status_date",
        )

    CONDITIONAL = frozenset({"conditional_assessment", "conditional_status_date"})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.instance.kind != PoamKind.CONDITIONAL.value and self.CONDITIONAL & set(self.fields):
            raise ValidationError("only the Conditional POA&M has a Conditional status date")
        return cleaned


class PoamKindForm(forms.Form):
    """Which POA&M to start."""

    kind = EnumField(
        PoamKind, "internal or conditional", required_message="internal or conditional"
    )


class MilestoneForm(PartialModelForm):
    """A milestone's title and dates; a due date already set moves only with a justification
    (:class:`DueDateMoveForm`)."""

    title = TextField(required=True, error_messages={"required": "a milestone needs a title"})
    due = IsoDateField(required=False)
    completed = IsoDateField(required=False)

    class Meta:
        model = EntryMilestone
        fields = ("title", "due", "completed")

    def clean_due(self) -> Any:
        due = self.cleaned_data.get("due")
        current = self.initial.get("due")
        if current is not None and due != current:
            raise ValidationError("moving a due date needs a justification: use “Change date”")
        return due


class DueDateMoveForm(forms.Form):
    """A move of a milestone's due date: the new date and why (the rules require a reason)."""

    to_date = IsoDateField(error_messages={"required": "give the new due date"})
    justification = TextField(
        required=True,
        error_messages={
            "required": "a justification is required: say what changed and why the new date "
            "is realistic"
        },
    )

    def __init__(self, data: Any, *, milestone: EntryMilestone) -> None:
        super().__init__(data)
        self.milestone = milestone

    def clean_to_date(self) -> Any:
        to_date = self.cleaned_data.get("to_date")
        if to_date is not None and to_date == self.milestone.due:
            raise ValidationError(f"the milestone is already due {to_date.isoformat()}")
        return to_date

    def clean_justification(self) -> str:
        return " ".join(str(self.cleaned_data.get("justification") or "").split())


class LinkForm(forms.Form):
    """Evidence that is a link: an address (never fetched), a title, optionally its SHA-256."""

    url = TextField(
        required=True, error_messages={"required": "a link is an http:// or https:// address"}
    )
    title = TextField(
        required=True, max_length=500, error_messages={"required": "evidence needs a title"}
    )
    sha256 = TextField(empty_none=True)
    date = IsoDateField(required=False)

    def clean_url(self) -> str:
        url = str(self.cleaned_data.get("url") or "")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValidationError("a link is an http:// or https:// address")
        return url

    def clean_sha256(self) -> str | None:
        value: str | None = self.cleaned_data.get("sha256")
        if value is None:
            return None
        value = value.lower()
        if not re.fullmatch(r"[0-9a-f]{64}", value):
            raise ValidationError("a SHA-256 is 64 hexadecimal digits")
        return value


class UploadForm(forms.Form):
    """Evidence that is a file: stored with its SHA-256 and size."""

    file = forms.FileField(
        error_messages={
            "required": "choose a file to upload, or give a link",
            "empty": "the file is empty",
        }
    )
    title = TextField(max_length=500)
    date = IsoDateField(required=False)


class CommentForm(forms.Form):
    """A remark on a system, one of its requirements, or an entry."""

    text = TextField(required=True, error_messages={"required": "write the comment first"})
    requirement = RequirementField(required=False)


class ReviewForm(forms.Form):
    """A review of a POA&M: the day is today; the note is optional."""

    note = TextField()
