"""The demo: two organizations, three systems, POA&Ms in different states, with history.

Built from the repository's samples through the native reader (``examples/acme-enclave`` and
``examples/summit-conditional``) plus a third system derived from Acme's. Every date is shifted
so that the demo looks the same whatever day it is seeded: the samples are written as of
:data:`SAMPLE_DAY`, and the Conditional status of Summit keeps its clock running (27 days left
on the day of seeding).
"""

from __future__ import annotations

import secrets
from dataclasses import fields, is_dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

import poam
from poam.core.model import ImplementationStatus, ItemStatus, Poam, PoamItem, RequirementRecord, Ssp
from poam.formats.native import load_poam, load_ssp
from poam.web.workbench.history import Actor, UnitOfWork
from poam.web.workbench.models import Entry, EntryMilestone, ObjectType, Organization, Role, System
from poam.web.workbench.services import entries as entry_service
from poam.web.workbench.services import evidence as evidence_service
from poam.web.workbench.services import governance, organizations, systems
from poam.web.workbench.storage import Stored, store_bytes

SAMPLE_DAY = date(2026, 11, 20)
DEMO_USERS = (
    ("demo", "Dana Morgan", "dana@example.com"),
    ("assessor", "Alex Rivera", "alex@example.com"),
    ("owner", "Tom Reyes", "tom@example.com"),
)


def examples_dir() -> Path:
    configured = getattr(settings, "POAM_EXAMPLES_DIR", None)
    candidates = [Path(configured)] if configured else []
    candidates.append(Path(poam.__file__).resolve().parents[2] / "examples")
    for candidate in candidates:
        if (candidate / "acme-enclave" / "ssp.yaml").is_file():
            return candidate
    raise ImproperlyConfigured(
        "the demo needs the sample systems (examples/acme-enclave, examples/summit-conditional): "
        "set POAM_EXAMPLES_DIR to the examples folder of a poam checkout"
    )


def shift(value: Any, days: int) -> Any:
    """Every date inside a core object moved by ``days`` (mappings and tuples included)."""
    if isinstance(value, date):
        return value + timedelta(days=days)
    if is_dataclass(value) and not isinstance(value, type):
        return replace(
            value, **{f.name: shift(getattr(value, f.name), days) for f in fields(value)}
        )
    if isinstance(value, tuple):
        return tuple(shift(item, days) for item in value)
    if isinstance(value, dict):
        return {key: shift(item, days) for key, item in value.items()}
    return value


def _evidence_files(folder: Path) -> dict[str, Stored]:
    files = {}
    evidence = folder / "evidence"
    if evidence.is_dir():
        for path in sorted(evidence.iterdir()):
            if path.is_file():
                files[f"evidence/{path.name}"] = store_bytes(path.read_bytes())
    return files


def _users() -> tuple[dict[str, Any], str]:
    """The demo accounts; the password is generated once and kept in the data directory."""
    secret_file = Path(settings.DATA_DIR) / "demo_password"
    if secret_file.is_file():
        password = secret_file.read_text("utf-8").strip()
    else:
        password = "demo-" + secrets.token_urlsafe(9)
        secret_file.write_text(password + "\n", "utf-8")
        secret_file.chmod(0o600)
    users = {}
    model = get_user_model()
    for username, name, email in DEMO_USERS:
        first, _, last = name.partition(" ")
        user, made = model.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last, "email": email}
        )
        if made or not user.check_password(password):
            user.set_password(password)
            user.save()
        users[username] = user
    return users, password


def _third_system(ssp: Ssp, poam_doc: Poam) -> tuple[Ssp, Poam]:
    """Acme's corporate network: an enterprise scope early in its journey (no status yet)."""
    weaker = {}
    for index, (nist_id, record) in enumerate(ssp.requirements.items()):
        weaker[nist_id] = record
        if index % 9 == 4 and record.status is ImplementationStatus.IMPLEMENTED:
            weaker[nist_id] = RequirementRecord(
                nist_id,
                ImplementationStatus.PLANNED,
                narrative="Planned for the corporate network in the 2027 roadmap.",
                responsible=record.responsible,
            )
    system = replace(
        ssp.system,
        name="Acme Corporate Network",
        scope=ssp.system.scope.ENTERPRISE,
        cage_codes=("1ABC2", "7XYZ9"),
        description="Office network of Acme Precision Parts: 28 users, Microsoft 365 "
        "commercial, two Windows file servers, outside the CUI enclave.",
    )
    items = tuple(
        PoamItem(
            id=f"CORP-{n:03d}",
            requirement=nist_id,
            gap=f"The corporate network does not yet meet {nist_id}: {record.narrative}",
            remediation=(
                "Extend the enclave's control to the corporate network and document it "
                "in the corporate SSP annex",
            ),
            owner="Maria Kowalski, IT Manager",
            status=ItemStatus.NOT_STARTED,
            created=SAMPLE_DAY - timedelta(days=40),
        )
        for n, (nist_id, record) in enumerate(
            ((k, r) for k, r in weaker.items() if r.status is ImplementationStatus.PLANNED), 1
        )
        if n <= 6
    )
    return (
        replace(ssp, system=system, requirements=weaker),
        replace(poam_doc, items=items, last_reviewed=None, maintainer="IT Team"),
    )


@transaction.atomic
def seed(today: date) -> tuple[str, str]:
    """Create the demo (once; a second call only refreshes the accounts). Returns the login."""
    users, password = _users()
    if Organization.objects.filter(slug="acme-precision-parts").exists():
        return "demo", password
    days = (today - SAMPLE_DAY).days
    root = examples_dir()
    admin = Actor.of(users["demo"])
    importer = Actor(users["demo"], "Dana Morgan (import)")

    acme = organizations.create_organization(
        admin, "Acme Precision Parts, LLC", slug="acme-precision-parts"
    )
    summit = organizations.create_organization(
        admin, "Summit Fasteners Inc.", slug="summit-fasteners"
    )
    for org in (acme, summit):
        organizations.add_member(admin, org, users["assessor"], Role.ASSESSOR)
    organizations.add_member(admin, acme, users["owner"], Role.ENTRY_OWNER)

    def add(org: Organization, folder: str) -> System:
        ssp = shift(load_ssp(root / folder / "ssp.yaml"), days)
        poam_doc = shift(load_poam(root / folder / "poam.yaml"), days)
        return systems.create_system_from(
            importer,
            org,
            ssp,
            (poam_doc,),
            files=_evidence_files(root / folder),
            reason=f"imported examples/{folder}",
        )

    enclave = add(acme, "acme-enclave")
    add(summit, "summit-conditional")
    corp_ssp, corp_poam = _third_system(
        shift(load_ssp(root / "acme-enclave" / "ssp.yaml"), days),
        shift(load_poam(root / "acme-enclave" / "poam.yaml"), days),
    )
    systems.create_system_from(
        importer, acme, corp_ssp, (corp_poam,), reason="created from the enclave's SSP"
    )

    _history(enclave, users, today)
    return "demo", password


def _history(system: System, users: dict[str, Any], today: date) -> None:
    """A few everyday changes by different people, so the timelines have something to show."""
    owner, demo, assessor = (Actor.of(users[name]) for name in ("owner", "demo", "assessor"))
    entries = {e.item_id: e for e in Entry.objects.filter(poam__system=system, deleted_at=None)}
    for item_id in ("POAM-001", "POAM-003", "POAM-006"):
        if item_id in entries:
            entry = entries[item_id]
            entry_service.update_entry(
                demo,
                entry,
                {"assignee": users["owner"].pk},
                version=entry.version,
                today=today,
                reason="Tom owns the fix.",
            )
            entry.refresh_from_db()
    target = entries.get("POAM-006")
    if target is not None:
        milestone = EntryMilestone.objects.filter(
            entry=target, deleted_at=None, completed=None, due__isnull=False
        ).first()
        if milestone is not None:
            entry_service.move_milestone(
                owner,
                milestone,
                (milestone.due or today) + timedelta(days=21),
                "The Mastercam 2026.1 update that supports resuming toolpath verification after "
                "a screen lock ships three weeks later than the vendor announced.",
                version=milestone.version,
                today=today,
            )
        target.refresh_from_db()
        entry_service.update_entry(
            owner,
            target,
            {"status": "in-progress"},
            version=target.version,
            today=today,
            reason="Pilot of the 15-minute lock started on ENG-WS-01.",
        )
        evidence_service.add_link(
            owner,
            target,
            title="Intune policy change ticket for the CAD/CAM lock",
            today=today,
            url="https://tickets.example.com/IT-2291",
            when=today,
        )
    poam_row = system.poams.get(kind="internal")
    governance.add_comment(
        assessor,
        system,
        "POAM-004 names a department as owner; an assessor will ask who exactly owns it.",
        entry=entries.get("POAM-004"),
    )
    governance.mark_reviewed(
        demo,
        poam_row,
        on=today - timedelta(days=3),
        note="Quarterly review with Maria and Tom; statuses confirmed.",
    )
    with UnitOfWork(
        demo,
        system=system,
        reason="Demo seeded: the Acme enclave as of the sample day, shifted to today.",
    ) as work:
        work.record(ObjectType.SYSTEM, system.pk, system.name, "note")
