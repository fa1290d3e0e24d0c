"""The POA&M as an OSCAL 1.1.3 ``plan-of-action-and-milestones``.

Each entry becomes a ``poam-item`` linked to:

- a ``risk`` whose ``status`` is the entry's status, with one ``remediation`` (lifecycle
  ``planned``, or ``completed`` once the work is done) whose ``tasks`` are the milestones
  (type ``milestone``: due date, owner as responsible party) and the remediation steps (type
  ``action``); each move of a milestone is a ``risk-log`` entry linked to its task, with the
  justification as its description and who moved it in ``logged-by``;
- ``findings`` naming the requirement (and each objective) NOT satisfied;
- one ``observation`` per piece of evidence, pointing at a ``back-matter`` resource with the
  file's SHA-256 ``hashes``.

The rest (dates, the Conditional status, waivers, thresholds) are poam props (``docs/oscal.md``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import fields
from datetime import date, timedelta
from typing import Any

from poam.core.catalog import Catalog, Requirement, load_catalog
from poam.core.model import (
    Evidence,
    ItemStatus,
    Milestone,
    MilestoneChange,
    Poam,
    PoamItem,
    PoamKind,
    Ssp,
    Thresholds,
)
from poam.core.rules import CLOSEOUT, NOT_MET_DEDUCTS
from poam.formats.oscal.controls import control_id
from poam.formats.oscal.mapping import (
    OSCAL_VERSION,
    Prop,
    as_uri_reference,
    datetime_of,
    in_range,
    is_plain,
    is_uri_reference,
    markdown_list,
    one_line,
    prop,
    stable_uuid,
    text_prop,
)
from poam.formats.oscal.parties import ITEM_OWNER_ROLE, MAINTAINER_ROLE, Directory
from poam.formats.oscal.ssp_writer import requirement_facts, system_uuid

STATUS_TO_RISK = {
    ItemStatus.NOT_STARTED: "open",
    ItemStatus.IN_PROGRESS: "remediating",
    ItemStatus.COMPLETED_PENDING_VERIFICATION: "remediating",
    ItemStatus.CLOSED: "closed",
}
DONE = (ItemStatus.COMPLETED_PENDING_VERIFICATION, ItemStatus.CLOSED)
CLOSEOUT_DAYS = 180  # 32 CFR 170.21(b)


def threshold_prop_name(field_name: str) -> str:
    return "threshold-" + field_name.replace("_", "-")


def _dates(poam: Poam) -> Iterable[date]:
    if poam.last_reviewed:
        yield poam.last_reviewed
    for item in poam.items:
        yield from (day for day in (item.created, item.updated) if day)
        for milestone in item.milestones:
            if milestone.completed:
                yield milestone.completed
            yield from (change.changed for change in milestone.history)
        yield from (e.date for e in item.evidence if e.date)


def last_modified(poam: Poam, ssp: Ssp | None) -> date:
    """The latest date the POA&M records: deterministic, unlike the clock."""
    latest = max((day for day in _dates(poam) if in_range(day)), default=None)
    if latest is not None:
        return latest
    return ssp.info.date if ssp is not None else date(2000, 1, 1)


class _Writer:
    def __init__(self, poam: Poam, ssp: Ssp | None, catalog: Catalog) -> None:
        self.poam = poam
        self.ssp = ssp
        self.catalog = catalog
        self.key = ssp.system.name if ssp is not None else "poam"
        self.directory = Directory(self.key)
        self.modified = last_modified(poam, ssp)
        self.items: list[dict[str, Any]] = []
        self.risks: list[dict[str, Any]] = []
        self.findings: list[dict[str, Any]] = []
        self.observations: list[dict[str, Any]] = []
        self.resources: list[dict[str, Any]] = []
        self.seen: Counter[str] = Counter()

    def uuid(self, *keys: object) -> str:
        return stable_uuid(self.key, *keys)

    # --- the document head ------------------------------------------------------------------

    def metadata(self) -> dict[str, Any]:
        poam = self.poam
        props: list[Prop] = [prop("kind", poam.kind.value)]
        if poam.last_reviewed is not None:
            props.append(prop("last-reviewed", poam.last_reviewed.isoformat()))
        if poam.review_cadence_days is not None:
            props.append(prop("review-cadence-days", str(poam.review_cadence_days)))
        if poam.conditional is not None and poam.kind is PoamKind.CONDITIONAL:
            status_date = poam.conditional.status_date
            props.append(prop("conditional-assessment", poam.conditional.assessment.value))
            props.append(prop("conditional-status-date", status_date.isoformat()))
            props.append(
                prop(
                    "closeout-deadline",
                    (status_date + timedelta(days=CLOSEOUT_DAYS)).isoformat(),
                    remarks=f"{CLOSEOUT_DAYS} days after the Conditional status date "
                    f"({CLOSEOUT}); informative, poam computes it.",
                )
            )
        defaults = Thresholds()
        for field in fields(Thresholds):
            value = getattr(poam.thresholds, field.name)
            if value != getattr(defaults, field.name):
                props.append(prop(threshold_prop_name(field.name), str(value)))
        props.extend(text_prop("ignore", code) for code in poam.ignore)
        for index, waiver in enumerate(poam.waivers, start=1):
            group = f"waiver-{index}"
            props.append(text_prop("waiver-code", waiver.code, group=group))
            props.append(text_prop("waiver-reason", waiver.reason, group=group))
            for name, value in (
                ("waiver-requirement", waiver.requirement),
                ("waiver-item", waiver.item),
                ("waiver-by", waiver.by),
            ):
                if value is not None:
                    props.append(text_prop(name, value, group=group))
            if waiver.until is not None:
                props.append(prop("waiver-until", waiver.until.isoformat(), group=group))
        if poam.maintainer:
            self.directory.role(
                MAINTAINER_ROLE,
                "POA&M maintainer",
                "The one named role or person who maintains the POA&M.",
            )
            self.directory.responsible(MAINTAINER_ROLE, self.directory.party(poam.maintainer))
        system = self.ssp.system.name if self.ssp is not None else None
        title = "Plan of Action and Milestones (CMMC Level 2)"
        return {
            "title": f"{one_line(system)}: {title}" if system else title,
            "last-modified": datetime_of(self.modified),
            "version": self.modified.isoformat(),
            "oscal-version": OSCAL_VERSION,
            "props": props,
        }

    # --- one entry ----------------------------------------------------------------------------

    def item(self, item: PoamItem) -> None:
        occurrence = self.seen[item.id]
        self.seen[item.id] += 1
        base = ("item", item.id, occurrence)
        requirement = self.catalog.find(item.requirement)
        label = requirement.cmmc_id if requirement else item.requirement
        title = f"{one_line(item.id)}: {one_line(requirement.title if requirement else label)}"
        risk_uuid = self.uuid(*base, "risk")
        poam_item: dict[str, Any] = {
            "uuid": self.uuid(*base),
            "title": title,
            "description": item.gap,
            "props": self.item_props(item, requirement is None),
        }
        if requirement is not None:
            findings = self.findings_for(item, requirement, base, risk_uuid)
            poam_item["related-findings"] = [{"finding-uuid": u} for u in findings]
        observations = [
            self.evidence(evidence, (*base, "evidence", index))
            for index, evidence in enumerate(item.evidence)
        ]
        if observations:
            poam_item["related-observations"] = [{"observation-uuid": u} for u in observations]
        poam_item["related-risks"] = [{"risk-uuid": risk_uuid}]
        if item.comments is not None:
            poam_item["remarks"] = item.comments
        self.items.append(poam_item)
        self.risks.append(self.risk(item, requirement, base, risk_uuid, title))

    @staticmethod
    def item_props(item: PoamItem, unknown_requirement: bool) -> list[Prop]:
        props: list[Prop] = [text_prop("item-id", item.id)]
        if unknown_requirement:  # no finding can name it: keep the text and the objectives
            props.append(text_prop("requirement", item.requirement))
            props.extend(prop("objective", letter) for letter in item.objectives)
        for name, day in (("created", item.created), ("updated", item.updated)):
            if day is not None:
                props.append(prop(name, day.isoformat()))
        if item.identified_by is not None:
            props.append(text_prop("identified-by", item.identified_by))
        if item.owner:
            props.append(text_prop("owner", item.owner))
        return props

    def findings_for(
        self, item: PoamItem, requirement: Requirement, base: tuple[object, ...], risk_uuid: str
    ) -> list[str]:
        """One finding per objective NOT satisfied (or one for the whole requirement)."""
        control = control_id(requirement.nist_id)
        label = requirement.cmmc_id
        uuids = []
        for letter in item.objectives or (None,):
            finding_uuid = self.uuid(*base, "finding", letter or "")
            uuids.append(finding_uuid)
            what = f"objective [{letter}] of {label}" if letter else label
            self.findings.append(
                {
                    "uuid": finding_uuid,
                    "title": f"{what} not satisfied",
                    "description": f"{label} ({requirement.title}) is NOT MET: "
                    f"{one_line(item.id)} tracks it.",
                    "target": {
                        "type": "objective-id",
                        "target-id": f"{control}_obj.{letter}" if letter else f"{control}_obj",
                        "status": {"state": "not-satisfied"},
                    },
                    "related-risks": [{"risk-uuid": risk_uuid}],
                }
            )
        return uuids

    def risk(
        self,
        item: PoamItem,
        requirement: Requirement | None,
        base: tuple[object, ...],
        risk_uuid: str,
        title: str,
    ) -> dict[str, Any]:
        label = requirement.cmmc_id if requirement else item.requirement
        statement = f"{label} is NOT MET while this entry is open."
        if requirement is not None and requirement.points is not None:
            statement = (
                f"{label} ({requirement.title}) is NOT MET while this entry is open: "
                f"it subtracts up to {requirement.points} points from the SPRS score "
                f"({NOT_MET_DEDUCTS})."
            )
        risk: dict[str, Any] = {
            "uuid": risk_uuid,
            "title": title,
            "description": item.gap,
            "statement": statement,
        }
        if requirement is not None:
            record = self.ssp.requirements.get(requirement.nist_id) if self.ssp else None
            risk["props"] = requirement_facts(requirement, record)
        risk["status"] = STATUS_TO_RISK[item.status]
        dues = [m.due for m in item.milestones if m.due is not None]
        if dues:
            risk["deadline"] = datetime_of(max(dues))
        response, log = self.remediation(item, base)
        risk["remediations"] = [response]
        if log:
            risk["risk-log"] = {"entries": log}
        return risk

    def remediation(
        self, item: PoamItem, base: tuple[object, ...]
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The remediation (milestone and action tasks) and the risk log of milestone moves."""
        response_uuid = self.uuid(*base, "remediation")
        owner = self.directory.party(item.owner) if item.owner else None
        if owner is not None:
            self.directory.role(
                ITEM_OWNER_ROLE,
                "POA&M item owner",
                "The one named role or person who owns a POA&M entry.",
            )
        tasks: list[dict[str, Any]] = []
        log: list[dict[str, Any]] = []
        for index, milestone in enumerate(item.milestones):
            task_uuid = self.uuid(*base, "milestone", index)
            tasks.append(self.milestone(milestone, task_uuid, owner))
            log.extend(
                self.change(
                    change,
                    self.uuid(*base, "milestone", index, "change", h_index),
                    response_uuid,
                    task_uuid,
                )
                for h_index, change in enumerate(milestone.history)
            )
        for index, step in enumerate(item.remediation):
            task: dict[str, Any] = {
                "uuid": self.uuid(*base, "step", index),
                "type": "action",
                "title": step if is_plain(step) else one_line(step),
                "description": step,
            }
            if owner is not None:
                task["responsible-roles"] = [{"role-id": ITEM_OWNER_ROLE, "party-uuids": [owner]}]
            tasks.append(task)
        response: dict[str, Any] = {
            "uuid": response_uuid,
            "lifecycle": "completed" if item.status in DONE else "planned",
            "title": "Remediation plan",
            "description": markdown_list(item.remediation),
        }
        if item.resources is not None:
            response["required-assets"] = [
                {"uuid": self.uuid(*base, "resources"), "description": item.resources}
            ]
        if tasks:
            response["tasks"] = tasks
        return response, log

    def change(
        self, change: MilestoneChange, entry_uuid: str, response_uuid: str, task_uuid: str
    ) -> dict[str, Any]:
        """One move of a milestone as a risk-log entry linked to the milestone's task."""
        entry: dict[str, Any] = {
            "uuid": entry_uuid,
            "title": f"Milestone moved to {change.to_date.isoformat()}",
        }
        if change.justification:
            entry["description"] = change.justification
        entry["start"] = datetime_of(change.changed)
        props = [prop("to-date", change.to_date.isoformat())]
        if change.from_date is not None:
            props.insert(0, prop("from-date", change.from_date.isoformat()))
        if not in_range(change.changed):
            props.append(prop("changed", change.changed.isoformat()))
        entry["props"] = props
        if change.by:
            entry["logged-by"] = [{"party-uuid": self.directory.party(change.by)}]
        entry["related-responses"] = [
            {"response-uuid": response_uuid, "related-tasks": [{"task-uuid": task_uuid}]}
        ]
        return entry

    def milestone(self, milestone: Milestone, task_uuid: str, owner: str | None) -> dict[str, Any]:
        task: dict[str, Any] = {"uuid": task_uuid, "type": "milestone", "title": milestone.title}
        props: list[Prop] = []
        if milestone.completed is not None:
            props.append(prop("completed", milestone.completed.isoformat()))
        if milestone.due is not None and not in_range(milestone.due):
            props.append(prop("due", milestone.due.isoformat()))
        if props:
            task["props"] = props
        if milestone.due is not None:
            task["timing"] = {"on-date": {"date": datetime_of(milestone.due)}}
        if owner is not None:
            task["responsible-roles"] = [{"role-id": ITEM_OWNER_ROLE, "party-uuids": [owner]}]
        return task

    def evidence(self, evidence: Evidence, keys: tuple[object, ...]) -> str:
        resource_uuid = self.uuid(*keys, "resource")
        resource: dict[str, Any] = {"uuid": resource_uuid, "title": evidence.title}
        resource_props: list[Prop] = []
        if evidence.uri:
            rlink: dict[str, Any] = {"href": evidence.uri}
            if not is_uri_reference(evidence.uri):
                rlink["href"] = as_uri_reference(evidence.uri)
                resource_props.append(text_prop("uri", evidence.uri))
            if evidence.sha256:
                rlink["hashes"] = [{"algorithm": "SHA-256", "value": evidence.sha256}]
            resource["rlinks"] = [rlink]
        elif evidence.sha256:
            resource_props.append(prop("sha256", evidence.sha256))
        if resource_props:
            resource["props"] = resource_props
        self.resources.append(resource)

        observation_uuid = self.uuid(*keys)
        observation: dict[str, Any] = {
            "uuid": observation_uuid,
            "title": f"Evidence: {one_line(evidence.title)}",
            "description": evidence.title,
        }
        if evidence.date is None:
            observation["props"] = [prop("evidence-date", "unknown")]
        elif not in_range(evidence.date):
            observation["props"] = [prop("evidence-date", evidence.date.isoformat())]
        observation["methods"] = ["EXAMINE"]
        observation["types"] = ["mitigation"]
        observation["relevant-evidence"] = [
            {"href": f"#{resource_uuid}", "description": evidence.title}
        ]
        observation["collected"] = datetime_of(evidence.date or self.modified)
        self.observations.append(observation)
        return observation_uuid

    def placeholder(self) -> dict[str, Any]:
        """OSCAL requires at least one poam-item: an empty POA&M gets this one, which the
        reader skips."""
        return {
            "uuid": self.uuid("no-entries"),
            "title": "No entries",
            "description": "This POA&M has no entries. OSCAL requires at least one poam-item, "
            "so poam writes this placeholder and skips it on import.",
            "props": [prop("placeholder", "true")],
        }

    def document(self, ssp_href: str | None) -> dict[str, Any]:
        metadata = self.metadata()
        for item in self.poam.items:
            self.item(item)
        self.directory.add_to(metadata)
        document: dict[str, Any] = {
            "uuid": self.uuid("poam"),
            "metadata": metadata,
        }
        if ssp_href is not None:
            document["import-ssp"] = {"href": ssp_href}
        if self.ssp is not None:
            document["system-id"] = {
                "identifier-type": "https://ietf.org/rfc/rfc4122",
                "id": system_uuid(self.ssp),
            }
        for name, values in (
            ("observations", self.observations),
            ("risks", self.risks),
            ("findings", self.findings),
        ):
            if values:
                document[name] = values
        document["poam-items"] = self.items or [self.placeholder()]
        if self.resources:
            document["back-matter"] = {"resources": self.resources}
        return {"plan-of-action-and-milestones": document}


def poam_to_oscal(
    poam: Poam,
    ssp: Ssp | None = None,
    *,
    catalog: Catalog | None = None,
    ssp_href: str | None = None,
) -> dict[str, Any]:
    """The POA&M as an OSCAL document (plain data). ``ssp`` names the system and gives the
    partial-credit states behind POA&M eligibility; ``ssp_href`` fills ``import-ssp``."""
    return _Writer(poam, ssp, catalog or load_catalog()).document(ssp_href)
