"""The CMMC status record (assessments of record, closeouts, affirmations) in an OSCAL SSP.

OSCAL has no place for a CMMC status, so poam writes it as props of the SSP's
``system-characteristics`` in its own namespace, one ``group`` per assessment
(``assessment-1``...) and per affirmation (``affirmation-1``...), so that a document carries the
whole record and reads back equal (docs/oscal.md lists the names).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from poam.core.model import (
    Affirmation,
    AffirmationKind,
    AssessmentOfRecord,
    AssessmentResult,
    AssessmentType,
    Closeout,
    CloseoutResult,
    CmmcRecord,
)
from poam.formats.native.source import Path
from poam.formats.oscal.mapping import NS, Prop, prop, prop_text, text_prop
from poam.formats.oscal.reading import Reader

ASSESSMENT_PROPS = (
    "assessment-type",
    "assessment-date",
    "status-date",
    "assessment-result",
    "assessment-score",
    "cmmc-uid",
    "closeout-date",
    "closeout-result",
)
AFFIRMATION_PROPS = (
    "affirmation-type",
    "affirmation-date",
    "affirming-official",
    "affirming-official-title",
)
NAMES = frozenset({*ASSESSMENT_PROPS, *AFFIRMATION_PROPS})


def record_props(record: CmmcRecord) -> list[Prop]:
    """The record as grouped props (implied records live in the POA&M, not here)."""
    props: list[Prop] = []
    number = 0
    for item in record.assessments:
        if item.implied:
            continue
        number += 1
        group = f"assessment-{number}"
        props += [
            prop("assessment-type", item.type.value, group=group),
            prop("assessment-date", item.date.isoformat(), group=group),
            prop("status-date", item.status_date.isoformat(), group=group),
            prop("assessment-result", item.result.value, group=group),
        ]
        if item.score is not None:
            props.append(prop("assessment-score", str(item.score), group=group))
        if item.uid is not None:
            props.append(text_prop("cmmc-uid", item.uid, group=group))
        if item.closeout is not None:
            props += [
                prop("closeout-date", item.closeout.date.isoformat(), group=group),
                prop("closeout-result", item.closeout.result.value, group=group),
            ]
    for index, affirmation in enumerate(record.affirmations, 1):
        group = f"affirmation-{index}"
        props += [
            prop("affirmation-type", affirmation.kind.value, group=group),
            prop("affirmation-date", affirmation.date.isoformat(), group=group),
            text_prop("affirming-official", affirmation.official, group=group),
            text_prop("affirming-official-title", affirmation.title, group=group),
        ]
    return props


def _groups(
    owner: Mapping[str, Any], path: Path
) -> dict[str, dict[str, tuple[Mapping[str, Any], Path]]]:
    """poam's record props by group, then by name (the first of each name)."""
    groups: dict[str, dict[str, tuple[Mapping[str, Any], Path]]] = {}
    for index, found in enumerate(owner.get("props") or ()):
        if found.get("ns") == NS and found.get("name") in NAMES:
            group = str(found.get("group") or "")
            groups.setdefault(group, {}).setdefault(
                str(found["name"]), (found, (*path, "props", index))
            )
    return groups


class _Group:
    """One group's props, read with the reader's problems (each names its place)."""

    def __init__(
        self, reader: Reader, props: Mapping[str, tuple[Mapping[str, Any], Path]], path: Path
    ) -> None:
        self.reader = reader
        self.props = props
        self.path = path

    def required(self, name: str) -> tuple[Mapping[str, Any], Path] | None:
        found = self.props.get(name)
        if found is None:
            self.reader.fail(self.path, f"the group has no poam prop {name!r}")
        return found

    def text(self, name: str, required: bool = True) -> str | None:
        found = self.required(name) if required else self.props.get(name)
        if found is None:
            return None
        value = prop_text(found[0])
        if not value.strip():
            self.reader.fail((*found[1], "value"), f"{name} is empty")
            return None
        return value

    def day(self, name: str, required: bool = True) -> date | None:
        found = self.required(name) if required else self.props.get(name)
        return None if found is None else self.reader.read_date(found[0].get("value"), found[1])

    def choice(self, name: str, options: Iterable[str], required: bool = True) -> str | None:
        found = self.required(name) if required else self.props.get(name)
        if found is None:
            return None
        value = str(found[0].get("value"))
        allowed = list(options)
        if value not in allowed:
            self.reader.fail(
                (*found[1], "value"),
                f"{value!r} is not a known {name} (expected one of {', '.join(allowed)})",
            )
            return None
        return value

    def score(self) -> int | None:
        found = self.props.get("assessment-score")
        if found is None:
            return None
        value = str(found[0].get("value"))
        if not value.lstrip("-").isdigit() or len(value) > 4 or not -203 <= int(value) <= 110:
            self.reader.fail((*found[1], "value"), f"{value!r} is not a score (-203 to 110)")
            return None
        return int(value)


def read_record(reader: Reader, owner: Mapping[str, Any], path: Path) -> CmmcRecord:
    """The record written by :func:`record_props`, each problem named at its prop."""
    assessments: list[AssessmentOfRecord] = []
    affirmations: list[Affirmation] = []
    for name, props in _groups(owner, path).items():
        first_path = next(iter(props.values()))[1]
        group = _Group(reader, props, first_path)
        if not name:
            reader.fail(first_path, "a CMMC status prop without a `group` (assessment-N)")
            continue
        if any(key in props for key in AFFIRMATION_PROPS):
            kind = group.choice("affirmation-type", [k.value for k in AffirmationKind])
            when = group.day("affirmation-date")
            official = group.text("affirming-official")
            title = group.text("affirming-official-title")
            if kind and when and official and title:
                affirmations.append(Affirmation(AffirmationKind(kind), when, official, title))
            continue
        kind = group.choice("assessment-type", [t.value for t in AssessmentType])
        when = group.day("assessment-date")
        status_date = group.day("status-date")
        result = group.choice("assessment-result", [r.value for r in AssessmentResult])
        score = group.score()
        uid = group.text("cmmc-uid", required=False)
        closed = group.day("closeout-date", required=False)
        closeout_result = group.choice(
            "closeout-result",
            [r.value for r in CloseoutResult],
            required=closed is not None,
        )
        if kind and when and status_date and result:
            assessments.append(
                AssessmentOfRecord(
                    type=AssessmentType(kind),
                    date=when,
                    status_date=status_date,
                    result=AssessmentResult(result),
                    score=score,
                    uid=uid,
                    closeout=None
                    if closed is None or closeout_result is None
                    else Closeout(closed, CloseoutResult(closeout_result)),
                )
            )
    return CmmcRecord(tuple(assessments), tuple(affirmations))
