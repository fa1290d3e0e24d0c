"""OSCAL input is bounded like every other: nesting depth in JSON, YAML and XML, no XML DOCTYPE,
size per format. Up to the limits a document imports as before; beyond them it is refused with
an InputError naming the file, the place and the limit (exit 2, nothing written), and no
RecursionError is reachable: not in parsing, validation, the XML converter or the readers.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from poam.cli.app import app
from poam.core.model import Poam
from poam.formats.errors import InputError
from poam.formats.native import load_poam, load_ssp
from poam.formats.native.source import MAX_DEPTH
from poam.formats.oscal import poam_to_oscal, read_file, ssp_to_oscal
from poam.formats.oscal.detect import parse_document
from poam.formats.oscal.files import read_document
from tests.conftest import EXAMPLES
from tests.formats.native.hostile import HOSTILE, OSCAL_XMLNS, Hostile

ACME = EXAMPLES / "acme-enclave"
POAM = poam_to_oscal(load_poam(ACME / "poam.yaml"), load_ssp(ACME / "ssp.yaml"))
SSP = ssp_to_oscal(load_ssp(ACME / "ssp.yaml"))


def _nest(levels: int) -> Any:
    data: Any = "x"
    for _ in range(levels):
        data = [data]
    return data


def _with_extension(document: dict[str, Any], levels: int) -> dict[str, Any]:
    """The document with ``levels`` nested lists under ``metadata``, a place poam ignores:
    the root is level 1, the model 2, metadata 3."""
    extended = copy.deepcopy(document)
    (body,) = extended.values()
    body["metadata"]["x-extension"] = _nest(levels)
    return extended


def _error(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        read_file(path)
    (problem,) = caught.value.problems
    return str(problem)


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_oscal_nested_up_to_the_limit_imports_and_one_more_level_is_refused(
    tmp_path: Path, fmt: str
) -> None:
    def dump(data: Any) -> str:
        return json.dumps(data, indent=1) if fmt == "json" else yaml.safe_dump(data)

    path = tmp_path / f"poam.{fmt}"
    path.write_text(dump(_with_extension(POAM, MAX_DEPTH - 3)), "utf-8")
    assert read_file(path).model == load_poam(ACME / "poam.yaml")
    path.write_text(dump(_with_extension(POAM, MAX_DEPTH - 2)), "utf-8")
    error = _error(path)
    assert error.startswith(f"{path}:")
    assert "nested more than 64 levels deep, the most poam reads" in error


def test_deep_oscal_json_names_the_line() -> None:
    levels = 100_000
    text = json.dumps(_with_extension(SSP, 1)).replace('["x"]', "[" * levels + '"x"' + "]" * levels)
    with pytest.raises(InputError) as caught:
        parse_document("ssp.json", text.encode())
    column = text.index("[" * levels) + 1 + MAX_DEPTH - 3
    assert str(caught.value) == (
        f"ssp.json:1:{column}: nested more than 64 levels deep, the most poam reads (an SSP or "
        "a POA&M needs fewer than 20)"
    )


def _xml_poam(inner: str) -> bytes:
    return (
        f'<plan-of-action-and-milestones xmlns="{OSCAL_XMLNS}" '
        'uuid="11111111-1111-4111-8111-111111111111"><metadata><title>t</title>'
        "<last-modified>2026-01-01T00:00:00Z</last-modified><version>1</version>"
        f"<oscal-version>1.1.3</oscal-version>{inner}</metadata>"
        '<poam-item uuid="i"><title>t</title><description><p>g</p></description></poam-item>'
        "</plan-of-action-and-milestones>"
    ).encode()


def test_oscal_xml_nested_up_to_the_limit_imports_and_one_more_level_is_refused() -> None:
    levels = MAX_DEPTH - 2  # the root is level 1, metadata 2
    document = parse_document("poam.xml", _xml_poam("<x>" * levels + "</x>" * levels))
    imported = read_document(document)
    assert isinstance(imported.model, Poam) and len(imported.model.items) == 1
    deeper = _xml_poam("<x>" * (levels + 1) + "</x>" * (levels + 1))
    with pytest.raises(InputError) as caught:
        parse_document("poam.xml", deeper)
    column = deeper.decode().index("<x>") + 1 + 3 * levels
    assert str(caught.value) == (
        f"poam.xml:1:{column}: <x>: nested more than 64 levels deep, the most poam reads (an "
        "SSP or a POA&M needs fewer than 20)"
    )


def test_remediation_tasks_nested_to_the_limit_are_read() -> None:
    """The readers walk nested tasks: at the deepest nesting allowed they still do."""
    document = copy.deepcopy(POAM)
    body = document["plan-of-action-and-milestones"]
    risk = next(r for r in body["risks"] if r["remediations"][0].get("tasks"))
    tasks = risk["remediations"][0]["tasks"]
    milestone = next(t for t in tasks if t["type"] == "milestone")
    # risks(2) [i](3) remediations(4) [0](5) tasks(6) [j](7), then two levels per task
    parent = milestone
    for level in range((MAX_DEPTH - 7) // 2):
        child = {"uuid": f"11111111-1111-4111-8111-{level:012d}", "type": "action", "title": "s"}
        parent["tasks"] = [child]
        parent = child
    imported = read_document(parse_document("poam.json", json.dumps(document).encode()))
    assert imported.model is not None


def test_an_xml_doctype_is_refused_before_any_entity_expands() -> None:
    data = (
        b'<?xml version="1.0"?>\n<!DOCTYPE plan-of-action-and-milestones>\n'
        + _xml_poam("").split(b"?>", 1)[-1]
    )
    with pytest.raises(InputError) as caught:
        parse_document("poam.xml", data)
    message = str(caught.value)
    assert message.startswith("poam.xml:2:")
    assert "an XML document type declaration (<!DOCTYPE>): OSCAL XML has none" in message


@pytest.mark.parametrize(
    "hostile", [h for h in HOSTILE if h.name.startswith("oscal-")], ids=lambda h: h.name
)
def test_poam_import_oscal_refuses_hostile_files_and_writes_nothing(
    tmp_path: Path, hostile: Hostile
) -> None:
    path = tmp_path / hostile.file
    path.write_bytes(hostile.content)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["import", "oscal", str(path), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert hostile.refused in " ".join(result.output.split())
    assert not out.exists()


def test_oscal_yaml_over_8_mib_is_refused_unless_the_limit_is_raised(tmp_path: Path) -> None:
    path = tmp_path / "poam.yaml"
    path.write_text("plan-of-action-and-milestones:\n" + "# padding\n" * 900_000, "utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["import", "oscal", str(path), "--out", str(out)])
    assert result.exit_code == 2
    assert "8.6 MiB is larger than the 8 MiB poam reads from one YAML file" in " ".join(
        result.output.split()
    )
    result = CliRunner().invoke(
        app, ["import", "oscal", str(path), "--out", str(out), "--max-size", "9"]
    )
    assert result.exit_code == 2
    assert "'plan-of-action-and-milestones' must be a mapping" in result.output  # it was read


xml_tokens = st.sampled_from(
    [
        "<a>",
        "</a>",
        "<b x='1'>",
        "</b>",
        "<c/>",
        "&amp;",
        "&x;",
        "<!--c-->",
        "<![CDATA[d]]>",
        "<!DOCTYPE a>",
        "<?pi?>",
        "text",
        "<",
        ">",
        '"',
        f'<plan-of-action-and-milestones xmlns="{OSCAL_XMLNS}" uuid="u">',
        "</plan-of-action-and-milestones>",
        "<metadata>",
        "</metadata>",
        "<poam-item uuid='i'>",
        "</poam-item>",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(xml_tokens, max_size=40))
def test_arbitrary_xml_is_a_document_or_an_input_error(tokens: list[str]) -> None:
    data = "".join(tokens).encode()
    if not data.lstrip().startswith(b"<"):
        data = b"<" + data
    try:
        read_document(parse_document("x.xml", data))
    except InputError as error:
        assert all(problem.file == "x.xml" for problem in error.problems)


@settings(max_examples=40, deadline=None)
@given(levels=st.integers(1, 2 * MAX_DEPTH), fmt=st.sampled_from(["json", "yaml", "xml"]))
def test_any_depth_is_read_or_refused_for_its_depth(levels: int, fmt: str) -> None:
    if fmt == "xml":
        data = _xml_poam("<x>" * levels + "</x>" * levels)
        deepest = levels + 2
    else:
        document = _with_extension(POAM, levels)
        text = json.dumps(document) if fmt == "json" else yaml.safe_dump(document)
        data, deepest = text.encode(), levels + 3
    try:
        imported = read_document(parse_document(f"poam.{fmt}", data))
    except InputError as error:
        assert deepest > MAX_DEPTH
        assert "nested more than 64 levels deep" in str(error)
    else:
        assert deepest <= MAX_DEPTH
        assert imported.model is not None


@pytest.mark.shared
@pytest.mark.parametrize(
    "name", ["NIST_SP800-171_rev3_catalog.xml", "NIST_SP800-171_rev3_catalog.converted.json"]
)
def test_nists_deepest_documents_are_well_within_the_bounds(shared: Path, name: str) -> None:
    """The official SP 800-171 Rev 3 catalog nests 16 levels (JSON), the deepest document in
    ../shared: the bounds leave four times that."""
    imported = read_file(shared / "oscal" / "catalogs" / name)
    assert imported.document.root == "catalog" and imported.model is None
