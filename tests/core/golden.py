"""Golden cases for the checks: one YAML file per check code under ``cases/``.

Each case gives an SSP fragment (merged over a baseline where all 110 requirements are
implemented; ``cmmc`` replaces the baseline's empty record of assessments and affirmations), an
optional POA&M (items merged over an exemplary entry), the ``as_of`` date, and the
exact findings of that code expected, as ``{requirement, item}`` pairs (``expect: []`` for a
negative case).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from poam.core.assess import Assessment, assess
from poam.core.catalog import load_catalog
from poam.formats.native.evidence import FileEvidenceStore
from poam.formats.native.reader import poam_from_source, ssp_from_source
from poam.formats.native.source import Source, parse

CASES = Path(__file__).parent / "cases"

BASE_ITEM: dict[str, Any] = {
    "gap": "Multi-factor authentication is enforced for remote access but not yet for privileged "
    "local accounts on the engineering workstations that process CUI.",
    "remediation": [
        "Enable Windows Hello for Business with FIDO2 keys for the three administrator accounts",
        "Enforce the Entra ID conditional access policy for local privileged sign-in",
    ],
    "owner": "Jane Doe, ISSO",
    "status": "in-progress",
    "created": "2026-01-05",
    "updated": "2026-02-01",
}


def base_ssp() -> dict[str, Any]:
    return {
        "system": {"name": "Golden Enclave", "scope": "enclave", "cage_codes": ["1ABC2"]},
        "ssp": {"version": "1.0", "date": "2026-01-15"},
        "requirements": {
            req.nist_id: {"status": "implemented", "narrative": "Implemented as documented."}
            for req in load_catalog().requirements
        },
    }


@dataclass
class Case:
    code: str
    name: str
    as_of: date
    ssp: dict[str, Any]
    poam: dict[str, Any] | None
    expect: list[tuple[str | None, str | None]]
    message: str | None = None

    def run(self) -> Assessment:
        ssp = ssp_from_source(Source(f"{self.code}.yaml [{self.name}] ssp", self.ssp))
        poam = (
            None
            if self.poam is None
            else poam_from_source(Source(f"{self.code}.yaml [{self.name}] poam", self.poam))
        )
        return assess(ssp, poam, as_of=self.as_of, evidence=FileEvidenceStore(CASES))


def _ssp(fragment: dict[str, Any] | None) -> dict[str, Any]:
    data = base_ssp()
    fragment = fragment or {}
    for key in ("system", "ssp"):
        data[key].update(fragment.get(key) or {})
    if "cmmc" in fragment:
        data["cmmc"] = fragment["cmmc"]
    for key, value in (fragment.get("requirements") or {}).items():
        if value is None:
            data["requirements"].pop(key, None)
        else:
            data["requirements"][key] = value
    return data


def _poam(fragment: dict[str, Any] | None, as_of: date, has_poam: bool) -> dict[str, Any] | None:
    if not has_poam:
        return None
    fragment = fragment or {}
    head = {"kind": "internal", "maintainer": "Jane Doe, ISSO", "last_reviewed": as_of.isoformat()}
    head.update(fragment.get("poam") or {})
    head = {k: v for k, v in head.items() if v is not None}
    items = []
    for raw in fragment.get("items") or []:
        item = dict(BASE_ITEM)
        item["milestones"] = [{"title": "Configuration deployed and verified", "due": "2027-06-30"}]
        item.update(raw)
        items.append({k: v for k, v in item.items() if v is not None})
    return {"poam": head, "items": items}


def load_cases() -> list[Case]:
    cases = []
    for path in sorted(CASES.glob("*.yaml")):
        doc = parse(str(path), path.read_text("utf-8")).data
        code = doc["code"]
        for raw in doc["cases"]:
            as_of = date.fromisoformat(raw.get("as_of", "2026-03-01"))
            expect = [(e.get("requirement"), e.get("item")) for e in raw["expect"]]
            cases.append(
                Case(
                    code=code,
                    name=raw["name"],
                    as_of=as_of,
                    ssp=_ssp(raw.get("ssp")),
                    poam=_poam(raw.get("poam"), as_of, "poam" in raw),
                    expect=expect,
                    message=raw.get("message"),
                )
            )
    return cases
