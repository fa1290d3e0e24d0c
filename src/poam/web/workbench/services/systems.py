"""Systems: a new one, and one made of or refilled with core documents (the demo, the tests).

Uploaded files are read, previewed and applied by :mod:`.imports`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from poam.core.model import Poam, PoamKind, Ssp
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
