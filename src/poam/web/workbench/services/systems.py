"""Systems: a new one, and an SSP and POA&Ms imported into one (native or any readable file)."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from poam.core.model import Poam, PoamKind, Ssp
from poam.formats.documents import load_poam_file, load_ssp_file
from poam.formats.errors import InputError, Problem
from poam.web.workbench.forms import validated
from poam.web.workbench.forms.ssp import SystemForm
from poam.web.workbench.history import Actor, UnitOfWork
from poam.web.workbench.models import ObjectType, Organization, PoamDocument, System
from poam.web.workbench.seam import write
from poam.web.workbench.storage import Stored


def create_system(
    actor: Actor, organization: Organization, values: Mapping[str, Any], *, today: date
) -> System:
    """A new system with an empty SSP (nothing assessed yet) and an empty internal POA&M."""
    data = {"ssp_version": "0.1", "ssp_date": today, "scope": "enclave", **values}
    form = validated(SystemForm(data, instance=System(organization=organization), only=data))
    system: System = form.save(commit=False)
    with UnitOfWork(actor, organization=organization) as work:
        system.save()
        work.created(ObjectType.SYSTEM, system, system.name, form.values(), system=system)
        poam = PoamDocument.objects.create(system=system, kind=PoamKind.INTERNAL.value)
        work.created(ObjectType.POAM, poam, "Internal POA&M", {"kind": poam.kind}, system=system)
    return system


def create_system_from(
    actor: Actor,
    organization: Organization,
    ssp: Ssp,
    poams: tuple[Poam, ...] = (),
    *,
    files: Mapping[str, Stored] | None = None,
    reason: str = "import",
) -> System:
    """A new system holding core documents (an SSP and its POA&Ms, as read from files)."""
    with UnitOfWork(actor, organization=organization, reason=reason) as work:
        system = System.objects.create(
            organization=organization, name=ssp.system.name, ssp_date=ssp.info.date
        )
        work.created(ObjectType.SYSTEM, system, system.name, {"name": system.name}, system=system)
        write.replace_ssp(work, system, ssp)
        for poam in poams:
            write.replace_poam(work, system, poam, files=files)
    return system


def replace_documents(
    actor: Actor,
    system: System,
    *,
    ssp: Ssp | None = None,
    poam: Poam | None = None,
    files: Mapping[str, Stored] | None = None,
    reason: str = "import",
) -> None:
    """Make the system's SSP and/or one of its POA&Ms equal to core documents, in one save."""
    with UnitOfWork(actor, system=system, reason=reason) as work:
        if ssp is not None:
            write.replace_ssp(work, system, ssp)
        if poam is not None:
            write.replace_poam(work, system, poam, files=files)


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
    written in one unit of work.
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
    replace_documents(actor, system, ssp=loaded_ssp, poam=loaded_poam, files=files)
