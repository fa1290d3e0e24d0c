"""The CMMC Level 2 baseline as OSCAL: a catalog in poam's wording and the profile an SSP imports.

Issue 9: the SSP's import-profile pointed at a web page, so OSCAL tools could not resolve the
``sp800-171r2-*`` control ids. The export now carries a catalog of the 110 requirements and 320
objectives, written from poam's own catalog, and a profile selecting them all.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from poam.cli.app import app
from poam.core.catalog import load_catalog
from poam.formats.oscal import catalog_to_oscal, profile_to_oscal
from poam.formats.oscal.mapping import NS
from tests.conftest import EXAMPLES
from tests.formats.oscal.conftest import Validate

CATALOG = load_catalog()


def _props(owner: dict[str, Any]) -> dict[str, str]:
    return {p["name"]: p["value"] for p in owner.get("props", ()) if p.get("ns") in (None, NS)}


def _controls(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for group in document["catalog"]["groups"] for c in group["controls"]]


def test_the_catalog_holds_the_110_requirements_in_poams_wording() -> None:
    document = catalog_to_oscal()
    groups = document["catalog"]["groups"]
    assert [g["title"] for g in groups] == list(dict.fromkeys(r.family_name for r in CATALOG))
    controls = _controls(document)
    assert [c["id"] for c in controls] == [f"sp800-171r2-{r.nist_id}" for r in CATALOG]
    objectives = 0
    for control, requirement in zip(controls, CATALOG.requirements, strict=True):
        statement, assessment = control["parts"]
        assert control["title"] == requirement.title
        assert statement == {
            "id": f"{control['id']}_smt",
            "name": "statement",
            "prose": requirement.statement,
        }
        assert [(p["id"], p["prose"]) for p in assessment["parts"]] == [
            (f"{control['id']}_obj.{o.letter}", o.statement) for o in requirement.objectives
        ]
        objectives += len(assessment["parts"])
    assert objectives == 320


def test_points_partial_credit_and_eligibility_are_props() -> None:
    by_id = {c["id"].removeprefix("sp800-171r2-"): _props(c) for c in _controls(catalog_to_oscal())}
    assert by_id["3.1.1"] == {
        "label": "3.1.1",
        "cmmc-id": "AC.L2-3.1.1",
        "requirement-kind": "basic",
        "points": "5",
        "poam-eligible": "false",
        "level-1": "true",
    }
    assert "points" not in by_id["3.12.4"]  # no value: 32 CFR 170.24(c)(2)(i)(B)(5)
    assert by_id["3.12.4"]["poam-eligible"] == "false"
    assert by_id["3.5.3"]["deduction-mfa-remote-and-privileged"] == "3"
    assert by_id["3.13.11"]["poam-eligible-state"] == "not-fips-validated"
    assert by_id["3.13.11"]["deduction-encryption-not-fips-validated"] == "3"
    eligible = {key for key, props in by_id.items() if props["poam-eligible"] == "true"}
    assert eligible == {r.nist_id for r in CATALOG if r.poam_eligible}
    assert {key: int(p["points"]) for key, p in by_id.items() if "points" in p} == {
        r.nist_id: r.points for r in CATALOG if r.points is not None
    }


def test_the_profile_selects_the_whole_catalog() -> None:
    profile = profile_to_oscal("catalog.json")["profile"]
    assert profile["imports"] == [{"href": "catalog.json", "include-all": {}}]
    assert profile["merge"] == {"as-is": True}


@pytest.mark.shared
def test_the_baseline_is_valid_oscal_and_reproducible(official: Validate) -> None:
    assert official(catalog_to_oscal()) == []
    assert official(profile_to_oscal()) == []
    assert catalog_to_oscal() == catalog_to_oscal()


def test_an_export_resolves_every_id_it_uses(tmp_path: Path) -> None:
    """The SSP imports profile.json, which imports catalog.json, which holds every control
    the SSP names and every objective the POA&M's findings target."""
    out = tmp_path / "oscal"
    result = CliRunner().invoke(
        app, ["export", "oscal", str(EXAMPLES / "acme-enclave"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    ssp = json.loads((out / "ssp.json").read_text("utf-8"))["system-security-plan"]
    profile = json.loads((out / ssp["import-profile"]["href"]).read_text("utf-8"))["profile"]
    catalog = json.loads((out / profile["imports"][0]["href"]).read_text("utf-8"))
    ids = set()
    for control in _controls(catalog):
        ids.add(control["id"])
        for part in control["parts"]:
            ids.add(part["id"])
            ids.update(p["id"] for p in part.get("parts", ()))
    implemented = ssp["control-implementation"]["implemented-requirements"]
    assert {r["control-id"] for r in implemented} <= ids
    poam = json.loads((out / "poam.json").read_text("utf-8"))["plan-of-action-and-milestones"]
    targets = {f["target"]["target-id"] for f in poam["findings"]}
    assert targets and targets <= ids


def test_hrefs_elsewhere(tmp_path: Path) -> None:
    out = tmp_path / "oscal"
    result = CliRunner().invoke(
        app,
        [
            "export",
            "oscal",
            str(EXAMPLES / "acme-enclave"),
            "--out",
            str(out),
            "--profile-href",
            "https://example.com/cmmc l2/profile.json",
            "--catalog-href",
            "trestle://catalogs/cmmc-l2/catalog.json",
        ],
    )
    assert result.exit_code == 0, result.output
    ssp = json.loads((out / "ssp.json").read_text("utf-8"))["system-security-plan"]
    assert ssp["import-profile"]["href"] == "https://example.com/cmmc%20l2/profile.json"
    profile = json.loads((out / "profile.json").read_text("utf-8"))["profile"]
    assert profile["imports"][0]["href"] == "trestle://catalogs/cmmc-l2/catalog.json"
