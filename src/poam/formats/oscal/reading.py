"""What the SSP and POA&M readers share: problems with places, dates, and poam's props.

Readers collect every problem (a date that does not exist, a status poam does not know) and
raise one InputError at the end, naming file, field and, where it can be found, the line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from functools import lru_cache
from typing import Any

from poam.core.catalog import Catalog
from poam.formats.errors import InputError, Problem
from poam.formats.native.source import Path
from poam.formats.oscal.detect import Document
from poam.formats.oscal.mapping import FEDRAMP_NS, NS, date_of, prop_text
from poam.formats.oscal.report import Report
from poam.formats.oscal.schema import problem, schema_problems

_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FOREIGN_NS = frozenset({*FEDRAMP_NS, "http://csrc.nist.gov/ns/oscal"})

FOUND = tuple[Mapping[str, Any], Path, int]
"""A poam prop, the path of its owner and its index in ``props`` (the path is built lazily)."""

_EMPTY: dict[str, FOUND] = {}


def at(found: FOUND) -> Path:
    """The path of a found prop, for an error message."""
    return (*found[1], "props", found[2])


def datetime_value(value: Any) -> date | None:
    """The calendar date of an OSCAL date-time as written, or None if it is not one."""
    return _datetime_of(value) if isinstance(value, str) else None


def date_value(value: Any) -> date | None:
    """A ``YYYY-MM-DD`` date, or None if it is not one (or does not exist)."""
    return _date_of(value) if isinstance(value, str) else None


# Remembered: a POA&M repeats the same few hundred dates thousands of times.
@lru_cache(maxsize=8192)
def _datetime_of(value: str) -> date | None:
    if not _DATE_TIME.match(value):
        return None
    try:
        return date_of(value)
    except ValueError:
        return None


@lru_cache(maxsize=8192)
def _date_of(value: str) -> date | None:
    if len(value) != 10 or not _DATE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


class Reader:
    """The state of one read: the document, the problems found, and the report."""

    known_props: frozenset[str] = frozenset()
    """poam's props this reader understands (others in poam's namespace are reported)."""
    foreign_props: frozenset[str] = frozenset()
    """Props of other namespaces this reader uses (``label``, FedRAMP's ``POAM-ID``...)."""

    def __init__(self, document: Document, catalog: Catalog, model: str) -> None:
        self.document = document
        self.catalog = catalog
        self.report = Report(document.file, model)
        self.problems: list[Problem] = []
        problems = schema_problems(document)
        if problems:
            raise InputError(problems)

    def fail(self, path: Path, message: str) -> None:
        self.problems.append(problem(self.document, path, message))

    def fail_if_any(self) -> None:
        if self.problems:
            raise InputError(self.problems)

    def read_datetime(self, value: Any, path: Path) -> date | None:
        """The calendar date of an OSCAL date-time, or a problem."""
        found = datetime_value(value)
        if found is None:
            self.fail(
                path,
                f"{str(value)!r} is not a date-time with a time zone "
                "(YYYY-MM-DDThh:mm:ssZ, a date that exists)",
            )
        return found

    def read_date(self, value: Any, path: Path) -> date | None:
        """A date written as a prop value, or a problem."""
        found = date_value(value)
        if found is None:
            self.fail(path, f"{str(value)!r} is not a date (YYYY-MM-DD, a date that exists)")
        return found

    def props(self, owner: Mapping[str, Any], path: Path) -> dict[str, FOUND]:
        """poam's props of ``owner`` by name (the first of each); others are counted as ignored.

        The result may be shared: do not change it."""
        raw = owner.get("props")
        if not raw:
            return _EMPTY
        result: dict[str, FOUND] = {}
        known = self.known_props
        for index, found in enumerate(raw):
            name = found["name"]
            ns = found.get("ns")
            if ns == NS:
                if name in known or name.startswith("objective-"):
                    if name not in result:
                        result[name] = (found, path, index)
                    continue
            elif name in self.foreign_props and (ns is None or ns in _FOREIGN_NS):
                continue
            self.report.ignore_prop(str(name), ns)
        return result

    def all_props(
        self, owner: Mapping[str, Any], path: Path, name: str
    ) -> Iterable[tuple[Mapping[str, Any], Path]]:
        """Every poam prop called ``name`` (for repeated props such as ``cage-code``)."""
        for index, found in enumerate(owner.get("props") or ()):
            if found.get("ns") == NS and found.get("name") == name:
                yield found, (*path, "props", index)

    @staticmethod
    def text(found: FOUND | None) -> str | None:
        return None if found is None else prop_text(found[0])

    def prop_date(self, found: FOUND | None) -> date | None:
        if found is None:
            return None
        value = found[0].get("value")
        return date_value(value) or self.read_date(value, (*at(found), "value"))

    def enum(self, found: FOUND | None, allowed: Iterable[str], what: str) -> str | None:
        """The value of an enumerated prop, or a problem naming the values allowed."""
        if found is None:
            return None
        value = str(found[0].get("value"))
        options = list(allowed)
        if value not in options:
            self.fail(
                (*at(found), "value"),
                f"{value!r} is not a known {what} (expected one of {', '.join(options)})",
            )
            return None
        return value
