"""native -> OSCAL -> native is lossless, and every document poam writes is valid OSCAL 1.1.3.

The models come from ``tests/strategies.py`` (any SSP or POA&M the native files hold); the
edge cases below add what those strategies leave out: dates OSCAL date-times cannot hold,
texts no StringDatatype can hold, URIs that need encoding, duplicate entry ids.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings

from poam.core.model import (
    AssessmentType,
    ConditionalInfo,
    Evidence,
    ImplementationStatus,
    ItemStatus,
    Milestone,
    MilestoneChange,
    Poam,
    PoamItem,
    PoamKind,
    RequirementRecord,
    Scope,
    Ssp,
    SspInfo,
    SystemInfo,
    TemporaryDeficiency,
)
from poam.formats.native import load_poam, load_ssp
from poam.formats.oscal import dumps, poam_to_oscal, ssp_to_oscal
from poam.formats.oscal.detect import parse_document
from poam.formats.oscal.files import read_document
from tests.conftest import EXAMPLES
from tests.formats.oscal.conftest import Validate
from tests.strategies import poams, ssps


def _back(data: dict[str, object], fmt: str = "json") -> object:
    imported = read_document(parse_document(f"doc.{fmt}", dumps(data, fmt)))
    return imported.model


@settings(max_examples=100, deadline=None)
@given(ssps(with_cmmc=True))
def test_ssp_round_trip_is_lossless(ssp: Ssp) -> None:
    assert _back(ssp_to_oscal(ssp)) == ssp


@settings(max_examples=100, deadline=None)
@given(poams(), ssps(max_requirements=3))
def test_poam_round_trip_is_lossless(poam: Poam, ssp: Ssp) -> None:
    assert _back(poam_to_oscal(poam, ssp, ssp_href="ssp.json")) == poam
    assert _back(poam_to_oscal(poam)) == poam  # without an SSP beside it too


@settings(max_examples=10, deadline=None)
@given(ssps(max_requirements=4), poams(max_items=3))
def test_yaml_round_trip_is_lossless(ssp: Ssp, poam: Poam) -> None:
    assert _back(ssp_to_oscal(ssp), "yaml") == ssp
    assert _back(poam_to_oscal(poam, ssp), "yaml") == poam


@pytest.mark.shared
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ssp=ssps(with_cmmc=True), poam=poams())
def test_every_export_is_valid_oscal_1_1_3(official: Validate, ssp: Ssp, poam: Poam) -> None:
    assert official(ssp_to_oscal(ssp)) == []
    assert official(poam_to_oscal(poam, ssp, ssp_href="ssp.json")) == []


def test_exports_are_reproducible() -> None:
    ssp = load_ssp(EXAMPLES / "acme-enclave" / "ssp.yaml")
    poam = load_poam(EXAMPLES / "acme-enclave" / "poam.yaml")
    assert dumps(ssp_to_oscal(ssp)) == dumps(ssp_to_oscal(ssp))
    assert dumps(poam_to_oscal(poam, ssp)) == dumps(poam_to_oscal(poam, ssp))


@pytest.mark.parametrize("example", ["acme-enclave", "summit-conditional"])
def test_sample_systems_round_trip(example: str) -> None:
    ssp = load_ssp(EXAMPLES / example / "ssp.yaml")
    poam = load_poam(EXAMPLES / example / "poam.yaml")
    assert _back(ssp_to_oscal(ssp)) == ssp
    assert _back(poam_to_oscal(poam, ssp)) == poam


ODD = "  line one\n\tline two\u2028 \u00a0"
"""A text no OSCAL StringDatatype can hold: blanks at both ends and line breaks."""


def edge_ssp() -> Ssp:
    return Ssp(
        system=SystemInfo(ODD, Scope.CONTRACT, ("1ABC2", "Z9Z9Z"), ODD, " "),
        info=SspInfo("\n", date(1, 1, 1)),
        requirements={
            "3.5.3": RequirementRecord(
                "3.5.3",
                ImplementationStatus.NOT_IMPLEMENTED,
                narrative=ODD,
                responsible=ODD,
                enduring_exception=" \n",
                temporary_deficiency=TemporaryDeficiency("", ""),
            ),
            "3.1.1": RequirementRecord(
                "3.1.1", ImplementationStatus.IMPLEMENTED, responsible="IT  Manager!"
            ),
            "3.1.2": RequirementRecord(
                "3.1.2", ImplementationStatus.PLANNED, responsible="IT Manager"
            ),
        },
    )


def edge_poam() -> Poam:
    far = date(9999, 12, 31)
    item = PoamItem(
        id=ODD,
        requirement="3.99.1",
        gap=ODD,
        remediation=("", ODD),
        owner=ODD,
        status=ItemStatus.COMPLETED_PENDING_VERIFICATION,
        objectives=("z", "a"),
        created=date(1, 1, 1),
        updated=far,
        milestones=(
            Milestone(
                ODD,
                due=far,
                completed=date(1899, 12, 31),
                history=(
                    MilestoneChange(date(1, 2, 3), None, far, by=ODD, justification=ODD),
                    MilestoneChange(far, far, date(1900, 1, 1)),
                ),
            ),
            Milestone("", due=None),
        ),
        evidence=(
            Evidence(ODD, uri="evidence/a file [1].md", sha256="ab" * 32, date=None),
            Evidence("x", uri="", sha256="cd" * 32, date=date(1000, 5, 5)),
            Evidence("y", uri=":colon-first", sha256=None, date=date(2026, 1, 2)),
        ),
        identified_by=" ",
        resources="\n",
        comments=None,
    )
    return Poam(
        kind=PoamKind.CONDITIONAL,
        maintainer=ODD,
        last_reviewed=far,
        review_cadence_days=1,
        conditional=ConditionalInfo(AssessmentType.C3PAO, date(1, 1, 1)),
        items=(item, item, PoamItem("POAM-2", "3.5.3", objectives=("b", "a"))),
        ignore=(ODD, "vague-gap"),
    )


def test_edge_cases_round_trip() -> None:
    ssp, poam = edge_ssp(), edge_poam()
    assert _back(ssp_to_oscal(ssp)) == ssp
    assert _back(poam_to_oscal(poam, ssp)) == poam


@pytest.mark.shared
def test_edge_cases_are_valid_oscal(official: Validate) -> None:
    assert official(ssp_to_oscal(edge_ssp())) == []
    assert official(poam_to_oscal(edge_poam(), edge_ssp(), ssp_href="ssp.json")) == []


def test_texts_that_do_not_fit_a_prop_keep_their_exact_text_in_remarks() -> None:
    data = poam_to_oscal(edge_poam())
    props = data["plan-of-action-and-milestones"]["poam-items"][0]["props"]
    item_id = next(p for p in props if p["name"] == "item-id")
    assert item_id == {
        "name": "item-id",
        "ns": "https://poam.dev/ns/oscal",
        "value": "line one line two",
        "class": "verbatim-in-remarks",
        "remarks": ODD,
    }


def test_native_files_hold_what_the_strategies_generate(tmp_path: Path) -> None:
    """The round trip is claimed for what the native files hold: check the edge models are."""
    from poam.formats.native import dump_poam, dump_ssp

    (tmp_path / "ssp.yaml").write_text(dump_ssp(edge_ssp()), "utf-8")
    (tmp_path / "poam.yaml").write_text(dump_poam(edge_poam()), "utf-8")
    assert load_ssp(tmp_path / "ssp.yaml") == edge_ssp()
    assert load_poam(tmp_path / "poam.yaml") == edge_poam()


def _texts(node: object, path: tuple[object, ...] = ()) -> list[tuple[tuple[object, ...], str]]:
    if isinstance(node, dict):
        return [t for key, value in node.items() for t in _texts(value, (*path, key))]
    if isinstance(node, list):
        return [t for index, value in enumerate(node) for t in _texts(value, (*path, index))]
    return [(path, node)] if isinstance(node, str) else []


def _sources(poam: Poam, ssp: Ssp) -> list[str]:
    """Every text the user wrote that an export carries."""
    texts = [ssp.system.name, ssp.system.description or "", ssp.info.version]
    texts += [r.narrative for r in ssp.requirements.values()]
    for item in poam.items:
        texts += [item.id, item.gap, item.owner, *item.remediation, item.comments or ""]
        texts += [m.title for m in item.milestones] + [e.title for e in item.evidence]
    return texts


@given(poam=poams(), ssp=ssps())
@settings(max_examples=40, deadline=None)
def test_no_text_is_cut_except_a_summary_beside_its_exact_text(poam: Poam, ssp: Ssp) -> None:
    """Issue 9: remediation descriptions were cut to 120 characters with "…". Only a prop's
    value may be a summary, when its remarks hold the exact text."""
    assume(not any("…" in text for text in _sources(poam, ssp)))
    for document in (ssp_to_oscal(ssp), poam_to_oscal(poam, ssp)):
        for path, text in _texts(document):
            summary = len(path) >= 3 and path[-3] == "props" and path[-1] == "value"
            assert summary or "…" not in text, (path, text)


def test_the_remediation_description_holds_every_step_in_full() -> None:
    poam = load_poam(EXAMPLES / "acme-enclave" / "poam.yaml")
    risks = poam_to_oscal(poam)["plan-of-action-and-milestones"]["risks"]
    long_steps = 0
    for item, risk in zip(poam.items, risks, strict=True):
        (remediation,) = risk["remediations"]
        for step in item.remediation:
            assert f"- {step.strip().splitlines()[0]}" in remediation["description"]
            long_steps += len(step) > 120
        assert "…" not in remediation["description"]
    assert long_steps >= 1  # the sample has steps longer than the old 120-character cut
