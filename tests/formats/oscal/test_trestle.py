"""Every document poam writes loads in compliance-trestle 3.x (a test-only dependency), and an
export imports into a trestle workspace and validates there, its control ids resolved."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from typer.testing import CliRunner

from poam.cli.app import app
from poam.core.model import Poam, Ssp
from poam.formats.native import load_poam, load_ssp
from poam.formats.oscal import dumps, poam_to_oscal, ssp_to_oscal
from tests.conftest import EXAMPLES
from tests.formats.oscal.test_roundtrip import edge_poam, edge_ssp
from tests.strategies import poams, ssps

trestle_ssp = pytest.importorskip("trestle.oscal.ssp")
trestle_poam = pytest.importorskip("trestle.oscal.poam")


def _load(tmp_path: Path, ssp: Ssp, poam: Poam) -> tuple[Any, Any]:
    (tmp_path / "ssp.json").write_bytes(dumps(ssp_to_oscal(ssp)))
    (tmp_path / "poam.json").write_bytes(dumps(poam_to_oscal(poam, ssp, ssp_href="ssp.json")))
    return (
        trestle_ssp.SystemSecurityPlan.oscal_read(tmp_path / "ssp.json"),
        trestle_poam.PlanOfActionAndMilestones.oscal_read(tmp_path / "poam.json"),
    )


@pytest.mark.parametrize("example", ["acme-enclave", "summit-conditional"])
def test_sample_systems_load_in_trestle(tmp_path: Path, example: str) -> None:
    poam = load_poam(EXAMPLES / example / "poam.yaml")
    loaded_ssp, loaded_poam = _load(tmp_path, load_ssp(EXAMPLES / example / "ssp.yaml"), poam)
    assert len(loaded_ssp.control_implementation.implemented_requirements) == 110
    assert len(loaded_poam.poam_items) == len(poam.items)


def test_edge_cases_load_in_trestle(tmp_path: Path) -> None:
    loaded_ssp, loaded_poam = _load(tmp_path, edge_ssp(), edge_poam())
    assert loaded_ssp.metadata.oscal_version.__root__ == "1.1.3"
    assert len(loaded_poam.poam_items) == 3


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ssp=ssps(with_cmmc=True), poam=poams())
def test_generated_documents_load_in_trestle(tmp_path: Path, ssp: Ssp, poam: Poam) -> None:
    loaded_ssp, loaded_poam = _load(tmp_path, ssp, poam)
    assert loaded_ssp is not None
    assert len(loaded_poam.poam_items) == max(len(poam.items), 1)


def _trestle(cwd: Path, workspace: Path, *args: str) -> str:
    """Run the trestle command (no network: every href is a local file or trestle://)."""
    result = subprocess.run(
        [sys.executable, "-m", "trestle", *args, "--trestle-root", str(workspace)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "ERROR" not in output, output
    return output


def _workspace(tmp_path: Path) -> Path:
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    subprocess.run(
        [sys.executable, "-m", "trestle", "init"], cwd=workspace, check=True, capture_output=True
    )
    return workspace


def _export(out: Path, *options: str) -> None:
    result = CliRunner().invoke(
        app, ["export", "oscal", str(EXAMPLES / "acme-enclave"), "--out", str(out), *options]
    )
    assert result.exit_code == 0, result.output


def test_trestle_imports_and_validates_an_export(tmp_path: Path) -> None:
    """Issue 9: `trestle import` of the SSP failed, its profile being a web page. The export
    is one folder of linked documents: relative hrefs name the files beside them, which trestle
    resolves from its working directory, here the export's folder."""
    out = tmp_path / "oscal"
    _export(out)
    workspace = _workspace(tmp_path)
    for name in ("catalog", "profile", "ssp", "poam"):
        _trestle(out, workspace, "import", "-f", f"{name}.json", "-o", "acme")
    output = _trestle(out, workspace, "validate", "-a")
    for model in (
        "catalogs/acme/catalog.json",
        "profiles/acme/profile.json",
        "system-security-plans/acme/system-security-plan.json",
        "plan-of-action-and-milestones/acme/plan-of-action-and-milestones.json",
    ):
        assert f"VALID: Model {workspace / model} passed" in " ".join(output.split())


def test_trestle_workspace_hrefs_validate_from_the_workspace(tmp_path: Path) -> None:
    out = tmp_path / "oscal"
    _export(
        out,
        "--profile-href",
        "trestle://profiles/cmmc-l2/profile.json",
        "--catalog-href",
        "trestle://catalogs/cmmc-l2/catalog.json",
    )
    workspace = _workspace(tmp_path)
    _trestle(out, workspace, "import", "-f", "catalog.json", "-o", "cmmc-l2")
    _trestle(out, workspace, "import", "-f", "profile.json", "-o", "cmmc-l2")
    _trestle(out, workspace, "import", "-f", "ssp.json", "-o", "acme")
    output = " ".join(_trestle(workspace, workspace, "validate", "-a").split())
    assert "system-security-plans/acme/system-security-plan.json passed" in output
    resolved = subprocess.run(
        [
            sys.executable,
            "-c",
            "from pathlib import Path; from trestle.core.profile_resolver import ProfileResolver; "
            "c = ProfileResolver.get_resolved_profile_catalog(Path('.'), "
            "'trestle://profiles/cmmc-l2/profile.json'); "
            "print(sum(len(g.controls) for g in c.groups))",
        ],
        cwd=workspace,
        capture_output=True,
        text=True,
        check=True,
    )
    assert resolved.stdout.split()[-1] == "110"
