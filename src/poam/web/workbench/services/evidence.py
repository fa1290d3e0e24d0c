"""Evidence: uploaded files (stored with their SHA-256 and size) and links."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils.datastructures import MultiValueDict

from poam.web.workbench import storage
from poam.web.workbench.forms import validated
from poam.web.workbench.forms.poam import LinkForm, UploadForm
from poam.web.workbench.history import Actor, UnitOfWork
from poam.web.workbench.models import Blob, Entry, EntryEvidence, ObjectType


def _unique_uri(entry: Entry, filename: str, sha256: str) -> str:
    """``evidence/<name>``, suffixed when the system already uses it for other content."""
    taken = dict(
        EntryEvidence.objects.filter(
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


def _label(evidence: EntryEvidence) -> str:
    return f"Evidence '{evidence.title}' of {evidence.entry.item_id}"


def _position(entry: Entry) -> int:
    return (entry.evidence.aggregate(top=Max("position"))["top"] or 0) + 1


def _store(upload: Any) -> storage.Stored:
    try:
        return storage.store_upload(upload)
    except storage.TooLarge as error:
        raise ValidationError({"file": str(error)}) from None


def add_file(
    actor: Actor, entry: Entry, upload: Any, *, title: str, when: Any, today: date
) -> EntryEvidence:
    """Store an uploaded file and record it as evidence of ``entry``."""
    form = validated(UploadForm({"title": title, "date": when}, MultiValueDict({"file": [upload]})))
    filename = storage.safe_name(getattr(upload, "name", "") or "file")
    title = form.cleaned_data["title"] or filename
    stored = _store(upload)
    with UnitOfWork(actor, system=entry.poam.system) as work:
        Blob.objects.get_or_create(sha256=stored.sha256, defaults={"size": stored.size})
        evidence = EntryEvidence.objects.create(
            entry=entry,
            position=_position(entry),
            title=title,
            uri=_unique_uri(entry, filename, stored.sha256),
            sha256=stored.sha256,
            date=form.cleaned_data["date"] or today,
            blob_id=stored.sha256,
            filename=filename,
            content_type=str(getattr(upload, "content_type", "") or "")[:100],
            uploaded_by=actor.user,
        )
        work.created(
            ObjectType.EVIDENCE,
            evidence,
            _label(evidence),
            {"title": title, "uri": evidence.uri, "sha256": stored.sha256, "size": stored.size},
        )
    return evidence


def add_link(
    actor: Actor,
    entry: Entry,
    *,
    title: str,
    url: str,
    when: Any,
    today: date,
    sha256: str | None = None,
) -> EntryEvidence:
    """Record a link as evidence (never fetched: the address and, if given, its SHA-256)."""
    form = validated(LinkForm({"title": title, "url": url, "sha256": sha256, "date": when}))
    values = form.cleaned_data
    with UnitOfWork(actor, system=entry.poam.system) as work:
        evidence = EntryEvidence.objects.create(
            entry=entry,
            position=_position(entry),
            title=values["title"],
            uri=values["url"],
            sha256=values["sha256"],
            date=values["date"] or today,
        )
        work.created(
            ObjectType.EVIDENCE,
            evidence,
            _label(evidence),
            {"title": evidence.title, "uri": evidence.uri},
        )
    return evidence


def attach_file(
    actor: Actor, evidence: EntryEvidence, upload: Any, *, version: int
) -> EntryEvidence:
    """Supply the file of an evidence record that names one (e.g. after an import).

    The recorded SHA-256 is kept when there is one, so a different file shows as a mismatch;
    without one, the uploaded file's hash is recorded.
    """
    if upload is None:
        raise ValidationError({"file": "choose the file"})
    stored = _store(upload)
    values: dict[str, Any] = {
        "blob_id": stored.sha256,
        "filename": storage.safe_name(getattr(upload, "name", "") or "file"),
    }
    if not evidence.sha256:
        values["sha256"] = stored.sha256
    if not evidence.uri:
        values["uri"] = _unique_uri(evidence.entry, values["filename"], stored.sha256)
    with UnitOfWork(actor, system=evidence.entry.poam.system, reason="file uploaded") as work:
        Blob.objects.get_or_create(sha256=stored.sha256, defaults={"size": stored.size})
        row, _changes = work.save(
            EntryEvidence,
            evidence.pk,
            version,
            values,
            object_type=ObjectType.EVIDENCE,
            label=_label(evidence),
        )
    return row


def delete_evidence(
    actor: Actor, evidence: EntryEvidence, *, version: int, reason: str = ""
) -> None:
    """Mark evidence removed (the file stays in the store; the change log keeps the record)."""
    with UnitOfWork(actor, system=evidence.entry.poam.system, reason=reason) as work:
        work.remove(
            EntryEvidence,
            evidence.pk,
            version,
            object_type=ObjectType.EVIDENCE,
            label=_label(evidence),
            changes=[("uri", evidence.uri, None), ("sha256", evidence.sha256, None)],
        )
