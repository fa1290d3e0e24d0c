"""Bad input gets one exact, located error (file, line, field) and nothing is written.

Truncated and non-OSCAL files, bad dates, unknown statuses, broken hashes and a 50 MB file.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from poam.cli.app import app
from poam.core.model import Ssp
from poam.formats.errors import InputError
from poam.formats.native import load_poam, load_ssp
from poam.formats.oscal import poam_to_oscal, read_file, ssp_to_oscal
from poam.formats.oscal.detect import MAX_BYTES
from tests.conftest import EXAMPLES

ACME = EXAMPLES / "acme-enclave"
DONE, METADATA, ITEMS = '"done"', '"metadata"', '"poam-items"'


@pytest.fixture(scope="module")
def ssp_data() -> dict[str, Any]:
    return ssp_to_oscal(load_ssp(ACME / "ssp.yaml"))


@pytest.fixture(scope="module")
def poam_data() -> dict[str, Any]:
    return poam_to_oscal(load_poam(ACME / "poam.yaml"), load_ssp(ACME / "ssp.yaml"))


def _write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, indent=2), "utf-8")
    return path


def _error(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        read_file(path)
    return str(caught.value)


def _place(path: Path, needle: str) -> str:
    """``file:line:column`` of the key on the line holding ``needle`` (1-based)."""
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if needle in line:
            return f"{path}:{number}:{len(line) - len(line.lstrip()) + 1}"
    raise AssertionError(needle)


def test_truncated_json(tmp_path: Path, poam_data: dict[str, Any]) -> None:
    text = json.dumps(poam_data, indent=2)
    path = tmp_path / "poam.json"
    path.write_text(text[:5000], "utf-8")
    lines = text[:5000].splitlines()
    assert _error(path) == (
        f"{path}:{len(lines)}:{len(lines[-1]) + 1}: not valid JSON: unexpected end of data"
    )


def test_a_native_file_is_not_oscal(tmp_path: Path) -> None:
    path = tmp_path / "ssp.yaml"
    path.write_text((ACME / "ssp.yaml").read_text("utf-8"), "utf-8")
    assert _error(path) == (
        f"{path}: not an OSCAL document: expected a top-level 'system-security-plan' or "
        "'plan-of-action-and-milestones' (its top-level keys are 'system', 'ssp', 'requirements')"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"  \n", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not UTF-8 text (byte 0)"),
        (b"data:\x00\x01", "a binary file, not YAML or JSON"),
        (
            b"[1, 2]",
            "not an OSCAL document: expected a top-level 'system-security-plan' or "
            "'plan-of-action-and-milestones'",
        ),
        (
            b'{"system-security-plan": []}',
            "system-security-plan: 'system-security-plan' must be a mapping",
        ),
    ],
)
def test_files_that_cannot_be_read(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(content)
    assert _error(path) == f"{path}: {message}"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b'<?xml version="1.0"?>\n<plan-of-action-and-milestones xmlns="http://csrc.nist.gov/'
            b'ns/oscal/1.0" uuid="x">\n  <metadata>\n</plan-of-action-and-milestones>',
            ":4:3: not valid XML: mismatched tag",
        ),
        (
            b"<html><body>hello</body></html>",
            ": not an OSCAL document: an XML <html> outside the OSCAL namespace "
            "http://csrc.nist.gov/ns/oscal/1.0",
        ),
        (b'<catalog xmlns="http://csrc.nist.gov/ns/oscal/1.0" uuid="x"/>', None),
    ],
)
def test_xml_that_cannot_be_used(tmp_path: Path, content: bytes, message: str | None) -> None:
    path = tmp_path / "x.xml"
    path.write_bytes(content)
    if message is None:  # OSCAL, but not a model poam imports: reported, not refused
        assert read_file(path).model is None
        return
    assert _error(path) == f"{path}{message}"


def test_a_bad_date_in_xml_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "poam.xml"
    path.write_bytes(
        b'<plan-of-action-and-milestones xmlns="http://csrc.nist.gov/ns/oscal/1.0" '
        b'uuid="11111111-1111-4111-8111-111111111111"><metadata><title>t</title>'
        b"<last-modified>2026-01-01T00:00:00Z</last-modified><version>1</version>"
        b"<oscal-version>1.1.2</oscal-version></metadata>"
        b'<observation uuid="o"><description><p>d</p></description><method>TEST</method>'
        b"<type>mitigation</type><collected>2026-02-30T00:00:00Z</collected>"
        b'<relevant-evidence href="x.txt"><description><p>e</p></description>'
        b"</relevant-evidence></observation>"
        b'<poam-item uuid="i"><title>t</title><description><p>g</p></description>'
        b'<related-observation observation-uuid="o"/></poam-item>'
        b"</plan-of-action-and-milestones>"
    )
    assert _error(path) == (
        f"{path}: plan-of-action-and-milestones.observations[0] (o).collected: "
        "'2026-02-30T00:00:00Z' is not a date-time with a time zone (YYYY-MM-DDThh:mm:ssZ, a "
        "date that exists)"
    )


def test_a_missing_file(tmp_path: Path) -> None:
    assert _error(tmp_path / "nope.json") == f"{tmp_path / 'nope.json'}: no such file"


def test_a_bad_date_time_names_line_and_field(tmp_path: Path, poam_data: dict[str, Any]) -> None:
    data = copy.deepcopy(poam_data)
    body = data["plan-of-action-and-milestones"]
    risk_index, risk = next((i, r) for i, r in enumerate(body["risks"]) if "risk-log" in r)
    entry = risk["risk-log"]["entries"][0]
    entry["start"] = "2026-02-30T00:00:00Z"
    path = _write(tmp_path / "poam.json", data)
    field = (
        f"plan-of-action-and-milestones.risks[{risk_index}] ({risk['uuid']}).risk-log"
        f".entries[0] ({entry['uuid']}).start"
    )
    assert _error(path) == (
        f"{_place(path, '2026-02-30T00:00:00Z')}: {field}: '2026-02-30T00:00:00Z' is not a "
        "date-time with a time zone (YYYY-MM-DDThh:mm:ssZ, a date that exists)"
    )


def test_a_bad_date_prop(tmp_path: Path, poam_data: dict[str, Any]) -> None:
    data = copy.deepcopy(poam_data)
    item = data["plan-of-action-and-milestones"]["poam-items"][0]
    index = next(i for i, p in enumerate(item["props"]) if p["name"] == "created")
    item["props"][index]["value"] = "2025-13-12"
    path = _write(tmp_path / "poam.json", data)
    field = f"plan-of-action-and-milestones.poam-items[0] ({item['uuid']}).props[{index}].value"
    assert _error(path) == (
        f"{_place(path, '2025-13-12')}: {field}: '2025-13-12' is not a date (YYYY-MM-DD, a date "
        "that exists)"
    )


def test_an_unknown_implementation_status(tmp_path: Path, ssp_data: dict[str, Any]) -> None:
    data = copy.deepcopy(ssp_data)
    requirement = data["system-security-plan"]["control-implementation"][
        "implemented-requirements"
    ][4]
    requirement["by-components"][0]["implementation-status"]["state"] = "done"
    path = _write(tmp_path / "ssp.json", data)
    field = (
        f"system-security-plan.control-implementation.implemented-requirements[4] "
        f"({requirement['control-id']}).by-components[0] "
        f"({requirement['by-components'][0]['uuid']}).implementation-status.state"
    )
    assert _error(path) == (
        f"{_place(path, DONE)}: {field}: 'done' is not a known implementation status "
        "(expected one of implemented, partial, partially-implemented, planned, not-implemented, "
        "not-applicable, alternative)"
    )


def test_an_unknown_risk_status(tmp_path: Path, poam_data: dict[str, Any]) -> None:
    data = copy.deepcopy(poam_data)
    risk = data["plan-of-action-and-milestones"]["risks"][1]
    risk["status"] = "fixed-ish"
    path = _write(tmp_path / "poam.json", data)
    assert _error(path) == (
        f"{_place(path, 'fixed-ish')}: plan-of-action-and-milestones.risks[1] ({risk['uuid']})"
        ".status: 'fixed-ish' is not a known risk status (expected one of open, investigating, "
        "remediating, deviation-requested, deviation-approved, closed)"
    )


def test_an_unknown_poam_kind_and_a_bad_objective_result(
    tmp_path: Path, poam_data: dict[str, Any], ssp_data: dict[str, Any]
) -> None:
    data = copy.deepcopy(poam_data)
    data["plan-of-action-and-milestones"]["metadata"]["props"][0]["value"] = "annual"
    path = _write(tmp_path / "poam.json", data)
    assert _error(path).endswith(
        "plan-of-action-and-milestones.metadata.props[0].value: 'annual' is not a known POA&M "
        "kind (expected one of internal, conditional)"
    )
    ssp = copy.deepcopy(ssp_data)
    requirement = ssp["system-security-plan"]["control-implementation"]["implemented-requirements"][
        0
    ]
    index = next(i for i, p in enumerate(requirement["props"]) if p["name"] == "objective-a")
    requirement["props"][index]["value"] = "mostly"
    path = _write(tmp_path / "ssp.json", ssp)
    assert _error(path).endswith(
        f"props[{index}].value: 'mostly' is not a known objective result (expected one of met, "
        "not-met, not-applicable)"
    )


def test_a_broken_hash(tmp_path: Path, poam_data: dict[str, Any]) -> None:
    data = copy.deepcopy(poam_data)
    resource = data["plan-of-action-and-milestones"]["back-matter"]["resources"][0]
    resource["rlinks"][0]["hashes"][0]["value"] = "abc123"
    path = _write(tmp_path / "poam.json", data)
    assert _error(path) == (
        f"{_place(path, 'abc123')}: plan-of-action-and-milestones.back-matter.resources[0] "
        f"({resource['uuid']}).rlinks[0].hashes[0].value: 'abc123' is not a SHA-256 "
        "(64 hexadecimal digits)"
    )


def test_a_structure_poam_cannot_read(tmp_path: Path, poam_data: dict[str, Any]) -> None:
    data = copy.deepcopy(poam_data)
    body = data["plan-of-action-and-milestones"]
    body["poam-items"] = {"not": "a list"}
    del body["metadata"]["version"]
    path = _write(tmp_path / "poam.json", data)
    assert _error(path).splitlines() == [
        f"{_place(path, METADATA)}: plan-of-action-and-milestones.metadata.version: "
        "missing required field 'version'",
        f"{_place(path, ITEMS)}: plan-of-action-and-milestones.poam-items: expected "
        "a list, found a mapping",
    ]


def _huge(path: Path) -> Path:
    """A 50 MB file, made at test time: a JSON head, then a sparse tail (no disk, no time)."""
    with path.open("wb") as handle:
        handle.write(b'{"plan-of-action-and-milestones": {"uuid": "')
        handle.truncate(50 * 1024 * 1024)
    return path


def test_a_50_mb_file_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    path = _huge(tmp_path / "poam.json")
    assert path.stat().st_size > MAX_BYTES
    assert _error(path) == (
        f"{path}: 50.0 MiB is larger than the 32 MiB poam reads from one OSCAL file (a CMMC "
        "Level 2 SSP or POA&M is far smaller); check that this is the right file"
    )


def test_a_50_mb_file_through_the_cli(tmp_path: Path) -> None:
    path = _huge(tmp_path / "poam.json")
    out = tmp_path / "out"
    imported = CliRunner().invoke(app, ["import", "oscal", str(path), "--out", str(out)])
    assert imported.exit_code == 2
    assert "50.0 MiB is larger than the 32 MiB" in imported.output
    assert not out.exists()
    (tmp_path / "ssp.yaml").write_text((ACME / "ssp.yaml").read_text("utf-8"), "utf-8")
    checked = CliRunner().invoke(app, ["check", str(tmp_path), "--poam", str(path)])
    assert checked.exit_code == 2
    assert "50.0 MiB is larger than the 32 MiB" in checked.output


def test_two_ssps_are_refused(tmp_path: Path, ssp_data: dict[str, Any]) -> None:
    first = _write(tmp_path / "a.json", ssp_data)
    second = _write(tmp_path / "b.json", ssp_data)
    result = CliRunner().invoke(
        app, ["import", "oscal", str(first), str(second), "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 2
    assert f"2 OSCAL SSPs given ({first}, {second}): import one SSP at a time" in " ".join(
        result.output.split()
    )
    assert not (tmp_path / "out").exists()


def test_an_ssp_given_as_the_poam(tmp_path: Path, ssp_data: dict[str, Any]) -> None:
    path = _write(tmp_path / "ssp.json", ssp_data)
    result = CliRunner().invoke(app, ["check", "--ssp", str(path), "--poam", str(path)])
    assert result.exit_code == 2
    assert (
        f"{path}: an OSCAL system-security-plan, not a POA&M ('plan-of-action-and-milestones')"
    ) in " ".join(result.output.split())


def test_oscal_yaml_errors_name_the_line_and_numbers_stay_text(tmp_path: Path) -> None:
    path = tmp_path / "ssp.yaml"
    path.write_text(
        "system-security-plan:\n"
        "  uuid: 11111111-1111-4111-8111-111111111111\n"
        "  metadata:\n"
        "    title: A YAML SSP\n"
        "    last-modified: 2026-01-01T00:00:00Z\n"
        "    version: 1.10\n"
        "    oscal-version: 1.1.3\n"
        "  system-characteristics:\n"
        "    system-name: Enclave\n"
        "  control-implementation:\n"
        "    implemented-requirements:\n"
        "      - uuid: 11111111-1111-4111-8111-111111111112\n"
        "        control-id: sp800-171r2-3.1.1\n"
        "        props:\n"
        "          - {name: implementation-status, ns: 'https://fedramp.gov/ns/oscal', "
        "value: implemented}\n",
        "utf-8",
    )
    imported = read_file(path)
    assert isinstance(imported.model, Ssp)
    assert imported.model.info.version == "1.10"  # not the number 1.1
    text = path.read_text("utf-8").replace("2026-01-01T00:00:00Z", "2026-01-32T00:00:00Z")
    path.write_text(text, "utf-8")
    assert _error(path) == (
        f"{path}:5:5: system-security-plan.metadata.last-modified: '2026-01-32T00:00:00Z' is "
        "not a date-time with a time zone (YYYY-MM-DDThh:mm:ssZ, a date that exists)"
    )
