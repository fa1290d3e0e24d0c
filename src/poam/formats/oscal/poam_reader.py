"""Read an OSCAL ``plan-of-action-and-milestones`` into the core model.

Each ``poam-item`` becomes one entry. Its requirement comes from poam's ``requirement`` prop, the
``findings`` it links to (their target), or FedRAMP's ``impacted-control-id`` prop on its risk;
its status from its risk; its milestones and steps from the risk's remediation tasks; each move
of a milestone from the risk log; its evidence from the mitigation observations it links to and
their back-matter resources. What poam has no place for is counted in the report.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from poam.core.catalog import Catalog, load_catalog
from poam.core.model import (
    AssessmentType,
    ConditionalInfo,
    Evidence,
    ItemStatus,
    Milestone,
    MilestoneChange,
    Poam,
    PoamItem,
    PoamKind,
    Thresholds,
    Waiver,
)
from poam.formats.native.source import Path
from poam.formats.oscal.controls import ControlRef, describe, resolve
from poam.formats.oscal.detect import Document
from poam.formats.oscal.mapping import NS, POAM_ROOT, fedramp_prop, prop_text
from poam.formats.oscal.parties import FEDRAMP_MAINTAINER_ROLE, MAINTAINER_ROLE, Names
from poam.formats.oscal.poam_writer import threshold_prop_name
from poam.formats.oscal.reading import FOUND, Reader, at, datetime_value
from poam.formats.oscal.report import Report

NO_REQUIREMENT = "(none)"
"""The requirement of an entry whose OSCAL names none; ``poam check`` reports it."""

RISK_STATES = (
    "open",
    "investigating",
    "remediating",
    "deviation-requested",
    "deviation-approved",
    "closed",
)
_TARGET = re.compile(r"^(.*?)_(?:obj|smt)(?:\.([a-z]))?(?:[._].*)?$")
_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")
_THRESHOLDS = {threshold_prop_name(name): name for name in Thresholds.__dataclass_fields__}


def _is_placeholder(raw: dict[str, Any]) -> bool:
    if "props" not in raw:
        return False
    return any(
        found.get("name") == "placeholder" and found.get("ns") == NS for found in raw["props"]
    )


class _PoamReader(Reader):
    known_props = frozenset({
        "kind", "last-reviewed", "review-cadence-days", "conditional-assessment",
        "conditional-status-date", "closeout-deadline", "ignore", "waiver-code", "waiver-reason",
        "waiver-requirement", "waiver-item", "waiver-by", "waiver-until", "item-id",
        "requirement", "objective", "created", "updated", "identified-by", "owner", "completed",
        "due", "from-date", "to-date", "changed", "uri", "sha256", "evidence-date", "cmmc-id",
        "points", "poam-eligible", "label", *_THRESHOLDS,
    })  # fmt: skip
    foreign_props = frozenset({"POAM-ID", "impacted-control-id", "label", "type"})

    def __init__(self, document: Document, catalog: Catalog) -> None:
        super().__init__(document, catalog, "plan-of-action-and-milestones")
        body = document.body
        self.root: Path = (POAM_ROOT,)
        self.names = Names(body["metadata"])
        self.risks = self._index("risks")
        self.findings = self._index("findings")
        self.observations = self._index("observations")
        resources = (body.get("back-matter") or {}).get("resources") or ()
        self.resources = {
            str(r["uuid"]): (r, (*self.root, "back-matter", "resources", i))
            for i, r in enumerate(resources)
        }
        self.activity: list[str] = []
        self.controls: dict[str, ControlRef] = {}

    def resolve(self, control: str) -> ControlRef:
        """What a control id names (cached: a POA&M names the same controls many times)."""
        found = self.controls.get(control)
        if found is None:
            found = self.controls[control] = resolve(control, self.catalog)
        return found

    def _index(self, name: str) -> dict[str, tuple[dict[str, Any], Path]]:
        return {
            str(raw["uuid"]): (raw, (*self.root, name, index))
            for index, raw in enumerate(self.document.body.get(name) or ())
        }

    # --- the head -----------------------------------------------------------------------------

    def head(self) -> dict[str, Any]:
        metadata = self.document.body["metadata"]
        path = (*self.root, "metadata")
        props = self.props(metadata, path)
        kind = self.enum(props.get("kind"), [k.value for k in PoamKind], "POA&M kind")
        conditional = None
        assessment = self.enum(
            props.get("conditional-assessment"),
            [a.value for a in AssessmentType],
            "assessment type",
        )
        status_date = self.prop_date(props.get("conditional-status-date"))
        if kind == PoamKind.CONDITIONAL.value:
            if assessment is not None and status_date is not None:
                conditional = ConditionalInfo(AssessmentType(assessment), status_date)
            elif not self.problems:
                self.fail(
                    (*path, "props"),
                    "a conditional POA&M needs the poam props "
                    "'conditional-assessment' and 'conditional-status-date'",
                )
        cadence = None
        if "review-cadence-days" in props:
            cadence = self.integer(props["review-cadence-days"], minimum=1)
        thresholds = {}
        for prop_name, field_name in _THRESHOLDS.items():
            if prop_name in props:
                minimum = 0 if field_name == "closeout_warning_days" else 1
                value = self.integer(props[prop_name], minimum)
                if value is not None:
                    thresholds[field_name] = value
        ignore = tuple(
            dict.fromkeys(prop_text(found) for found, _ in self.all_props(metadata, path, "ignore"))
        )
        return {
            "kind": PoamKind(kind or PoamKind.INTERNAL.value),
            "maintainer": self.names.first_in_role(MAINTAINER_ROLE, FEDRAMP_MAINTAINER_ROLE) or "",
            "last_reviewed": self.prop_date(props.get("last-reviewed")),
            "review_cadence_days": cadence,
            "conditional": conditional,
            "thresholds": Thresholds(**thresholds),
            "ignore": ignore,
            "waivers": self.waivers(metadata, path),
        }

    def integer(self, found: FOUND, minimum: int) -> int | None:
        text = str(found[0].get("value"))
        if text.isascii() and text.isdigit() and int(text) >= minimum:
            return int(text)
        self.fail((*at(found), "value"), f"{text!r} is not a whole number of at least {minimum}")
        return None

    def waivers(self, metadata: dict[str, Any], path: Path) -> tuple[Waiver, ...]:
        groups: dict[str, dict[str, FOUND]] = {}
        for index, found in enumerate(metadata.get("props") or ()):
            name = str(found.get("name"))
            if found.get("ns") == NS and name.startswith("waiver-"):
                group = str(found.get("group") or "waiver")
                groups.setdefault(group, {}).setdefault(name, (found, path, index))
        waivers = []
        for group, props in groups.items():
            code, reason = props.get("waiver-code"), props.get("waiver-reason")
            if code is None or reason is None:
                where = at(next(iter(props.values())))
                self.fail(where, f"waiver {group!r} needs both 'waiver-code' and 'waiver-reason'")
                continue
            requirement = self.text(props.get("waiver-requirement"))
            waivers.append(
                Waiver(
                    code=prop_text(code[0]),
                    reason=prop_text(reason[0]),
                    requirement=self.catalog.normalize(requirement) or requirement
                    if requirement
                    else requirement,
                    item=self.text(props.get("waiver-item")),
                    by=self.text(props.get("waiver-by")),
                    until=self.prop_date(props.get("waiver-until")),
                )
            )
        return tuple(waivers)

    # --- one entry ----------------------------------------------------------------------------

    def linked(
        self, raw: dict[str, Any], key: str, index: dict[str, Any], what: str
    ) -> list[tuple[dict[str, Any], Path]]:
        """The objects ``raw`` links to under ``related-<what>``; dangling links are reported."""
        links = raw.get(f"related-{what}")
        if not links:
            return []
        found = []
        for link in links:
            target = index.get(link[key])
            if target is None:
                self.report.skip(
                    f"related-{what} that name nothing in the document", str(link[key])
                )
            else:
                found.append(target)
        return found

    def requirement(
        self,
        raw: dict[str, Any],
        props: dict[str, FOUND],
        findings: list[dict[str, Any]],
        risk: dict[str, Any] | None,
        title: str,
    ) -> tuple[str, tuple[str, ...]]:
        """The entry's requirement (NIST id, or the text as written) and objective letters."""
        exact = self.text(props.get("requirement"))
        letters: list[str] = []
        controls: list[str] = []
        for finding in findings:
            match = _TARGET.match(str(finding["target"]["target-id"]))
            control = match[1] if match else str(finding["target"]["target-id"])
            if control not in controls:
                controls.append(control)
            if match and match[2] and match[2] not in letters:
                letters.append(match[2])
        if exact is not None:
            objectives = [prop_text(found) for found, _ in self.all_props(raw, (), "objective")]
            return exact, tuple(dict.fromkeys(objectives))
        if not controls and risk is not None:
            impacted = fedramp_prop(risk.get("props"), "impacted-control-id")
            if impacted:
                controls.append(impacted)
        if not controls:
            self.report.skip(
                f"poam-items naming no requirement (as {NO_REQUIREMENT!r}; "
                "`poam check` reports them)",
                title,
                verb="kept",
            )
            return NO_REQUIREMENT, tuple(letters)
        if len(controls) > 1:
            self.report.note("some poam-items name several controls: poam used the first")
        ref = self.resolve(controls[0])
        if ref.nist_id is None:
            self.report.skip(
                f"poam-items whose control is a {describe(ref.kind)} (as "
                "written; `poam check` reports them)",
                controls[0],
                verb="kept",
            )
            return controls[0], tuple(letters)
        return ref.nist_id, tuple(letters)

    def status(self, risk: dict[str, Any] | None, path: Path | None) -> ItemStatus:
        if risk is None or path is None:
            return ItemStatus.NOT_STARTED
        state = str(risk["status"])
        if state == "closed":
            return ItemStatus.CLOSED
        if state == "remediating":
            done = any(r.get("lifecycle") == "completed" for r in risk.get("remediations") or ())
            return ItemStatus.COMPLETED_PENDING_VERIFICATION if done else ItemStatus.IN_PROGRESS
        if state in ("open", "investigating"):
            return ItemStatus.NOT_STARTED
        if state in ("deviation-requested", "deviation-approved"):
            self.report.skip(
                f"risk statuses '{state}': CMMC has no risk acceptance, the "
                "requirement stays NOT MET (imported as not-started)",
                str(risk.get("title") or risk["uuid"]),
                verb="changed",
            )
            return ItemStatus.NOT_STARTED
        self.fail(
            (*path, "status"),
            f"{state!r} is not a known risk status (expected one of {', '.join(RISK_STATES)})",
        )
        return ItemStatus.NOT_STARTED

    def tasks(self, risk: dict[str, Any], path: Path) -> list[tuple[dict[str, Any], Path, int]]:
        """Every task of every remediation of the risk, nested ones included, in order: each
        with the path of the list holding it and its index there (paths are built lazily)."""
        found: list[tuple[dict[str, Any], Path, int]] = []

        def walk(tasks: Any, where: Path) -> None:
            for index, task in enumerate(tasks):
                found.append((task, where, index))
                if "tasks" in task:
                    walk(task["tasks"], (*where, index, "tasks"))

        for r_index, response in enumerate(risk.get("remediations") or ()):
            if "tasks" in response:
                walk(response["tasks"], (*path, "remediations", r_index, "tasks"))
        return found

    def milestones(
        self, risk: dict[str, Any], path: Path
    ) -> tuple[tuple[Milestone, ...], str | None, list[str]]:
        """The milestones, the owner named on the tasks, and the steps (action tasks)."""
        history = self.history(risk, path)
        milestones = []
        owner = None
        steps = []
        for task, parent, index in self.tasks(risk, path):
            if owner is None and "responsible-roles" in task:
                owner = self.names.responsible_roles(task["responsible-roles"])
            kind = task["type"]
            if kind == "action":
                steps.append(str(task["description"] if "description" in task else task["title"]))
                continue
            if kind != "milestone":
                self.report.skip("tasks that are neither milestones nor actions", str(kind))
                continue
            due = completed = None
            props = self.props(task, (*parent, index)) if "props" in task else None
            if props:
                due = self.prop_date(props.get("due"))
                completed = self.prop_date(props.get("completed"))
            if due is None and (not props or "due" not in props) and "timing" in task:
                due = self.due(task["timing"], (*parent, index, "timing"))
            milestones.append(
                Milestone(
                    title=str(task["title"]),
                    due=due,
                    completed=completed,
                    history=tuple(history.pop(task["uuid"], ())) if history else (),
                )
            )
        if not milestones and risk.get("deadline"):
            deadline = self.read_datetime(risk["deadline"], (*path, "deadline"))
            milestones.append(Milestone("Risk deadline", due=deadline))
            self.report.skip(
                "risks without milestone tasks: their deadline became a milestone",
                str(risk.get("title") or risk["uuid"]),
                verb="changed",
            )
        return tuple(milestones), owner, steps

    def due(self, timing: dict[str, Any], path: Path) -> date | None:
        """A milestone's due date: its ``on-date``, else the end of its ``within-date-range``."""
        if "on-date" in timing:
            value = timing["on-date"]["date"]
            return datetime_value(value) or self.read_datetime(value, (*path, "on-date", "date"))
        if "within-date-range" in timing:
            value = timing["within-date-range"]["end"]
            return datetime_value(value) or self.read_datetime(
                value, (*path, "within-date-range", "end")
            )
        return None

    def history(self, risk: dict[str, Any], path: Path) -> dict[str, list[MilestoneChange]]:
        """Each milestone move in the risk log, by task UUID, oldest first as written."""
        result: dict[str, list[MilestoneChange]] = {}
        if "risk-log" not in risk:
            return result
        for index, entry in enumerate(risk["risk-log"].get("entries") or ()):
            where = (*path, "risk-log", "entries", index)
            props = self.props(entry, where)
            tasks = [
                str(t["task-uuid"])
                for response in entry.get("related-responses") or ()
                for t in response.get("related-tasks") or ()
            ]
            if "to-date" not in props or not tasks:
                day = str(entry["start"])[:10]
                text = str(entry.get("description") or "").strip()
                self.activity.append(f"{day} {entry.get('title') or ''}: {text}".rstrip(": "))
                continue
            changed = self.prop_date(props.get("changed"))
            if changed is None and "changed" not in props:
                changed = datetime_value(entry["start"]) or self.read_datetime(
                    entry["start"], (*where, "start")
                )
            to_date = self.prop_date(props.get("to-date"))
            by = ""
            for logged in entry.get("logged-by") or ():
                by = self.names.party(logged["party-uuid"]) or ""
                break
            result.setdefault(tasks[0], []).append(
                MilestoneChange(
                    changed=changed or date.min,
                    from_date=self.prop_date(props.get("from-date")),
                    to_date=to_date or date.min,
                    by=by,
                    justification=str(entry.get("description") or ""),
                )
            )
        return result

    def evidence(self, raw: dict[str, Any], path: Path) -> tuple[tuple[Evidence, ...], list[str]]:
        """Evidence from mitigation observations; the others describe how the gap was found."""
        evidence = []
        found_by = []
        for observation, where in self.linked(
            raw, "observation-uuid", self.observations, "observations"
        ):
            props = self.props(observation, where)
            if "mitigation" not in (observation.get("types") or ()):
                methods = ", ".join(str(m).lower() for m in observation.get("methods") or ())
                what = str(observation.get("title") or observation.get("description") or "")
                what = what.strip() or "observation"
                seen = str(observation["collected"])[:10]
                found_by.append(f"{what} ({methods}, {seen})" if methods else f"{what} ({seen})")
                for item in observation.get("relevant-evidence") or ():
                    self.report.skip(
                        "relevant-evidence of observations that are not mitigation "
                        "evidence (the weakness, not its fix)",
                        str(item.get("href") or item.get("description")),
                    )
                continue
            day: date | None
            marker = props.get("evidence-date")
            if marker is not None and marker[0].get("value") == "unknown":
                day = None
            elif marker is not None:
                day = self.prop_date(marker)
            else:
                day = datetime_value(observation["collected"]) or self.read_datetime(
                    observation["collected"], (*where, "collected")
                )
            for e_index, item in enumerate(observation.get("relevant-evidence") or ()):
                e_path = (*where, "relevant-evidence", e_index)
                evidence.append(self.one_evidence(item, e_path, observation, day))
        return tuple(evidence), found_by

    def one_evidence(
        self, item: dict[str, Any], path: Path, observation: dict[str, Any], day: date | None
    ) -> Evidence:
        href = str(item.get("href") or "")
        title = str(item.get("description") or observation.get("title") or href)
        uri, sha = href, None
        if href.startswith("#") and href[1:] in self.resources:
            resource, where = self.resources[href[1:]]
            props = self.props(resource, where)
            rlinks = resource.get("rlinks") or ()
            uri = self.text(props.get("uri")) or (str(rlinks[0]["href"]) if rlinks else "")
            sha = self.text(props.get("sha256"))
            sha_path: Path = (*where, "props")
            for r_index, rlink in enumerate(rlinks):
                for h_index, digest in enumerate(rlink.get("hashes") or ()):
                    if sha is None and str(digest["algorithm"]).upper() == "SHA-256":
                        sha = str(digest["value"])
                        sha_path = (*where, "rlinks", r_index, "hashes", h_index, "value")
            if sha is not None and not _SHA256.match(sha):
                self.fail(sha_path, f"{sha!r} is not a SHA-256 (64 hexadecimal digits)")
        return Evidence(title=title, uri=uri, sha256=sha.lower() if sha else None, date=day)

    def item(self, raw: dict[str, Any], path: Path, index: int) -> PoamItem:
        props = self.props(raw, path)
        item_id = (
            self.text(props.get("item-id"))
            or fedramp_prop(raw.get("props"), "POAM-ID")
            or str(raw.get("uuid") or f"item-{index + 1}")
        )
        risks = list(self.linked(raw, "risk-uuid", self.risks, "risks"))
        if len(risks) > 1:
            self.report.note("some poam-items link several risks: poam used the first")
        risk, risk_path = risks[0] if risks else (None, None)
        if risk is not None and risk_path is not None:
            self.props(risk, risk_path)
        findings = [f for f, _ in self.linked(raw, "finding-uuid", self.findings, "findings")]
        requirement, objectives = self.requirement(
            raw, props, findings, risk, str(raw.get("title") or item_id)
        )
        milestones: tuple[Milestone, ...] = ()
        task_owner = None
        steps: list[str] = []
        resources = None
        self.activity = []
        if risk is not None and risk_path is not None:
            milestones, task_owner, steps = self.milestones(risk, risk_path)
            responses = risk.get("remediations") or ()
            if not steps:
                steps = self.response_steps(responses)
            assets = [
                str(asset["description"])
                for response in responses
                for asset in response.get("required-assets") or ()
            ]
            resources = "\n\n".join(assets) if assets else None
        evidence, found_by = self.evidence(raw, path)
        identified_by = self.text(props.get("identified-by"))
        if identified_by is None and found_by:
            identified_by = "; ".join(found_by)
        comments = str(raw["remarks"]) if raw.get("remarks") is not None else None
        if self.activity:
            log = "Risk log:\n" + "\n".join(f"- {line}" for line in self.activity)
            comments = f"{comments}\n\n{log}" if comments else log
        gap = str(raw.get("description") or "")
        if not gap.strip() and risk is not None:
            gap = str(risk.get("description") or "")
        return PoamItem(
            id=item_id,
            requirement=requirement,
            gap=gap,
            remediation=tuple(steps),
            owner=self.text(props.get("owner")) or task_owner or "",
            status=self.status(risk, risk_path),
            objectives=objectives,
            created=self.prop_date(props.get("created")),
            updated=self.prop_date(props.get("updated")),
            milestones=milestones,
            evidence=evidence,
            identified_by=identified_by,
            resources=resources,
            comments=comments or None,
        )

    @staticmethod
    def response_steps(responses: Any) -> list[str]:
        """Steps of a remediation without action tasks: the plans, else the recommendations."""
        for lifecycles in (("planned", "completed"), ("recommendation",)):
            steps = [
                str(r.get("description") or "").strip()
                for r in responses
                if r.get("lifecycle") in lifecycles
            ]
            if any(steps):
                return [step for step in steps if step]
        return []

    def read(self) -> Poam:
        head = self.head()
        path: Path = (*self.root, "poam-items")
        items = tuple(
            self.item(raw, (*path, index), index)
            for index, raw in enumerate(self.document.body["poam-items"])
            if not _is_placeholder(raw)
        )
        self.fail_if_any()
        self.report.use("poam-items", len(items))
        milestones = sum(len(item.milestones) for item in items)
        if milestones:
            self.report.use("milestones", milestones)
        evidence = sum(len(item.evidence) for item in items)
        if evidence:
            self.report.use("evidence", evidence)
        return Poam(items=items, **head)


def poam_from_document(document: Document, catalog: Catalog | None = None) -> tuple[Poam, Report]:
    """The POA&M in an OSCAL document, and what was used and skipped."""
    reader = _PoamReader(document, catalog or load_catalog())
    return reader.read(), reader.report
