"""Evidence paths stay valid wherever an export or an import is written (issue 9).

Before, an OSCAL export kept each path relative to the source folder: exported elsewhere, not
one of the sample systems' 6 evidence files resolved, and ``poam check`` on the export could not
see a file changed since its SHA-256 was recorded.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from poam.cli.app import app
from poam.core.model import Evidence, Poam, PoamItem
from poam.formats.native import load_poam
from poam.formats.oscal import read_file, rebase_evidence
from poam.formats.oscal.links import is_relative_path, rebase
from tests.conftest import EXAMPLES

EXAMPLE_NAMES = ["acme-enclave", "summit-conditional"]


def _check(*args: str) -> tuple[int, dict[str, object]]:
    result = CliRunner().invoke(app, ["check", *args, "--as-of", "2026-11-27", "--format", "json"])
    return result.exit_code, json.loads(result.output)


def _evidence_findings(report: dict[str, object]) -> list[tuple[str, str]]:
    findings = report["findings"]
    assert isinstance(findings, list)
    return sorted(
        (f["code"], f["item"]) for f in findings if str(f["code"]).startswith("evidence-")
    )


def _local_evidence(poam: Poam) -> list[Evidence]:
    return [e for item in poam.items for e in item.evidence if is_relative_path(e.uri)]


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_exported_elsewhere_every_evidence_path_names_the_same_file(
    tmp_path: Path, example: str
) -> None:
    system = tmp_path / "work" / example
    shutil.copytree(EXAMPLES / example, system)
    out = tmp_path / "shared" / "for-the-assessor" / "oscal"
    result = CliRunner().invoke(app, ["export", "oscal", str(system), "--out", str(out)])
    assert result.exit_code == 0, result.output
    native = load_poam(system / "poam.yaml")
    imported = read_file(out / "poam.json").model
    assert isinstance(imported, Poam)
    before, after = _local_evidence(native), _local_evidence(imported)
    assert len(before) == len(after) >= 1
    for original, exported in zip(before, after, strict=True):
        assert exported.uri.startswith("../../../work/")
        assert (out / exported.uri).resolve() == (system / original.uri).resolve()
        assert exported.sha256 == original.sha256


def test_poam_check_on_an_export_elsewhere_reports_a_changed_file(tmp_path: Path) -> None:
    system = tmp_path / "system"
    shutil.copytree(EXAMPLES / "acme-enclave", system)
    planted = system / "evidence" / "media-marking-policy-excerpt.md"
    planted.write_text(planted.read_text("utf-8") + "\nEdited after the hash was taken.\n")
    item = next(
        item.id
        for item in load_poam(system / "poam.yaml").items
        for e in item.evidence
        if e.uri.endswith(planted.name)
    )
    out = tmp_path / "elsewhere" / "oscal"
    assert (
        CliRunner().invoke(app, ["export", "oscal", str(system), "--out", str(out)]).exit_code == 0
    )
    code_native, native = _check(str(system))
    code_export, exported = _check(str(out))
    assert code_native == code_export == 1
    assert ("evidence-hash-mismatch", item) in _evidence_findings(exported)
    assert _evidence_findings(exported) == _evidence_findings(native)
    assert exported["score"] == native["score"]


def test_an_import_elsewhere_keeps_the_paths_valid_too(tmp_path: Path) -> None:
    system = tmp_path / "system"
    shutil.copytree(EXAMPLES / "acme-enclave", system)
    out = tmp_path / "oscal"
    assert (
        CliRunner().invoke(app, ["export", "oscal", str(system), "--out", str(out)]).exit_code == 0
    )
    back = tmp_path / "a" / "b" / "back"
    result = CliRunner().invoke(
        app,
        ["import", "oscal", str(out / "ssp.json"), str(out / "poam.json"), "--out", str(back)],
    )
    assert result.exit_code == 0, result.output
    for evidence in _local_evidence(load_poam(back / "poam.yaml")):
        assert (back / evidence.uri).is_file() or evidence.uri.endswith("tenable-quote-Q-88213.pdf")
    assert _evidence_findings(_check(str(back))[1]) == _evidence_findings(_check(str(system))[1])


def test_export_beside_the_source_keeps_the_paths_as_written(tmp_path: Path) -> None:
    system = tmp_path / "system"
    shutil.copytree(EXAMPLES / "acme-enclave", system)
    assert (
        CliRunner().invoke(app, ["export", "oscal", str(system), "--out", str(system)]).exit_code
        == 0
    )
    imported = read_file(system / "poam.json").model
    assert isinstance(imported, Poam)
    assert imported == load_poam(system / "poam.yaml")


@pytest.mark.parametrize(
    "uri",
    [
        "",
        "https://example.com/scan.pdf",
        "file:///srv/evidence/scan.pdf",
        "/srv/evidence/scan.pdf",
        "C:\\evidence\\scan.pdf",
        "c:/evidence/scan.pdf",
        "\\\\server\\share\\scan.pdf",
        "urn:uuid:11111111-1111-4111-8111-111111111111",
    ],
)
def test_urls_and_absolute_paths_are_kept_as_written(uri: str, tmp_path: Path) -> None:
    assert rebase(uri, tmp_path / "a", tmp_path / "b") == uri


def test_relative_paths_are_rebased(tmp_path: Path) -> None:
    source, target = tmp_path / "system", tmp_path / "out" / "oscal"
    assert rebase("evidence/scan.pdf", source, target) == "../../system/evidence/scan.pdf"
    assert rebase("../shared/scan.pdf", source, target) == "../../shared/scan.pdf"
    assert rebase("./scan report.pdf", source, source) == "scan report.pdf"
    assert rebase("evidence/scan.pdf", target, source) == "../out/oscal/evidence/scan.pdf"


def test_rebase_evidence_changes_nothing_else() -> None:
    poam = Poam(
        items=(
            PoamItem("A", "3.1.1", evidence=(Evidence("t", "e/x.txt", "a" * 64),)),
            PoamItem("B", "3.1.2"),
        )
    )
    moved = rebase_evidence(poam, Path("/srv/system"), Path("/srv/out"))
    assert moved.items[0].evidence == (Evidence("t", "../system/e/x.txt", "a" * 64),)
    assert moved.items[1] is poam.items[1]
    assert rebase_evidence(poam, Path("/srv/system"), Path("/srv/system")) is poam


segments = st.text(alphabet="abcxyz ._-", min_size=1, max_size=6).filter(
    lambda s: s not in (".", "..") and s.strip() != ""  # a blank URI names no file
)
folders = st.lists(segments, min_size=0, max_size=3)


@settings(max_examples=150, deadline=None)
@given(
    source=folders,
    target=folders,
    up=st.integers(0, 2),
    path=st.lists(segments, min_size=1, max_size=3),
)
def test_a_rebased_path_names_the_same_file(
    source: list[str],
    target: list[str],
    up: int,
    path: list[str],
) -> None:
    root = Path("/srv/root")
    source_dir, target_dir = root.joinpath(*source), root.joinpath(*target)
    uri = "/".join([".."] * min(up, len(source)) + path)
    rebased = rebase(uri, source_dir, target_dir)
    assert not rebased.startswith("/")
    assert os.path.normpath(target_dir / rebased) == os.path.normpath(source_dir / uri)
