"""How rows are shown by the API (assessments themselves come from ``core.serialize``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from poam.web.workbench.models import Change, Entry, Evidence, Milestone, Summary, System
from poam.web.workbench.storage import verify


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def summary_data(summary: Summary | None) -> dict[str, Any] | None:
    if summary is None:
        return None
    return {
        "as_of": _day(summary.as_of),
        "score": summary.score,
        "provisional_score": summary.provisional,
        "verdict": summary.verdict,
        "closeout_deadline": _day(summary.closeout_deadline),
        "days_left": summary.days_left,
        "errors": summary.errors,
        "warnings": summary.warnings,
        "infos": summary.infos,
        "entries": summary.entries,
        "open_entries": summary.open_entries,
    }


def system_data(system: System, role: str, summary: Summary | None = None) -> dict[str, Any]:
    return {
        "id": system.pk,
        "name": system.name,
        "organization": {"slug": system.organization.slug, "name": system.organization.name},
        "role": role,
        "scope": system.scope,
        "cage_codes": list(system.cage_codes or ()),
        "ssp_version": system.ssp_version,
        "ssp_date": _day(system.ssp_date),
        "version": system.version,
        "revision": system.revision,
        "summary": summary_data(summary),
    }


def milestone_data(milestone: Milestone) -> dict[str, Any]:
    return {
        "id": milestone.pk,
        "title": milestone.title,
        "due": _day(milestone.due),
        "completed": _day(milestone.completed),
        "version": milestone.version,
        "history": [
            {
                "changed": _day(c.changed),
                "from": _day(c.from_date),
                "to": _day(c.to_date),
                "by": c.by,
                "justification": c.justification,
            }
            for c in getattr(milestone, "change_rows", ())
        ],
    }


def evidence_data(evidence: Evidence, verified: str | None = None) -> dict[str, Any]:
    return {
        "id": evidence.pk,
        "title": evidence.title,
        "uri": evidence.uri,
        "sha256": evidence.sha256,
        "date": _day(evidence.date),
        "file": None
        if not evidence.blob_id
        else {
            "name": evidence.filename,
            "size": evidence.blob.size if evidence.blob else None,
            "stored_sha256": evidence.blob_id,
        },
        "check": verified,
        "version": evidence.version,
    }


def entry_data(entry: Entry, store: Any = None) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "kind": entry.poam.kind,
        "item_id": entry.item_id,
        "requirement": entry.requirement,
        "gap": entry.gap,
        "remediation": list(entry.remediation or ()),
        "owner": entry.owner,
        "assignee": None if entry.assignee is None else entry.assignee.get_username(),
        "status": entry.status,
        "objectives": list(entry.objectives or ()),
        "created": _day(entry.created),
        "updated": _day(entry.updated),
        "identified_by": entry.identified_by,
        "resources": entry.resources,
        "comments": entry.comments,
        "version": entry.version,
        "milestones": [milestone_data(m) for m in getattr(entry, "milestone_rows", ())],
        "evidence": [
            evidence_data(e, None if store is None else verify(store, e.uri, e.sha256))
            for e in getattr(entry, "evidence_rows", ())
        ],
    }


def change_data(change: Change) -> dict[str, Any]:
    return {
        "at": change.at.isoformat(),
        "user": change.user_label,
        "object_type": change.object_type,
        "object_id": change.object_id,
        "object": change.object_label,
        "action": change.action,
        "field": change.field or None,
        "old": change.old,
        "new": change.new,
        "reason": change.reason or None,
    }
