"""``poam backup`` / ``poam restore``: a consistent snapshot, checked all or nothing, hostile
archives refused (issue 8). Runs on SQLite and on PostgreSQL (``POAM_WEB_DB=postgresql``)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from poam.web.config import SNAPSHOT_READER
from poam.web.workbench import audit, backup, storage
from poam.web.workbench.models import Blob, Change, Organization, System
from tests.web.conftest import ROOT, World, import_example

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", SNAPSHOT_READER])


@pytest.fixture
def store(settings: Any, tmp_path: Path) -> Path:
    """An evidence store of the test's own (files are checked after a restore)."""
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    return tmp_path / "evidence"


def fingerprint() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table backed up, as Django reads it."""
    rows = {}
    for model in backup._models():
        names = [column.attname for column in model._meta.concrete_fields]
        rows[model._meta.label_lower] = list(model._base_manager.order_by("pk").values_list(*names))
    return rows


def empty_everything(evidence: Path) -> None:
    """A fresh installation: every table emptied (the change log too), no evidence file."""
    with transaction.atomic(), backup._triggers_lifted(connection), connection.cursor() as cur:
        for model in backup._models():
            if model._meta.label_lower not in backup.GENERATED_MODELS:
                cur.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
    for path in sorted(evidence.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


def test_round_trip_restores_identical_data_chain_and_evidence(
    store: Path, world: World, tmp_path: Path
) -> None:
    before = fingerprint()
    chain = audit.verify()
    assert chain.intact and chain.rows > 0
    blobs = sorted(Blob.objects.values_list("pk", flat=True))
    assert blobs, "the sample systems hold evidence files"
    archive = tmp_path / "out" / "poam-backup.zip"
    report = backup.create(archive)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert report.evidence == len(blobs) and report.problems == []
    assert (report.last_seq, report.last_digest) == (chain.last_seq, chain.last_digest)

    empty_everything(store)
    assert not Organization.objects.exists() and not storage.blob_path(blobs[0]).exists()
    restored = backup.restore(archive)
    assert fingerprint() == before
    assert restored.chain is not None and restored.chain.intact
    assert (restored.chain.last_seq, restored.chain.last_digest) == (
        chain.last_seq,
        chain.last_digest,
    )
    for sha in blobs:
        assert storage.current_sha256(storage.blob_path(sha)) == sha
        assert stat.S_IMODE(storage.blob_path(sha).stat().st_mode) == 0o600
    # the restored database takes new writes: sequences follow the restored ids
    other = import_example(Organization.objects.create(name="New", slug="new"), "acme-enclave")
    assert other.pk > max(System.objects.exclude(pk=other.pk).values_list("pk", flat=True))
    assert audit.verify().intact


def test_manifest_records_version_migrations_counts_and_every_hash(
    store: Path, world: World, tmp_path: Path
) -> None:
    archive = tmp_path / "b.zip"
    backup.create(archive)
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        assert manifest["format"] == "poam-backup" and manifest["poam_version"]
        assert ["workbench", "0003_change_log_chain"] in manifest["migrations"]
        assert manifest["tables"]["workbench.change"]["rows"] == Change.objects.count()
        assert "sessions.session" not in manifest["tables"]
        for name, entry in manifest["members"].items():
            assert hashlib.sha256(zf.read(name)).hexdigest() == entry["sha256"]
        assert set(manifest["members"]) == set(zf.namelist()) - {"manifest.json"}


def test_the_backup_is_one_snapshot_while_the_server_writes(
    store: Path, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write committed once the backup has started is not in it, in any table."""
    rows_before = Change.objects.count()
    original = backup._snapshot_transaction

    def then_someone_writes(reader: Any) -> None:
        original(reader)
        from poam.web.workbench.history import Actor
        from poam.web.workbench.services.organizations import create_organization

        create_organization(Actor(None, "a request"), "Written During The Backup")

    monkeypatch.setattr(backup, "_snapshot_transaction", then_someone_writes)
    archive = tmp_path / "b.zip"
    report = backup.create(archive)
    assert Organization.objects.filter(name="Written During The Backup").exists()
    assert report.tables["workbench.change"] == rows_before
    assert report.tables["workbench.organization"] == 2
    assert report.last_seq == rows_before  # the head as the snapshot saw it


def test_restore_refuses_a_database_that_is_not_empty_unless_forced(
    store: Path, world: World, tmp_path: Path
) -> None:
    archive = tmp_path / "b.zip"
    backup.create(archive)
    before = fingerprint()
    with pytest.raises(backup.BackupError, match=r"the database is not empty .*--force"):
        backup.restore(archive)
    Organization.objects.create(name="Made after the backup", slug="later")
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    SessionStore().create()  # someone signed in to what is being replaced
    seen: list[dict[str, int]] = []
    report = backup.restore(archive, force=True, before_write=lambda r: seen.append(r.replaced))
    assert seen and seen[0]["workbench.organization"] == 3  # said what it replaces
    assert report.chain is not None and report.chain.intact
    assert fingerprint() == before
    assert not Session.objects.exists()


def test_a_forced_restore_that_fails_midway_changes_nothing(
    store: Path, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "b.zip"
    backup.create(archive)
    Organization.objects.create(name="Kept", slug="kept")
    before = fingerprint()
    original = backup._load_table

    def fail_on_change(archive: Any, model: Any, *args: Any) -> int:
        if model._meta.label_lower == "workbench.change":
            raise backup.BackupError("disk full (simulated)")
        return original(archive, model, *args)

    monkeypatch.setattr(backup, "_load_table", fail_on_change)
    with pytest.raises(backup.BackupError, match="simulated"):
        backup.restore(archive, force=True)
    assert fingerprint() == before
    assert audit.verify().intact  # the triggers came back with the rollback
    with pytest.raises(Exception, match="append-only"), connection.cursor() as cursor:
        cursor.execute("DELETE FROM workbench_change")


# --- hostile and damaged archives: refused before anything is written ------------------------


def _members(archive: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(archive) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _write(
    target: Path,
    members: dict[str, bytes],
    *,
    rehash: bool = False,
    infos: dict[str, zipfile.ZipInfo] | None = None,
) -> Path:
    if rehash:
        manifest = json.loads(members["manifest.json"])
        manifest["members"] = {
            name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for name, data in members.items()
            if name != "manifest.json"
        }
        members["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr((infos or {}).get(name, name), data)
    return target


@pytest.fixture
def good(store: Path, world: World, tmp_path: Path) -> Path:
    """A valid backup of the world, and a database emptied to receive it."""
    archive = tmp_path / "good.zip"
    backup.create(archive)
    empty_everything(store)
    return archive


def _refused(archive: Path, match: str, store: Path, **kwargs: Any) -> None:
    with pytest.raises(backup.BackupError, match=match):
        backup.restore(archive, **kwargs)
    assert not Organization.objects.exists() and not Change.objects.exists()
    assert not store.exists() or not any(path.is_file() for path in store.rglob("*"))


def _evidence_name(members: dict[str, bytes]) -> str:
    return next(name for name in members if name.startswith("evidence/"))


Mutation = Callable[[dict[str, bytes], Path], Path]


def _traversal(members: dict[str, bytes], tmp: Path) -> Path:
    return _write(tmp / "x.zip", {**members, "../../escaped": b"x"}, rehash=True)


def _absolute(members: dict[str, bytes], tmp: Path) -> Path:
    return _write(tmp / "x.zip", {**members, "/etc/cron.d/poam": b"x"}, rehash=True)


def _symlink(members: dict[str, bytes], tmp: Path) -> Path:
    name = _evidence_name(members)
    link = zipfile.ZipInfo(name)
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    return _write(tmp / "x.zip", {**members, name: b"/etc/passwd"}, rehash=True, infos={name: link})


def _tampered_row(members: dict[str, bytes], tmp: Path) -> Path:
    name = "data/workbench.change.jsonl"
    return _write(tmp / "x.zip", {**members, name: members[name].replace(b"create", b"delete", 1)})


def _tampered_evidence(members: dict[str, bytes], tmp: Path) -> Path:
    name = _evidence_name(members)
    return _write(tmp / "x.zip", {**members, name: members[name] + b"!"}, rehash=True)


def _missing_member(members: dict[str, bytes], tmp: Path) -> Path:
    return _write(tmp / "x.zip", {k: v for k, v in members.items() if "workbench.entry." not in k})


def _unlisted_member(members: dict[str, bytes], tmp: Path) -> Path:
    return _write(tmp / "x.zip", {**members, "evidence/00/" + "0" * 64: b""})


def _not_json(members: dict[str, bytes], tmp: Path) -> Path:
    return _write(tmp / "x.zip", {**members, "manifest.json": b"{" * 100_000})


def _other_format(members: dict[str, bytes], tmp: Path) -> Path:
    manifest = json.loads(members["manifest.json"])
    manifest["format_version"] = 99
    return _write(tmp / "x.zip", {**members, "manifest.json": json.dumps(manifest).encode()})


def _newer_migrations(members: dict[str, bytes], tmp: Path) -> Path:
    manifest = json.loads(members["manifest.json"])
    manifest["migrations"].append(["workbench", "9999_from_the_future"])
    return _write(tmp / "x.zip", {**members, "manifest.json": json.dumps(manifest).encode()})


def _bad_row(members: dict[str, bytes], tmp: Path) -> Path:
    name = "data/workbench.organization.jsonl"
    return _write(tmp / "x.zip", {**members, name: b'["not", "a row"]\n'}, rehash=True)


def _bomb(members: dict[str, bytes], tmp: Path) -> Path:
    name = "data/workbench.comment.jsonl"
    return _write(tmp / "x.zip", {**members, name: b" " * (20 * 1024 * 1024)}, rehash=True)


def _no_manifest(members: dict[str, bytes], tmp: Path) -> Path:
    return _write(tmp / "x.zip", {k: v for k, v in members.items() if k != "manifest.json"})


HOSTILE: dict[str, tuple[Mutation, str]] = {
    "path traversal": (_traversal, "not a name a poam backup holds"),
    "absolute path": (_absolute, "not a name a poam backup holds"),
    "symbolic link": (_symlink, "a link or a directory"),
    "a row changed": (_tampered_row, "does not match the manifest"),
    "evidence not its hash": (_tampered_evidence, "SHA-256 is not its name"),
    "member missing": (_missing_member, "missing: data/workbench.entry.jsonl"),
    "member not listed": (_unlisted_member, "not listed: evidence/00/"),
    "manifest not JSON": (_not_json, "manifest.json is not JSON"),
    "another format version": (_other_format, "backup format 99"),
    "newer migrations": (_newer_migrations, "9999_from_the_future"),
    "a malformed row": (_bad_row, r"workbench.organization.jsonl, line 1: not a row of"),
    "zip bomb": (_bomb, "compressed .*:1, refused"),
    "no manifest": (_no_manifest, "no manifest.json"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_or_damaged_archive_is_refused_and_nothing_written(
    case: str, good: Path, store: Path, tmp_path: Path
) -> None:
    mutate, match = HOSTILE[case]
    _refused(mutate(_members(good), tmp_path), match, store)


def test_limits_on_members_sizes_and_line_length(good: Path, store: Path) -> None:
    _refused(good, "members, more than 5", store, limits=backup.Limits(members=5))
    _refused(good, "longer than 100 bytes", store, limits=backup.Limits(line_bytes=100))
    _refused(good, "bytes, more than the limit", store, limits=backup.Limits(member_bytes=1000))
    _refused(
        good, "more than 5,000 bytes uncompressed", store, limits=backup.Limits(total_bytes=5000)
    )
    _refused(good, "manifest.json is larger than", store, limits=backup.Limits(manifest_bytes=10))


def test_not_a_zip_file(store: Path, tmp_path: Path, db: Any) -> None:
    bad = tmp_path / "not.zip"
    bad.write_bytes(b"PK\x03\x04 nothing")
    _refused(bad, "not a poam backup", store)
    _refused(tmp_path / "absent.zip", "no such file", store)


def test_an_existing_file_is_not_replaced_without_force(
    store: Path, world: World, tmp_path: Path
) -> None:
    target = tmp_path / "b.zip"
    target.write_bytes(b"keep")
    with pytest.raises(backup.BackupError, match="exists"):
        backup.create(target)
    assert target.read_bytes() == b"keep"
    backup.create(target, force=True)
    assert zipfile.is_zipfile(target)


def test_an_evidence_file_changed_on_disk_is_reported_not_restored(
    store: Path, world: World, tmp_path: Path
) -> None:
    sha = Blob.objects.values_list("pk", flat=True).first()
    assert sha is not None
    path = storage.blob_path(sha)
    path.write_bytes(b"tampered")
    report = backup.create(tmp_path / "b.zip")
    assert any(sha in problem for problem in report.problems)
    empty_everything(store)
    restored = backup.restore(tmp_path / "b.zip")
    assert any(sha in problem for problem in restored.problems)
    assert not path.exists() and restored.chain is not None and restored.chain.intact


def test_the_commands_say_what_they_did(store: Path, world: World, tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("poam_backup", "backup", str(tmp_path / "b.zip"), stdout=out)
    assert "evidence files" in out.getvalue() and "Readable by you only" in out.getvalue()
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("poam_backup", "restore", str(tmp_path / "b.zip"), stdout=out, stderr=err)
    assert exit_.value.code == 2 and "not empty" in err.getvalue()
    out = io.StringIO()
    call_command("poam_backup", "restore", str(tmp_path / "b.zip"), "--force", stdout=out)
    printed = out.getvalue()
    assert "--force replaces what the database held" in printed
    assert "the change log is intact" in printed


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "poam", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
        timeout=300,
    )


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="the embedded database's CLI")
def test_cli_round_trip_between_two_data_directories(tmp_path: Path) -> None:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("POAM_", "DJANGO_", "DATABASE_"))
    }
    env["POAM_TODAY"] = "2026-11-20"
    source, target = tmp_path / "source", tmp_path / "target"
    seeded = _cli("serve", "--demo", "--no-serve", "--data-dir", str(source), env=env)
    assert seeded.returncode == 0, seeded.stderr
    archive = tmp_path / "nightly.zip"
    made = _cli("backup", str(archive), "--data-dir", str(source), env=env)
    assert made.returncode == 0, made.stderr
    restored = _cli("restore", str(archive), "--data-dir", str(target), env=env)
    assert restored.returncode == 0, restored.stderr
    assert "the change log is intact" in restored.stdout
    verified = _cli("audit", "verify", "--data-dir", str(target), env=env)
    assert verified.returncode == 0 and "intact" in verified.stdout
    assert (target / "secret_key").read_bytes() == (source / "secret_key").read_bytes()
    again = _cli("restore", str(archive), "--data-dir", str(target), env=env)
    assert again.returncode == 2 and "not empty" in again.stderr
    assert "Traceback" not in again.stderr


def test_a_backup_after_an_organization_was_deleted_restores_its_tombstones(
    store: Path, world: World, tmp_path: Path
) -> None:
    from poam.web.workbench.history import Actor
    from poam.web.workbench.services.organizations import delete_organization

    delete_organization(Actor(None, "tests"), world.org, confirm=world.org.slug)
    before = fingerprint()
    backup.create(tmp_path / "b.zip")
    empty_everything(store)
    restored = backup.restore(tmp_path / "b.zip")
    assert fingerprint() == before
    assert restored.chain is not None and restored.chain.intact


PG_URL = os.environ.get("POAM_TEST_DATABASE_URL", "").strip()


@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")) or not PG_URL,
    reason="SQLite to PostgreSQL: run on SQLite with POAM_TEST_DATABASE_URL set",
)
def test_a_sqlite_backup_restores_into_postgresql(tmp_path: Path) -> None:
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    name = f"poam_restore_{os.getpid()}"
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("POAM_", "DJANGO_", "DATABASE_"))
        }
        env.update(POAM_TODAY="2026-11-20", POAM_SECRET_KEY="k" * 50)
        seeded = _cli("serve", "--demo", "--no-serve", "--data-dir", str(tmp_path / "s"), env=env)
        assert seeded.returncode == 0, seeded.stderr
        archive = tmp_path / "b.zip"
        made = _cli("backup", str(archive), "--data-dir", str(tmp_path / "s"), env=env)
        assert made.returncode == 0, made.stderr
        pg = {**env, "DATABASE_URL": urlunsplit(urlsplit(PG_URL)._replace(path=f"/{name}"))}
        restored = _cli("restore", str(archive), "--data-dir", str(tmp_path / "p"), env=pg)
        assert restored.returncode == 0, restored.stderr
        verified = _cli("audit", "verify", "--data-dir", str(tmp_path / "p"), env=pg)
        assert verified.returncode == 0, verified.stderr
        source = _cli("audit", "verify", "--data-dir", str(tmp_path / "s"), env=env)
        digest = source.stdout.split("digest ")[1].split()[0]
        assert f"digest {digest}" in verified.stdout  # the same chain, to the last digest
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
