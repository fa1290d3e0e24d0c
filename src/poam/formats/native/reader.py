"""Read ``ssp.yaml`` and ``poam.yaml`` (or their JSON twins) into the core model.

Validation happens in two passes, both naming file, line and field: the published JSON Schema
(one source of truth for the docs and the reader), then what a schema cannot say (a date that
does not exist, a requirement listed twice under two spellings).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path as FsPath
from typing import Any

from poam.core.catalog import Catalog, is_rev3_id, load_catalog, rev3_message
from poam.core.model import (
    AssessmentType,
    ConditionalInfo,
    EncryptionState,
    Evidence,
    ImplementationStatus,
    ItemStatus,
    MfaState,
    Milestone,
    MilestoneChange,
    ObjectiveResult,
    Poam,
    PoamItem,
    PoamKind,
    RequirementRecord,
    Scope,
    Ssp,
    SspInfo,
    SystemInfo,
    TemporaryDeficiency,
    Thresholds,
    Waiver,
)
from poam.core.serialize import cmmc_from_data
from poam.formats.errors import InputError, Problem
from poam.formats.native.schema import schema_problems
from poam.formats.native.source import Path, Source, parse, read_source


class _Converter:
    """Turns validated data into model objects, collecting the problems a schema cannot see."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def date(self, value: Any, path: Path) -> date | None:
        if value is None:
            return None
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.problems.append(self.source.problem(path, f"{value!r} is not a date (YYYY-MM-DD)"))
            return None

    def text(self, value: Any) -> str:
        return "" if value is None else str(value)

    def optional(self, value: Any) -> str | None:
        return None if value is None else str(value)

    def raw_text(self, value: Any, path: Path) -> str:
        """A value meant as text, as written (a YAML number such as 2026.10 stays '2026.10')."""
        return self.source.raw.get(path, str(value))

    def fail_if_any(self) -> None:
        if self.problems:
            raise InputError(self.problems)


def _validated(source: Source, kind: str) -> None:
    if not isinstance(source.data, dict):
        raise InputError.single(source.file, f"expected a mapping at the top of the {kind} file")
    problems = schema_problems(kind, source)
    if problems:
        raise InputError(problems)


def ssp_from_source(source: Source, catalog: Catalog | None = None) -> Ssp:
    """The SSP in ``source`` (already parsed), validated."""
    catalog = catalog or load_catalog()
    _validated(source, "ssp")
    data = source.data
    conv = _Converter(source)
    system = data["system"]
    info = data["ssp"]
    records: dict[str, RequirementRecord] = {}
    first_key: dict[str, str] = {}
    unknown: list[str] = []
    for key, raw in data["requirements"].items():
        nist_id = catalog.normalize(key)
        where: Path = ("requirements", key)
        if nist_id is None:
            if is_rev3_id(key):
                conv.problems.append(source.problem(where, rev3_message(key)))
            else:
                unknown.append(key)
            continue
        if nist_id in records:
            conv.problems.append(
                source.problem(
                    where, f"{key!r} is {nist_id}, already listed as {first_key[nist_id]!r}"
                )
            )
            continue
        first_key[nist_id] = key
        deficiency = raw.get("temporary_deficiency")
        records[nist_id] = RequirementRecord(
            requirement=nist_id,
            status=ImplementationStatus(raw["status"]),
            narrative=conv.text(raw.get("narrative")),
            objectives={k: ObjectiveResult(v) for k, v in (raw.get("objectives") or {}).items()},
            mfa=MfaState(raw["mfa"]) if raw.get("mfa") is not None else None,
            encryption=EncryptionState(raw["encryption"]) if raw.get("encryption") else None,
            enduring_exception=conv.optional(raw.get("enduring_exception")),
            temporary_deficiency=None
            if deficiency is None
            else TemporaryDeficiency(
                conv.text(deficiency.get("plan")), conv.text(deficiency.get("description"))
            ),
            responsible=conv.optional(raw.get("responsible")),
        )
    ssp_date = conv.date(info["date"], ("ssp", "date"))
    cmmc = cmmc_from_data(data.get("cmmc"))  # the schema has checked every field and date
    conv.fail_if_any()
    assert ssp_date is not None
    return Ssp(
        system=SystemInfo(
            name=system["name"],
            scope=Scope(system["scope"]),
            cage_codes=tuple(str(code).upper() for code in system.get("cage_codes") or ()),
            organization=conv.optional(system.get("organization")),
            description=conv.optional(system.get("description")),
        ),
        info=SspInfo(
            conv.raw_text(info["version"], ("ssp", "version")),
            ssp_date,
            update_cadence_days=info.get("update_cadence_days"),
        ),
        requirements=records,
        unknown=tuple(unknown),
        cmmc=cmmc,
    )


def _item(conv: _Converter, catalog: Catalog, raw: dict[str, Any], path: Path) -> PoamItem:
    requirement = str(raw["requirement"])
    if is_rev3_id(requirement):
        conv.problems.append(conv.source.problem((*path, "requirement"), rev3_message(requirement)))
    milestones = []
    for m_index, m_raw in enumerate(raw.get("milestones") or ()):
        m_path = (*path, "milestones", m_index)
        history = tuple(
            MilestoneChange(
                changed=conv.date(change["changed"], (*m_path, "history", h, "changed"))
                or date.min,
                from_date=conv.date(change.get("from"), (*m_path, "history", h, "from")),
                to_date=conv.date(change["to"], (*m_path, "history", h, "to")) or date.min,
                by=conv.text(change.get("by")),
                justification=conv.text(change.get("justification")),
            )
            for h, change in enumerate(m_raw.get("history") or ())
        )
        milestones.append(
            Milestone(
                title=m_raw["title"],
                due=conv.date(m_raw.get("due"), (*m_path, "due")),
                completed=conv.date(m_raw.get("completed"), (*m_path, "completed")),
                history=history,
            )
        )
    evidence = tuple(
        Evidence(
            title=e_raw["title"],
            uri=conv.text(e_raw.get("uri")),
            sha256=(e_raw.get("sha256") or "").lower() or None,
            date=conv.date(e_raw.get("date"), (*path, "evidence", e_index, "date")),
        )
        for e_index, e_raw in enumerate(raw.get("evidence") or ())
    )
    return PoamItem(
        id=str(raw["id"]),
        requirement=catalog.normalize(requirement) or requirement,
        gap=conv.text(raw.get("gap")),
        remediation=tuple(str(step) for step in raw.get("remediation") or ()),
        owner=conv.text(raw.get("owner")),
        status=ItemStatus(raw.get("status") or ItemStatus.NOT_STARTED),
        objectives=tuple(raw.get("objectives") or ()),
        created=conv.date(raw.get("created"), (*path, "created")),
        updated=conv.date(raw.get("updated"), (*path, "updated")),
        milestones=tuple(milestones),
        evidence=evidence,
        identified_by=conv.optional(raw.get("identified_by")),
        resources=conv.optional(raw.get("resources")),
        comments=conv.optional(raw.get("comments")),
    )


def poam_from_source(source: Source, catalog: Catalog | None = None) -> Poam:
    """The POA&M in ``source`` (already parsed), validated."""
    catalog = catalog or load_catalog()
    _validated(source, "poam")
    data = source.data
    conv = _Converter(source)
    head = data["poam"]
    conditional = head.get("conditional")
    conditional_info = None
    if conditional is not None:
        status_date = conv.date(conditional["status_date"], ("poam", "conditional", "status_date"))
        if status_date is not None:
            conditional_info = ConditionalInfo(
                AssessmentType(conditional["assessment"]), status_date
            )
    kind = PoamKind(head.get("kind") or PoamKind.INTERNAL)
    if kind is PoamKind.INTERNAL and conditional is not None:
        conv.problems.append(
            source.problem(
                ("poam", "conditional"), "`conditional` is only for a POA&M of kind conditional"
            )
        )
    items = tuple(
        _item(conv, catalog, raw, ("items", index))
        for index, raw in enumerate(data.get("items") or ())
    )
    waivers = tuple(
        Waiver(
            code=raw["code"],
            reason=raw["reason"],
            requirement=catalog.normalize(raw["requirement"]) or raw["requirement"]
            if raw.get("requirement")
            else None,
            item=conv.optional(raw.get("item")),
            by=conv.optional(raw.get("by")),
            until=conv.date(raw.get("until"), ("poam", "waivers", index, "until")),
        )
        for index, raw in enumerate(head.get("waivers") or ())
    )
    last_reviewed = conv.date(head.get("last_reviewed"), ("poam", "last_reviewed"))
    conv.fail_if_any()
    return Poam(
        kind=kind,
        maintainer=conv.text(head.get("maintainer")),
        last_reviewed=last_reviewed,
        review_cadence_days=head.get("review_cadence_days"),
        conditional=conditional_info,
        items=items,
        thresholds=Thresholds(**(head.get("thresholds") or {})),
        ignore=tuple(head.get("ignore") or ()),
        waivers=waivers,
    )


def load_ssp(path: str | FsPath, catalog: Catalog | None = None) -> Ssp:
    """Read an SSP file; InputError names every problem with its line and field."""
    return ssp_from_source(read_source(FsPath(path)), catalog)


def load_poam(path: str | FsPath, catalog: Catalog | None = None) -> Poam:
    """Read a POA&M file; InputError names every problem with its line and field."""
    return poam_from_source(read_source(FsPath(path)), catalog)


def loads_ssp(text: str, name: str = "ssp.yaml", catalog: Catalog | None = None) -> Ssp:
    return ssp_from_source(parse(name, text), catalog)


def loads_poam(text: str, name: str = "poam.yaml", catalog: Catalog | None = None) -> Poam:
    return poam_from_source(parse(name, text), catalog)
