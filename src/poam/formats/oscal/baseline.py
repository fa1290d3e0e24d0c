"""The CMMC Level 2 baseline as OSCAL: a ``catalog`` of the 110 requirements and their 320
assessment objectives, and the ``profile`` an exported SSP imports.

An SSP's ``import-profile`` must lead to the controls its ``control-id`` values name, or OSCAL
tools cannot resolve ``sp800-171r2-3.5.3`` (compliance-trestle refuses to import such an SSP).
NIST publishes no OSCAL catalog of SP 800-171 Rev 2, the revision CMMC Level 2 assesses
(32 CFR 170.14(c)(3)), so poam writes its own, from its own catalog and in its own wording
(``poam.core.catalog``), with what CMMC adds as poam props: each requirement's point value
(32 CFR 170.24(c)(2)), its partial-credit deductions (170.24(c)(2)(i)(B)(4)) and whether it
may sit on a Conditional POA&M (170.21(a)(2)).

Part ids follow NIST's SP 800-53 catalogs: ``sp800-171r2-3.5.3_smt`` is the statement,
``sp800-171r2-3.5.3_obj.b`` objective [b], the ids the POA&M's findings target.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from poam import __version__
from poam.core.catalog import Catalog, Requirement, load_catalog
from poam.formats.oscal.controls import control_id
from poam.formats.oscal.mapping import OSCAL_VERSION, Prop, datetime_of, prop, stable_uuid

WORDING_DATE = date(2026, 11, 27)
"""When poam's wording of the requirements last changed: the catalog's ``last-modified``. Its
``version`` also carries a digest of the wording, so that a change shows even if this date is
not moved with it."""

CATALOG_TITLE = (
    "NIST SP 800-171 Rev 2 requirements and SP 800-171A assessment objectives, as assessed "
    "for CMMC Level 2 (poam's wording)"
)
PROFILE_TITLE = "CMMC Level 2 baseline: the 110 requirements of NIST SP 800-171 Rev 2"
SOURCES = (
    ("https://doi.org/10.6028/NIST.SP.800-171r2", "NIST SP 800-171 Rev 2 (the requirements)"),
    ("https://doi.org/10.6028/NIST.SP.800-171A", "NIST SP 800-171A (the assessment objectives)"),
    ("https://www.ecfr.gov/current/title-32/part-170", "32 CFR part 170 (the CMMC Program)"),
)


def _digest(catalog: Catalog) -> str:
    """A short digest of the catalog's content, for the version."""
    content = [
        (
            r.nist_id,
            r.title,
            r.statement,
            r.points,
            r.poam_eligible,
            [o.statement for o in r.objectives],
        )
        for r in catalog.requirements
    ]
    return hashlib.sha256(json.dumps(content).encode()).hexdigest()[:12]


def _metadata(title: str, catalog: Catalog, remarks: str) -> dict[str, Any]:
    return {
        "title": title,
        "last-modified": datetime_of(WORDING_DATE),
        "version": f"{__version__}+{_digest(catalog)}",
        "oscal-version": OSCAL_VERSION,
        "links": [{"href": href, "rel": "reference", "text": text} for href, text in SOURCES],
        "remarks": remarks,
    }


def control_props(requirement: Requirement) -> list[Prop]:
    """What CMMC adds to a requirement, as props (``docs/oscal.md`` lists them)."""
    props: list[Prop] = [
        {"name": "label", "value": requirement.nist_id},
        prop("cmmc-id", requirement.cmmc_id),
        prop("requirement-kind", requirement.kind),
    ]
    if requirement.points is not None:
        props.append(
            prop(
                "points",
                str(requirement.points),
                remarks="Subtracted from 110 while NOT MET (32 CFR 170.24(c)(2)).",
            )
        )
    credit = requirement.partial_credit
    if credit is not None:
        props.extend(
            prop(
                f"deduction-{credit.field}-{state}",
                str(points),
                remarks=f"Subtracted while {credit.field} is '{state}' ({credit.citation}).",
            )
            for state, points in credit.deductions.items()
        )
    if requirement.poam_eligible_only_in_state is not None:
        eligible = "true"
        why = (
            f"Only in the state '{requirement.poam_eligible_only_in_state}' (32 CFR "
            "170.21(a)(2)(ii))."
        )
        props.append(prop("poam-eligible-state", requirement.poam_eligible_only_in_state))
    elif requirement.poam_eligible:
        eligible, why = "true", "A 1-point requirement (32 CFR 170.21(a)(2)(ii))."
    elif requirement.poam_excluded_by_name:
        eligible, why = "false", "Excluded by name (32 CFR 170.21(a)(2)(iii))."
    else:
        eligible, why = "false", "Worth more than 1 point (32 CFR 170.21(a)(2)(ii))."
    props.append(prop("poam-eligible", eligible, remarks=why))
    if requirement.level1:
        props.append(prop("level-1", "true", remarks="Also a CMMC Level 1 requirement."))
    return props


def _control(requirement: Requirement) -> dict[str, Any]:
    cid = control_id(requirement.nist_id)
    objectives = [
        {
            "id": f"{cid}_obj.{objective.letter}",
            "name": "assessment-objective",
            "props": [{"name": "label", "value": f"{requirement.nist_id}[{objective.letter}]"}],
            "prose": objective.statement,
        }
        for objective in requirement.objectives
    ]
    return {
        "id": cid,
        "class": "sp800-171-requirement",
        "title": requirement.title,
        "props": control_props(requirement),
        "parts": [
            {"id": f"{cid}_smt", "name": "statement", "prose": requirement.statement},
            {
                "id": f"{cid}_obj",
                "name": "assessment-objective",
                "props": [{"name": "label", "value": requirement.nist_id}],
                "parts": objectives,
            },
        ],
    }


def catalog_to_oscal(catalog: Catalog | None = None) -> dict[str, Any]:
    """The 110 requirements, grouped by family in catalog order, as an OSCAL catalog."""
    catalog = catalog or load_catalog()
    groups: dict[str, dict[str, Any]] = {}
    for requirement in catalog.requirements:
        family = requirement.family
        if family not in groups:
            number = requirement.nist_id.rsplit(".", 1)[0]
            groups[family] = {
                "id": family.lower(),
                "class": "family",
                "title": requirement.family_name,
                "props": [{"name": "label", "value": number}, prop("family", family)],
                "controls": [],
            }
        groups[family]["controls"].append(_control(requirement))
    remarks = (
        "The wording of the requirements and objectives is poam's own; the ids, point values, "
        "partial credit and POA&M eligibility are as CMMC Level 2 assesses them (32 CFR 170.14, "
        "170.21, 170.24). For the authoritative text, see the publications linked."
    )
    return {
        "catalog": {
            "uuid": stable_uuid("catalog", _digest(catalog)),
            "metadata": _metadata(CATALOG_TITLE, catalog, remarks),
            "groups": list(groups.values()),
        }
    }


def profile_to_oscal(
    catalog_href: str = "catalog.json", catalog: Catalog | None = None
) -> dict[str, Any]:
    """The profile that selects every requirement of the catalog at ``catalog_href``."""
    catalog = catalog or load_catalog()
    remarks = (
        "CMMC Level 2 assesses exactly the 110 requirements of NIST SP 800-171 Rev 2 "
        "(32 CFR 170.14(c)(3)): this profile selects all of them, unchanged."
    )
    return {
        "profile": {
            "uuid": stable_uuid("profile", _digest(catalog), catalog_href),
            "metadata": _metadata(PROFILE_TITLE, catalog, remarks),
            "imports": [{"href": catalog_href, "include-all": {}}],
            "merge": {"as-is": True},
        }
    }
