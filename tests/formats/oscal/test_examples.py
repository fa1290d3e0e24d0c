"""Every official NIST and FedRAMP example imports or is refused cleanly (../shared/oscal/examples).

What poam can use is used; what it cannot (SP 800-53 control ids, unknown props) is reported.
Refused, with nothing written: a file that is not OSCAL at all, and an SSP without one NIST SP
800-171 Rev 2 requirement (every official example SSP describes SP 800-53 controls), since its
import would write an SSP that says nothing. XML examples import like JSON ones.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from poam.cli.app import app
from poam.core.model import ItemStatus, Poam, Ssp
from poam.formats.errors import InputError
from poam.formats.native import load_poam, load_ssp
from poam.formats.oscal import read_file
from poam.formats.oscal.detect import Document, read_document
from poam.formats.oscal.files import Imported
from poam.formats.oscal.files import read_document as map_document
from poam.formats.oscal.poam_reader import NO_REQUIREMENT
from tests.formats.oscal.conftest import write_json

pytestmark = pytest.mark.shared

NOT_OSCAL = {
    "fedramp/FedRAMP_extensions.json": "'extensions'",
    "fedramp/fedramp_values.json": "'fedramp-values'",
}
XML_POAMS = {
    "fedramp/AwesomeCloudPOAM.xml",
    "fedramp/AwesomeCloudPOAM2.xml",
    "nist/ifa_plan-of-action-and-milestones.xml",
}
XML_SSPS = {"fedramp/fedramp-ssp-example.oscal.xml"}
OTHER_MODELS = {
    "fedramp/FedRAMP-SAP-OSCAL-Template.json": "assessment-plan",
    "fedramp/FedRAMP-SAR-OSCAL-Template.json": "assessment-results",
    "nist/basic-catalog.json": "catalog",
    "nist/example-component-definition.json": "component-definition",
    "nist/example-component.json": "component-definition",
    "nist/ifa_assessment-plan-example.json": "assessment-plan",
    "nist/ifa_assessment-results-example.json": "assessment-results",
}
SSPS = {
    "fedramp/FedRAMP-SSP-OSCAL-Template.json": 20,
    "nist/ifa_ssp-example.json": 1,
    "nist/oscal_leveraged-example_ssp.json": 1,
    "nist/oscal_leveraging-example_ssp.json": 1,
    "nist/ssp-example.json": 1,
}
POAMS = {
    "fedramp/FedRAMP-POAM-OSCAL-Template.json",
    "nist/ifa_plan-of-action-and-milestones.json",
}


def test_the_lists_cover_every_example(examples: Path) -> None:
    found = {str(path.relative_to(examples)) for path in examples.glob("*/*")}
    assert found == {*NOT_OSCAL, *XML_POAMS, *XML_SSPS, *OTHER_MODELS, *SSPS, *POAMS}


@pytest.mark.parametrize("name", sorted(NOT_OSCAL))
def test_a_file_that_is_not_oscal_is_refused(examples: Path, name: str) -> None:
    with pytest.raises(InputError) as caught:
        read_file(examples / name)
    assert str(caught.value) == (
        f"{examples / name}: not an OSCAL document: expected a top-level 'system-security-plan' "
        f"or 'plan-of-action-and-milestones' (its top-level keys are {NOT_OSCAL[name]})"
    )


def test_xml_examples_import_like_their_json_twins(examples: Path) -> None:
    from_json = read_file(examples / "nist/ifa_plan-of-action-and-milestones.json").model
    from_xml = read_file(examples / "nist/ifa_plan-of-action-and-milestones.xml").model
    assert isinstance(from_xml, Poam)
    assert from_xml == from_json


@pytest.mark.parametrize(
    ("name", "items"), [("fedramp/AwesomeCloudPOAM.xml", 8), ("fedramp/AwesomeCloudPOAM2.xml", 7)]
)
def test_fedramp_xml_poams(examples: Path, name: str, items: int) -> None:
    imported = read_file(examples / name)
    assert isinstance(imported.model, Poam)
    assert len(imported.model.items) == items
    first = imported.model.items[0]
    assert first.requirement == NO_REQUIREMENT  # these examples name no control at all
    assert imported.report.lines()[0] == (
        f"{examples / name}: plan-of-action-and-milestones: used poam-items: {items}"
    )


FEDRAMP_NS = "https://fedramp.gov/ns/oscal"


def with_a_rev2_requirement(document: Document) -> Imported:
    """The document with one Rev 2 requirement added (implemented, by FedRAMP's prop), mapped."""
    document.body["control-implementation"]["implemented-requirements"].append(
        {
            "uuid": "11111111-1111-4111-8111-111111111111",
            "control-id": "sp800-171r2-3.1.1",
            "props": [{"name": "implementation-status", "ns": FEDRAMP_NS, "value": "implemented"}],
        }
    )
    return map_document(document)


def _refusal(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        read_file(path)
    (problem,) = caught.value.problems
    return str(problem)


def test_fedramp_xml_ssp(examples: Path) -> None:
    path = examples / "fedramp/fedramp-ssp-example.oscal.xml"
    assert _refusal(path) == (
        f"{path}: system-security-plan.control-implementation.implemented-requirements: not one "
        "of its 323 implemented-requirements names a NIST SP 800-171 Rev 2 requirement (ac-1, "
        "ac-2, at-1, ...): this is not an SSP poam can use for CMMC Level 2 (32 CFR "
        "170.14(c)(3)); nothing is imported"
    )
    imported = with_a_rev2_requirement(read_document(path))
    assert isinstance(imported.model, Ssp)
    ssp = imported.model
    assert ssp.system.name == "System's Full Name"
    assert ssp.system.organization == "Cloud Service Provider (CSP) Name"
    assert ssp.info.version == "fedramp3.0.0-oscal1.1.4"
    assert list(ssp.requirements) == ["3.1.1"]
    assert len(ssp.unknown) == 323
    assert ssp.system.description is not None
    assert ssp.system.description.startswith("[Insert CSO Name] is delivered as [a/an]")
    assert "\n\nNOTE: Additional description" in ssp.system.description  # paragraphs kept


@pytest.mark.parametrize("name", sorted(OTHER_MODELS))
def test_other_oscal_models_are_reported_not_refused(examples: Path, name: str) -> None:
    imported = read_file(examples / name)
    assert imported.model is None
    assert imported.report.lines()[-1] == (
        f"{examples / name}: an OSCAL {OTHER_MODELS[name]}: poam imports system-security-plan "
        "and plan-of-action-and-milestones documents only; nothing used"
    )


@pytest.mark.parametrize("name", sorted(SSPS))
def test_ssp_examples_of_sp800_53_are_refused_naming_their_ids(examples: Path, name: str) -> None:
    refusal = _refusal(examples / name)
    assert (
        f"not one of its {SSPS[name]} implemented-requirements names a NIST SP 800-171 Rev 2 "
        "requirement ("
    ) in refusal
    imported = with_a_rev2_requirement(read_document(examples / name))
    assert isinstance(imported.model, Ssp)
    ssp = imported.model
    assert list(ssp.requirements) == ["3.1.1"]
    assert len(ssp.unknown) == SSPS[name]
    assert all("-" in control and control[:2].isalpha() for control in ssp.unknown)
    lines = imported.report.lines()
    assert lines[0] == f"{examples / name}: system-security-plan: used requirements: 1"
    assert lines[1].startswith(
        f"{examples / name}: skipped {SSPS[name]} requirements: NIST SP 800-53 control id, not "
        "a NIST SP 800-171 Rev 2 requirement ("
    )
    assert ssp.system.name  # the system itself is used


def test_fedramp_ssp_template_keeps_the_system(examples: Path) -> None:
    imported = with_a_rev2_requirement(
        read_document(examples / "fedramp/FedRAMP-SSP-OSCAL-Template.json")
    )
    assert isinstance(imported.model, Ssp)
    assert imported.model.system.name == "System's Full Name"
    assert imported.model.unknown[:3] == ("ac-1", "ac-2", "at-1")
    assert any(
        "ignored" in line and "fully-operational-date" in line for line in imported.report.lines()
    )


def test_fedramp_poam_template(examples: Path) -> None:
    imported = read_file(examples / "fedramp/FedRAMP-POAM-OSCAL-Template.json")
    assert isinstance(imported.model, Poam)
    first, second = imported.model.items
    assert (first.id, second.id) == ("V-1", "V-2")  # FedRAMP's POAM-ID prop
    assert first.requirement == second.requirement == "ac-2"  # impacted-control-id, kept
    assert [m.title for m in first.milestones] == ["[Example]Milestone 1", "[Example]Milestone 2"]
    assert first.milestones[0].due is not None and first.milestones[0].due.isoformat() == (
        "2023-07-02"
    )
    assert first.status is ItemStatus.NOT_STARTED
    assert first.remediation == (
        "A description of the CSP's intended approach to remediating the identified risk.",
    )
    text = "\n".join(imported.report.lines())
    assert "kept 2 poam-items whose control is a NIST SP 800-53 control id" in text
    assert "vendor-dependency (https://fedramp.gov/ns/oscal) x1" in text


def test_nist_poam_example(examples: Path) -> None:
    imported = read_file(examples / "nist/ifa_plan-of-action-and-milestones.json")
    assert isinstance(imported.model, Poam)
    first, second = imported.model.items
    assert first.requirement == second.requirement == NO_REQUIREMENT
    assert first.id == "e174dfb9-0ae3-4a8f-8e7c-081527b84337"  # no POAM-ID: the uuid
    assert first.milestones == ()  # its related-risks names a mitigating factor, not a risk
    assert second.milestones[0].title == "Completion of GoodRead Sprint Ending June 23, 2023"
    assert second.identified_by == (
        "AwesomeCloud IAM Roles Test - GoodRead System Engineer Role (test, 2023-06-02)"
    )
    text = "\n".join(imported.report.lines())
    assert "skipped 1 related-risks that name nothing in the document" in text


@pytest.mark.parametrize(
    "name", sorted({*SSPS, *POAMS, *OTHER_MODELS, *NOT_OSCAL, *XML_POAMS, *XML_SSPS})
)
def test_cli_import_of_each_example(examples: Path, tmp_path: Path, name: str) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["import", "oscal", str(examples / name), "--out", str(out)])
    if name in NOT_OSCAL or name in SSPS or name in XML_SSPS:
        assert result.exit_code == 2, result.output
        assert not out.exists()
        return
    assert result.exit_code == 0, result.output
    if name in OTHER_MODELS:
        assert not out.exists()
        assert "nothing written" in result.output
        return
    assert sorted(p.name for p in out.iterdir()) == ["poam.yaml"]
    assert len(load_poam(out / "poam.yaml").items) >= 2


def test_an_ssp_and_a_poam_import_together(examples: Path, tmp_path: Path) -> None:
    document: dict[str, Any] = read_document(examples / "nist/ssp-example.json").data
    with_a_rev2_requirement(Document("x", "system-security-plan", document, b""))
    files = [
        write_json(tmp_path / "ssp.json", document),
        examples / "nist/ifa_plan-of-action-and-milestones.json",
    ]
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["import", "oscal", *map(str, files), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["poam.yaml", "ssp.yaml"]
    check = CliRunner().invoke(app, ["check", str(out), "--as-of", "2026-11-27"])
    assert check.exit_code == 1  # missing requirements and unnamed controls are findings
    assert load_ssp(out / "ssp.yaml").requirements["3.1.1"].status.value == "implemented"


def test_one_bad_file_means_nothing_written(examples: Path, tmp_path: Path) -> None:
    files = [
        examples / "nist/ifa_plan-of-action-and-milestones.json",
        examples / "fedramp/fedramp_values.json",
    ]
    result = CliRunner().invoke(
        app, ["import", "oscal", *map(str, files), "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 2
    assert not (tmp_path / "out").exists()
