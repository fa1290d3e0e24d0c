"""Imports into a system: read any document the CLI reads, say what would change, then apply.

This module reads and stages (it writes no row); :mod:`.services.imports` applies.

Three steps, so that nothing is replaced by surprise (issue 9) and no upload can hold the
database (issue 8):

1. :func:`read_uploads` reads every uploaded file, outside any transaction, with the bounded
   readers of :mod:`poam.formats` (native YAML/JSON, OSCAL JSON/YAML/XML, and the workbooks of
   :data:`poam.formats.workbooks.LAYOUTS`), recognised by content. All or nothing: one
   InputError lists every problem of every file (file, place, field).
2. :func:`summarize` compares what was read with the system as it is: requirements whose
   status changes, entries added, removed and changed, the name the file gives the system,
   and the readers' notes and warnings. :func:`stage` keeps the uploaded bytes server-side
   (a private folder of the data directory, keyed by the SHA-256 of a random token, bound to
   the user, the system and its revision, expiring) so that confirming never trusts a copy
   sent back by the client.
3. ``services.imports.apply`` writes everything in one unit of work (reason
   ``import: <file name>``). The system keeps its name unless the user asked for the file's.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from django.conf import settings
from django.utils import timezone

from poam.core.catalog import Catalog, load_catalog
from poam.core.model import Poam, PoamItem, Ssp
from poam.core.scoring import score
from poam.formats.errors import InputError, Problem
from poam.web.workbench.assessment import load_snapshot
from poam.web.workbench.models import System

Slot = Literal["ssp", "poam"]
SLOTS: tuple[Slot, ...] = ("ssp", "poam")
WHAT: dict[Slot, str] = {"ssp": "an SSP", "poam": "a POA&M"}

STAGE_LIFETIME = timedelta(hours=1)
"""How long a preview can be confirmed: long enough to read it, short enough to go stale."""
MAX_STAGED_PER_USER = 3
"""Previews kept per person at once (the oldest is dropped): the stage is bounded on disk."""
MAX_LISTED = 200
"""Most requirement or entry ids listed by a summary (counts are always complete)."""


class ImportTooLarge(InputError):
    """An uploaded file above ``POAM_MAX_IMPORT_MB``, refused before it is read (413)."""


class StageMissing(Exception):
    """A preview that is not (or no longer) there for this user and system."""


def max_import_bytes() -> int:
    return int(settings.POAM_MAX_IMPORT_BYTES)


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):.1f} MB" if count >= 102_400 else f"{count / 1024:.1f} kB"


def too_large(name: str, size: int) -> ImportTooLarge:
    """The refusal of a file over the limit (``size``: its size, or the bytes seen so far)."""
    return ImportTooLarge(
        [
            Problem(
                name,
                f"is {_size(size)} or more; imports are limited to {_size(max_import_bytes())} "
                "per file (POAM_MAX_IMPORT_MB): nothing was read",
            )
        ]
    )


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    """One uploaded file, for the SSP or a POA&M."""

    slot: Slot
    name: str
    data: bytes


@dataclass(frozen=True)
class Read:
    """One uploaded file as read: its document, the format it was in, and what the reader said."""

    slot: Slot
    name: str
    format: str
    document: Ssp | Poam
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Parsed:
    ssp: Read | None = None
    poam: Read | None = None

    @property
    def reads(self) -> tuple[Read, ...]:
        return tuple(r for r in (self.ssp, self.poam) if r is not None)

    @property
    def names(self) -> str:
        return ", ".join(r.name for r in self.reads)


_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_YAML_KEY = re.compile(r"^['\"]?[\w$ -]+['\"]?\s*:(\s|$)")


def _looks_like_csv(name: str, data: bytes) -> bool:
    """A CSV grid (eMASS or NIST), by its name or its first lines: commas, and neither JSON
    nor a YAML mapping (a native file's top-level keys start at the first column)."""
    if name.lower().endswith(".csv"):
        return True
    head = data[:8192].decode("utf-8", "ignore").lstrip("\ufeff \t\r\n")
    if head.startswith(("{", "[")):
        return False
    lines = [
        line
        for line in head.splitlines()[:20]
        if line.strip() and not line.startswith(("#", "---", "%"))
    ][:10]
    if not lines or _YAML_KEY.match(lines[0]):
        return False
    return sum("," in line for line in lines) * 2 >= len(lines)


def _sheet_layout(sheets: Sequence[str]) -> str | None:
    """The workbook layout whose sheets these are (their names decide, as each reader's do)."""
    from poam.formats.workbooks import nist, ssp_workbook
    from poam.formats.workbooks.cells import normalize_header
    from poam.formats.workbooks.emass_template import SHEET as EMASS_SHEET
    from poam.formats.workbooks.fedramp_template import SHEETS as FEDRAMP_SHEETS

    names = {normalize_header(s) for s in sheets}
    if {
        normalize_header(ssp_workbook.SYSTEM),
        normalize_header(ssp_workbook.REQUIREMENTS),
    } <= names:
        return "ssp-workbook"
    if names & {normalize_header(s) for s in FEDRAMP_SHEETS[:2]}:
        return "fedramp"
    if normalize_header(EMASS_SHEET) in names:
        return "emass"
    if normalize_header(nist.SHEET) in names or len(names) == 1:
        return "nist"
    return None


def _csv_layout(data: bytes) -> str:
    """eMASS or NIST, for a CSV grid: the layout more of whose headers its first rows hold."""
    from poam.formats.workbooks import emass, nist
    from poam.formats.workbooks.cells import normalize_header
    from poam.formats.workbooks.emass_legacy import COLUMNS as EMASS_LEGACY

    head = data[:65536].decode("utf-8", "ignore")
    cells = {normalize_header(c) for c in re.split(r"[,\r\n]", head) if c.strip()}

    def found(columns: Sequence[Any]) -> int:
        return sum(1 for c in columns if set(c.names()) & cells)

    emass_found = max(found(emass.COLUMNS), found(EMASS_LEGACY))
    return "emass" if emass_found > found(nist.COLUMNS) else "nist"


def _workbook(upload: Upload, path: Path, catalog: Catalog) -> Read:
    from poam.formats.workbooks import BY_NAME
    from poam.formats.workbooks.xlsx import open_package

    if upload.data[:4] == _XLSX_MAGIC:
        package = open_package(path)
        try:
            sheets = package.sheet_names
        finally:
            package.close()
        layout_name = _sheet_layout(sheets)
        if layout_name is None:
            readable = ", ".join(layout.title for layout in BY_NAME.values())
            raise InputError.single(
                upload.name,
                f"is a workbook poam does not recognise (its sheets: "
                f"{', '.join(map(repr, sheets))}); poam reads these layouts: {readable}",
            )
    else:
        layout_name = _csv_layout(upload.data)
    layout = BY_NAME[layout_name]
    if layout.holds != upload.slot:
        raise InputError.single(
            upload.name,
            f"is {WHAT[layout.holds]} ({layout.title} workbook), not {WHAT[upload.slot]}: "
            f"choose it as the {'SSP' if layout.holds == 'ssp' else 'POA&M'} file",
        )
    module: Any = layout.module()
    imported = module.read(path, catalog)
    kind = "CSV" if path.suffix == ".csv" else "XLSX"
    return Read(
        upload.slot,
        upload.name,
        f"{layout.title}{'' if layout.title.endswith('workbook') else ' workbook'} ({kind})",
        imported.document,
        tuple(imported.notes),
        tuple(imported.warnings),
    )


def _oscal(upload: Upload, catalog: Catalog) -> Read:
    from poam.formats.oscal.detect import parse_document
    from poam.formats.oscal.files import read_document
    from poam.formats.oscal.mapping import POAM_ROOT, SSP_ROOT

    document = parse_document(upload.name, upload.data)
    expected = SSP_ROOT if upload.slot == "ssp" else POAM_ROOT
    if document.root != expected:
        raise InputError.single(
            upload.name, f"an OSCAL {document.root}, not {WHAT[upload.slot]} ('{expected}')"
        )
    imported = read_document(document, catalog)
    assert imported.model is not None
    syntax = "XML" if document.xml else "JSON" if document.source is None else "YAML"
    lines = imported.report.lines()
    return Read(upload.slot, upload.name, f"OSCAL {syntax}", imported.model, tuple(lines[1:]))


def _native(upload: Upload, catalog: Catalog) -> Read:
    from poam.formats.native.reader import poam_from_source, ssp_from_source
    from poam.formats.native.source import is_json, parse, read_text

    text = read_text(upload.name, upload.data)
    if not text.strip():
        raise InputError.single(upload.name, "the file is empty")
    source = parse(upload.name, text)
    syntax = "JSON" if is_json(text) else "YAML"
    document: Ssp | Poam = (
        ssp_from_source(source, catalog)
        if upload.slot == "ssp"
        else poam_from_source(source, catalog)
    )
    return Read(upload.slot, upload.name, f"poam {syntax}", document)


def read_upload(upload: Upload, catalog: Catalog | None = None) -> Read:
    """One uploaded file read by content (InputError naming the file, place and field)."""
    from poam.formats.oscal.detect import looks_like_xml, sniff_root

    if len(upload.data) > max_import_bytes():
        raise too_large(upload.name, len(upload.data))
    catalog = catalog or load_catalog()
    head = upload.data[:4096]
    if head[:4] == _OLE_MAGIC:
        raise InputError.single(
            upload.name, "is an old Excel .xls file: save it as .xlsx and import that"
        )
    if looks_like_xml(head) or sniff_root(head) is not None:
        return _oscal(upload, catalog)
    if head[:4] != _XLSX_MAGIC and not _looks_like_csv(upload.name, upload.data):
        return _native(upload, catalog)
    # the workbook readers read files: a private copy, named so that messages name the upload
    with tempfile.TemporaryDirectory(prefix="poam-import-") as tmp:
        suffix = ".xlsx" if head[:4] == _XLSX_MAGIC else ".csv"
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(upload.data)
        try:
            read = _workbook(upload, path, catalog)
        except InputError as error:
            raise InputError(
                replace(p, file=upload.name, message=p.message.replace(str(path), upload.name))
                for p in error.problems
            ) from None
    return replace(
        read,
        notes=tuple(n.replace(str(path), upload.name) for n in read.notes),
        warnings=tuple(w.replace(str(path), upload.name) for w in read.warnings),
    )


def read_uploads(uploads: Sequence[Upload], catalog: Catalog | None = None) -> Parsed:
    """Every upload read, all or nothing: one InputError lists the problems of every file."""
    catalog = catalog or load_catalog()
    problems: list[Problem] = []
    reads: dict[str, Read] = {}
    too_big = [u for u in uploads if len(u.data) > max_import_bytes()]
    if too_big:
        raise ImportTooLarge(p for u in too_big for p in too_large(u.name, len(u.data)).problems)
    for upload in uploads:
        try:
            reads[upload.slot] = read_upload(upload, catalog)
        except InputError as error:
            problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    return Parsed(ssp=reads.get("ssp"), poam=reads.get("poam"))


# --- what would change -----------------------------------------------------------------------


@dataclass(frozen=True)
class StatusChange:
    requirement: str
    before: str
    after: str


@dataclass(frozen=True)
class SspChanges:
    requirements: int
    """Requirement records in the file."""
    status_changes: list[StatusChange]
    status_changed: int
    other_changed: int
    """Records whose status stays but whose narrative, objectives or other fields change."""
    added: int
    removed: int
    """Records the system has and the file does not: back to "not assessed"."""
    unchanged: int
    score_before: int | None
    score_after: int | None


@dataclass(frozen=True)
class PoamChanges:
    kind: str
    new_poam: bool
    entries: int
    added: list[str]
    removed: list[str]
    changed: list[str]
    added_count: int
    removed_count: int
    changed_count: int
    unchanged: int


@dataclass(frozen=True)
class Rename:
    current: str
    in_file: str


@dataclass(frozen=True)
class FileRead:
    slot: str
    name: str
    format: str


@dataclass(frozen=True)
class Summary:
    """What an import would change, said before it changes anything."""

    files: list[FileRead]
    ssp: SspChanges | None = None
    poam: PoamChanges | None = None
    rename: Rename | None = None
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def changes_nothing(self) -> bool:
        ssp_same = self.ssp is None or (
            not self.ssp.status_changed
            and not self.ssp.other_changed
            and not self.ssp.added
            and not self.ssp.removed
        )
        poam_same = self.poam is None or (
            not self.poam.new_poam
            and not (self.poam.added_count or self.poam.removed_count or self.poam.changed_count)
        )
        return ssp_same and poam_same

    def to_data(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Summary:
        ssp = data.get("ssp")
        poam = data.get("poam")
        rename = data.get("rename")
        return cls(
            files=[FileRead(**f) for f in data["files"]],
            ssp=None
            if ssp is None
            else SspChanges(
                **{
                    **ssp,
                    "status_changes": [StatusChange(**c) for c in ssp["status_changes"]],
                }
            ),
            poam=None if poam is None else PoamChanges(**poam),
            rename=None if rename is None else Rename(**rename),
            notes=list(data.get("notes", [])),
            warnings=list(data.get("warnings", [])),
        )


NOT_ASSESSED = "not assessed"


def _ssp_changes(current: Ssp, new: Ssp, catalog: Catalog) -> SspChanges:
    before, after = current.requirements, new.requirements
    status_changes = []
    other = unchanged = 0
    for nist_id in sorted(set(before) | set(after), key=_nist_key):
        old, now = before.get(nist_id), after.get(nist_id)
        old_status = old.status.value if old else NOT_ASSESSED
        new_status = now.status.value if now else NOT_ASSESSED
        if old_status != new_status:
            status_changes.append(StatusChange(nist_id, old_status, new_status))
        elif old != now:
            other += 1
        else:
            unchanged += 1
    return SspChanges(
        requirements=len(after),
        status_changes=status_changes[:MAX_LISTED],
        status_changed=len(status_changes),
        other_changed=other,
        added=len(set(after) - set(before)),
        removed=len(set(before) - set(after)),
        unchanged=unchanged,
        score_before=score(current, catalog).value,
        score_after=score(new, catalog).value,
    )


def _nist_key(nist_id: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in nist_id.split("."))
    except ValueError:
        return (999,)


def _poam_changes(current: Poam | None, new: Poam) -> PoamChanges:
    old: dict[str, PoamItem] = {i.id: i for i in current.items} if current else {}
    now: dict[str, PoamItem] = {i.id: i for i in new.items}
    added = [i for i in now if i not in old]
    removed = [i for i in old if i not in now]
    changed = [i for i in now if i in old and old[i] != now[i]]
    return PoamChanges(
        kind=new.kind.value,
        new_poam=current is None,
        entries=len(now),
        added=added[:MAX_LISTED],
        removed=removed[:MAX_LISTED],
        changed=changed[:MAX_LISTED],
        added_count=len(added),
        removed_count=len(removed),
        changed_count=len(changed),
        unchanged=len(now) - len(added) - len(changed),
    )


def summarize(system: System, parsed: Parsed, catalog: Catalog | None = None) -> Summary:
    """What applying ``parsed`` to ``system`` would change (reads the system; writes nothing)."""
    catalog = catalog or load_catalog()
    snapshot = load_snapshot(system)
    ssp_changes = poam_changes = rename = None
    if parsed.ssp is not None:
        assert isinstance(parsed.ssp.document, Ssp)
        new_ssp = parsed.ssp.document
        ssp_changes = _ssp_changes(snapshot.ssp, new_ssp, catalog)
        if new_ssp.system.name and new_ssp.system.name != system.name:
            rename = Rename(system.name, new_ssp.system.name)
    if parsed.poam is not None:
        assert isinstance(parsed.poam.document, Poam)
        new_poam = parsed.poam.document
        poam_changes = _poam_changes(snapshot.poams.get(new_poam.kind.value), new_poam)
    return Summary(
        files=[FileRead(r.slot, r.name, r.format) for r in parsed.reads],
        ssp=ssp_changes,
        poam=poam_changes,
        rename=rename,
        notes=[f"{r.name}: {n}" for r in parsed.reads for n in r.notes],
        warnings=[f"{r.name}: {w}" for r in parsed.reads for w in r.warnings],
    )


# --- the stage: previews waiting for a confirmation ------------------------------------------


def _stage_root() -> Path:
    return Path(settings.DATA_DIR) / "imports"


def _folder(token: str) -> Path:
    return _stage_root() / hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _private_write(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _meta(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / "meta.json").read_bytes())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _created(meta: Mapping[str, Any]) -> datetime | None:
    try:
        return datetime.fromisoformat(str(meta["created"]))
    except (KeyError, ValueError):
        return None


def prune(now: datetime | None = None) -> int:
    """Remove expired or unreadable previews; the number removed."""
    now = now or timezone.now()
    root = _stage_root()
    removed = 0
    if not root.is_dir():
        return 0
    for folder in root.iterdir():
        meta = _meta(folder)
        created = None if meta is None else _created(meta)
        if created is None or now - created > STAGE_LIFETIME:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


@dataclass(frozen=True)
class Staged:
    """A preview waiting for its confirmation."""

    token: str
    system_id: int
    revision: int
    summary: Summary
    uploads: tuple[Upload, ...]


def stage(user_id: int, system: System, uploads: Sequence[Upload], summary: Summary) -> str:
    """Keep ``uploads`` for a confirmation by the same user on the same system; the token."""
    now = timezone.now()
    prune(now)
    root = _stage_root()
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    mine = sorted(
        (
            (str(meta.get("created")), folder)
            for folder in root.iterdir()
            if (meta := _meta(folder)) is not None and meta.get("user") == user_id
        ),
    )
    for _created_at, folder in mine[: max(0, len(mine) - MAX_STAGED_PER_USER + 1)]:
        shutil.rmtree(folder, ignore_errors=True)
    token = secrets.token_urlsafe(32)
    folder = _folder(token)
    folder.mkdir(mode=0o700)
    for upload in uploads:
        _private_write(folder / f"{upload.slot}.upload", upload.data)
    meta = {
        "user": user_id,
        "system": system.pk,
        "revision": system.revision,
        "created": now.isoformat(),
        "files": [{"slot": u.slot, "name": u.name} for u in uploads],
        "summary": summary.to_data(),
    }
    _private_write(folder / "meta.json", json.dumps(meta).encode())
    return token


def staged(user_id: int, system: System, token: str, now: datetime | None = None) -> Staged:
    """The preview of ``token`` if it is this user's, for this system, and not expired."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{20,100}", token or ""):
        raise StageMissing(token)
    folder = _folder(token)
    meta = _meta(folder)
    created = None if meta is None else _created(meta)
    if (
        meta is None
        or created is None
        or meta.get("user") != user_id
        or meta.get("system") != system.pk
    ):
        raise StageMissing(token)
    if (now or timezone.now()) - created > STAGE_LIFETIME:
        shutil.rmtree(folder, ignore_errors=True)
        raise StageMissing(token)
    uploads = []
    for item in meta["files"]:
        slot = item["slot"]
        if slot not in SLOTS:
            raise StageMissing(token)
        try:
            data = (folder / f"{slot}.upload").read_bytes()
        except OSError:
            raise StageMissing(token) from None
        uploads.append(Upload(slot, str(item["name"]), data))
    return Staged(
        token,
        system.pk,
        int(meta.get("revision", -1)),
        Summary.from_data(meta["summary"]),
        tuple(uploads),
    )


def restage(user_id: int, system: System, token: str, summary: Summary) -> None:
    """Bring a preview up to date with the system as it is now (same token, same files)."""
    folder = _folder(token)
    meta = _meta(folder)
    if meta is None or meta.get("user") != user_id or meta.get("system") != system.pk:
        raise StageMissing(token)
    meta.update(revision=system.revision, summary=summary.to_data())
    (folder / "meta.json").unlink()
    _private_write(folder / "meta.json", json.dumps(meta).encode())


def discard(user_id: int, system: System, token: str) -> None:
    """Forget a preview (confirmed or cancelled); another user's token is left alone."""
    try:
        staged(user_id, system, token)
    except StageMissing:
        return
    shutil.rmtree(_folder(token), ignore_errors=True)
