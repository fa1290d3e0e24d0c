"""``poam backup`` and ``poam restore``: the whole installation in one archive, and back.

The archive is a zip file:

- ``manifest.json``: the format and its version, poam's version, when and from which database
  (SQLite or PostgreSQL) it was made, the migrations applied, each table with its columns and
  row count, the change log's last row (``seq`` and digest), and the SHA-256 and size of every
  other member;
- ``data/<app>.<model>.jsonl``: each table's rows, one JSON array a line, in the manifest's
  column order; values in one spelling whatever the database (dates and times ISO 8601 with
  microseconds, so the change log's digests are recomputed from exactly what was hashed);
- ``evidence/ab/abcdef...``: each evidence file the database refers to, named by its SHA-256;
- ``secret_key``: the data directory's generated key, when there is one (it encrypts the
  authenticator-app secrets; a server database reads its key from ``POAM_SECRET_KEY``, which
  the operator keeps).

**Consistent and online.** Every table is read in one transaction that sees one moment of the
database while the server keeps writing: on PostgreSQL ``REPEATABLE READ READ ONLY``; on SQLite
a deferred read transaction, which in WAL mode keeps its snapshot and blocks no writer. Evidence
files are named by their content and never rewritten, so the files the snapshot names are the
files it meant. No ``pg_dump`` is needed: the rows are read through Django, so a backup of
SQLite restores into PostgreSQL and the other way round.

**Restore is all or nothing.** The archive is read with bounds (members, sizes, compression
ratio, names from a fixed pattern: no path, no link, no directory), every member's SHA-256 is
checked against the manifest, and every evidence file against its name, before anything is
written. Then the rows go in within one transaction, evidence files are stored as uploads are,
and the change log's hash chain is verified (``poam audit verify``). The database must be
empty, unless ``force`` replaces what it holds (and says what).

The archive holds password hashes, the change log and every tenant's records: it is written
readable by its owner only (0600), whatever the umask.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import stat
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from uuid import UUID

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.duration import duration_iso_string

import poam
from poam.web import config
from poam.web.workbench import audit, storage
from poam.web.workbench.chain import GENESIS

FORMAT = "poam-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SECRET_KEY_MEMBER = "secret_key"
READER = config.SNAPSHOT_READER
"""The database alias of the backup's own read-only connection (a snapshot of its own)."""

SKIPPED_MODELS = frozenset({"sessions.session"})
"""Not backed up: sessions are signed with the secret key and end anyway; people sign in again."""
GENERATED_MODELS = frozenset({"contenttypes.contenttype", "auth.permission"})
"""Made by ``migrate`` in every database: a fresh database has them, and the backup's replace
them (other tables refer to their ids)."""

_MEMBER = re.compile(
    r"^(?:manifest\.json|secret_key|data/[a-z0-9_]{1,100}\.[a-z0-9_]{1,100}\.jsonl"
    r"|evidence/([0-9a-f]{2})/([0-9a-f]{64}))$"
)


@dataclass(frozen=True)
class Limits:
    """How much of an archive restore accepts before reading it (hostile archives)."""

    members: int = 500_000
    member_bytes: int = 8 * 1024**3
    total_bytes: int = 64 * 1024**3
    manifest_bytes: int = 32 * 1024**2
    line_bytes: int = 64 * 1024**2
    ratio: int = 200
    """Largest uncompressed/compressed ratio of a member over 1 MiB (a zip bomb's is huge)."""


class BackupError(ValueError):
    """An archive that cannot be restored, or a database that cannot take it; nothing was
    written. The message names the archive, the member and the problem."""


@dataclass
class Report:
    """What a backup or a restore did, for the command to print."""

    tables: dict[str, int] = field(default_factory=dict)
    evidence: int = 0
    evidence_bytes: int = 0
    last_seq: int = 0
    last_digest: str = ""
    problems: list[str] = field(default_factory=list)
    replaced: dict[str, int] = field(default_factory=dict)
    chain: audit.Verification | None = None

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


# --- values in one spelling ---------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A column value as JSON: what ``field.to_python`` reads back to the same value."""
    if isinstance(value, datetime):
        return value.isoformat()  # microseconds kept (the change log's digests cover them)
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return duration_iso_string(value)
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return {"base64": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def _line(values: tuple[Any, ...]) -> bytes:
    plain = [_plain(value) for value in values]
    return json.dumps(plain, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def _models() -> list[type[models.Model]]:
    """Every table Django manages, many-to-many tables included, in a fixed order."""
    found = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.label_lower not in SKIPPED_MODELS
    ]
    return sorted(found, key=lambda model: model._meta.label_lower)


def _skipped() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model._meta.label_lower in SKIPPED_MODELS and model._meta.managed
    ]


def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return list(model._meta.concrete_fields)


def _migrations(connection: BaseDatabaseWrapper) -> list[list[str]]:
    recorder = MigrationRecorder(connection)
    return sorted([app, name] for app, name in recorder.applied_migrations())


# --- backup -------------------------------------------------------------------------------------


def _reader() -> BaseDatabaseWrapper:
    """A connection of its own (settings: ``config.snapshot_reader``), so the snapshot starts
    with the backup and nothing else runs in it."""
    return connections[READER]


def _snapshot_transaction(connection: BaseDatabaseWrapper) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT 1")  # the snapshot is taken at the first statement
    else:  # SQLite: the first read fixes the snapshot for the transaction
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_master")


class _Hashing:
    """A writable stream that hashes and counts what goes through it."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out, self.sha, self.size = out, hashlib.sha256(), 0

    def write(self, data: bytes) -> None:
        self.out.write(data)
        self.sha.update(data)
        self.size += len(data)


def create(target: Path, *, force: bool = False) -> Report:
    """Write a backup of the whole installation to ``target`` (all or nothing, 0600)."""
    if target.exists() and not force:
        raise BackupError(f"{target}: exists (use --force to replace it)")
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as raw:
            report = _write(raw)
        temporary.chmod(0o600)
        temporary.replace(target)
    finally:
        temporary.unlink(missing_ok=True)
    return report


def _write(raw: IO[bytes]) -> Report:
    report = Report()
    members: dict[str, dict[str, Any]] = {}
    tables: dict[str, dict[str, Any]] = {}
    connection = _reader()
    try:
        with (
            zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf,
            transaction.atomic(using=READER),
        ):
            _snapshot_transaction(connection)
            now = timezone.now()
            for model in _models():
                label = model._meta.label_lower
                columns = _columns(model)
                member = f"data/{label}.jsonl"
                rows = (
                    model._base_manager.using(READER)
                    .order_by("pk")
                    .values_list(*[column.attname for column in columns])
                )
                count = 0
                with zf.open(member, "w", force_zip64=True) as out:
                    hashing = _Hashing(out)
                    for values in rows.iterator(chunk_size=2000):
                        hashing.write(_line(values))
                        count += 1
                members[member] = {"sha256": hashing.sha.hexdigest(), "size": hashing.size}
                tables[label] = {"member": member, "columns": [c.attname for c in columns]}
                tables[label]["rows"] = report.tables[label] = count
            from poam.web.workbench.models import Blob, ChangeLogHead

            head = ChangeLogHead.objects.using(READER).filter(pk=1).first()
            report.last_seq, report.last_digest = (
                (head.seq, head.digest) if head is not None else (0, GENESIS)
            )
            blobs = Blob.objects.using(READER).order_by("pk").values_list("pk", flat=True)
            for sha in blobs.iterator(chunk_size=2000):
                _add_evidence(zf, sha, members, report)
            migrations = _migrations(connection)
            vendor = connection.vendor
            key = Path(settings.DATA_DIR) / "secret_key"
            if key.is_file():
                data = key.read_bytes()
                zf.writestr(SECRET_KEY_MEMBER, data)
                members[SECRET_KEY_MEMBER] = {
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "size": len(data),
                }
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "poam_version": poam.__version__,
                "created_at": now.isoformat(),
                "database": vendor,
                "migrations": migrations,
                "tables": tables,
                "change_log": {"last_seq": report.last_seq, "last_digest": report.last_digest},
                "evidence": {"files": report.evidence, "bytes": report.evidence_bytes},
                "problems": report.problems,
                "members": members,
            }
            zf.writestr(MANIFEST, json.dumps(manifest, indent=1, sort_keys=True))
    finally:
        connection.close()
    return report


def _add_evidence(
    zf: zipfile.ZipFile, sha: str, members: dict[str, dict[str, Any]], report: Report
) -> None:
    """One stored evidence file, checked against its name as it is copied (a file changed on
    disk is left out and reported: its record names content that is no longer there)."""
    path = storage.blob_path(sha)
    member = f"evidence/{sha[:2]}/{sha}"
    try:
        source = path.open("rb")
    except FileNotFoundError:
        report.problems.append(f"evidence file {sha} is missing from {path.parent}")
        return
    with source, zf.open(member, "w", force_zip64=True) as out:
        hashing = _Hashing(out)
        while chunk := source.read(1024 * 1024):
            hashing.write(chunk)
    if hashing.sha.hexdigest() != sha:
        # kept as it is (the archive is written once, forward), marked so that restore leaves
        # it out and says so: the source already had a changed file, and the backup shows it
        report.problems.append(f"evidence file {sha} was changed on disk: it no longer matches")
        members[member] = {"sha256": hashing.sha.hexdigest(), "size": hashing.size, "bad": True}
        return
    members[member] = {"sha256": sha, "size": hashing.size}
    report.evidence += 1
    report.evidence_bytes += hashing.size


# --- reading an archive, bounded ----------------------------------------------------------------


@dataclass(frozen=True)
class Archive:
    """An archive whose every member was checked: its manifest, and the open zip file."""

    path: Path
    zf: zipfile.ZipFile
    manifest: dict[str, Any]

    def member(self, name: str) -> IO[bytes]:
        return self.zf.open(name)


def _is_link(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def open_archive(path: Path, limits: Limits | None = None) -> Archive:
    """Open ``path`` and check it all (names, sizes, hashes) before anything is written."""
    limits = limits or Limits()
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise BackupError(f"{path}: no such file") from None
    except (zipfile.BadZipFile, OSError) as error:
        raise BackupError(f"{path}: not a poam backup (not a zip archive: {error})") from None
    try:
        manifest = _check(path, zf, limits)
    except BaseException:
        zf.close()
        raise
    return Archive(path, zf, manifest)


def _check(path: Path, zf: zipfile.ZipFile, limits: Limits) -> dict[str, Any]:
    infos = zf.infolist()
    if len(infos) > limits.members:
        raise BackupError(f"{path}: {len(infos):,} members, more than {limits.members:,}")
    seen: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        where = f"{path}: member {info.filename!r}"
        if not _MEMBER.match(info.filename):
            raise BackupError(f"{where}: not a name a poam backup holds (paths are refused)")
        if info.filename in seen:
            raise BackupError(f"{where}: appears twice")
        if _is_link(info) or info.is_dir():
            raise BackupError(f"{where}: a link or a directory, refused")
        if info.flag_bits & 0x1:
            raise BackupError(f"{where}: encrypted, refused")
        if info.file_size > limits.member_bytes:
            raise BackupError(f"{where}: {info.file_size:,} bytes, more than the limit")
        if info.file_size > 1024**2 and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise BackupError(
                f"{where}: compressed {info.file_size // info.compress_size}:1, refused"
            )
        total += info.file_size
        if total > limits.total_bytes:
            raise BackupError(f"{path}: more than {limits.total_bytes:,} bytes uncompressed")
        seen[info.filename] = info
    if MANIFEST not in seen:
        raise BackupError(f"{path}: not a poam backup (no {MANIFEST})")
    if seen[MANIFEST].file_size > limits.manifest_bytes:
        raise BackupError(f"{path}: {MANIFEST} is larger than {limits.manifest_bytes:,} bytes")
    manifest = _manifest(path, zf.read(MANIFEST))
    listed: dict[str, dict[str, Any]] = manifest["members"]
    present = set(seen) - {MANIFEST}
    if present != set(listed):
        extra, missing = sorted(present - set(listed)), sorted(set(listed) - present)
        raise BackupError(
            f"{path}: the members do not match the manifest"
            + (f"; not listed: {', '.join(extra[:5])}" if extra else "")
            + (f"; missing: {', '.join(missing[:5])}" if missing else "")
        )
    for name in sorted(present):
        _check_member(path, zf, name, listed[name], limits)
    return manifest


def _manifest(path: Path, data: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(data)
    except (ValueError, RecursionError) as error:
        raise BackupError(f"{path}: {MANIFEST} is not JSON ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: not a poam backup ({MANIFEST} names no {FORMAT!r} format)")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{path}: backup format {manifest.get('format_version')!r}; this poam reads "
            f"version {FORMAT_VERSION} (restore it with the poam that made it, "
            f"{manifest.get('poam_version')!r})"
        )
    shapes: dict[str, type | tuple[type, ...]] = {
        "members": dict,
        "tables": dict,
        "migrations": list,
        "change_log": dict,
    }
    for key, kind in shapes.items():
        if not isinstance(manifest.get(key), kind):
            raise BackupError(f"{path}: {MANIFEST}: {key!r} is missing or malformed")
    for name, entry in manifest["members"].items():
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("sha256"), str)
            and isinstance(entry.get("size"), int)
        ):
            raise BackupError(f"{path}: {MANIFEST}: member {name!r}: no sha256 and size")
    for label, table in manifest["tables"].items():
        if not (
            isinstance(table, dict)
            and isinstance(table.get("member"), str)
            and isinstance(table.get("columns"), list)
            and isinstance(table.get("rows"), int)
            and table["member"] == f"data/{label}.jsonl"
        ):
            raise BackupError(f"{path}: {MANIFEST}: table {label!r} is malformed")
    return manifest


def _check_member(
    path: Path, zf: zipfile.ZipFile, name: str, entry: dict[str, Any], limits: Limits
) -> None:
    where = f"{path}: member {name!r}"
    digest, size = hashlib.sha256(), 0
    try:
        with zf.open(name) as source:
            while chunk := source.read(1024 * 1024):
                size += len(chunk)
                if size > limits.member_bytes:
                    raise BackupError(f"{where}: larger than the limit")
                digest.update(chunk)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise BackupError(f"{where}: cannot be read ({error})") from None
    if size != entry["size"] or digest.hexdigest() != entry["sha256"]:
        raise BackupError(
            f"{where}: its SHA-256 or size does not match the manifest (changed or damaged)"
        )
    matched = _MEMBER.match(name)
    if entry.get("bad"):  # changed on disk before the backup: left out by restore, and said
        return
    if matched and matched.group(2) and matched.group(2) != digest.hexdigest():
        raise BackupError(f"{where}: the file's SHA-256 is not its name")
    if matched and matched.group(2) and matched.group(1) != matched.group(2)[:2]:
        raise BackupError(f"{where}: in the wrong folder")


# --- restore -----------------------------------------------------------------------------------


def _user_rows(connection: BaseDatabaseWrapper) -> dict[str, int]:
    """Rows of each table a restore would replace (the generated ones do not count)."""
    counts = {}
    for model in _models():
        label = model._meta.label_lower
        if label in GENERATED_MODELS:
            continue
        rows = model._base_manager.using(connection.alias)
        if label == "workbench.changeloghead":  # migrate records an empty log's head
            rows = rows.filter(seq__gt=0)
        count = rows.count()
        if count:
            counts[label] = count
    return counts


@contextmanager
def _triggers_lifted(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """The database's own triggers (the change log's append-only guard) lifted inside the
    restore's transaction: a forced restore empties the tables, and the rows that go back
    are the archive's, checked. Put back before the transaction ends (both databases' DDL is
    transactional, so a failure puts them back too)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
            yield
            for _name, sql in triggers:
                cursor.execute(sql)
        else:
            cursor.execute(
                "SELECT DISTINCT c.relname FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE NOT t.tgisinternal AND n.nspname = current_schema()"
            )
            tables = [row[0] for row in cursor.fetchall()]
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # checks pending so far, now
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for table in tables:
                cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
            yield
            # the foreign keys' deferred checks run now: a table with pending checks cannot
            # be altered, and a dangling reference is an error of the restore, not the commit
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in tables:
                cursor.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _rows(archive: Archive, label: str, limits: Limits) -> Iterator[list[Any]]:
    member = archive.manifest["tables"][label]["member"]
    width = len(archive.manifest["tables"][label]["columns"])
    with archive.member(member) as raw:
        number = 0
        while True:
            line = raw.readline(limits.line_bytes + 1)
            if not line:
                return
            number += 1
            where = f"{archive.path}: {member}, line {number}"
            if len(line) > limits.line_bytes:
                raise BackupError(f"{where}: longer than {limits.line_bytes:,} bytes")
            try:
                values = json.loads(line)
            except (ValueError, RecursionError) as error:
                raise BackupError(f"{where}: not JSON ({error})") from None
            if not isinstance(values, list) or len(values) != width:
                raise BackupError(f"{where}: not a row of {width} columns")
            yield values


def _value(column: models.Field[Any, Any], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, dict) and isinstance(column, models.BinaryField):
        return base64.b64decode(value["base64"])
    if isinstance(column, models.JSONField):
        return value
    return column.to_python(value)


def _load_table(
    archive: Archive,
    model: type[models.Model],
    connection: BaseDatabaseWrapper,
    limits: Limits,
) -> int:
    label = model._meta.label_lower
    columns = _columns(model)
    table = archive.manifest["tables"][label]
    if table["columns"] != [column.attname for column in columns]:
        raise BackupError(
            f"{archive.path}: table {label}: its columns are not this poam's "
            "(the migrations should have said so)"
        )
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(str(column.column)) for column in columns),
        ", ".join(["%s"] * len(columns)),
    )
    count, batch = 0, []
    with connection.cursor() as cursor:
        for values in _rows(archive, label, limits):
            try:
                prepared = [
                    column.get_db_prep_save(_value(column, value), connection)
                    for column, value in zip(columns, values, strict=True)
                ]
            except (ValueError, TypeError, KeyError) as error:
                raise BackupError(
                    f"{archive.path}: table {label}, row {count + 1}: {error}"
                ) from None
            batch.append(prepared)
            count += 1
            if len(batch) >= 1000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
    if count != table["rows"]:
        raise BackupError(
            f"{archive.path}: table {label}: {count} rows, the manifest says {table['rows']}"
        )
    return count


def _store_evidence(archive: Archive, report: Report) -> list[Path]:
    """Evidence files into the store (checked already); returns those that were new, so a
    failed restore can take them back."""
    added: list[Path] = []
    for name, entry in sorted(archive.manifest["members"].items()):
        matched = _MEMBER.match(name)
        if not (matched and matched.group(2)):
            continue
        if entry.get("bad"):
            report.problems.append(
                f"evidence file {matched.group(2)} was changed on disk before the backup: "
                "not restored (its record remains; poam check reports it missing)"
            )
            continue
        target = storage.blob_path(matched.group(2))
        existed = target.exists()
        with archive.member(name) as source:
            stored = storage.store_chunks(
                iter(lambda: source.read(1024 * 1024), b""), limit=entry["size"]
            )
        if stored.sha256 != matched.group(2):  # checked before; a changed archive file now
            raise BackupError(f"{archive.path}: member {name!r} changed while restoring")
        if not existed:
            added.append(target)
        report.evidence += 1
        report.evidence_bytes += stored.size
    return added


def restore(
    path: Path,
    *,
    force: bool = False,
    limits: Limits | None = None,
    before_write: Callable[[Report], None] | None = None,
) -> Report:
    """Restore the archive at ``path`` into this installation's database and evidence store.

    Raises :class:`BackupError` (nothing written) for a hostile or damaged archive, a backup
    of other migrations, or a database that is not empty without ``force``. ``before_write``
    is called once everything is checked, with what would be replaced.
    """
    limits = limits or Limits()
    archive = open_archive(path, limits)
    report = Report()
    connection = connections["default"]
    try:
        manifest = archive.manifest
        ours, theirs = _migrations(connection), manifest["migrations"]
        if ours != theirs:
            newer = sorted({tuple(m) for m in theirs} - {tuple(m) for m in ours})
            older = sorted({tuple(m) for m in ours} - {tuple(m) for m in theirs})
            named_new = ", ".join(".".join(m) for m in newer[:3])
            named_old = ", ".join(".".join(m) for m in older[:3])
            version = manifest.get("poam_version")
            hint = (
                f"it has migrations this poam does not know ({named_new}): restore it with "
                f"poam {version} or later"
                if newer
                else f"it predates migrations {named_old}: restore it with poam {version}, "
                "then upgrade (poam migrate)"
            )
            raise BackupError(
                f"{path}: the backup's database is not at this poam's version: {hint}"
            )
        known = {model._meta.label_lower: model for model in _models()}
        if set(manifest["tables"]) != set(known):
            unknown = sorted(set(manifest["tables"]) ^ set(known))
            raise BackupError(f"{path}: tables differ from this poam's: {', '.join(unknown[:5])}")
        report.replaced = _user_rows(connection)
        if report.replaced and not force:
            listed = ", ".join(f"{n:,} {label}" for label, n in sorted(report.replaced.items())[:6])
            raise BackupError(
                f"the database is not empty ({listed}...): restore into an empty database, or "
                "use --force to replace everything it holds"
            )
        if before_write is not None:
            before_write(report)
        added = _store_evidence(archive, report)
        try:
            with transaction.atomic(using=connection.alias), _triggers_lifted(connection):
                with connection.cursor() as cursor:
                    # the sessions too (not backed up): none outlives the data it signed in to
                    for model in [*reversed(list(known.values())), *_skipped()]:
                        cursor.execute(
                            f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}"
                        )
                for label, model in known.items():
                    report.tables[label] = _load_table(archive, model, connection, limits)
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        for statement in connection.ops.sequence_reset_sql(
                            no_style(), list(known.values())
                        ):
                            cursor.execute(statement)
        except BaseException:
            for added_path in added:
                added_path.unlink(missing_ok=True)
            raise
        key = manifest["members"].get(SECRET_KEY_MEMBER)
        if key is not None and not os.environ.get("POAM_SECRET_KEY", "").strip():
            _restore_secret_key(archive, report)
    finally:
        archive.zf.close()
    report.last_seq = int(manifest["change_log"].get("last_seq", 0))
    report.last_digest = str(manifest["change_log"].get("last_digest", ""))
    report.chain = audit.verify()
    return report


def _restore_secret_key(archive: Archive, report: Report) -> None:
    """The data directory's key, as the backup's installation had it (it decrypts the
    authenticator-app secrets); the new key is used from the next start."""
    data = archive.zf.read(SECRET_KEY_MEMBER)
    target = Path(settings.DATA_DIR) / "secret_key"
    if target.is_file() and target.read_bytes() == data:
        return
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=".secret_key.", suffix=".tmp")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    Path(name).replace(target)
    report.problems.append(
        f"the secret key was restored into {target}: restart the server to use it"
    )
