"""The SSP as an OSCAL 1.1.3 ``system-security-plan``.

One ``implemented-requirement`` per requirement of the catalog, in catalog order. A requirement
the SSP describes carries its status on the ``this-system`` component
(``by-components[].implementation-status``) and its narrative as that component's description;
one the SSP does not describe is listed without a status (unassessed, so NOT MET,
32 CFR 170.24(b)(1)). The CMMC facts OSCAL has no field for are poam props (``docs/oscal.md``).
"""

from __future__ import annotations

from typing import Any

from poam.core.catalog import Catalog, Requirement, load_catalog
from poam.core.model import ImplementationStatus, RequirementRecord, Ssp
from poam.core.rules import UNASSESSED_IS_NOT_MET
from poam.formats.oscal.controls import control_id
from poam.formats.oscal.mapping import (
    OSCAL_VERSION,
    Prop,
    datetime_of,
    in_range,
    is_plain,
    one_line,
    prop,
    stable_uuid,
    text_prop,
)
from poam.formats.oscal.parties import ORGANIZATION_ROLE, Directory
from poam.formats.oscal.status_record import record_props

STATUS_TO_OSCAL = {
    ImplementationStatus.IMPLEMENTED: "implemented",
    ImplementationStatus.PARTIALLY_IMPLEMENTED: "partial",
    ImplementationStatus.PLANNED: "planned",
    ImplementationStatus.NOT_IMPLEMENTED: "not-implemented",
    ImplementationStatus.NOT_APPLICABLE: "not-applicable",
}
"""OSCAL's implementation states, plus ``not-implemented`` (a token OSCAL allows: it has none)."""

PROFILE_HREF = "profile.json"
"""Where an SSP finds the CMMC Level 2 baseline (``baseline.py``): beside it, as exported."""


def system_uuid(ssp: Ssp) -> str:
    """The system's identifier, shared by the SSP and the POA&M exported with it."""
    return stable_uuid(ssp.system.name, "system")


def requirement_facts(requirement: Requirement, record: RequirementRecord | None) -> list[Prop]:
    """The catalog facts of a requirement that OSCAL has no field for (informative on import)."""
    props: list[Prop] = [
        {"name": "label", "value": requirement.nist_id},
        prop("cmmc-id", requirement.cmmc_id),
    ]
    if requirement.points is not None:  # 3.12.4 has no value (32 CFR 170.24(c)(2)(i)(B)(5))
        props.append(prop("points", str(requirement.points)))
    state = None if record is None else record.mfa or record.encryption
    props.append(prop("poam-eligible", "true" if requirement.eligible_in(state) else "false"))
    return props


def _requirement(
    requirement: Requirement,
    record: RequirementRecord | None,
    key: str,
    component: str,
    directory: Directory,
) -> dict[str, Any]:
    nist_id = requirement.nist_id
    props = requirement_facts(requirement, record)
    implemented: dict[str, Any] = {
        "uuid": stable_uuid(key, "requirement", nist_id),
        "control-id": control_id(nist_id),
        "props": props,
    }
    if record is None:
        implemented["remarks"] = (
            f"Not described in the SSP: unassessed, so NOT MET ({UNASSESSED_IS_NOT_MET})."
        )
        return implemented
    props.extend(
        prop(f"objective-{letter}", result.value) for letter, result in record.objectives.items()
    )
    if record.mfa is not None:
        props.append(prop("mfa", record.mfa.value))
    if record.encryption is not None:
        props.append(prop("encryption", record.encryption.value))
    if record.enduring_exception is not None:
        props.append(text_prop("enduring-exception", record.enduring_exception))
    deficiency = record.temporary_deficiency
    if deficiency is not None:
        props.append(text_prop("temporary-deficiency-plan", deficiency.plan))
        if deficiency.description:
            props.append(text_prop("temporary-deficiency", deficiency.description))
    if record.responsible:
        implemented["responsible-roles"] = [{"role-id": directory.role_for(record.responsible)}]
    implemented["by-components"] = [
        {
            "component-uuid": component,
            "uuid": stable_uuid(key, "by-component", nist_id),
            "description": record.narrative,
            "implementation-status": {"state": STATUS_TO_OSCAL[record.status]},
        }
    ]
    return implemented


def ssp_to_oscal(
    ssp: Ssp, catalog: Catalog | None = None, profile_href: str = PROFILE_HREF
) -> dict[str, Any]:
    """The SSP as an OSCAL document (plain data, ready for JSON or YAML), importing the CMMC
    Level 2 baseline profile at ``profile_href`` (relative to the SSP)."""
    catalog = catalog or load_catalog()
    system = ssp.system
    key = system.name
    directory = Directory(key)
    info = ssp.info

    metadata_props: list[Prop] = []
    if not is_plain(info.version):
        metadata_props.append(text_prop("ssp-version", info.version))
    if not in_range(info.date):
        metadata_props.append(prop("ssp-date", info.date.isoformat()))
    if info.update_cadence_days is not None:
        metadata_props.append(prop("ssp-update-cadence-days", str(info.update_cadence_days)))
    metadata: dict[str, Any] = {
        "title": f"{one_line(system.name)}: System Security Plan (CMMC Level 2)",
        "published": datetime_of(info.date),
        "last-modified": datetime_of(info.date),
        "version": info.version if is_plain(info.version) else one_line(info.version),
        "oscal-version": OSCAL_VERSION,
    }
    if metadata_props:
        metadata["props"] = metadata_props
    if system.organization is not None:
        directory.role(
            ORGANIZATION_ROLE, "Prepared For", "The organization seeking assessment (OSA)."
        )
        directory.responsible(
            ORGANIZATION_ROLE, directory.party(system.organization, "organization")
        )

    component = stable_uuid(key, "this-system")
    requirements = [
        _requirement(req, ssp.requirements.get(req.nist_id), key, component, directory)
        for req in catalog.requirements
    ]

    system_props: list[Prop] = [prop("scope", system.scope.value)]
    system_props.extend(prop("cage-code", code) for code in system.cage_codes)
    if not is_plain(system.name):
        system_props.append(text_prop("system-name", system.name))
    system_props.extend(record_props(ssp.cmmc))
    users = [
        {
            "uuid": stable_uuid(key, "user", role["id"]),
            "title": role["title"],
            "role-ids": [role["id"]],
        }
        for role in directory.roles
        if role["id"].startswith("responsible-")
    ] or [{"uuid": stable_uuid(key, "user"), "title": "Users of the system"}]
    directory.add_to(metadata)
    document = {
        "uuid": stable_uuid(key, "ssp", info.version, info.date.isoformat()),
        "metadata": metadata,
        "import-profile": {
            "href": profile_href,
            "remarks": "The CMMC Level 2 baseline: the 110 requirements of NIST SP 800-171 Rev 2 "
            "(32 CFR 170.14(c)(3)), written by `poam export oscal` beside this SSP.",
        },
        "system-characteristics": {
            "system-ids": [
                {"identifier-type": "https://ietf.org/rfc/rfc4122", "id": system_uuid(ssp)}
            ],
            "system-name": system.name if is_plain(system.name) else one_line(system.name),
            "description": system.description or "",
            "props": system_props,
            "system-information": {
                "information-types": [
                    {
                        "title": "Controlled Unclassified Information (CUI)",
                        "description": "CUI that the system processes, stores or transmits, "
                        "protected under DFARS 252.204-7012 and 32 CFR part 170.",
                    }
                ]
            },
            "status": {"state": "operational"},
            "authorization-boundary": {
                "description": f"The CMMC Level 2 assessment scope ({system.scope.value})."
            },
        },
        "system-implementation": {
            "users": users,
            "components": [
                {
                    "uuid": component,
                    "type": "this-system",
                    "title": one_line(system.name),
                    "description": "The system in the scope of the CMMC Level 2 assessment.",
                    "status": {"state": "operational"},
                }
            ],
        },
        "control-implementation": {
            "description": "How each NIST SP 800-171 Rev 2 requirement is implemented.",
            "implemented-requirements": requirements,
        },
    }
    return {"system-security-plan": document}
