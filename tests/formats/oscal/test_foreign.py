"""Documents written by other tools: the forms of ids, statuses and links poam accepts."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from poam.cli.app import app
from poam.core.catalog import load_catalog
from poam.core.model import (
    Evidence,
    ImplementationStatus,
    ItemStatus,
    Milestone,
    Poam,
    PoamItem,
    Ssp,
)
from poam.core.scoring import score
from poam.formats.errors import InputError
from poam.formats.native import load_ssp
from poam.formats.oscal import dumps, read_file, ssp_to_oscal
from tests.conftest import EXAMPLES

U = "11111111-1111-4111-8111-{:012d}"
FEDRAMP = "https://fedramp.gov/ns/oscal"


def uuid(number: int) -> str:
    return U.format(number)


def requirement(control: str, number: int, **extra: Any) -> dict[str, Any]:
    return {"uuid": uuid(number), "control-id": control, **extra}


def by(component: int, state: str | None, description: str = "") -> dict[str, Any]:
    found: dict[str, Any] = {
        "component-uuid": uuid(component),
        "uuid": uuid(900 + component),
        "description": description,
    }
    if state:
        found["implementation-status"] = {"state": state}
    return found


def foreign_ssp() -> dict[str, Any]:
    status = {"name": "implementation-status", "ns": FEDRAMP, "value": "partial"}
    old_ns = {
        "name": "implementation-status",
        "ns": "http://fedramp.gov/ns/oscal",
        "value": "planned",
    }
    return {
        "system-security-plan": {
            "uuid": uuid(1),
            "metadata": {
                "title": "Other tool's SSP",
                "last-modified": "2026-03-04T22:30:00-05:00",
                "version": "7",
                "oscal-version": "1.1.2",
                "parties": [{"uuid": uuid(2), "type": "organization", "name": "Widgets Inc."}],
                "responsible-parties": [{"role-id": "prepared-for", "party-uuids": [uuid(2)]}],
                "roles": [{"id": "isso", "title": "Information System Security Officer"}],
            },
            "system-characteristics": {
                "system-name": "Widget Enclave",
                "description": "Makes widgets.",
            },
            "system-implementation": {
                "components": [
                    {"uuid": uuid(10), "type": "this-system"},
                    {"uuid": uuid(11), "type": "software"},
                ]
            },
            "control-implementation": {
                "implemented-requirements": [
                    requirement(
                        "sp800-171r2-3.1.1",
                        20,
                        **{"by-components": [by(10, "implemented", "All accounts.")]},
                    ),
                    requirement(
                        "_03.05.03",
                        21,
                        props=[status],
                        **{"responsible-roles": [{"role-id": "isso"}]},
                    ),
                    requirement("3-1-2", 22, props=[{"name": "label", "value": "3.1.2"}, old_ns]),
                    requirement(
                        "sp800-171r2-3.13.11",
                        23,
                        statements=[
                            {
                                "statement-id": "x",
                                "by-components": [by(11, "implemented", "Part one.")],
                            },
                            {
                                "statement-id": "y",
                                "by-components": [by(11, "planned", "Part two.")],
                            },
                        ],
                    ),
                    requirement(
                        "SP_800_171_03.15.02", 24, **{"by-components": [by(10, "implemented")]}
                    ),
                    requirement("ac-2", 25, **{"by-components": [by(10, "implemented")]}),
                    requirement("IA.L2-3.5.4", 26, **{"by-components": [by(10, "alternative")]}),
                    requirement("ia.l2-3.5.5", 27),
                ]
            },
        }
    }


def test_a_foreign_ssp(tmp_path: Path) -> None:
    path = tmp_path / "ssp.json"
    path.write_text(json.dumps(foreign_ssp()), "utf-8")
    imported = read_file(path)
    ssp = imported.model
    assert isinstance(ssp, Ssp)
    assert ssp.info.version == "7"
    assert ssp.info.date == date(2026, 3, 4)  # the date as written, not converted to UTC
    assert ssp.system.organization == "Widgets Inc."
    assert {key: r.status for key, r in ssp.requirements.items()} == {
        "3.1.1": ImplementationStatus.IMPLEMENTED,
        "3.5.3": ImplementationStatus.PARTIALLY_IMPLEMENTED,  # FedRAMP prop, https
        "3.1.2": ImplementationStatus.PLANNED,  # FedRAMP prop, http; id from the label
        "3.13.11": ImplementationStatus.PLANNED,  # mixed statements: the weakest
    }
    assert ssp.requirements["3.1.1"].narrative == "All accounts."
    assert ssp.requirements["3.13.11"].narrative == "Part one.\n\nPart two."
    assert ssp.requirements["3.5.3"].responsible == "Information System Security Officer"
    assert ssp.unknown == ("SP_800_171_03.15.02", "ac-2")  # Rev 3: never read as Rev 2
    assert imported.report.lines()[1:] == [
        f"{path}: skipped 1 requirements: NIST SP 800-171 Rev 3 id, not Rev 2 (CMMC Level 2 "
        "assesses Rev 2; Rev 3 renumbered, merged and withdrew requirements, so poam does not "
        "translate its ids) (SP_800_171_03.15.02)",
        f"{path}: skipped 1 requirements: NIST SP 800-53 control id, not a NIST SP 800-171 Rev 2 "
        "requirement (ac-2)",
        f"{path}: skipped 1 requirements with a part in the status 'alternative', which CMMC "
        "does not score (the requirement is left unassessed, so NOT MET) (IA.L2-3.5.4)",
        f"{path}: skipped 1 requirements without an implementation status (left unassessed, so "
        "NOT MET) (ia.l2-3.5.5)",
        f"{path}: no CMMC assessment scope (poam prop 'scope'): assumed enterprise; set "
        "system.scope in ssp.yaml",
        f"{path}: some requirements have parts with different statuses: poam took the least "
        "implemented (32 CFR 170.24(b)(1))",
    ]


def _ssp_with(*requirements: dict[str, Any]) -> dict[str, Any]:
    document = foreign_ssp()
    document["system-security-plan"]["control-implementation"]["implemented-requirements"] = list(
        requirements
    )
    return document


def _read_ssp(tmp_path: Path, document: dict[str, Any]) -> tuple[Ssp, list[str]]:
    path = tmp_path / "ssp.json"
    path.write_text(json.dumps(document), "utf-8")
    imported = read_file(path)
    assert isinstance(imported.model, Ssp)
    return imported.model, imported.report.lines()


@pytest.mark.parametrize(
    "states",
    [
        ("implemented", "alternative"),  # this-system, then another component
        ("alternative", "implemented"),
        (None, "alternative", "implemented"),  # statement-level parts
    ],
)
def test_a_part_in_the_alternative_state_leaves_the_requirement_unassessed(
    tmp_path: Path, states: tuple[str | None, ...]
) -> None:
    """Issue 9: one component ``alternative`` and one ``implemented`` imported as MET, while
    the import's own report said NOT MET. A requirement is MET only when all of it is."""
    parts: dict[str, Any] = {"by-components": [by(10, states[0]), by(11, states[1])]}
    if len(states) == 3:
        parts = {
            "by-components": [by(10, None)],
            "statements": [
                {"statement-id": "a", "by-components": [by(11, states[1])]},
                {"statement-id": "b", "by-components": [by(11, states[2])]},
            ],
        }
    ssp, lines = _read_ssp(
        tmp_path,
        _ssp_with(
            requirement("sp800-171r2-3.1.1", 20, **{"by-components": [by(10, "implemented")]}),
            requirement("sp800-171r2-3.1.2", 21, **parts),
        ),
    )
    assert list(ssp.requirements) == ["3.1.1"]  # 3.1.2 is unassessed: NOT MET
    assert (
        f"{tmp_path / 'ssp.json'}: skipped 1 requirements with a part in the status "
        "'alternative', which CMMC does not score (the requirement is left unassessed, so NOT "
        "MET) (sp800-171r2-3.1.2)"
    ) in lines


def test_an_alternative_part_of_3_12_4_does_not_turn_no_score_into_a_score(
    tmp_path: Path,
) -> None:
    """Issue 9: 3.12.4 half ``alternative`` imported as MET, so an SSP with no score got one."""
    ssp, _ = _read_ssp(
        tmp_path,
        _ssp_with(
            requirement("sp800-171r2-3.1.1", 20, **{"by-components": [by(10, "implemented")]}),
            requirement(
                "sp800-171r2-3.12.4",
                21,
                **{"by-components": [by(10, "implemented"), by(11, "alternative")]},
            ),
        ),
    )
    assert "3.12.4" not in ssp.requirements
    assert score(ssp, load_catalog()).value is None


@pytest.mark.parametrize(
    ("this_system", "other", "expected"),
    [
        ("implemented", "planned", ImplementationStatus.PLANNED),
        ("implemented", "partial", ImplementationStatus.PARTIALLY_IMPLEMENTED),
        ("not-applicable", "implemented", ImplementationStatus.IMPLEMENTED),
        ("implemented", "not-implemented", ImplementationStatus.NOT_IMPLEMENTED),
    ],
)
def test_every_part_counts_and_the_least_implemented_wins(
    tmp_path: Path, this_system: str, other: str, expected: ImplementationStatus
) -> None:
    """The ``this-system`` component no longer hides the other parts' statuses."""
    ssp, _ = _read_ssp(
        tmp_path,
        _ssp_with(
            requirement(
                "sp800-171r2-3.1.1", 20, **{"by-components": [by(10, this_system), by(11, other)]}
            )
        ),
    )
    assert ssp.requirements["3.1.1"].status is expected


def test_a_fedramp_status_prop_and_a_component_both_count(tmp_path: Path) -> None:
    prop = {"name": "implementation-status", "ns": FEDRAMP, "value": "implemented"}
    ssp, _ = _read_ssp(
        tmp_path,
        _ssp_with(
            requirement(
                "sp800-171r2-3.1.1", 20, props=[prop], **{"by-components": [by(10, "planned")]}
            )
        ),
    )
    assert ssp.requirements["3.1.1"].status is ImplementationStatus.PLANNED


def test_a_requirement_listed_twice_is_refused_naming_both_places(tmp_path: Path) -> None:
    """Issue 9: the second description was dropped, the first kept, with a warning only."""
    path = tmp_path / "ssp.json"
    path.write_text(
        json.dumps(
            _ssp_with(
                requirement("sp800-171r2-3.1.1", 20, **{"by-components": [by(10, "planned")]}),
                requirement("AC.L2-3.1.1", 21, **{"by-components": [by(10, "implemented")]}),
            ),
            indent=1,
        ),
        "utf-8",
    )
    lines = path.read_text("utf-8").splitlines()
    first = next(n for n, line in enumerate(lines, 1) if '"sp800-171r2-3.1.1"' in line)
    second = next(n for n, line in enumerate(lines, 1) if '"AC.L2-3.1.1"' in line)
    with pytest.raises(InputError) as caught:
        read_file(path)
    assert str(caught.value) == (
        f"{path}:{second}:6: system-security-plan.control-implementation."
        f"implemented-requirements[1] (AC.L2-3.1.1).control-id: describes requirement 3.1.1 a "
        f"second time (first at line {first}): an SSP describes each requirement once; "
        "merge the two"
    )


@pytest.mark.parametrize(
    ("requirements", "ids"),
    [
        ([], ""),
        (
            [requirement("ac-2", 20), requirement("SP_800_171_03.15.02", 21)],
            " (ac-2, SP_800_171_03.15.02)",
        ),
        ([requirement(f"ac-{n}", 20 + n) for n in range(1, 6)], " (ac-1, ac-2, ac-3, ...)"),
    ],
)
def test_an_ssp_naming_no_rev2_requirement_is_refused(
    tmp_path: Path, requirements: list[dict[str, Any]], ids: str
) -> None:
    """Issue 9: such an SSP imported with exit 0, writing an ssp.yaml that says nothing."""
    path = tmp_path / "ssp.json"
    path.write_text(json.dumps(_ssp_with(*requirements)), "utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["import", "oscal", str(path), "--out", str(out)])
    assert result.exit_code == 2
    assert (
        ": system-security-plan.control-implementation.implemented-requirements: not one of its "
        f"{len(requirements)} implemented-requirements names a NIST SP 800-171 Rev 2 "
        f"requirement{ids}: this is not an SSP poam can use for CMMC Level 2 "
        "(32 CFR 170.14(c)(3)); nothing is imported"
    ) in " ".join(result.output.split())
    assert not out.exists()


def test_an_ssp_naming_requirements_without_status_imports_them_as_unassessed(
    tmp_path: Path,
) -> None:
    """poam lists all 110 requirements, those not described without a status: such an SSP
    (even one describing none) means "unassessed, so NOT MET", and reads back as written."""
    ssp, lines = _read_ssp(
        tmp_path,
        _ssp_with(
            requirement("sp800-171r2-3.1.1", 20),
            requirement("3.1.2", 21, **{"by-components": [by(10, "alternative")]}),
            requirement("ac-2", 22),
        ),
    )
    assert ssp.requirements == {}
    assert ssp.unknown == ("ac-2",)
    assert any("without an implementation status" in line for line in lines)


def test_the_sample_ssp_reads_back_with_the_same_score(tmp_path: Path) -> None:

    ssp = load_ssp(EXAMPLES / "acme-enclave" / "ssp.yaml")
    (tmp_path / "ssp.json").write_bytes(dumps(ssp_to_oscal(ssp)))
    back = read_file(tmp_path / "ssp.json").model
    assert isinstance(back, Ssp)
    catalog = load_catalog()
    assert score(back, catalog).value == score(ssp, catalog).value


def foreign_poam() -> dict[str, Any]:
    def risk(number: int, status: str, **extra: Any) -> dict[str, Any]:
        return {
            "uuid": uuid(number),
            "title": f"Risk {number}",
            "description": "d",
            "statement": "s",
            "status": status,
            **extra,
        }

    return {
        "plan-of-action-and-milestones": {
            "uuid": uuid(1),
            "metadata": {
                "title": "Other tool's POA&M",
                "last-modified": "2026-03-04T00:00:00Z",
                "version": "1",
                "oscal-version": "1.1.2",
                "parties": [{"uuid": uuid(2), "type": "person", "name": "Dana Ops"}],
                "responsible-parties": [{"role-id": "prepared-by", "party-uuids": [uuid(2)]}],
            },
            "findings": [
                {
                    "uuid": uuid(30),
                    "title": "f",
                    "description": "f",
                    "target": {
                        "type": "objective-id",
                        "target-id": "_03.05.03_obj.b",
                        "status": {"state": "not-satisfied"},
                    },
                }
            ],
            "observations": [
                {
                    "uuid": uuid(40),
                    "description": "Screenshot of the MFA policy",
                    "methods": ["EXAMINE"],
                    "types": ["mitigation"],
                    "collected": "2026-02-01T09:00:00-05:00",
                    "relevant-evidence": [
                        {"href": "https://example.com/mfa.png", "description": "MFA policy"}
                    ],
                }
            ],
            "risks": [
                risk(
                    50,
                    "remediating",
                    remediations=[
                        {
                            "uuid": uuid(51),
                            "lifecycle": "completed",
                            "title": "Fix",
                            "description": "x",
                            "tasks": [
                                {
                                    "uuid": uuid(52),
                                    "type": "milestone",
                                    "title": "Rolled out",
                                    "timing": {
                                        "within-date-range": {
                                            "start": "2026-01-01T00:00:00Z",
                                            "end": "2026-02-28T00:00:00Z",
                                        }
                                    },
                                    "responsible-roles": [
                                        {"role-id": "owner", "party-uuids": [uuid(2)]}
                                    ],
                                },
                                {
                                    "uuid": uuid(53),
                                    "type": "action",
                                    "title": "Enforce MFA for everyone",
                                },
                            ],
                        }
                    ],
                    **{
                        "risk-log": {
                            "entries": [
                                {
                                    "uuid": uuid(54),
                                    "title": "Vendor call",
                                    "description": "Licences ordered.",
                                    "start": "2026-01-15T00:00:00Z",
                                }
                            ]
                        }
                    },
                ),
                risk(
                    60,
                    "deviation-approved",
                    props=[{"name": "impacted-control-id", "ns": FEDRAMP, "value": "3.1.22"}],
                    deadline="2026-06-30T00:00:00Z",
                    remediations=[
                        {
                            "uuid": uuid(61),
                            "lifecycle": "recommendation",
                            "title": "r",
                            "description": "Remove the public share.",
                        }
                    ],
                ),
            ],
            "poam-items": [
                {
                    "uuid": uuid(70),
                    "title": "MFA",
                    "description": "No MFA for staff.",
                    "related-findings": [{"finding-uuid": uuid(30)}],
                    "related-observations": [{"observation-uuid": uuid(40)}],
                    "related-risks": [{"risk-uuid": uuid(50)}],
                },
                {
                    "uuid": uuid(71),
                    "title": "Public share",
                    "description": "",
                    "props": [
                        {"name": "POAM-ID", "ns": "http://fedramp.gov/ns/oscal", "value": "V-9"}
                    ],
                    "related-risks": [{"risk-uuid": uuid(60)}],
                    "remarks": "Seen in January.",
                },
            ],
        }
    }


def test_a_foreign_poam(tmp_path: Path) -> None:
    path = tmp_path / "poam.json"
    path.write_text(json.dumps(foreign_poam()), "utf-8")
    imported = read_file(path)
    assert isinstance(imported.model, Poam)
    assert imported.model.maintainer == "Dana Ops"
    assert imported.model.items == (
        PoamItem(
            id=uuid(70),
            requirement="3.5.3",
            gap="No MFA for staff.",
            remediation=("Enforce MFA for everyone",),
            owner="Dana Ops",
            status=ItemStatus.COMPLETED_PENDING_VERIFICATION,
            objectives=("b",),
            milestones=(Milestone("Rolled out", due=date(2026, 2, 28)),),
            evidence=(
                Evidence("MFA policy", "https://example.com/mfa.png", None, date(2026, 2, 1)),
            ),
            comments="Risk log:\n- 2026-01-15 Vendor call: Licences ordered.",
        ),
        PoamItem(
            id="V-9",
            requirement="3.1.22",
            gap="d",
            remediation=("Remove the public share.",),
            status=ItemStatus.NOT_STARTED,
            milestones=(Milestone("Risk deadline", due=date(2026, 6, 30)),),
            comments="Seen in January.",
        ),
    )
    text = "\n".join(imported.report.lines())
    assert "changed 1 risk statuses 'deviation-approved': CMMC has no risk acceptance" in text
    assert "changed 1 risks without milestone tasks: their deadline became a milestone" in text
