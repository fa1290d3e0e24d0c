"""The API of a system's CMMC status over time: the standing, what a new assessment would
award, the affirmations owed, the timeline, and the record (assessments of record with their
closeout, affirmations) that administrators keep. The same core and services as the status page.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from poam.core.lifecycle import affirmations_due, timeline
from poam.core.model import AffirmationKind, AssessmentResult, AssessmentType, CloseoutResult
from poam.core.serialize import (
    affirmations_to_data,
    cmmc_to_data,
    verdict_to_data,
)
from poam.web.api import schemas
from poam.web.api.responses import ERRORS, WRITE_ERRORS
from poam.web.api.schemas import Reason, Short, Version
from poam.web.workbench import tenancy
from poam.web.workbench.assessment import system_assessment
from poam.web.workbench.clock import today
from poam.web.workbench.history import Actor
from poam.web.workbench.models import System
from poam.web.workbench.services import status as status_service
from poam.web.workbench.tenancy import Action

router = Router(by_alias=True, tags=["status"])


class AssessmentIn(Schema):
    """An assessment whose result was entered in SPRS (self) or eMASS (C3PAO)."""

    version: Version
    """The system's version the change is based on (from the last read); stale: 409."""
    reason: Reason = ""
    type: AssessmentType
    date: dt.date
    status_date: dt.date
    result: AssessmentResult
    score: Annotated[int, Field(ge=-203, le=110)] | None = None
    """An SPRS score: 110 at most, -203 at least (32 CFR 170.24)."""
    uid: Short | None = None
    closeout_date: dt.date | None = None
    closeout_result: CloseoutResult | None = None


class AffirmationIn(Schema):
    """An affirmation the Affirming Official submitted in SPRS (32 CFR 170.22)."""

    version: Version
    reason: Reason = ""
    kind: AffirmationKind
    date: dt.date
    official: Short
    title: Short


def _fields(payload: Schema) -> dict[str, Any]:
    return {
        key: value
        for key, value in payload.model_dump(exclude_none=True).items()
        if key not in ("version", "reason")
    }


def _status(system: System) -> dict[str, Any]:
    """The status document: the core's answers and the record, with the system's version."""
    system.refresh_from_db()
    as_of = today()
    result = system_assessment(system, as_of).assessment
    return {
        "as_of": as_of.isoformat(),
        "version": system.version,
        **verdict_to_data(result.verdict),
        **verdict_to_data(result.ready, prefix="readiness"),
        "affirmations_owed": affirmations_to_data(
            affirmations_due(result.verdict, result.ssp.cmmc, as_of), as_of
        ),
        "record": cmmc_to_data(result.ssp.cmmc),
        "timeline": [
            {
                "date": event.day.isoformat(),
                "kind": event.kind.value,
                "title": event.title,
                "detail": event.detail,
                "rule": event.rule,
                "past": event.past,
                "late": event.late,
            }
            for event in timeline(result.ssp, result.poam, result.verdict, as_of)
        ],
    }


@router.get("/systems/{system_id}/status", response={200: dict[str, Any], **ERRORS})
def status(request: HttpRequest, system_id: schemas.Id) -> dict[str, Any]:
    """The CMMC status over time: standing, readiness, affirmations owed, timeline, record."""
    system, _access = tenancy.system(request.user, system_id)
    return _status(system)


@router.post(
    "/systems/{system_id}/status/assessments", response={201: dict[str, Any], **WRITE_ERRORS}
)
def add_assessment(
    request: HttpRequest, system_id: schemas.Id, payload: AssessmentIn
) -> Status[dict[str, Any]]:
    """Record an assessment of record (administrators)."""
    system, _access = tenancy.system(request.user, system_id, Action.RECORD_STATUS)
    status_service.add_assessment(
        Actor.from_request(request),
        system,
        _fields(payload),
        version=payload.version,
        today=today(),
        reason=payload.reason,
    )
    return Status(201, _status(system))


@router.put(
    "/systems/{system_id}/status/assessments/{index}",
    response={200: dict[str, Any], **WRITE_ERRORS},
)
def update_assessment(
    request: HttpRequest, system_id: schemas.Id, index: schemas.Index, payload: AssessmentIn
) -> dict[str, Any]:
    """Correct an assessment of record, or record its POA&M closeout (``index`` from 0)."""
    system, _access = tenancy.system(request.user, system_id, Action.RECORD_STATUS)
    status_service.update_assessment(
        Actor.from_request(request),
        system,
        index,
        _fields(payload),
        version=payload.version,
        today=today(),
        reason=payload.reason,
    )
    return _status(system)


@router.delete(
    "/systems/{system_id}/status/assessments/{index}",
    response={200: dict[str, Any], **WRITE_ERRORS},
)
def remove_assessment(
    request: HttpRequest,
    system_id: schemas.Id,
    index: schemas.Index,
    version: schemas.Version,
    reason: schemas.Reason = "",
) -> dict[str, Any]:
    """Take an assessment out of the record, saying why (the history keeps it)."""
    system, _access = tenancy.system(request.user, system_id, Action.RECORD_STATUS)
    status_service.remove_assessment(
        Actor.from_request(request), system, index, version=version, reason=reason
    )
    return _status(system)


@router.post(
    "/systems/{system_id}/status/affirmations", response={201: dict[str, Any], **WRITE_ERRORS}
)
def add_affirmation(
    request: HttpRequest, system_id: schemas.Id, payload: AffirmationIn
) -> Status[dict[str, Any]]:
    """Record an affirmation (administrators)."""
    system, _access = tenancy.system(request.user, system_id, Action.RECORD_STATUS)
    status_service.add_affirmation(
        Actor.from_request(request),
        system,
        _fields(payload),
        version=payload.version,
        today=today(),
        reason=payload.reason,
    )
    return Status(201, _status(system))


@router.delete(
    "/systems/{system_id}/status/affirmations/{index}",
    response={200: dict[str, Any], **WRITE_ERRORS},
)
def remove_affirmation(
    request: HttpRequest,
    system_id: schemas.Id,
    index: schemas.Index,
    version: schemas.Version,
    reason: schemas.Reason = "",
) -> dict[str, Any]:
    """Take an affirmation out of the record, saying why (the history keeps it)."""
    system, _access = tenancy.system(request.user, system_id, Action.RECORD_STATUS)
    status_service.remove_affirmation(
        Actor.from_request(request), system, index, version=version, reason=reason
    )
    return _status(system)
