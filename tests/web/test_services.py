"""Every public service function writes through one unit of work, and nothing writes without one.

For each function of ``poam.web.workbench.services``, called with the write guard on (a write to
tenant data outside a unit of work raises): the change log gains rows, all of one batch, each
with who, from which address and why; the system it changed moves to a new revision exactly
once (so no cached assessment of it is served again), and no other system moves; the hash
chain still holds. The table must name every public function: a new one fails
``test_the_table_names_every_service`` until it is added here, and so proven.
"""

from __future__ import annotations

import importlib
import inspect
import io
import pkgutil
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Max
from django.test import RequestFactory

from poam.formats.native import load_poam, load_ssp
from poam.web.workbench import audit, importing, services
from poam.web.workbench.guard import UnrecordedWrite, WriteGuardMiddleware, guarded
from poam.web.workbench.history import Actor, Conflict, UnitOfWork
from poam.web.workbench.models import (
    Change,
    Entry,
    EntryEvidence,
    EntryMilestone,
    Membership,
    ObjectType,
    PoamDocument,
    SspRequirement,
    Summary,
    System,
)
from poam.web.workbench.services import (
    entries,
    evidence,
    governance,
    imports,
    organizations,
    ssp,
    status,
    systems,
)
from tests.web.conftest import AS_OF, EXAMPLES

IP = "192.0.2.7"
SUMMIT = EXAMPLES / "summit-conditional"


def _entry(w: Any, item_id: str = "POAM-004") -> Entry:
    return Entry.objects.get(poam__system=w.system, item_id=item_id, deleted_at=None)


def _milestone(w: Any) -> EntryMilestone:
    found = EntryMilestone.objects.filter(entry=_entry(w), due__isnull=False).first()
    assert found is not None
    return found


def _evidence(w: Any) -> EntryEvidence:
    found = EntryEvidence.objects.filter(entry__poam__system=w.system, deleted_at=None).first()
    assert found is not None
    return found


def _poam(w: Any) -> PoamDocument:
    return PoamDocument.objects.get(system=w.system, kind="internal")


def _viewer(w: Any) -> Membership:
    return Membership.objects.select_related("user", "organization").get(
        organization=w.org, user=w.users["viewer"]
    )


Call = Callable[[Any, Actor], System | None]
"""Calls the service on the world; returns the system it should have changed (None: an
organization's own event)."""

ASSESSMENT: dict[str, Any] = {
    "type": "self",
    "date": "2026-06-01",
    "status_date": "2026-06-03",
    "result": "final",
}
AFFIRMATION: dict[str, Any] = {
    "kind": "initial",
    "date": "2026-06-03",
    "official": "Pat Lee",
    "title": "CEO",
}


CASES: dict[str, Call] = {
    "entries.create_entry": lambda w, a: (
        entries.create_entry(
            a,
            _poam(w),
            {"requirement": "3.1.10", "gap": "Session lock after sixty minutes on CAD stations"},
            today=AS_OF,
            milestone=("Profile applied", "2027-01-15"),
        ).poam.system
    ),
    "entries.update_entry": lambda w, a: (
        entries.update_entry(
            a, e := _entry(w), {"owner": "Dana Lee"}, version=e.version, today=AS_OF, reason="x"
        ),
        e.poam.system,
    )[1],
    "entries.delete_entry": lambda w, a: (
        entries.delete_entry(a, e := _entry(w), version=e.version, reason="duplicate"),  # type: ignore[func-returns-value]
        e.poam.system,
    )[1],
    "entries.add_milestone": lambda w, a: (
        entries.add_milestone(a, _entry(w), "Extra step", "2027-02-01").entry.poam.system
    ),
    "entries.update_milestone": lambda w, a: (
        entries.update_milestone(a, m := _milestone(w), {"title": "Renamed"}, version=m.version),
        m.entry.poam.system,
    )[1],
    "entries.move_milestone": lambda w, a: (
        entries.move_milestone(
            a, m := _milestone(w), date(2027, 6, 1), "Vendor delay", version=m.version, today=AS_OF
        ).milestone.entry.poam.system
    ),
    "entries.delete_milestone": lambda w, a: (
        entries.delete_milestone(a, m := _milestone(w), version=m.version),  # type: ignore[func-returns-value]
        m.entry.poam.system,
    )[1],
    "evidence.add_file": lambda w, a: (
        evidence.add_file(
            a,
            _entry(w),
            SimpleUploadedFile("scan.txt", b"scan results"),
            title="Scan",
            when=None,
            today=AS_OF,
        ).entry.poam.system
    ),
    "evidence.add_link": lambda w, a: (
        evidence.add_link(
            a,
            _entry(w),
            title="Ticket",
            url="https://tickets.example.com/1",
            when=None,
            today=AS_OF,
        ).entry.poam.system
    ),
    "evidence.attach_file": lambda w, a: (
        evidence.attach_file(
            a, ev := _evidence(w), SimpleUploadedFile("new.txt", b"new"), version=ev.version
        ).entry.poam.system
    ),
    "evidence.delete_evidence": lambda w, a: (
        evidence.delete_evidence(a, ev := _evidence(w), version=ev.version),  # type: ignore[func-returns-value]
        ev.entry.poam.system,
    )[1],
    "governance.update_poam": lambda w, a: (
        governance.update_poam(a, p := _poam(w), {"maintainer": "Jane Doe"}, version=p.version),
        p.system,
    )[1],
    "governance.create_poam": lambda w, a: (
        governance.create_poam(a, w.system, "conditional").system
    ),
    "governance.mark_reviewed": lambda w, a: (
        governance.mark_reviewed(a, _poam(w), on=AS_OF, note="Quarterly").poam.system
    ),
    "governance.add_comment": lambda w, a: (
        governance.add_comment(a, w.system, "Who owns this?").system
    ),
    "ssp.update_requirement": lambda w, a: (
        ssp.update_requirement(
            a,
            w.system,
            "3.1.10",
            {"status": "planned"},
            version=SspRequirement.objects.get(system=w.system, requirement="3.1.10").version,
        )[0].system
    ),
    "ssp.update_system": lambda w, a: (
        ssp.update_system(a, w.system, {"name": "Renamed"}, version=w.system.version),
        w.system,
    )[1],
    "organizations.create_organization": lambda w, a: (
        organizations.create_organization(a, "Northwind Machining"),
        None,
    )[1],
    "organizations.add_member": lambda w, a: (
        organizations.add_member(
            a, w.org, get_user_model().objects.create_user("newbie"), "viewer"
        ),
        None,
    )[1],
    "organizations.change_role": lambda w, a: organizations.change_role(
        a, w.org, _viewer(w), "assessor"
    ),
    "organizations.remove_member": lambda w, a: organizations.remove_member(a, w.org, _viewer(w)),
    "organizations.export_organization": lambda w, a: (
        organizations.export_organization(a, w.org, io.BytesIO()),
        None,
    )[1],
    "organizations.delete_organization": lambda w, a: (
        organizations.delete_organization(a, w.org, confirm=w.org.slug),
        None,
    )[1],
    "systems.create_system": lambda w, a: systems.create_system(
        a, w.org, {"name": "Lab network", "cage_codes": "1ABC2"}, today=AS_OF
    ),
    "systems.create_system_from": lambda w, a: systems.create_system_from(
        a, w.org, load_ssp(SUMMIT / "ssp.yaml"), (load_poam(SUMMIT / "poam.yaml"),)
    ),
    "systems.replace_documents": lambda w, a: (
        systems.replace_documents(a, w.system, ssp=load_ssp(SUMMIT / "ssp.yaml")),  # type: ignore[func-returns-value]
        w.system,
    )[1],
    "status.add_assessment": lambda w, a: (
        status.add_assessment(a, w.system, ASSESSMENT, version=w.system.version, today=AS_OF),
        w.system,
    )[1],
    "status.update_assessment": lambda w, a: (
        status.update_assessment(
            a, w.system, 0, {**ASSESSMENT, "uid": "L2-9"}, version=w.system.version, today=AS_OF
        ),
        w.system,
    )[1],
    "status.remove_assessment": lambda w, a: (
        status.remove_assessment(a, w.system, 0, version=w.system.version, reason="twice"),
        w.system,
    )[1],
    "status.add_affirmation": lambda w, a: (
        status.add_affirmation(a, w.system, AFFIRMATION, version=w.system.version, today=AS_OF),
        w.system,
    )[1],
    "status.remove_affirmation": lambda w, a: (
        status.remove_affirmation(a, w.system, 0, version=w.system.version, reason="twice"),
        w.system,
    )[1],
    "imports.import_documents": lambda w, a: (
        imports.import_documents(
            a, w.system, poam=("poam.yaml", (SUMMIT / "poam.yaml").read_bytes())
        ),
        w.system,
    )[1],
    "imports.apply": lambda w, a: (
        imports.apply(  # type: ignore[func-returns-value]
            a,
            w.system,
            importing.read_uploads(
                [importing.Upload("ssp", "ssp.yaml", (SUMMIT / "ssp.yaml").read_bytes())]
            ),
        ),
        w.system,
    )[1],
}


def _with_record(world: Any) -> None:
    """A status record to change (written as an import would: before the guarded call)."""
    affirmation = {**AFFIRMATION, "type": AFFIRMATION["kind"]}
    del affirmation["kind"]
    record = {
        "assessments": [{**ASSESSMENT, "result": "final", "score": 110}],
        "affirmations": [affirmation],
    }
    System.objects.filter(pk=world.system.pk).update(cmmc=record)
    world.system.refresh_from_db()


SETUP = {
    "status.update_assessment": _with_record,
    "status.remove_assessment": _with_record,
    "status.remove_affirmation": _with_record,
}
"""What a case needs in place before it runs (outside the guarded call)."""


def _public_services() -> set[str]:
    names = set()
    for info in pkgutil.iter_modules(services.__path__):
        module = importlib.import_module(f"{services.__name__}.{info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and not name.startswith("_"):
                names.add(f"{info.name}.{name}")
    return names


def test_the_table_names_every_service() -> None:
    assert _public_services() == set(CASES)


def _revisions() -> dict[int, int]:
    return dict(System.objects.values_list("pk", "revision"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_service_writes_through_one_unit_of_work(world: Any, name: str) -> None:
    actor = Actor(world.users["administrator"], "Administrator Person", IP)
    SETUP.get(name, lambda _world: None)(world)
    before = _revisions()
    last = Change.objects.aggregate(top=Max("seq"))["top"] or 0
    with guarded():
        written = CASES[name](world, actor)
    rows = list(Change.objects.filter(seq__gt=last).order_by("seq"))
    assert rows, f"{name} left no history"
    assert len({row.batch for row in rows}) == 1, f"{name} wrote more than one batch"
    assert {(row.user_id, row.user_label, row.ip_address) for row in rows} == {
        (world.users["administrator"].pk, "Administrator Person", IP)
    }
    after = _revisions()
    moved = {pk for pk, revision in after.items() if revision != before.get(pk)}
    if written is None:
        assert moved == set(), name
        # an organization's deletion is recorded under none: its rows are tombstones now
        assert all(
            row.system_id is None and (row.organization_id or row.action == "purge") for row in rows
        ), name
    else:
        assert moved == {written.pk}, name
        assert after[written.pk] == before.get(written.pk, 0) + 1, f"{name}: bumped once"
        assert written.revision == after[written.pk], f"{name}: the instance knows it"
        assert {row.system_id for row in rows} == {written.pk}, name
    assert audit.verify().intact


def test_a_refused_write_leaves_no_history_and_no_revision(world: Any) -> None:
    actor = Actor.of(world.users["editor"])
    entry = _entry(world)
    stale = entry.version
    entries.update_entry(actor, entry, {"owner": "First"}, version=stale, today=AS_OF)
    before, count = _revisions(), Change.objects.count()
    with pytest.raises(Conflict):
        entries.update_entry(actor, entry, {"owner": "Second"}, version=stale, today=AS_OF)
    with pytest.raises(Exception, match="is not an entry status"):
        entries.update_entry(actor, entry, {"status": "done"}, version=entry.version, today=AS_OF)
    assert (_revisions(), Change.objects.count()) == (before, count)


def test_a_save_that_changes_nothing_records_nothing(world: Any) -> None:
    entry = _entry(world)
    before, count = _revisions(), Change.objects.count()
    changes = entries.update_entry(
        Actor.of(world.users["editor"]),
        entry,
        {"owner": entry.owner},
        version=entry.version,
        today=AS_OF,
    )
    assert changes == [] and (_revisions(), Change.objects.count()) == (before, count)


def test_units_of_work_opened_inside_one_make_one_batch_and_one_bump(world: Any) -> None:
    actor = Actor.of(world.users["editor"])
    before = world.system.revision
    with UnitOfWork(actor, system=world.system, reason="outer") as outer:
        entries.add_milestone(actor, _entry(world), "One", None)
        entries.add_milestone(actor, _entry(world), "Two", None)
        batch = outer.batch
    rows = Change.objects.filter(batch=batch)
    assert rows.count() == 2 and {row.reason for row in rows} == {"outer"}
    world.system.refresh_from_db()
    assert world.system.revision == before + 1


def test_a_nested_unit_that_fails_leaves_nothing_of_its_own(world: Any) -> None:
    actor = Actor.of(world.users["editor"])
    milestone = _milestone(world)
    with UnitOfWork(actor, system=world.system) as outer:
        entries.add_milestone(actor, _entry(world), "Kept", None)
        with pytest.raises(Conflict):
            entries.update_milestone(actor, milestone, {"title": "Lost"}, version=-1)
        batch = outer.batch
    assert [row.new for row in Change.objects.filter(batch=batch, field="title")] == ["Kept"]


# --- the guard ---------------------------------------------------------------------------------


def test_the_guard_refuses_tenant_writes_outside_a_unit_of_work(world: Any) -> None:
    entry = _entry(world)
    with guarded():
        with pytest.raises(UnrecordedWrite, match="workbench_entry"), transaction.atomic():
            Entry.objects.filter(pk=entry.pk).update(gap="silently changed")
        with (
            pytest.raises(UnrecordedWrite, match="workbench_requirementrecord"),
            transaction.atomic(),
        ):
            SspRequirement.objects.filter(system=world.system).delete()
        with UnitOfWork(Actor.of(world.users["editor"]), system=world.system) as work:
            Entry.objects.filter(pk=entry.pk).update(gap="recorded")
            work.record(ObjectType.ENTRY, entry.pk, "Entry", "update", [("gap", "", "recorded")])
        Summary.objects.filter(system=world.system).update(errors=0)  # a cache, not history
    entry.refresh_from_db()
    assert entry.gap == "recorded"


def test_every_request_runs_under_the_guard(world: Any) -> None:
    entry = _entry(world)

    def careless_view(request: Any) -> Any:
        Entry.objects.filter(pk=entry.pk).update(gap="no history")
        raise AssertionError("the write went through")

    with pytest.raises(UnrecordedWrite):
        WriteGuardMiddleware(careless_view)(RequestFactory().post("/"))
    from django.conf import settings

    assert "poam.web.workbench.guard.WriteGuardMiddleware" in settings.MIDDLEWARE


def test_a_page_records_where_the_request_came_from(login: Any, world: Any) -> None:
    entry = _entry(world)
    response = login(world.users["editor"]).post(
        f"/entries/{entry.pk}/edit/",
        {"owner": "Dana Lee", "version": entry.version},
        REMOTE_ADDR="198.51.100.4",
    )
    assert response.status_code == 302
    row = Change.objects.get(object_type="entry", object_id=entry.pk, field="owner")
    assert (row.user_id, row.ip_address) == (world.users["editor"].pk, "198.51.100.4")


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(
    login: Any, world: Any, settings: Any
) -> None:
    """The proxies are trusted by count (``POAM_PROXY_HOPS``), not because HTTPS is on: without
    a proxy, a client's own X-Forwarded-For is ignored (it could name any address)."""
    settings.HTTPS = True
    entry = _entry(world)
    client = login(world.users["editor"])
    for hops, owner, expected in ((0, "Dana Lee", "10.0.0.2"), (1, "Lee Dana", "2001:db8::1")):
        settings.POAM_PROXY_HOPS = hops
        entry.refresh_from_db()
        client.post(
            f"/entries/{entry.pk}/edit/",
            {"owner": owner, "version": entry.version},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="203.0.113.9, 2001:db8::1",
            secure=True,
        )
        row = Change.objects.get(object_type="entry", object_id=entry.pk, new=owner)
        assert row.ip_address == expected


def test_organization_events_are_in_the_change_log(login: Any, world: Any) -> None:
    import re

    from django.core import mail
    from django.test import Client

    client = login(world.users["administrator"])
    client.post(
        f"/orgs/{world.org.slug}/invitations/new/", {"email": "n@example.com", "role": "viewer"}
    )
    link = re.search(r"http://testserver(/invitations/[^/\s]+/)", str(mail.outbox[-1].body))
    assert link is not None
    newbie = get_user_model().objects.create_user("newbie", password="a-long-pass-phrase-77")
    invitee = Client()
    invitee.force_login(newbie)
    assert invitee.post(link[1]).status_code == 302  # accepted by the signed-in invitee
    membership = Membership.objects.get(organization=world.org, user__username="newbie")
    client.post(f"/orgs/{world.org.slug}/members/{membership.pk}/", {"role": "editor"})
    client.post(f"/orgs/{world.org.slug}/members/{membership.pk}/", {"remove": "1"})
    rows = Change.objects.filter(organization=world.org, object_type="membership").order_by("seq")
    assert [(r.action, r.field, r.old, r.new) for r in rows] == [
        ("create", "role", None, "viewer"),
        ("update", "role", "viewer", "editor"),
        ("delete", "role", "editor", None),
    ]
    assert [(r.user_id, r.ip_address, r.system_id) for r in rows] == [
        (newbie.pk, "127.0.0.1", None),  # the invitee joined, with their consent
        (world.users["administrator"].pk, "127.0.0.1", None),
        (world.users["administrator"].pk, "127.0.0.1", None),
    ]


def test_an_imported_system_keeps_its_entries_as_written(world: Any) -> None:
    """The seam's write half stores what the core holds: a summit import read back equals it."""
    from poam.formats.native import poam_to_data
    from poam.web.workbench.seam import read

    poam = load_poam(SUMMIT / "poam.yaml")
    ssp_doc = load_ssp(SUMMIT / "ssp.yaml")
    system = systems.create_system_from(
        Actor.of(world.users["administrator"]),
        world.org,
        replace(ssp_doc, system=replace(ssp_doc.system, name="Copy")),
        (poam,),
    )
    loaded = read.load(system).poam(poam.kind.value)
    assert loaded is not None and poam_to_data(loaded) == poam_to_data(poam)


def test_an_event_of_a_person_alone_is_logged_and_chained(world: Any) -> None:
    """How sign-ins, password changes and tokens are recorded (no organization, no system)."""
    from poam.web.workbench.history import record_event

    user = world.users["viewer"]
    before = _revisions()
    record_event(
        Actor(user, "Viewer Person", "2001:db8::7"), ObjectType.USER, user.pk, "viewer", "login"
    )
    row = Change.objects.order_by("-seq").first()
    assert row is not None
    assert (row.object_type, row.action, row.organization_id, row.system_id) == (
        "user",
        "login",
        None,
        None,
    )
    assert (row.user_id, row.ip_address) == (user.pk, "2001:db8::7")
    assert _revisions() == before and audit.verify().intact
