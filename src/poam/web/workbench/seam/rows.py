"""The rows of a loaded system, as typed, frozen records (not model instances).

Pages and the API only read what a snapshot loaded; building these from ``values_list`` is
about twice as fast as building model instances, and being frozen they cannot be changed by
mistake and shared between requests and threads safely. Each record lists the columns it is read
from (``COLUMNS``) in its field order, so a query's tuples become records positionally.

They also travel as JSON (:func:`to_json`, :func:`from_json`) in the snapshot cache shared by
the server processes: plain values only, read back by these classes alone, never unpickled.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, TypeVar

import orjson


@dataclass(frozen=True, slots=True)
class RecordRow:
    """What the SSP says of one requirement (an ``SspRequirement``)."""

    id: int
    requirement: str
    status: str
    narrative: str
    objectives: dict[str, str]
    mfa: str | None
    encryption: str | None
    enduring_exception: str | None
    deficiency_plan: str | None
    deficiency_description: str
    responsible: str | None
    version: int

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "id",
        "requirement",
        "status",
        "narrative",
        "objectives",
        "mfa",
        "encryption",
        "enduring_exception",
        "deficiency_plan",
        "deficiency_description",
        "responsible",
        "version",
    )

    @property
    def pk(self) -> int:
        return self.id


@dataclass(frozen=True, slots=True)
class PoamRow:
    """One of the system's POA&Ms, its header only (a ``PoamDocument``)."""

    id: int
    kind: str
    maintainer: str
    last_reviewed: date | None
    review_cadence_days: int | None
    conditional_assessment: str | None
    conditional_status_date: date | None
    thresholds: dict[str, int]
    ignore: list[str]
    waivers: list[dict[str, str]]
    version: int

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "id",
        "kind",
        "maintainer",
        "last_reviewed",
        "review_cadence_days",
        "conditional_assessment",
        "conditional_status_date",
        "thresholds",
        "ignore",
        "waivers",
        "version",
    )

    @property
    def pk(self) -> int:
        return self.id


@dataclass(frozen=True, slots=True)
class MoveRow:
    """One move of a milestone's due date (a ``DueDateMove``)."""

    id: int
    milestone_id: int
    changed: date
    from_date: date | None
    to_date: date
    by: str
    justification: str

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "id",
        "milestone_id",
        "changed",
        "from_date",
        "to_date",
        "by",
        "justification",
    )


@dataclass(frozen=True, slots=True)
class MilestoneRow:
    """A live milestone of an entry (an ``EntryMilestone``) with its date moves."""

    id: int
    entry_id: int
    title: str
    due: date | None
    completed: date | None
    version: int
    moves: tuple[MoveRow, ...] = ()

    COLUMNS: ClassVar[tuple[str, ...]] = ("id", "entry_id", "title", "due", "completed", "version")

    @property
    def pk(self) -> int:
        return self.id


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    """A live piece of evidence of an entry (an ``EntryEvidence``); ``size`` of its stored file."""

    id: int
    entry_id: int
    title: str
    uri: str
    sha256: str | None
    date: date | None
    blob_id: str | None
    filename: str | None
    version: int
    size: int | None

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "id",
        "entry_id",
        "title",
        "uri",
        "sha256",
        "date",
        "blob_id",
        "filename",
        "version",
        "blob__size",
    )

    @property
    def pk(self) -> int:
        return self.id


@dataclass(frozen=True, slots=True)
class PersonRow:
    """The member an entry is assigned to."""

    id: int
    username: str
    first_name: str
    last_name: str

    @property
    def pk(self) -> int:
        return self.id

    def get_username(self) -> str:
        return self.username

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True, slots=True)
class EntryRow:
    """A live POA&M entry with its live milestones and evidence."""

    id: int
    poam_id: int
    kind: str
    system_id: int
    item_id: str
    requirement: str
    gap: str
    remediation: list[str]
    owner: str
    status: str
    objectives: list[str]
    created: date | None
    updated: date | None
    identified_by: str | None
    resources: str | None
    comments: str | None
    version: int
    assignee: PersonRow | None = None
    milestones: tuple[MilestoneRow, ...] = ()
    evidence: tuple[EvidenceRow, ...] = ()

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "id",
        "poam_id",
        "poam__kind",
        "poam__system_id",
        "item_id",
        "requirement",
        "gap",
        "remediation",
        "owner",
        "status",
        "objectives",
        "created",
        "updated",
        "identified_by",
        "resources",
        "comments",
        "version",
    )
    ASSIGNEE: ClassVar[tuple[str, ...]] = (
        "assignee_id",
        "assignee__username",
        "assignee__first_name",
        "assignee__last_name",
    )

    @property
    def pk(self) -> int:
        return self.id

    @property
    def assignee_id(self) -> int | None:
        return None if self.assignee is None else self.assignee.id


T = TypeVar("T")


def build(cls: type[T], values: Sequence[Any], *nested: Any) -> T:
    """A record from a query's tuple (its ``COLUMNS``, in order) and its nested parts."""
    return cls(*values, *nested)


# --- JSON ------------------------------------------------------------------------------------

Decoder = Callable[[Any], Any]


def _day(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _optional(decode: Decoder) -> Decoder:
    return lambda value: None if value is None else decode(value)


def _many(decode: Decoder) -> Decoder:
    return lambda values: tuple(decode(value) for value in values)


def _decoder(cls: type[Any], nested: dict[str, Decoder] | None = None) -> Decoder:
    """Read back a record written by :func:`to_json`: its fields in order, dates parsed."""
    nested = nested or {}
    converters: list[Decoder | None] = []
    for item in dataclasses.fields(cls):
        if item.name in nested:
            converters.append(nested[item.name])
        elif "date" in str(item.type):
            converters.append(_day)
        else:
            converters.append(None)

    converted = [(index, convert) for index, convert in enumerate(converters) if convert]
    width = len(converters)

    def decode(values: list[Any]) -> Any:
        if len(values) != width:
            raise ValueError(f"{cls.__name__} has {width} fields, not {len(values)}")
        for index, convert in converted:
            values[index] = convert(values[index])
        return cls(*values)

    return decode


_record = _decoder(RecordRow)
_poam = _decoder(PoamRow)
_move = _decoder(MoveRow)
_milestone = _decoder(MilestoneRow, {"moves": _many(_move)})
_evidence = _decoder(EvidenceRow)
_person = _decoder(PersonRow)
_entry = _decoder(
    EntryRow,
    {
        "assignee": _optional(_person),
        "milestones": _many(_milestone),
        "evidence": _many(_evidence),
    },
)


def _plain(value: Any) -> Any:
    """A record as a JSON array of its fields, in order (dates as ISO strings)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [_plain(getattr(value, item.name)) for item in dataclasses.fields(value)]
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return value


def to_json(records: list[RecordRow], poams: list[PoamRow], entries: list[EntryRow]) -> bytes:
    """The rows of one system as JSON."""
    return orjson.dumps([_plain(records), _plain(poams), _plain(entries)])


def from_json(data: bytes) -> tuple[list[RecordRow], list[PoamRow], list[EntryRow]]:
    """The rows written by :func:`to_json` (ValueError if the data is not such rows)."""
    try:
        records, poams, entries = orjson.loads(data)
        return (
            [_record(row) for row in records],
            [_poam(row) for row in poams],
            [_entry(row) for row in entries],
        )
    except (TypeError, KeyError, IndexError, ValueError) as error:
        raise ValueError(f"not the rows of a snapshot: {error}") from None


def layout() -> str:
    """The fields of every record, to key the cache: a new field never reads an old file."""
    classes = (RecordRow, PoamRow, MoveRow, MilestoneRow, EvidenceRow, PersonRow, EntryRow)
    return ";".join(
        f"{cls.__name__}({','.join(f'{f.name}:{f.type}' for f in dataclasses.fields(cls))})"
        for cls in classes
    )
