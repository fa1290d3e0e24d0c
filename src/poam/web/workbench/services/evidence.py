"""Evidence: uploaded files (stored with their SHA-256 and size) and links."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from poam.web.workbench import history, storage
from poam.web.workbench.history import Actor, Conflict
from poam.web.workbench.models import Blob, Entry, Evidence

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str) -> str:
    """A file name fit for a URI: letters, digits, dot, dash and underscore only."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("-", base).strip(".-") or "file"
    return cleaned[:120]


def _unique_uri(entry: Entry, filename: str, sha256: str) -> str:
    """``evidence/<name>``, suffixed when the system already uses it for other content."""
    taken = dict(
        Evidence.objects.filter(
            entry__poam__system_id=entry.poam.system_id, deleted_at__isnull=True
        ).values_list("uri", "blob_id")
    )
    stem, dot, ext = filename.rpartition(".")
    if not dot:
        stem, ext = filename, ""
    uri = f"evidence/{filename}"
    counter = 2
    while uri in taken and taken[uri] != sha256:
        uri = f"evidence/{stem}-{counter}{'.' + ext if ext else ''}"
        counter += 1
    return uri


def _label(evidence: Evidence) -> str:
    return f"Evidence '{evidence.title}' of {evidence.entry.item_id}"


def _position(entry: Entry) -> int:
    return (entry.evidence.aggregate(top=Max("position"))["top"] or 0) + 1


def add_file(
    actor: Actor, entry: Entry, upload: Any, *, title: str, when: date | None, today: date
) -> Evidence:
    """Store an uploaded file and record it as evidence of ``entry``."""
    filename = safe_name(getattr(upload, "name", "") or "file")
    title = title.strip() or filename
    try:
        stored = storage.store_upload(upload)
    except storage.TooLarge as error:
        raise ValidationError({"file": str(error)}) from None
    with transaction.atomic():
        Blob.objects.get_or_create(sha256=stored.sha256, defaults={"size": stored.size})
        evidence = Evidence.objects.create(
            entry=entry,
            position=_position(entry),
            title=title,
            uri=_unique_uri(entry, filename, stored.sha256),
            sha256=stored.sha256,
            date=when or today,
            blob_id=stored.sha256,
            filename=filename,
            content_type=str(getattr(upload, "content_type", "") or "")[:100],
            uploaded_by=actor.user,
        )
        history.record(
            actor,
            system=entry.poam.system,
            object_type="evidence",
            object_id=evidence.pk,
            label=_label(evidence),
            action="create",
            changes=[
                ("title", None, title),
                ("uri", None, evidence.uri),
                ("sha256", None, stored.sha256),
                ("size", None, stored.size),
            ],
        )
        history.bump(entry.poam.system)
    return evidence


def add_link(
    actor: Actor,
    entry: Entry,
    *,
    title: str,
    url: str,
    when: date | None,
    today: date,
    sha256: str | None = None,
) -> Evidence:
    url = url.strip()
    parts = urlsplit(url)
    errors = {}
    if parts.scheme not in ("http", "https") or not parts.netloc:
        errors["url"] = "a link is an http:// or https:// address"
    sha = (sha256 or "").strip().lower() or None
    if sha is not None and not re.fullmatch(r"[0-9a-f]{64}", sha):
        errors["sha256"] = "a SHA-256 is 64 hexadecimal digits"
    if not title.strip():
        errors["title"] = "evidence needs a title"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        evidence = Evidence.objects.create(
            entry=entry,
            position=_position(entry),
            title=title.strip(),
            uri=url,
            sha256=sha,
            date=when or today,
        )
        history.record(
            actor,
            system=entry.poam.system,
            object_type="evidence",
            object_id=evidence.pk,
            label=_label(evidence),
            action="create",
            changes=[("title", None, evidence.title), ("uri", None, url)],
        )
        history.bump(entry.poam.system)
    return evidence


def attach_file(actor: Actor, evidence: Evidence, upload: Any, *, version: int) -> Evidence:
    """Supply the file of an evidence record that names one (e.g. after an import).

    The recorded SHA-256 is kept when there is one, so a different file shows as a mismatch;
    without one, the uploaded file's hash is recorded.
    """
    try:
        stored = storage.store_upload(upload)
    except storage.TooLarge as error:
        raise ValidationError({"file": str(error)}) from None
    Blob.objects.get_or_create(sha256=stored.sha256, defaults={"size": stored.size})
    values: dict[str, Any] = {
        "blob_id": stored.sha256,
        "filename": safe_name(getattr(upload, "name", "") or "file"),
    }
    if not evidence.sha256:
        values["sha256"] = stored.sha256
    if not evidence.uri:
        values["uri"] = _unique_uri(evidence.entry, values["filename"], stored.sha256)
    row, _changes = history.versioned_update(
        Evidence,
        evidence.pk,
        version,
        values,
        actor=actor,
        system=evidence.entry.poam.system,
        object_type="evidence",
        label=_label(evidence),
        reason="file uploaded",
    )
    assert isinstance(row, Evidence)
    return row


def delete_evidence(actor: Actor, evidence: Evidence, *, version: int, reason: str = "") -> None:
    """Mark evidence removed (the file stays in the store; the change log keeps the record)."""
    with transaction.atomic():
        updated = Evidence.objects.filter(
            pk=evidence.pk, version=version, deleted_at__isnull=True
        ).update(deleted_at=timezone.now(), version=version + 1)
        if updated != 1:
            raise Conflict(_label(evidence), history.latest_changes("evidence", evidence.pk))
        system = evidence.entry.poam.system
        history.record(
            actor,
            system=system,
            object_type="evidence",
            object_id=evidence.pk,
            label=_label(evidence),
            action="delete",
            reason=reason,
            changes=[("uri", evidence.uri, None), ("sha256", evidence.sha256, None)],
        )
        history.bump(system)
