"""Every document poam writes loads in compliance-trestle 3.x (a test-only dependency)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from poam.core.model import Poam, Ssp
from poam.formats.native import load_poam, load_ssp
from poam.formats.oscal import dumps, poam_to_oscal, ssp_to_oscal
from tests.conftest import EXAMPLES
from tests.formats.oscal.test_roundtrip import edge_poam, edge_ssp
from tests.strategies import poams, ssps

trestle_ssp = pytest.importorskip("trestle.oscal.ssp")
trestle_poam = pytest.importorskip("trestle.oscal.poam")


def _load(tmp_path: Path, ssp: Ssp, poam: Poam) -> tuple[object, object]:
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
@given(ssp=ssps(), poam=poams())
def test_generated_documents_load_in_trestle(tmp_path: Path, ssp: Ssp, poam: Poam) -> None:
    loaded_ssp, loaded_poam = _load(tmp_path, ssp, poam)
    assert loaded_ssp is not None
    assert len(loaded_poam.poam_items) == max(len(poam.items), 1)
