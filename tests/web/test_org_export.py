"""An organization's export and deletion (issue 8): everything of one tenant out, or gone, and
nothing of another touched; the change log stays verifiable through tombstones."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from poam.formats.native import load_poam, load_ssp
from poam.web.workbench import audit, backup, storage
from poam.web.workbench.history import Actor
from poam.web.workbench.models import (
    Blob,
    Change,
    ChangePurge,
    Comment,
    Entry,
    EntryEvidence,
    Membership,
    Organization,
    System,
)
from poam.web.workbench.services import organizations
from tests.web.conftest import World, import_example

IP = "198.51.100.9"


@pytest.fixture
def store(settings: Any, tmp_path: Path) -> Path:
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    return tmp_path / "evidence"


def _admin(world: World) -> Actor:
    return Actor(world.users["administrator"], "Administrator Person", IP)


def _export(world: World, org: Any) -> zipfile.ZipFile:
    buffer = io.BytesIO()
    organizations.export_organization(_admin(world), org, buffer)
    return zipfile.ZipFile(io.BytesIO(buffer.getvalue()))


def tenant_rows(org: Any) -> dict[str, list[Any]]:
    """Everything of ``org`` in the database, as stored (to prove another org untouched)."""
    systems = System.objects.filter(organization=org)
    return {
        "org": list(Organization.objects.filter(pk=org.pk).values()),
        "members": list(Membership.objects.filter(organization=org).order_by("pk").values()),
        "systems": list(systems.order_by("pk").values()),
        "entries": list(Entry.objects.filter(poam__system__in=systems).order_by("pk").values()),
        "evidence": list(
            EntryEvidence.objects.filter(entry__poam__system__in=systems).order_by("pk").values()
        ),
        "comments": list(Comment.objects.filter(system__in=systems).order_by("pk").values()),
        "changes": list(Change.objects.filter(organization=org).order_by("seq").values()),
    }


def test_the_export_holds_everything_of_one_organization_and_nothing_else(
    store: Path, world: World, tmp_path: Path
) -> None:
    Comment.objects.create(system=world.system, user_label="Assessor", text="Looks complete.")
    before = Change.objects.count()
    with _export(world, world.org) as zf:
        names = zf.namelist()
        manifest = json.loads(zf.read("manifest.json"))
        assert manifest["format"] == "poam-organization-export"
        for name, entry in manifest["members"].items():
            assert hashlib.sha256(zf.read(name)).hexdigest() == entry["sha256"], name
        assert set(manifest["members"]) == set(names) - {"manifest.json"}
        org = json.loads(zf.read("organization.json"))
        assert org["slug"] == "acme"
        assert {m["username"]: m["role"] for m in org["members"]}["entry_owner"] == "entry-owner"
        everything = b"".join(zf.read(name) for name in names)
        assert b"md5$" not in everything and b"argon2" not in everything  # no password hash
        assert b"Summit" not in everything and b"outsider" not in everything  # not the other org
        folder = manifest["systems"][0]["folder"]
        (tmp_path / "ssp.yaml").write_bytes(zf.read(f"{folder}/ssp.yaml"))
        (tmp_path / "poam.yaml").write_bytes(zf.read(f"{folder}/poam-internal.yaml"))
        assert load_ssp(tmp_path / "ssp.yaml").requirements  # poam's own format, readable
        assert load_poam(tmp_path / "poam.yaml").items
        assert b"Looks complete." in zf.read(f"{folder}/comments.jsonl")
        rows = [json.loads(line) for line in zf.read("change-log.jsonl").splitlines()]
        assert rows and {row["organization_id"] for row in rows} == {world.org.pk}
        assert len(rows) == Change.objects.filter(organization=world.org, seq__lte=before).count()
        evidence = [name for name in names if name.startswith("evidence/")]
        assert evidence
        for name in evidence:
            assert hashlib.sha256(zf.read(name)).hexdigest() == name.split("/")[1]
    exported = Change.objects.filter(seq__gt=before)
    assert set(exported.values_list("action", "organization_id", "ip_address")) == {
        ("export", world.org.pk, IP)
    }


def test_deletion_needs_the_slug_typed(store: Path, world: World) -> None:
    for typed in ("", "Acme", "summit", " acm"):
        with pytest.raises(ValidationError, match="type the organization's short name, acme"):
            organizations.delete_organization(_admin(world), world.org, confirm=typed)
    assert Organization.objects.filter(pk=world.org.pk).exists()


def test_deletion_removes_one_organization_and_keeps_the_chain_verifiable(
    store: Path, world: World
) -> None:
    shared = import_example(world.other_org, "acme-enclave")  # the same evidence files
    shared_blobs = set(
        EntryEvidence.objects.filter(entry__poam__system=shared).values_list("blob_id", flat=True)
    ) - {None}
    own_blobs = set(
        EntryEvidence.objects.filter(entry__poam__system=world.system).values_list(
            "blob_id", flat=True
        )
    ) - {None}
    assert shared_blobs and own_blobs
    other_before = tenant_rows(world.other_org)
    org_rows = Change.objects.filter(organization=world.org).count()
    head = audit.verify()
    assert head.intact
    pk = world.org.pk
    with transaction.atomic():  # on_commit runs at the end of the block in tests too
        erased = organizations.delete_organization(
            _admin(world), world.org, confirm="acme", reason="contract ended"
        )
    assert erased == org_rows
    assert not Organization.objects.filter(pk=pk).exists()
    assert not System.objects.filter(organization_id=pk).exists()
    assert not Membership.objects.filter(organization_id=pk).exists()
    assert not Change.objects.filter(organization_id=pk).exists()
    assert tenant_rows(world.other_org) == other_before  # not one row of the other org moved
    for sha in shared_blobs:  # still used by the other org
        assert storage.current_sha256(storage.blob_path(sha)) == sha
    for sha in own_blobs - shared_blobs:
        assert not storage.blob_path(sha).exists() and not Blob.objects.filter(pk=sha).exists()
    purge = ChangePurge.objects.get()
    assert (purge.organization_slug, purge.rows, purge.open) == ("acme", org_rows, False)
    tombstones = Change.objects.filter(purge=purge)
    assert tombstones.count() == org_rows
    tombstoned: set[tuple[object, ...]] = set(
        tombstones.values_list("object_label", "old", "new", "user_id", "reason")
    )
    assert tombstoned == {("", None, None, None, "")}
    assert purge.recorded_seq is not None
    recorded = Change.objects.get(seq=purge.recorded_seq)
    assert (recorded.action, recorded.user_id, recorded.ip_address, recorded.reason) == (
        "purge",
        world.users["administrator"].pk,
        IP,
        "contract ended",
    )
    verified = audit.verify()
    assert verified.intact, verified.broken
    assert verified.rows == head.rows + 3  # every row still in the chain, plus the deletion's


def _blank(seq: int, purge_id: int | None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE workbench_change SET purge_id = %s, organization_id = NULL, system_id = NULL, "
            "object_type = '', object_id = NULL, object_label = '', action = '', field = '', "
            "old = NULL, new = NULL, reason = '', user_id = NULL, user_label = '', "
            "ip_address = NULL, batch = '' WHERE seq = %s",
            [purge_id, seq],
        )


def test_the_database_refuses_a_tombstone_without_an_open_purge_of_that_org(
    store: Path, world: World
) -> None:
    row = Change.objects.filter(organization=world.org).order_by("seq").first()
    assert row is not None
    cases: list[tuple[str, dict[str, Any]]] = [
        ("no purge", {}),
        ("another org's purge", {"organization_id": world.other_org.pk}),
        ("a closed purge", {"organization_id": world.org.pk, "close": True}),
    ]
    for _name, case in cases:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            purge_id = None
            if "organization_id" in case:
                purge = audit.open_purge(
                    ChangePurge(
                        organization_id=case["organization_id"],
                        organization_slug="x",
                        organization_name="x",
                        at=row.at,
                    )
                )
                if case.get("close"):
                    audit.close_purge(purge, rows=0, digest="", recorded_seq=1)
                purge_id = purge.pk
            _blank(row.seq, purge_id)
    with (  # an update that keeps content is never allowed
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE workbench_change SET reason = 'x' WHERE seq = %s", [row.seq])
    assert audit.verify().intact


def test_a_closed_purge_never_changes(store: Path, world: World) -> None:
    organizations.delete_organization(_admin(world), world.org, confirm="acme")
    purge = ChangePurge.objects.get()
    with pytest.raises(DatabaseError, match="closed purge"), transaction.atomic():
        ChangePurge.objects.filter(pk=purge.pk).update(open=True)
    with pytest.raises(DatabaseError, match="closed purge"), transaction.atomic():
        ChangePurge.objects.filter(pk=purge.pk).update(rows=0)


def test_verify_finds_a_tombstone_made_behind_the_deletions_back(store: Path, world: World) -> None:
    organizations.delete_organization(_admin(world), world.org, confirm="acme")
    purge = ChangePurge.objects.get()
    victim = Change.objects.filter(organization=world.other_org).order_by("seq").first()
    assert victim is not None
    with transaction.atomic(), backup._triggers_lifted(connection):
        _blank(victim.seq, purge.pk)  # what someone with the database's keys could do
    result = audit.verify()
    assert not result.intact and result.broken is not None
    assert "made tombstones behind its back" in result.broken.problem


def test_the_command_lists_exports_and_deletes(store: Path, world: World, tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("poam_org", "list", stdout=out)
    assert "acme" in out.getvalue() and "summit" in out.getvalue()
    target = tmp_path / "acme.zip"
    call_command("poam_org", "export", "acme", str(target), stdout=out)
    assert zipfile.is_zipfile(target)
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("poam_org", "delete", "acme", "--confirm", "nope", stdout=out, stderr=err)
    assert exit_.value.code == 2 and "type the organization's short name" in err.getvalue()
    out = io.StringIO()
    call_command("poam_org", "delete", "acme", "--confirm", "acme", stdout=out)
    assert "deleted" in out.getvalue() and not Organization.objects.filter(slug="acme").exists()
    assert audit.verify().intact
    with pytest.raises(SystemExit) as exit_:
        call_command("poam_org", "export", "acme", str(tmp_path / "x.zip"), stderr=err)
    assert exit_.value.code == 2 and "no organization 'acme'" in err.getvalue()


def test_the_organization_page_offers_export_and_deletion_to_administrators_only(
    store: Path, world: World, login: Any
) -> None:
    client = login(world.users["editor"])
    page = client.get("/orgs/acme/").content.decode()
    assert "Delete this organization" not in page
    assert client.post("/orgs/acme/export/").status_code == 403
    assert client.post("/orgs/acme/delete/", {"confirm": "acme"}).status_code == 403
    outsider = login(world.users["outsider"])
    assert outsider.post("/orgs/acme/export/").status_code == 404
    assert outsider.post("/orgs/acme/delete/", {"confirm": "acme"}).status_code == 404
    admin = login(world.users["administrator"])
    page = admin.get("/orgs/acme/").content.decode()
    assert "Export everything" in page and "Delete this organization" in page
    export = admin.post("/orgs/acme/export/")
    assert export.status_code == 200 and export["Content-Type"] == "application/zip"
    assert "attachment" in export["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(b"".join(export.streaming_content))) as zf:
        assert "organization.json" in zf.namelist()
    wrong = admin.post("/orgs/acme/delete/", {"confirm": "Acme", "reason": "closing"})
    assert wrong.status_code == 422 and "type the organization&#x27;s short name" in (
        wrong.content.decode()
    )
    done = admin.post("/orgs/acme/delete/", {"confirm": "acme", "reason": "closing"})
    assert done.status_code == 302 and not Organization.objects.filter(slug="acme").exists()
    assert audit.verify().intact
