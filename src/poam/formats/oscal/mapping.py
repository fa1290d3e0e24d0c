"""What the OSCAL files poam writes and reads have in common: namespaces, UUIDs, props, dates.

OSCAL has no field for several CMMC facts (point values, partial-credit states, objective
results, POA&M eligibility, the Conditional status date), so poam keeps them in ``props`` under
its own namespace :data:`NS` (``docs/oscal.md`` lists every name). Everything else uses the
standard OSCAL field, so that other OSCAL tools read it.

Two constraints of the OSCAL 1.1.3 JSON Schemas shape the helpers here:

- a prop value, a party name, a system name or a version is a ``StringDatatype``: one line, no
  leading or trailing white space, not empty. :func:`text_prop` writes any text losslessly: as the
  value when it fits, else as a one-line summary with the exact text in the prop's ``remarks``.
- a date-time must fall in the years 1900-2999. :func:`datetime_of` clamps a date outside that
  range and the writer records the exact date in a prop.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from functools import cache
from typing import Any
from urllib.parse import quote

NS = "https://poam.dev/ns/oscal"
"""The namespace of every prop poam defines."""

FEDRAMP_NS = frozenset({"https://fedramp.gov/ns/oscal", "http://fedramp.gov/ns/oscal"})
"""Official FedRAMP files use both spellings."""

OSCAL_VERSION = "1.1.3"

SSP_ROOT = "system-security-plan"
POAM_ROOT = "plan-of-action-and-milestones"

_ROOT_UUID = uuid.uuid5(uuid.NAMESPACE_URL, NS)

Prop = dict[str, Any]


def stable_uuid(*keys: object) -> str:
    """A version 5 UUID over stable keys, so that exporting twice gives the same document."""
    return str(uuid.uuid5(_ROOT_UUID, "\x1f".join(str(key) for key in keys)))


# --- text ---------------------------------------------------------------------------------------

_LINE_BREAKS = frozenset("\n\r\u2028\u2029\x85")


def _is_space(char: str) -> bool:
    # The union of Python's and ECMAScript's white space: the schemas' \S is checked by both
    # jsonschema-rs (ECMAScript rules) and compliance-trestle (Python rules).
    return char.isspace() or char == "\ufeff" or unicodedata.category(char) == "Zs"


@cache
def _plain_char(char: str) -> bool:
    return char not in _LINE_BREAKS and unicodedata.category(char) != "Cc"


def is_plain(text: str) -> bool:
    """Whether ``text`` is a valid OSCAL ``StringDatatype`` under every regex dialect."""
    if not text or _is_space(text[0]) or _is_space(text[-1]):
        return False
    return text.isprintable() or all(_plain_char(char) for char in text)


def one_line(text: str, limit: int | None = None) -> str:
    """``text`` on one plain line (for a title, a name or a StringDatatype): line breaks and
    control characters become spaces. Cut to ``limit`` characters, with "…", only where the
    exact text is kept beside it (a prop's value summarising its ``remarks``)."""
    words = "".join(char if _plain_char(char) else " " for char in text).split()
    summary = " ".join(words)
    if limit is not None and len(summary) > limit:
        summary = summary[: limit - 1].rstrip() + "…"
    return summary if is_plain(summary) else "(blank)"


def markdown_list(items: Iterable[str]) -> str:
    """Items as a Markdown list, each in full (continuation lines indented under their item)."""
    return "\n".join(
        "- " + "\n  ".join(line.rstrip() for line in item.strip().splitlines()) for item in items
    )


VERBATIM = "verbatim-in-remarks"
"""The ``class`` of a prop whose exact text is in its ``remarks`` (the value is a summary)."""


def prop(name: str, value: str, **extra: str) -> Prop:
    """A poam prop whose value is known to be plain (an enum value, a date, a number)."""
    return {"name": name, "ns": NS, "value": value, **extra}


def text_prop(name: str, text: str, **extra: str) -> Prop:
    """A poam prop holding any text exactly: the value when plain, else in the remarks."""
    if is_plain(text):
        return {"name": name, "ns": NS, "value": text, **extra}
    return {
        "name": name,
        "ns": NS,
        "value": one_line(text, limit=120),
        "class": VERBATIM,
        **extra,
        "remarks": text,
    }


def prop_text(found: Mapping[str, Any]) -> str:
    """The exact text of a prop written by :func:`text_prop` (or any prop's value)."""
    if found.get("class") == VERBATIM and isinstance(found.get("remarks"), str):
        return str(found["remarks"])
    return str(found.get("value", ""))


def ours(props: Iterable[Mapping[str, Any]] | None) -> Iterator[Mapping[str, Any]]:
    """The props in poam's namespace."""
    for found in props or ():
        if found.get("ns") == NS:
            yield found


def our_props(props: Iterable[Mapping[str, Any]] | None) -> dict[str, Mapping[str, Any]]:
    """poam's props by name (the first of each name)."""
    result: dict[str, Mapping[str, Any]] = {}
    for found in ours(props):
        result.setdefault(str(found.get("name")), found)
    return result


def fedramp_prop(props: Iterable[Mapping[str, Any]] | None, name: str) -> str | None:
    """The value of a FedRAMP prop, in either spelling of the FedRAMP namespace."""
    for found in props or ():
        if found.get("name") == name and found.get("ns") in FEDRAMP_NS:
            return str(found.get("value", ""))
    return None


# --- dates --------------------------------------------------------------------------------------

_MIN_YEAR, _MAX_YEAR = 1900, 2999


def in_range(day: date) -> bool:
    """Whether a date-time on ``day`` is valid in OSCAL (whose pattern allows 1900-2999)."""
    return _MIN_YEAR <= day.year <= _MAX_YEAR


def datetime_of(day: date) -> str:
    """Midnight UTC of ``day`` as an OSCAL date-time, clamped into the years OSCAL allows."""
    if day.year < _MIN_YEAR:
        day = date(_MIN_YEAR, 1, 1)
    elif day.year > _MAX_YEAR:
        day = date(_MAX_YEAR, 12, 31)
    return f"{day.isoformat()}T00:00:00Z"


def date_of(value: str) -> date:
    """The calendar date of an OSCAL date-time as written (its own time zone, not UTC).

    Raises ValueError for a value that is not a date-time (the caller reports it).
    """
    return date.fromisoformat(value[:10])


# --- URIs ---------------------------------------------------------------------------------------


@cache
def _uri_validator() -> Any:
    import jsonschema_rs

    return jsonschema_rs.validator_for({"format": "uri-reference"}, validate_formats=True)


_URI_CHARS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#@!$&'()*+,;=%"
)


def is_uri_reference(text: str) -> bool:
    """Whether ``text`` is a URI reference (RFC 3986) that every OSCAL validator accepts."""
    return all(char in _URI_CHARS for char in text) and bool(_uri_validator().is_valid(text))


def as_uri_reference(text: str) -> str:
    """``text`` percent-encoded into a URI reference (a path with spaces, for example)."""
    for safe in ("/:@!$&'()*+,;=~", "/", ""):
        encoded = quote(text, safe=safe)
        if is_uri_reference(encoded):
            return encoded
    raise AssertionError(f"cannot encode {text!r} as a URI reference")  # pragma: no cover
