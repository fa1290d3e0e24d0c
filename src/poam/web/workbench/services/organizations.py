"""Organizations and their members: each change is in the change log, under the organization,
with who made it and from where (the same unit of work as a system's changes)."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

import poam
from poam.web.workbench import audit, storage
from poam.web.workbench.chain import FIELDS
from poam.web.workbench.forms import validated
from poam.web.workbench.forms.tenancy import OrganizationForm, RoleForm
from poam.web.workbench.history import Actor, UnitOfWork
from poam.web.workbench.models import (
    Blob,
    Change,
    ChangePurge,
    Comment,
    EntryEvidence,
    Membership,
    ObjectType,
    Organization,
    Review,
    Role,
    System,
)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:60] or "organization"
    slug, counter = base, 2
    while Organization.objects.filter(slug=slug).exists():
        slug = f"{base}-{counter}"
        counter += 1
    return slug


def _member_label(membership: Membership) -> str:
    return f"{membership.user.get_username()} in {membership.organization.name}"


def create_organization(actor: Actor, name: str, *, slug: str | None = None) -> Organization:
    """A new organization, with ``actor`` as its first administrator."""
    form = validated(OrganizationForm({"name": name}))
    organization: Organization = form.save(commit=False)
    organization.slug = slug or _unique_slug(organization.name)
    with UnitOfWork(actor, organization=None) as work:
        organization.save()
        work.organization_id = organization.pk
        work.record(
            ObjectType.ORGANIZATION,
            organization.pk,
            organization.name,
            "create",
            [("name", None, organization.name), ("slug", None, organization.slug)],
        )
        if actor.user is not None:
            membership = Membership.objects.create(
                user=actor.user, organization=organization, role=Role.ADMINISTRATOR
            )
            work.record(
                ObjectType.MEMBERSHIP,
                membership.pk,
                _member_label(membership),
                "create",
                [("role", None, membership.role)],
            )
    return organization


def add_member(
    actor: Actor, organization: Organization, user: Any, role: str, *, reason: str = ""
) -> tuple[Membership, bool]:
    """Make an existing account a member in ``role`` (people join by accepting an invitation,
    poam.web.accounts.invitations, which calls this). Returns the membership and whether it is
    new; an account that is already a member keeps its role."""
    role = validated(RoleForm({"role": role})).cleaned_data["role"]
    with UnitOfWork(actor, organization=organization, reason=reason) as work:
        membership, created = Membership.objects.get_or_create(
            user=user, organization=organization, defaults={"role": role}
        )
        if created:
            work.record(
                ObjectType.MEMBERSHIP,
                membership.pk,
                _member_label(membership),
                "create",
                [("role", None, membership.role)],
            )
    return membership, created


def change_role(
    actor: Actor, organization: Organization, membership: Membership, role: str
) -> None:
    """Give a member another role; an organization keeps at least one administrator."""
    role = validated(RoleForm({"role": role})).cleaned_data["role"]
    with UnitOfWork(actor, organization=organization) as work:
        if membership.role == Role.ADMINISTRATOR and role != Role.ADMINISTRATOR:
            _keep_an_administrator(organization, membership)
        if role == membership.role:
            return
        Membership.objects.filter(pk=membership.pk).update(role=role)
        work.record(
            ObjectType.MEMBERSHIP,
            membership.pk,
            _member_label(membership),
            "update",
            [("role", membership.role, role)],
        )
        membership.role = role


def remove_member(actor: Actor, organization: Organization, membership: Membership) -> None:
    """Take a member out of the organization (their history stays)."""
    with UnitOfWork(actor, organization=organization) as work:
        if membership.role == Role.ADMINISTRATOR:
            _keep_an_administrator(organization, membership)
        work.record(
            ObjectType.MEMBERSHIP,
            membership.pk,
            _member_label(membership),
            "delete",
            [("role", membership.role, None)],
        )
        membership.delete()


def _keep_an_administrator(organization: Organization, membership: Membership) -> None:
    others = Membership.objects.filter(organization=organization, role=Role.ADMINISTRATOR).exclude(
        pk=membership.pk
    )
    if not others.exists():
        raise ValidationError({"role": "an organization keeps at least one administrator"})


# --- an organization's export and deletion (issue 8; docs/operations.md) ------------------------

EXPORT_FORMAT = "poam-organization-export"
EXPORT_VERSION = 1


@dataclass(frozen=True)
class OrganizationExport:
    """What an export holds, for the page or the command to say."""

    systems: int
    members: int
    changes: int
    evidence: int
    evidence_bytes: int
    problems: tuple[str, ...] = ()


def _json(data: Any) -> bytes:
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False, default=str).encode()


def _json_line(data: Any) -> bytes:
    """One JSON Lines record: the same JSON on one line (new lines in text stay escaped)."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode() + b"\n"


def _folder(system: System) -> str:
    name = "".join(c if c.isalnum() else "-" for c in system.name.lower())
    return f"systems/{system.pk}-{'-'.join(part for part in name.split('-') if part)[:60]}"


def export_organization(
    actor: Actor,
    organization: Organization,
    out: IO[bytes],
    *,
    extra: Mapping[str, bytes] | None = None,
) -> OrganizationExport:
    """Everything of one organization as a zip written to ``out``, machine-readable.

    ``organization.json`` (the organization, its members and roles, never a password hash),
    per system ``system.json``, ``ssp.yaml`` and ``poam-<kind>.yaml`` in poam's native format
    (``poam.formats.native``; the SSP carries the CMMC record, also in ``cmmc.json``),
    ``comments.jsonl`` and ``reviews.jsonl``; ``change-log.jsonl`` (the organization's rows of
    the change log with their ``seq`` and digest); ``evidence/<sha256>`` (each file stored for
    it); ``extra`` members from the layers above (``access.json``: the two-factor policy and
    the invitations, :mod:`poam.web.accounts.export`); and ``manifest.json`` with the SHA-256
    and size of every member. The export itself is recorded in the organization's change log
    (who, when, from where).
    """
    from poam.formats.native import dump_poam, dump_ssp
    from poam.web.workbench.seam import read

    members: dict[str, dict[str, Any]] = {}
    problems: list[str] = []

    def add(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
        zf.writestr(name, data)
        members[name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}

    memberships = list(
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("user__username")
    )
    systems = list(System.objects.filter(organization=organization).order_by("pk"))
    evidence_count = evidence_bytes = changes = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        add(
            zf,
            "organization.json",
            _json(
                {
                    "id": organization.pk,
                    "name": organization.name,
                    "slug": organization.slug,
                    "created_at": organization.created_at.isoformat(),
                    "members": [
                        {
                            "username": m.user.get_username(),
                            "name": m.user.get_full_name(),
                            "email": m.user.email,
                            "role": m.role,
                            "member_since": m.created_at.isoformat(),
                            "active": m.user.is_active,
                        }
                        for m in memberships
                    ],
                }
            ),
        )
        listed = []
        for system in systems:
            folder = _folder(system)
            snapshot = read.load(system)
            add(zf, f"{folder}/ssp.yaml", dump_ssp(snapshot.ssp).encode("utf-8"))
            for kind, poam_doc in sorted(snapshot.poams.items()):
                add(zf, f"{folder}/poam-{kind}.yaml", dump_poam(poam_doc).encode("utf-8"))
            add(zf, f"{folder}/cmmc.json", _json(system.cmmc or {}))
            add(
                zf,
                f"{folder}/system.json",
                _json(
                    {
                        "id": system.pk,
                        "name": system.name,
                        "scope": system.scope,
                        "revision": system.revision,
                        "created_at": system.created_at.isoformat(),
                        "removed_at": system.deleted_at.isoformat() if system.deleted_at else None,
                    }
                ),
            )
            comments = Comment.objects.filter(system=system).order_by("pk")
            add(
                zf,
                f"{folder}/comments.jsonl",
                b"".join(
                    _json_line(row)
                    for row in comments.values(
                        "id", "entry__item_id", "requirement", "user_label", "text", "created_at"
                    )
                ),
            )
            reviews = Review.objects.filter(poam__system=system).order_by("pk")
            add(
                zf,
                f"{folder}/reviews.jsonl",
                b"".join(
                    _json_line(row)
                    for row in reviews.values(
                        "id", "poam__kind", "reviewed_on", "user_label", "note", "recorded_at"
                    )
                ),
            )
            listed.append({"id": system.pk, "name": system.name, "folder": folder})
        log = Change.objects.filter(organization=organization).order_by("seq")
        with zf.open("change-log.jsonl", "w", force_zip64=True) as stream:
            digest, size = hashlib.sha256(), 0
            for row in log.values("digest", *FIELDS).iterator(chunk_size=2000):
                line = _json_line(row)
                stream.write(line)
                digest.update(line)
                size += len(line)
                changes += 1
        members["change-log.jsonl"] = {"sha256": digest.hexdigest(), "size": size}
        shas = (
            EntryEvidence.objects.filter(
                entry__poam__system__organization=organization, blob__isnull=False
            )
            .values_list("blob_id", flat=True)
            .distinct()
            .order_by("blob_id")
        )
        for sha in shas:
            path = storage.blob_path(sha)
            if storage.current_sha256(path) != sha:
                problems.append(f"evidence file {sha} is missing or changed on disk: left out")
                continue
            zf.write(path, f"evidence/{sha}")
            members[f"evidence/{sha}"] = {"sha256": sha, "size": path.stat().st_size}
            evidence_count += 1
            evidence_bytes += path.stat().st_size
        for name, data in sorted((extra or {}).items()):
            add(zf, name, data)
        add(
            zf,
            "manifest.json",
            _json(
                {
                    "format": EXPORT_FORMAT,
                    "format_version": EXPORT_VERSION,
                    "poam_version": poam.__version__,
                    "exported_at": timezone.now().isoformat(),
                    "exported_by": actor.label,
                    "organization": {"id": organization.pk, "slug": organization.slug},
                    "systems": listed,
                    "change_log_rows": changes,
                    "problems": problems,
                    "members": dict(members),
                }
            ),
        )
    with UnitOfWork(actor, organization=organization) as work:
        work.record(
            ObjectType.ORGANIZATION,
            organization.pk,
            organization.name,
            "export",
            [("systems", None, len(systems)), ("evidence", None, evidence_count)],
        )
    return OrganizationExport(
        len(systems), len(memberships), changes, evidence_count, evidence_bytes, tuple(problems)
    )


def delete_organization(
    actor: Actor, organization: Organization, *, confirm: str, reason: str = ""
) -> int:
    """Delete an organization and everything of it; returns how many log rows were erased.

    ``confirm`` must be the organization's slug, typed. Its systems (SSP, POA&Ms, entries,
    milestones, evidence records, comments, reviews), memberships, invitations and policy are
    removed; each evidence file no other organization uses is removed from the store once the
    transaction commits. Its rows of the change log become tombstones (``seq`` and digest
    kept, content erased) under a purge (``audit.tombstone``), and the deletion itself is a
    row of the chain, with who, when, from where and why, and the tombstones' digest: ``poam
    audit verify`` still proves the whole log. Other organizations' rows are not touched.
    """
    if (confirm or "").strip() != organization.slug:
        raise ValidationError(
            {"confirm": f"type the organization's short name, {organization.slug}, to confirm"}
        )
    label = f"{organization.name} ({organization.slug})"
    with transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        shas = set(
            EntryEvidence.objects.filter(
                entry__poam__system__organization=organization, blob__isnull=False
            ).values_list("blob_id", flat=True)
        )
        with UnitOfWork(actor, organization=None, reason=reason) as work:
            purge = audit.open_purge(
                ChangePurge(
                    organization_id=organization.pk,
                    organization_slug=organization.slug,
                    organization_name=organization.name,
                    at=work.at,
                    user=actor.user,
                    user_label=actor.label[:200],
                    ip_address=actor.ip,
                    reason=work.reason,
                )
            )
            rows, digest = audit.tombstone(purge)
            systems = System.objects.filter(organization=organization)
            system_count = systems.count()
            systems.delete()
            organization.delete()
            unused = set(
                Blob.objects.filter(pk__in=shas, entryevidence__isnull=True).values_list(
                    "pk", flat=True
                )
            )
            Blob.objects.filter(pk__in=unused).delete()
            work.record(
                ObjectType.ORGANIZATION,
                purge.organization_id,
                label,
                audit.PURGE_ACTION,
                [
                    (audit.PURGE_FIELD, None, digest),
                    ("change_log_rows", None, rows),
                    ("systems", None, system_count),
                ],
            )
        recorded = (
            Change.objects.filter(batch=work.batch, field=audit.PURGE_FIELD)
            .values_list("seq", flat=True)
            .get()
        )
        audit.close_purge(purge, rows=rows, digest=digest, recorded_seq=recorded)
        transaction.on_commit(lambda: _remove_files(unused))
    return rows


def _remove_files(shas: set[str]) -> None:
    """The deleted organization's evidence files that no other organization uses."""
    for sha in shas:
        if not Blob.objects.filter(pk=sha).exists():  # stored again since: keep
            storage.blob_path(sha).unlink(missing_ok=True)
