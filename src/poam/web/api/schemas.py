"""Request bodies of the API. Responses are the core's plain data or small dicts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema


class Versioned(Schema):
    version: int
    """The version the change is based on (from the last read); a stale one gets 409."""
    reason: str = ""


class RequirementPatch(Versioned):
    status: str | None = None
    narrative: str | None = None
    objectives: dict[str, str] | None = None
    mfa: str | None = None
    encryption: str | None = None
    enduring_exception: str | None = None
    deficiency_plan: str | None = None
    deficiency_description: str | None = None
    responsible: str | None = None


class EntryFields(Schema):
    item_id: str | None = None
    requirement: str | None = None
    gap: str | None = None
    remediation: list[str] | None = None
    owner: str | None = None
    assignee: int | None = None
    status: str | None = None
    objectives: list[str] | None = None
    created: dt.date | None = None
    identified_by: str | None = None
    resources: str | None = None
    comments: str | None = None


class EntryCreate(EntryFields):
    kind: str = "internal"
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
    kind: str | None = None
    note: str = ""


class CommentCreate(Schema):
    text: str
    entry: int | None = None
    requirement: str | None = None


def given(payload: Schema, *, without: tuple[str, ...] = ("version", "reason")) -> dict[str, Any]:
    """The fields the client actually sent (absent is not the same as null)."""
    return {k: v for k, v in payload.model_dump(exclude_unset=True).items() if k not in without}
