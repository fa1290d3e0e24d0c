"""Every file a command writes gets the mode a plain open() would give (issue 8: exports were
written 0600, and --force narrowed an existing file's mode): a new file is 0666 less the umask,
a replaced file keeps its mode. One writer does it (``poam.formats.files``); these tests go
through the CLI, so that a command that bypasses it is caught."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from poam.cli.app import app
from tests.conftest import EXAMPLES

runner = CliRunner()
SUMMIT = EXAMPLES / "summit-conditional"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


# (command line with {out} for the output file or folder, the files it writes in {out})
EXPORTS = {
    "oscal": (
        ["export", "oscal", str(SUMMIT), "--out", "{out}"],
        ("ssp.json", "poam.json", "profile.json", "catalog.json"),
    ),
    "emass": (
        ["export", "emass", str(SUMMIT), "--out", "{out}/p.xlsx", "--as-of", "2026-11-30"],
        ("p.xlsx",),
    ),
    "emass-csv": (["export", "emass", str(SUMMIT), "--out", "{out}/p.csv"], ("p.csv",)),
    "fedramp": (["export", "fedramp", str(SUMMIT), "--out", "{out}/p.xlsx"], ("p.xlsx",)),
    "nist": (["export", "nist", str(SUMMIT), "--out", "{out}/p.csv"], ("p.csv",)),
    "ssp-workbook": (["export", "ssp-workbook", str(SUMMIT), "--out", "{out}/s.xlsx"], ("s.xlsx",)),
    "report": (
        ["report", str(SUMMIT), "--as-of", "2026-11-30", "--out", "{out}/r.html"],
        ("r.html",),
    ),
    "sprs": (["sprs", str(SUMMIT), "--as-of", "2026-11-30", "--out", "{out}/e.json"], ("e.json",)),
}
FORCE = {"oscal"}
"""Commands that refuse to overwrite without --force (the others replace their --out)."""


def run(arguments: list[str], out: Path, force: bool = False) -> None:
    command = [a.format(out=out) for a in arguments] + (["--force"] if force else [])
    result = runner.invoke(app, command)
    assert result.exit_code in (0, 1), result.output  # sprs exits 1 when SPRS cannot take it


@pytest.mark.parametrize("name", list(EXPORTS))
def test_exports_honour_the_umask_and_keep_a_replaced_files_mode(
    name: str, tmp_path: Path, umask_022: None
) -> None:
    arguments, names = EXPORTS[name]
    out = tmp_path / "out"
    out.mkdir()
    run(arguments, out)
    assert {n: oct(mode(out / n)) for n in names} == dict.fromkeys(names, "0o644")
    for n in names:
        (out / n).chmod(0o664)
    run(arguments, out, force=name in FORCE)
    assert {n: oct(mode(out / n)) for n in names} == dict.fromkeys(names, "0o664")
    os.umask(0o077)  # a private umask gives private new files
    shutil.rmtree(out)
    out.mkdir()
    run(arguments, out)
    assert {n: oct(mode(out / n)) for n in names} == dict.fromkeys(names, "0o600")
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]  # no temporary left


@pytest.mark.parametrize(
    ("layout", "export_as"),
    [("ssp-workbook", "ssp.xlsx"), ("nist", "poam.csv")],
)
def test_imports_write_the_native_file_with_the_same_modes(
    layout: str, export_as: str, tmp_path: Path, umask_022: None
) -> None:
    workbook = tmp_path / export_as
    assert (
        runner.invoke(app, ["export", layout, str(SUMMIT), "--out", str(workbook)]).exit_code == 0
    )
    out = tmp_path / "native"
    out.mkdir()
    result = runner.invoke(app, ["import", layout, str(workbook), "--out", str(out)])
    assert result.exit_code == 0, result.output
    (written,) = out.iterdir()
    assert mode(written) == 0o644
    written.chmod(0o664)
    result = runner.invoke(app, ["import", layout, str(workbook), "--out", str(out), "--force"])
    assert result.exit_code == 0, result.output
    assert mode(written) == 0o664


def test_oscal_import_with_force_keeps_the_mode(tmp_path: Path, umask_022: None) -> None:
    oscal = tmp_path / "oscal"
    assert runner.invoke(app, ["export", "oscal", str(SUMMIT), "--out", str(oscal)]).exit_code == 0
    out = tmp_path / "native"
    sources = [str(oscal / "ssp.json"), str(oscal / "poam.json")]
    assert runner.invoke(app, ["import", "oscal", *sources, "--out", str(out)]).exit_code == 0
    assert {p.name: mode(p) for p in out.iterdir()} == {"ssp.yaml": 0o644, "poam.yaml": 0o644}
    (out / "ssp.yaml").chmod(0o664)
    result = runner.invoke(app, ["import", "oscal", *sources, "--out", str(out), "--force"])
    assert result.exit_code == 0, result.output
    assert {p.name: mode(p) for p in out.iterdir()} == {"ssp.yaml": 0o664, "poam.yaml": 0o644}
