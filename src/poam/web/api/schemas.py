"""Request bodies and parameters of the API, typed by the core's enumerations (the OpenAPI
document lists each allowed value) and bounded: every integer within what the database holds,
every string without NUL (PostgreSQL refuses it) and no longer than its column or a limit set
here, every list and mapping with a most number of items. Input outside them is answered 422
naming the field, before any query. What they hold is validated once more, with poam's
messages, by the same forms as the pages (``workbench/forms``); the fields an entry has are
those of ``EntryForm``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import ModelSchema, Schema
from pydantic import Field

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

MAX_ID = 2**63 - 1
"""The largest id a table holds (64-bit keys)."""
MAX_VERSION = 2**31 - 1
"""Versions are 32-bit columns."""
NO_NUL = r"^[^\x00]*$"
"""PostgreSQL cannot store NUL in text; nor does a person type it."""

SHORT = 200
"""Names, owners, officials: the columns' 200 characters."""
LONG = 20_000
"""Free text (a gap, a narrative, a comment): about ten pages, far past any real one."""
REASON = 2_000
ITEMS = 200
"""The most items in a list or a mapping (110 requirements, 320 objectives in all)."""


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Version = Annotated[int, Field(ge=0, le=MAX_VERSION)]
Index = Annotated[int, Field(ge=0, le=MAX_VERSION)]
Limit = Annotated[int, Field(ge=1, le=500)]
Offset = Annotated[int, Field(ge=0, le=MAX_VERSION)]
Reason = Annotated[str, Field(max_length=REASON, pattern=NO_NUL)]
Short = Annotated[str, Field(max_length=SHORT, pattern=NO_NUL)]
Long = Annotated[str, Field(max_length=LONG, pattern=NO_NUL)]
Code = Annotated[str, Field(max_length=64, pattern=NO_NUL)]
"""An item id, a requirement as typed, a SHA-256: the columns' 64 characters."""
Url = Annotated[str, Field(max_length=4_000, pattern=NO_NUL)]
ObjectiveId = Annotated[str, Field(max_length=20, pattern=NO_NUL)]
RequirementId = Annotated[str, Field(max_length=20, pattern=NO_NUL)]
Query = Annotated[str, Field(max_length=SHORT, pattern=NO_NUL)]
"""A search or a sort key in the address."""


class Versioned(Schema):
    version: Version
    """The version the change is based on (from the last read); a stale one gets 409."""
    reason: Reason = ""


class RequirementPatch(Versioned):
    status: ImplementationStatus | None = None
    narrative: Long | None = None
    objectives: (
        Annotated[dict[ObjectiveId, ObjectiveResult | Literal[""]], Field(max_length=ITEMS)] | None
    ) = None
    mfa: MfaState | None = None
    encryption: EncryptionState | None = None
    enduring_exception: Long | None = None
    deficiency_plan: Long | None = None
    deficiency_description: Long | None = None
    responsible: Short | None = None


class EntryFields(ModelSchema):
    """An entry's fields: those of ``EntryForm`` (the one list of them), each optional."""

    item_id: Code | None = None
    requirement: Code | None = None
    gap: Long | None = None
    remediation: Annotated[list[Long], Field(max_length=ITEMS)] | None = None
    owner: Short | None = None
    assignee: Id | None = None
    """The member's user id."""
    status: ItemStatus | None = None
    objectives: Annotated[list[ObjectiveId], Field(max_length=ITEMS)] | None = None
    identified_by: Long | None = None
    resources: Long | None = None
    comments: Long | None = None

    class Meta:
        model = Entry
        fields = EntryForm.Meta.fields
        fields_optional = "__all__"


class EntryCreate(EntryFields):
    kind: PoamKind = PoamKind.INTERNAL
    milestone_title: Long | None = None
    milestone_due: dt.date | None = None


class EntryPatch(EntryFields, Versioned):
    pass


class MilestoneCreate(Schema):
    title: Long
    due: dt.date | None = None


class MilestonePatch(Versioned):
    title: Long | None = None
    completed: dt.date | None = None
    due: dt.date | None = None


class MilestoneMove(Schema):
    version: Version
    to_date: dt.date
    justification: Long = ""


class LinkCreate(Schema):
    title: Long
    url: Url
    date: dt.date | None = None
    sha256: Code | None = None


class ReviewCreate(Schema):
    kind: PoamKind | None = None
    note: Long = ""


class CommentCreate(Schema):
    text: Long
    entry: Id | None = None
    requirement: RequirementId | None = None


def given(payload: Schema, *, without: tuple[str, ...] = ("version", "reason")) -> dict[str, Any]:
    """The fields the client actually sent (absent is not the same as null)."""
    return {k: v for k, v in payload.model_dump(exclude_unset=True).items() if k not in without}
