"""The native files: reading the examples, every kind of bad input, and lossless round trips."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from poam.core.model import ImplementationStatus, Poam, PoamKind, Ssp
from poam.formats.errors import InputError
from poam.formats.native import dump_poam, dump_ssp, load_poam, load_ssp, loads_poam, loads_ssp
from poam.formats.native.schema import schema
from tests.conftest import EXAMPLES
from tests.strategies import poams, ssps

SSP_HEAD = (
    "system: {name: Acme, scope: enclave, cage_codes: [1ABC2]}\n"
    "ssp: {version: '1', date: 2026-01-15}\n"
)


def problems(text: str, kind: str = "ssp") -> list[str]:
    with pytest.raises(InputError) as caught:
        (loads_ssp if kind == "ssp" else loads_poam)(text)
    return [str(problem) for problem in caught.value.problems]


def test_examples_load() -> None:
    ssp = load_ssp(EXAMPLES / "acme-enclave/ssp.yaml")
    poam = load_poam(EXAMPLES / "acme-enclave/poam.yaml")
    assert len(ssp.requirements) == 110
    assert poam.kind is PoamKind.INTERNAL and len(poam.items) >= 10
    conditional = load_poam(EXAMPLES / "summit-conditional/poam.yaml")
    assert conditional.conditional is not None


def test_keys_in_any_spelling_and_versions_as_written() -> None:
    ssp = loads_ssp(
        SSP_HEAD.replace("version: '1'", "version: 2026.10")
        + (
            "requirements:\n  IA.L2-3.5.3: {status: implemented}\n"
            "  ac.l2-3.1.1: {status: planned}\n"
        )
    )
    assert set(ssp.requirements) == {"3.5.3", "3.1.1"}
    assert ssp.info.version == "2026.10"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            SSP_HEAD + "requirements:\n  '3.1.1': {status: done}\n",
            "ssp.yaml:4:13: requirements.3.1.1.status: 'done' is not one of: implemented, "
            "partially-implemented, planned, not-implemented, not-applicable",
        ),
        (
            SSP_HEAD + "requirements:\n  '3.1.1': {status: implemented, narative: x}\n",
            "ssp.yaml:4:34: requirements.3.1.1.narative: unknown field 'narative'",
        ),
        (
            SSP_HEAD + "requirements:\n  '3.1.1':\n    narrative: x\n",
            "ssp.yaml:4:3: requirements.3.1.1.status: missing required field 'status'",
        ),
        (
            "system: {name: Acme, scope: enclave}\nssp: {version: '1', date: 2026-02-30}\n"
            "requirements: {}\n",
            "ssp.yaml:2:21: ssp.date: '2026-02-30' is not a date (YYYY-MM-DD)",
        ),
        (
            "system: {name: Acme, scope: office}\nssp: {version: '1', date: 2026-01-15}\n"
            "requirements: {}\n",
            "ssp.yaml:1:22: system.scope: 'office' is not one of: enterprise, enclave, contract",
        ),
        (
            SSP_HEAD + "requirements:\n  '3.4.1': {status: implemented, objectives: {a: yes}}\n",
            "ssp.yaml:4:47: requirements.3.4.1.objectives.a: True is not one of: met, not-met, "
            "not-applicable",
        ),
        (
            SSP_HEAD
            + "requirements:\n  '3.1.1': {status: implemented}\n  '3.1.1': {status: planned}\n",
            "ssp.yaml:5:3: requirements.3.1.1: duplicate key '3.1.1' (first at line 4)",
        ),
        (
            SSP_HEAD
            + "requirements:\n  '3.1.1': {status: implemented}\n  AC.L2-3.1.1: {status: planned}\n",
            "ssp.yaml:5:3: requirements.AC.L2-3.1.1: 'AC.L2-3.1.1' is 3.1.1, "
            "already listed as '3.1.1'",
        ),
        (
            "system: [\n",
            "ssp.yaml:2:1: not valid YAML: did not find expected node content"
            " (while parsing a flow node)",
        ),
        ("- just\n- a list\n", "ssp.yaml: expected a mapping at the top of the ssp file"),
        ("", "ssp.yaml: the file is empty"),
        (
            '{"system": {"name": "A", "scope": "enclave"},\n "ssp": {"version": "1", "date": "x"}}',
            "ssp.yaml:1:1: requirements: missing required field 'requirements'",
        ),
        ('{"system": ', "ssp.yaml:1:12: not valid JSON: Expecting value"),
        (
            SSP_HEAD + "requirements:\n  '03.01.01': {status: implemented}\n",
            "ssp.yaml:4:3: requirements.03.01.01: '03.01.01' is NIST SP 800-171 Rev 3 numbering; "
            "CMMC Level 2 assesses the 110 requirements of Rev 2",
        ),
        (
            SSP_HEAD + "cmmc:\n  assessments:\n    - {type: self, date: 2026-01-10, "
            "status_date: 2026-01-12, result: provisional}\n",
            "ssp.yaml:5:63: cmmc.assessments[0].result: 'provisional' is not one of: "
            "conditional, final",
        ),
        (
            SSP_HEAD + "cmmc:\n  assessments:\n    - {type: c3pao, date: 2026-01-10, "
            "status_date: 2026-01-12, result: final, score: 111}\n",
            "ssp.yaml:5:79: cmmc.assessments[0].score: 111 is greater than the maximum of 110",
        ),
        (
            SSP_HEAD + "cmmc:\n  affirmations:\n    - {type: annual, date: 2026-01-10, "
            "official: Pat Lee}\n",
            "ssp.yaml:5:7: cmmc.affirmations[0].title: missing required field 'title'",
        ),
        (
            SSP_HEAD + "cmmc:\n  assessments:\n    - {type: self, date: 2026-02-30, "
            "status_date: 2026-03-01, result: final}\n",
            "ssp.yaml:5:20: cmmc.assessments[0].date: '2026-02-30' is not a date (YYYY-MM-DD)",
        ),
        (
            SSP_HEAD + "cmmc:\n  assessment: []\n",
            "ssp.yaml:4:3: cmmc.assessment: unknown field 'assessment'",
        ),
    ],
)
def test_bad_ssp_input_names_file_line_and_field(text: str, expected: str) -> None:
    assert any(problem.startswith(expected) for problem in problems(text)), problems(text)


def test_all_problems_are_reported_at_once() -> None:
    found = problems(SSP_HEAD + "requirements:\n  '3.1.1': {status: done}\n  '3.1.2': {stat: x}\n")
    assert len(found) == 3  # bad status; missing status and unknown field on 3.1.2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "poam: {kind: conditional}\nitems: []\n",
            "poam.yaml:1:1: poam.conditional: missing required field 'conditional'",
        ),
        (
            "poam: {kind: internal, conditional: {assessment: self, status_date: 2026-01-01}}\n",
            "poam.yaml:1:24: poam.conditional: `conditional` is only for a POA&M of kind "
            "conditional",
        ),
        (
            "poam: {}\nitems:\n  - {id: P1, requirement: '3.1.1', status: done}\n",
            "poam.yaml:3:36: items[0] (P1).status: 'done' is not one of: not-started, in-progress, "
            "completed-pending-verification, closed",
        ),
        (
            "poam: {}\nitems:\n  - id: P1\n    requirement: '3.1.1'\n    milestones:\n"
            "      - {title: m, due: 03/01/2026}\n",
            "poam.yaml:6:20: items[0] (P1).milestones[0].due: '03/01/2026' is not a date "
            "(YYYY-MM-DD)",
        ),
        (
            "poam: {}\nitems:\n"
            "  - {id: P1, requirement: '3.1.1', evidence: [{title: e, sha256: abc}]}\n",
            "poam.yaml:3:58: items[0] (P1).evidence[0].sha256: 'abc' is not a SHA-256 "
            "(64 hexadecimal digits)",
        ),
        (
            "poam: {review_cadence_days: 0}\n",
            "poam.yaml:1:8: poam.review_cadence_days: 0 is less than the minimum of 1",
        ),
        (
            "poam: {}\nitems:\n  - {requirement: '3.1.1'}\n",
            "poam.yaml:3:5: items[0].id: missing required field 'id'",
        ),
        (
            "poam: {}\nitems:\n  - {id: P1, requirement: '03.05.03'}\n",
            "poam.yaml:3:14: items[0] (P1).requirement: '03.05.03' is NIST SP 800-171 Rev 3 "
            "numbering",
        ),
    ],
)
def test_bad_poam_input_names_file_line_and_field(text: str, expected: str) -> None:
    found = problems(text, "poam")
    assert any(problem.startswith(expected) for problem in found), found


def test_the_cmmc_record_reads_as_written() -> None:
    ssp = loads_ssp(
        SSP_HEAD
        + "cmmc:\n  assessments:\n"
        + "    - {type: c3pao, date: 2026-01-28, status_date: 2026-02-01, result: conditional,\n"
        + "       score: 104, uid: L2-1, closeout: {date: 2026-07-20, result: met}}\n"
        + "  affirmations:\n"
        + "    - {type: initial, date: 2026-02-02, official: Pat Lee, title: CEO}\n"
        + "requirements: {}\n"
    )
    (record,) = ssp.cmmc.assessments
    assert (record.type.value, record.result.value, record.score, record.uid) == (
        "c3pao",
        "conditional",
        104,
        "L2-1",
    )
    assert record.closeout is not None and record.closeout.result.value == "met"
    (affirmation,) = ssp.cmmc.affirmations
    assert (affirmation.kind.value, affirmation.official, affirmation.title) == (
        "initial",
        "Pat Lee",
        "CEO",
    )
    assert "cmmc:" in dump_ssp(ssp) and loads_ssp(dump_ssp(ssp)) == ssp


def test_unreadable_files(tmp_path: Path) -> None:
    binary = tmp_path / "ssp.yaml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(InputError, match=r"not UTF-8 text|binary"):
        load_ssp(binary)
    with pytest.raises(InputError, match="no such file"):
        load_ssp(tmp_path / "missing.yaml")
    with pytest.raises(InputError, match="is a directory"):
        load_ssp(tmp_path)


def test_json_files_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "ssp.json"
    path.write_text(
        json.dumps(
            {
                "system": {"name": "A", "scope": "contract"},
                "ssp": {"version": "1", "date": "2026-01-01"},
                "requirements": {"3.1.1": {"status": "implemented"}},
            }
        )
    )
    ssp = load_ssp(path)
    assert ssp.requirements["3.1.1"].status is ImplementationStatus.IMPLEMENTED


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ssps(with_cmmc=True))
def test_ssp_round_trips_through_yaml_and_json(ssp: Ssp) -> None:
    assert loads_ssp(dump_ssp(ssp)) == ssp
    assert loads_ssp(dump_ssp(ssp, "json"), "ssp.json") == ssp


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(poams())
def test_poam_round_trips_through_yaml_and_json(poam: Poam) -> None:
    assert loads_poam(dump_poam(poam)) == poam
    assert loads_poam(dump_poam(poam, "json"), "poam.json") == poam


def test_examples_round_trip() -> None:
    for name in ("acme-enclave", "summit-conditional"):
        ssp = load_ssp(EXAMPLES / name / "ssp.yaml")
        poam = load_poam(EXAMPLES / name / "poam.yaml")
        assert loads_ssp(dump_ssp(ssp)) == ssp
        assert loads_poam(dump_poam(poam)) == poam


def test_published_schemas_are_draft_07() -> None:
    for kind in ("ssp", "poam"):
        assert schema(kind)["$schema"] == "http://json-schema.org/draft-07/schema#"
