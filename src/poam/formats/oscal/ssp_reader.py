"""Read an OSCAL ``system-security-plan`` into the core model.

The status of a requirement is read from every status it carries: FedRAMP's
``implementation-status`` prop on the requirement and the ``implementation-status`` of each
component (``this-system`` and the others, for the requirement or one of its statements). A
requirement is MET only when all of it is (32 CFR 170.24(b)(1)): the least implemented status
wins, and a part in a state CMMC does not score (``alternative``) leaves it unassessed. A
requirement with no status anywhere is left unassessed (so NOT MET), and said so. Control ids
that are not NIST SP 800-171 Rev 2 requirements (SP 800-53's ``ac-2``) are kept in
``Ssp.unknown``, where ``poam check`` reports them. Refused: a requirement listed twice, and an
SSP that names not one Rev 2 requirement (an SP 800-53 SSP: its import would say nothing).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from poam.core.catalog import Catalog, load_catalog
from poam.core.model import (
    EncryptionState,
    ImplementationStatus,
    MfaState,
    ObjectiveResult,
    RequirementRecord,
    Scope,
    Ssp,
    SspInfo,
    SystemInfo,
    TemporaryDeficiency,
)
from poam.formats.native.source import Path
from poam.formats.oscal.controls import describe, resolve_with_labels
from poam.formats.oscal.detect import Document
from poam.formats.oscal.mapping import SSP_ROOT, fedramp_prop
from poam.formats.oscal.parties import ORGANIZATION_ROLE, Names
from poam.formats.oscal.reading import Reader, at
from poam.formats.oscal.report import Report
from poam.formats.oscal.schema import describe as describe_path
from poam.formats.oscal.status_record import NAMES as RECORD_PROPS
from poam.formats.oscal.status_record import read_record

STATUS_FROM_OSCAL = {
    "implemented": ImplementationStatus.IMPLEMENTED,
    "partial": ImplementationStatus.PARTIALLY_IMPLEMENTED,
    "partially-implemented": ImplementationStatus.PARTIALLY_IMPLEMENTED,
    "planned": ImplementationStatus.PLANNED,
    "not-implemented": ImplementationStatus.NOT_IMPLEMENTED,
    "not-applicable": ImplementationStatus.NOT_APPLICABLE,
}
NO_CMMC_EQUIVALENT = {"alternative"}
"""OSCAL states poam knows but cannot score: an alternative implementation is not MET under
CMMC unless it is an enduring exception or a temporary deficiency (32 CFR 170.24(b)(1))."""
STATES = (*STATUS_FROM_OSCAL, *NO_CMMC_EQUIVALENT)

_EPOCH = date(1900, 1, 1)  # stands in for a date already reported as wrong

_WEAKEST_FIRST = (
    ImplementationStatus.NOT_IMPLEMENTED,
    ImplementationStatus.PLANNED,
    ImplementationStatus.PARTIALLY_IMPLEMENTED,
    ImplementationStatus.IMPLEMENTED,
    ImplementationStatus.NOT_APPLICABLE,
)


class _SspReader(Reader):
    known_props = frozenset({
        "scope", "cage-code", "system-name", "ssp-version", "ssp-date", "cmmc-id", "points",
        "poam-eligible", "mfa", "encryption", "enduring-exception", "temporary-deficiency-plan",
        "temporary-deficiency", "ssp-update-cadence-days", *RECORD_PROPS,
    })  # fmt: skip
    foreign_props = frozenset({"label", "implementation-status"})

    def __init__(self, document: Document, catalog: Catalog) -> None:
        super().__init__(document, catalog, "system-security-plan")
        body = document.body
        self.root: Path = (SSP_ROOT,)
        self.names = Names(body["metadata"])
        components = (body.get("system-implementation") or {}).get("components") or ()
        self.reported: set[str] = set()
        self.this_system = {str(c["uuid"]) for c in components if c.get("type") == "this-system"}

    def info(self) -> SspInfo:
        metadata = self.document.body["metadata"]
        path = (*self.root, "metadata")
        props = self.props(metadata, path)
        version = self.text(props.get("ssp-version")) or str(metadata["version"])
        day = self.prop_date(props.get("ssp-date"))
        if day is None and "ssp-date" not in props:
            field = "published" if metadata.get("published") else "last-modified"
            day = self.read_datetime(metadata[field], (*path, field))
        cadence = props.get("ssp-update-cadence-days")
        days = None
        if cadence is not None:
            value = str(cadence[0].get("value"))
            if value.isdigit() and 1 <= int(value) <= 3650:
                days = int(value)
            else:
                self.fail((*at(cadence), "value"), f"{value!r} is not a number of days (1 to 3650)")
        return SspInfo(version, day or _EPOCH, update_cadence_days=days)

    def system(self) -> SystemInfo:
        body = self.document.body
        characteristics = body["system-characteristics"]
        path = (*self.root, "system-characteristics")
        props = self.props(characteristics, path)
        scope = self.enum(props.get("scope"), [s.value for s in Scope], "scope")
        if scope is None and "scope" not in props:
            scope = Scope.ENTERPRISE.value
            self.report.note(
                "no CMMC assessment scope (poam prop 'scope'): assumed enterprise; "
                "set system.scope in ssp.yaml"
            )
        codes: list[str] = []
        for found, where in self.all_props(characteristics, path, "cage-code"):
            code = str(found.get("value")).upper()
            if len(code) != 5 or not code.isalnum() or not code.isascii():
                self.fail((*where, "value"), f"{code!r} is not a CAGE code (5 letters or digits)")
            elif code not in codes:
                codes.append(code)
        description = str(characteristics.get("description") or "") or None
        organization = self.names.first_in_role(ORGANIZATION_ROLE, kind="organization")
        return SystemInfo(
            name=self.text(props.get("system-name")) or str(characteristics["system-name"]),
            scope=Scope(scope or Scope.ENTERPRISE.value),
            cage_codes=tuple(codes),
            organization=organization,
            description=description,
        )

    def _state(self, value: Any, path: Path, control: str) -> ImplementationStatus | None:
        state = str(value)
        status = STATUS_FROM_OSCAL.get(state)
        if status is not None:
            return status
        if state in NO_CMMC_EQUIVALENT:
            if control not in self.reported:
                self.reported.add(control)
                self.report.skip(
                    f"requirements with a part in the status '{state}', which CMMC does not "
                    "score (the requirement is left unassessed, so NOT MET)",
                    control,
                )
            return None
        self.fail(
            path,
            f"{state!r} is not a known implementation status (expected one of {', '.join(STATES)})",
        )
        return None

    def status(self, raw: dict[str, Any], path: Path, control: str) -> ImplementationStatus | None:
        """The requirement's status (see the module docstring), or None when there is none.

        Every status the requirement carries counts: a requirement is MET only when all of it
        is (32 CFR 170.24(b)(1)), so one part in a state CMMC does not score (``alternative``)
        leaves the whole requirement unassessed, and otherwise the least implemented wins."""
        found: list[ImplementationStatus] = []
        unscored = False
        fedramp = fedramp_prop(raw.get("props"), "implementation-status")
        if fedramp is not None:
            state = self._state(fedramp, (*path, "props"), control)
            unscored |= state is None and fedramp in NO_CMMC_EQUIVALENT
            if state is not None:
                found.append(state)
        for where, by in self._by_components(raw, path):
            if "implementation-status" in by:
                value = by["implementation-status"]["state"]
                state = self._state(value, (*where, "implementation-status", "state"), control)
                unscored |= state is None and value in NO_CMMC_EQUIVALENT
                if state is not None:
                    found.append(state)
        if unscored or not found:
            return None
        if len(set(found)) > 1:
            self.report.note(
                "some requirements have parts with different statuses: poam took the least "
                "implemented (32 CFR 170.24(b)(1))"
            )
        return min(found, key=_WEAKEST_FIRST.index)

    @staticmethod
    def _by_components(raw: dict[str, Any], path: Path) -> list[tuple[Path, dict[str, Any]]]:
        result = [
            ((*path, "by-components", i), by) for i, by in enumerate(raw.get("by-components") or ())
        ]
        for s_index, statement in enumerate(raw.get("statements") or ()):
            result.extend(
                ((*path, "statements", s_index, "by-components", i), by)
                for i, by in enumerate(statement.get("by-components") or ())
            )
        return result

    def narrative(self, raw: dict[str, Any], path: Path) -> str:
        for by in raw.get("by-components") or ():
            if str(by["component-uuid"]) in self.this_system:
                return str(by.get("description") or "")
        texts = [
            str(by.get("description") or "").strip() for _, by in self._by_components(raw, path)
        ]
        return "\n\n".join(text for text in texts if text)

    def requirement(
        self, raw: dict[str, Any], path: Path, nist_id: str
    ) -> RequirementRecord | None:
        control = str(raw["control-id"])
        props = self.props(raw, path)
        status = self.status(raw, path, control)
        if status is None:
            if control not in self.reported:
                self.report.skip(
                    "requirements without an implementation status (left unassessed, so NOT MET)",
                    control,
                )
            return None
        objectives = {}
        for name, found in props.items():
            if name.startswith("objective-"):
                letter = name.removeprefix("objective-")
                value = self.enum(found, [r.value for r in ObjectiveResult], "objective result")
                if len(letter) != 1 or not letter.isalpha() or not letter.islower():
                    self.fail(at(found), f"{name!r}: an objective is one letter, a to z")
                elif value is not None:
                    objectives[letter] = ObjectiveResult(value)
        mfa = self.enum(props.get("mfa"), [s.value for s in MfaState], "MFA state")
        encryption = self.enum(
            props.get("encryption"), [s.value for s in EncryptionState], "encryption state"
        )
        plan = self.text(props.get("temporary-deficiency-plan"))
        deficiency = None
        if plan is not None:
            deficiency = TemporaryDeficiency(
                plan, self.text(props.get("temporary-deficiency")) or ""
            )
        responsible = self.names.responsible_roles(raw.get("responsible-roles"))
        if responsible is None:
            for by in raw.get("by-components") or ():
                if str(by["component-uuid"]) in self.this_system:
                    responsible = self.names.responsible_roles(by.get("responsible-roles"))
        return RequirementRecord(
            requirement=nist_id,
            status=status,
            narrative=self.narrative(raw, path),
            objectives=objectives,
            mfa=MfaState(mfa) if mfa else None,
            encryption=EncryptionState(encryption) if encryption else None,
            enduring_exception=self.text(props.get("enduring-exception")),
            temporary_deficiency=deficiency,
            responsible=responsible or None,
        )

    def read(self) -> Ssp:
        body = self.document.body
        info = self.info()
        system = self.system()
        records: dict[str, RequirementRecord] = {}
        first: dict[str, int] = {}
        unknown: list[str] = []
        path: Path = (*self.root, "control-implementation", "implemented-requirements")
        implemented = body["control-implementation"]["implemented-requirements"]
        for index, raw in enumerate(implemented):
            where = (*path, index)
            control = str(raw["control-id"])
            ref = resolve_with_labels(control, raw.get("props"), self.catalog)
            if ref.nist_id is None:
                if control not in unknown:
                    unknown.append(control)
                self.report.skip(f"requirements: {describe(ref.kind)}", control)
                continue
            if ref.nist_id in first:
                self.twice(where, ref.nist_id, (*path, first[ref.nist_id]))
                continue
            first[ref.nist_id] = index
            record = self.requirement(raw, where, ref.nist_id)
            if record is not None:
                records[ref.nist_id] = record
        if not first and not self.problems:
            self.fail(path, self.no_requirement(len(implemented), unknown))
        self.fail_if_any()
        self.report.use("requirements", len(records))
        status = read_record(
            self, body["system-characteristics"], (*self.root, "system-characteristics")
        )
        self.fail_if_any()
        return Ssp(
            system=system,
            info=info,
            requirements=records,
            unknown=tuple(unknown),
            cmmc=status,
        )

    def twice(self, where: Path, nist_id: str, first: Path) -> None:
        """A requirement described twice: which description holds is anyone's guess."""
        line = self.document.where((*first, "control-id"))[0]
        at = f"line {line}" if line is not None else describe_path(first, self.document.data)
        self.fail(
            (*where, "control-id"),
            f"describes requirement {nist_id} a second time (first at {at}): an SSP describes "
            "each requirement once; merge the two",
        )

    @staticmethod
    def no_requirement(listed: int, unknown: list[str]) -> str:
        """Why an SSP naming no Rev 2 requirement is refused: its import would say nothing."""
        ids = ""
        if unknown:
            ids = f" ({', '.join(unknown[:3])}{', ...' if len(unknown) > 3 else ''})"
        return (
            f"not one of its {listed} implemented-requirements names a NIST SP 800-171 Rev 2 "
            f"requirement{ids}: this is not an SSP poam can use for CMMC Level 2 "
            "(32 CFR 170.14(c)(3)); nothing is imported"
        )


def ssp_from_document(document: Document, catalog: Catalog | None = None) -> tuple[Ssp, Report]:
    """The SSP in an OSCAL document, and what was used and skipped."""
    reader = _SspReader(document, catalog or load_catalog())
    return reader.read(), reader.report
