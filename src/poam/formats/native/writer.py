"""Write the core model back as ``ssp.yaml`` / ``poam.yaml`` (or JSON), in a stable order.

The output reads back to an equal model (a property test proves it), omits what is empty or
default, and keeps requirements in catalog order so that diffs in git stay small.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import yaml

from poam.core.catalog import load_catalog
from poam.core.model import (
    ItemStatus,
    Milestone,
    Poam,
    PoamItem,
    PoamKind,
    Ssp,
    Thresholds,
)
from poam.core.serialize import cmmc_to_data


def _date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _compact(mapping: dict[str, Any]) -> dict[str, Any]:
    """Drop keys whose value is None, an empty string, or an empty collection."""
    return {k: v for k, v in mapping.items() if v is not None and v not in ("", [], {})}


def ssp_to_data(ssp: Ssp) -> dict[str, Any]:
    """The SSP as plain data (dates as ISO strings), ready for YAML or JSON."""
    order = {req.nist_id: index for index, req in enumerate(load_catalog().requirements)}
    requirements: dict[str, Any] = {}
    for nist_id in sorted(ssp.requirements, key=lambda key: order.get(key, len(order))):
        record = ssp.requirements[nist_id]
        deficiency = record.temporary_deficiency
        requirements[nist_id] = _compact(
            {
                "status": record.status.value,
                "narrative": record.narrative,
                "responsible": record.responsible,
                "objectives": {k: v.value for k, v in record.objectives.items()},
                "mfa": record.mfa.value if record.mfa else None,
                "encryption": record.encryption.value if record.encryption else None,
                "enduring_exception": record.enduring_exception,
                "temporary_deficiency": None
                if deficiency is None
                else {"plan": deficiency.plan} | _compact({"description": deficiency.description}),
            }
        )
    system = ssp.system
    return {
        "system": _compact(
            {
                "name": system.name,
                "scope": system.scope.value,
                "cage_codes": list(system.cage_codes),
                "organization": system.organization,
                "description": system.description,
            }
        ),
        "ssp": _compact(
            {
                "version": ssp.info.version,
                "date": _date(ssp.info.date),
                "update_cadence_days": ssp.info.update_cadence_days,
            }
        ),
        **({"cmmc": cmmc_to_data(ssp.cmmc)} if ssp.cmmc else {}),
        "requirements": requirements,
    }


def _milestone(milestone: Milestone) -> dict[str, Any]:
    data: dict[str, Any] = {"title": milestone.title, "due": _date(milestone.due)}
    data["completed"] = _date(milestone.completed)
    if milestone.history:
        data["history"] = [
            _compact(
                {
                    "changed": _date(change.changed),
                    "from": _date(change.from_date),
                    "to": _date(change.to_date),
                    "by": change.by,
                    "justification": change.justification,
                }
            )
            for change in milestone.history
        ]
    return data


def _item(item: PoamItem) -> dict[str, Any]:
    data = _compact(
        {
            "id": item.id,
            "requirement": item.requirement,
            "objectives": list(item.objectives),
            "gap": item.gap,
            "remediation": list(item.remediation),
            "owner": item.owner,
            "status": item.status.value,
            "created": _date(item.created),
            "updated": _date(item.updated),
            "identified_by": item.identified_by,
            "resources": item.resources,
            "comments": item.comments,
        }
    )
    if item.status is ItemStatus.NOT_STARTED:
        data["status"] = item.status.value
    if item.milestones:
        data["milestones"] = [_milestone(m) for m in item.milestones]
    if item.evidence:
        data["evidence"] = [
            _compact({"title": e.title, "uri": e.uri, "sha256": e.sha256, "date": _date(e.date)})
            for e in item.evidence
        ]
    return data


def poam_to_data(poam: Poam) -> dict[str, Any]:
    """The POA&M as plain data (dates as ISO strings), ready for YAML or JSON."""
    head: dict[str, Any] = {"kind": poam.kind.value}
    head.update(
        _compact(
            {
                "maintainer": poam.maintainer,
                "last_reviewed": _date(poam.last_reviewed),
                "review_cadence_days": poam.review_cadence_days,
            }
        )
    )
    if poam.conditional is not None and poam.kind is PoamKind.CONDITIONAL:
        head["conditional"] = {
            "assessment": poam.conditional.assessment.value,
            "status_date": _date(poam.conditional.status_date),
        }
    defaults = Thresholds()
    changed = {
        name: getattr(poam.thresholds, name)
        for name in Thresholds.__dataclass_fields__
        if getattr(poam.thresholds, name) != getattr(defaults, name)
    }
    if changed:
        head["thresholds"] = changed
    if poam.ignore:
        head["ignore"] = list(poam.ignore)
    if poam.waivers:
        head["waivers"] = [
            _compact(
                {
                    "code": w.code,
                    "reason": w.reason,
                    "requirement": w.requirement,
                    "item": w.item,
                    "by": w.by,
                    "until": _date(w.until),
                }
            )
            for w in poam.waivers
        ]
    return {"poam": head, "items": [_item(item) for item in poam.items]}


class _Dumper(yaml.SafeDumper):
    """Block style, literal blocks for multi-line text, and no aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LINE_BREAKS = re.compile("[\x85\u2028\u2029\r]")


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if _LINE_BREAKS.search(value):  # YAML folds these unless they are escaped
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    if _ISO_DATE.match(value):  # dates unquoted, as people write them
        return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value)
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _str)


def to_yaml(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def dump_ssp(ssp: Ssp, fmt: str = "yaml") -> str:
    data = ssp_to_data(ssp)
    return to_json(data) if fmt == "json" else to_yaml(data)


def dump_poam(poam: Poam, fmt: str = "yaml") -> str:
    data = poam_to_data(poam)
    return to_json(data) if fmt == "json" else to_yaml(data)
