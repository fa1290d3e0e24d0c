"""Request bodies of the API, typed by the core's enumerations (the OpenAPI document lists each
allowed value). What they hold is validated once more, with poam's messages, by the same forms
as the pages (``workbench/forms``); the fields an entry has are those of ``EntryForm``."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import ModelSchema, Schema

from poam.core.model import (
    EncryptionState,
    ImplementationStatus,
    ItemStatus,
    MfaState,
    ObjectiveResult,
    PoamKind,
)
from poam.web.workbench.forms.poam import EntryForm
from poam.web.workbench.models import Entry


class Versioned(Schema):
    version: int
    """The version the change is based on (from the last read); a stale one gets 409."""
    reason: str = ""


class RequirementPatch(Versioned):
    status: ImplementationStatus | None = None
    narrative: str | None = None
    objectives: dict[str, ObjectiveResult | Literal[""]] | None = None
    mfa: MfaState | None = None
    encryption: EncryptionState | None = None
    enduring_exception: str | None = None
    deficiency_plan: str | None = None
    deficiency_description: str | None = None
    responsible: str | None = None


class EntryFields(ModelSchema):
    """An entry's fields: those of ``EntryForm`` (the one list of them), each optional."""

    remediation: list[str] | None = None
    assignee: int | None = None
    """The member's user id."""
    status: ItemStatus | None = None
    objectives: list[str] | None = None

    class Meta:
        model = Entry
        fields = EntryForm.Meta.fields
        fields_optional = "__all__"


class EntryCreate(EntryFields):
    kind: PoamKind = PoamKind.INTERNAL
    milestone_title: str | None = None
    milestone_due: dt.date | None = None


class EntryPatch(EntryFields, Versioned):
    pass


class MilestoneCreate(Schema):
    title: str
    due: dt.date | None = None


class MilestonePatch(Versioned):
    title: str | None = None
    completed: dt.date | None = None
    due: dt.date | None = None


class MilestoneMove(Schema):
    version: int
    to_date: dt.date
    justification: str = ""


class LinkCreate(Schema):
    title: str
    url: str
    date: dt.date | None = None
    sha256: str | None = None


class ReviewCreate(Schema):
    kind: PoamKind | None = None
    note: str = ""


class CommentCreate(Schema):
    text: str
    entry: int | None = None
    requirement: str | None = None


def given(payload: Schema, *, without: tuple[str, ...] = ("version", "reason")) -> dict[str, Any]:
    """The fields the client actually sent (absent is not the same as null)."""
    return {k: v for k, v in payload.model_dump(exclude_unset=True).items() if k not in without}
