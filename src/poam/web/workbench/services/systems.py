"""Organizations, members, systems, and importing native (or any readable) files into a system."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from poam.core.model import PoamKind
from poam.formats.documents import load_poam_file, load_ssp_file
from poam.formats.errors import InputError, Problem
from poam.web.workbench import history, seam
from poam.web.workbench.history import Actor
from poam.web.workbench.models import Membership, Organization, Poam, Role, System
from poam.web.workbench.services.ssp import clean_system
from poam.web.workbench.storage import Stored


def unique_slug(name: str) -> str:
    base = slugify(name)[:60] or "organization"
    slug, counter = base, 2
    while Organization.objects.filter(slug=slug).exists():
        slug = f"{base}-{counter}"
        counter += 1
    return slug


def create_organization(actor: Actor, name: str) -> Organization:
    """A new organization, with ``actor`` as its first administrator."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "an organization needs a name"})
    with transaction.atomic():
        org = Organization.objects.create(name=name, slug=unique_slug(name))
        if actor.user is not None:
            Membership.objects.create(user=actor.user, organization=org, role=Role.ADMINISTRATOR)
    return org


def create_system(
    actor: Actor, org: Organization, values: Mapping[str, Any], *, today: date
) -> System:
    """A new system with an empty SSP (nothing assessed yet) and an empty internal POA&M."""
    data = {"ssp_version": "0.1", "ssp_date": today, "scope": "enclave", **values}
    clean = clean_system(data)
    with transaction.atomic():
        system = System.objects.create(organization=org, **clean)
        history.record(
            actor,
            system=system,
            object_type="system",
            object_id=system.pk,
            label=system.name,
            action="create",
            changes=[(k, None, v) for k, v in clean.items() if v not in (None, "", [])],
        )
        Poam.objects.create(system=system, kind=PoamKind.INTERNAL.value)
    return system


def delete_system(actor: Actor, system: System, *, reason: str = "") -> None:
    with transaction.atomic():
        System.objects.filter(pk=system.pk).update(deleted_at=timezone.now())
        history.record(
            actor,
            system=system,
            object_type="system",
            object_id=system.pk,
            label=system.name,
            action="delete",
            reason=reason,
        )


def change_role(org: Organization, membership: Membership, role: str) -> None:
    if role not in Role.values:
        raise ValidationError({"role": f"{role!r} is not a role"})
    if membership.role == Role.ADMINISTRATOR and role != Role.ADMINISTRATOR:
        _keep_an_administrator(org, membership)
    Membership.objects.filter(pk=membership.pk).update(role=role)


def remove_member(org: Organization, membership: Membership) -> None:
    if membership.role == Role.ADMINISTRATOR:
        _keep_an_administrator(org, membership)
    membership.delete()


def _keep_an_administrator(org: Organization, membership: Membership) -> None:
    others = Membership.objects.filter(organization=org, role=Role.ADMINISTRATOR).exclude(
        pk=membership.pk
    )
    if not others.exists():
        raise ValidationError({"role": "an organization keeps at least one administrator"})


def _read(data: bytes, name: str, kind: str) -> Any:
    """Parse an uploaded document with the readers of ``poam.formats`` (by content)."""
    suffix = Path(name).suffix or ".yaml"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            return load_ssp_file(path) if kind == "ssp" else load_poam_file(path)
        except InputError as error:
            # name the uploaded file, not the temporary copy
            raise InputError(replace(problem, file=name) for problem in error.problems) from None


def import_documents(
    actor: Actor,
    system: System,
    *,
    ssp: tuple[str, bytes] | None = None,
    poam: tuple[str, bytes] | None = None,
    files: Mapping[str, Stored] | None = None,
) -> None:
    """Replace the system's SSP and/or one of its POA&Ms with uploaded documents.

    All or nothing: both files are read first (InputError naming file, line and field), then
    written in one transaction.
    """
    problems: list[Problem] = []
    loaded_ssp = loaded_poam = None
    if ssp is not None:
        try:
            loaded_ssp = _read(ssp[1], ssp[0], "ssp")
        except InputError as error:
            problems.extend(error.problems)
    if poam is not None:
        try:
            loaded_poam = _read(poam[1], poam[0], "poam")
        except InputError as error:
            problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    with transaction.atomic():
        if loaded_ssp is not None:
            seam.replace_ssp(actor, system, loaded_ssp)
        if loaded_poam is not None:
            seam.replace_poam(actor, system, loaded_poam, files=files)
