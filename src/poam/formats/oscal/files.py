"""OSCAL files in and out: what the CLI and ``formats.documents`` call.

Reading: :func:`read_file` parses, validates and maps one file, returning the model and a
report of what was used and skipped. Writing: :func:`export` renders the SSP (and POA&M), with
the CMMC Level 2 baseline the SSP imports, as OSCAL JSON or YAML, ready to be written
atomically (:func:`write_all`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import yaml

from poam.core.catalog import Catalog
from poam.core.model import Poam, Ssp
from poam.formats.errors import InputError
from poam.formats.files import write_all_atomically
from poam.formats.oscal.baseline import catalog_to_oscal, profile_to_oscal
from poam.formats.oscal.detect import Document, parse_document, read_bytes
from poam.formats.oscal.links import rebase_evidence
from poam.formats.oscal.mapping import POAM_ROOT, SSP_ROOT, as_uri_reference, is_uri_reference
from poam.formats.oscal.poam_reader import poam_from_document
from poam.formats.oscal.poam_writer import poam_to_oscal
from poam.formats.oscal.report import Report
from poam.formats.oscal.ssp_reader import ssp_from_document
from poam.formats.oscal.ssp_writer import ssp_to_oscal


@dataclass(frozen=True)
class Imported:
    """One OSCAL file read: its model (an Ssp, a Poam, or None for other OSCAL models)."""

    document: Document
    model: Ssp | Poam | None
    report: Report


def read_document(document: Document, catalog: Catalog | None = None) -> Imported:
    """Map a parsed OSCAL document; other OSCAL models are reported, not refused."""
    if document.root == SSP_ROOT:
        ssp, report = ssp_from_document(document, catalog)
        return Imported(document, ssp, report)
    if document.root == POAM_ROOT:
        poam, report = poam_from_document(document, catalog)
        return Imported(document, poam, report)
    report = Report(document.file, document.root)
    report.note(
        f"an OSCAL {document.root}: poam imports system-security-plan and "
        "plan-of-action-and-milestones documents only; nothing used"
    )
    return Imported(document, None, report)


def read_file(path: Path, catalog: Catalog | None = None, max_bytes: int | None = None) -> Imported:
    """Read one OSCAL file (JSON, YAML or XML) into the model; InputError when it cannot be used.

    ``max_bytes`` replaces the size limits (32 MiB for JSON and XML, 8 MiB for YAML)."""
    data = read_bytes(path, max_bytes)
    return read_document(parse_document(str(path), data, max_bytes), catalog)


def _expect(imported: Imported, root: str, what: str) -> None:
    if imported.document.root != root:
        raise InputError.single(
            imported.document.file,
            f"an OSCAL {imported.document.root}, not {what} ('{root}')",
        )


def load_ssp(path: Path, catalog: Catalog | None = None) -> Ssp:
    """The SSP in an OSCAL file (for ``poam check --ssp ssp.json``)."""
    imported = read_file(path, catalog)
    _expect(imported, SSP_ROOT, "an SSP")
    assert isinstance(imported.model, Ssp)
    return imported.model


def load_poam(path: Path, catalog: Catalog | None = None) -> Poam:
    """The POA&M in an OSCAL file (for ``poam check --poam poam.json``)."""
    imported = read_file(path, catalog)
    _expect(imported, POAM_ROOT, "a POA&M")
    assert isinstance(imported.model, Poam)
    return imported.model


class _YamlDumper(yaml.SafeDumper):
    """Quotes (with escapes) every string YAML would not keep exactly as a plain scalar."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    exact = value.isprintable() and value == value.strip() and "\x85" not in value
    style = None if exact else '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_YamlDumper.add_representer(str, _str)


def dumps(data: dict[str, Any], fmt: str = "json") -> bytes:
    """An OSCAL document as JSON (indented, UTF-8) or YAML."""
    if fmt == "yaml":
        text = yaml.dump(data, Dumper=_YamlDumper, sort_keys=False, allow_unicode=True, width=100)
        return text.encode("utf-8")
    return orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n"


def _names(fmt: str) -> dict[str, str]:
    """The file of each document: ``ssp.json``..., or ``ssp.oscal.yaml``... for YAML."""
    suffix = "json" if fmt == "json" else "oscal.yaml"
    return {kind: f"{kind}.{suffix}" for kind in ("ssp", "poam", "profile", "catalog")}


def baseline(
    fmt: str = "json", catalog: Catalog | None = None, catalog_href: str | None = None
) -> dict[str, bytes]:
    """The CMMC Level 2 baseline: ``profile.json``, importing ``catalog.json`` (beside it
    unless ``catalog_href`` says where the catalog will be)."""
    names = _names(fmt)
    href = _href(catalog_href or names["catalog"])
    return {
        names["profile"]: dumps(profile_to_oscal(href, catalog), fmt),
        names["catalog"]: dumps(catalog_to_oscal(catalog), fmt),
    }


def _href(text: str) -> str:
    return text if is_uri_reference(text) else as_uri_reference(text)


def export(
    ssp: Ssp,
    poam: Poam | None,
    fmt: str = "json",
    catalog: Catalog | None = None,
    *,
    source: Path | None = None,
    target: Path | None = None,
    profile_href: str | None = None,
    catalog_href: str | None = None,
) -> dict[str, bytes]:
    """The OSCAL files for a native pair: ``ssp.json``, ``poam.json`` with a POA&M, and the
    baseline the SSP imports (``profile.json``, ``catalog.json``).

    Given the folder the POA&M was read from (``source``) and the one the files will be written
    to (``target``), each relative evidence path is rewritten to name the same file from there
    (``links.py``). ``profile_href`` and ``catalog_href`` say where the SSP finds the profile,
    and the profile the catalog, when not beside them (a URL, ``trestle://profiles/...``)."""
    names = _names(fmt)
    profile = _href(profile_href or names["profile"])
    files = {names["ssp"]: dumps(ssp_to_oscal(ssp, catalog, profile), fmt)}
    if poam is not None:
        if source is not None and target is not None:
            poam = rebase_evidence(poam, source, target)
        data = poam_to_oscal(poam, ssp, catalog=catalog, ssp_href=names["ssp"])
        files[names["poam"]] = dumps(data, fmt)
    files.update(baseline(fmt, catalog, catalog_href))
    return files


def write_all(directory: Path, files: dict[str, bytes], force: bool = False) -> list[Path]:
    """Write every file into ``directory`` or none (``poam.formats.files.write_all_atomically``:
    each goes to a temporary file first, and they are moved into place only once all are
    written, with the mode a plain open() gives). Refuses to overwrite unless ``force``
    (FileExistsError naming the files)."""
    targets = [directory / name for name in files]
    existing = [target for target in targets if target.exists()]
    if existing and not force:
        raise FileExistsError(", ".join(str(target) for target in existing))
    write_all_atomically(dict(zip(targets, files.values(), strict=True)))
    return targets
