"""The published JSON Schemas of ``ssp.yaml`` and ``poam.yaml``, and validation against them.

The schema files beside this module are what ``poam schema`` prints and what the reader
enforces, so the documentation and the behaviour cannot drift apart.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path as FilePath
from typing import Any

import jsonschema_rs

from poam.formats.errors import Problem
from poam.formats.native.source import Path, Source

KINDS = ("ssp", "poam")


@cache
def schema_text(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"no schema {kind!r}; there are {', '.join(KINDS)}")
    return (FilePath(__file__).parent / "schemas" / f"{kind}.schema.json").read_text("utf-8")


@cache
def schema(kind: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_text(kind))
    return loaded


@cache
def _validator(kind: str) -> Any:
    return jsonschema_rs.validator_for(schema(kind), validate_formats=True)


def _message(error: Any) -> tuple[Path, str]:
    """A plain-language message for one schema error, and the path it is about."""
    path: Path = tuple(error.instance_path)
    kind = error.kind
    name = type(kind).__name__
    if name == "Required":
        return (*path, kind.property), f"missing required field {kind.property!r}"
    if name == "AdditionalProperties":
        unexpected = list(kind.unexpected)
        if len(unexpected) == 1:
            return (*path, unexpected[0]), f"unknown field {unexpected[0]!r}"
        return path, "unknown fields " + ", ".join(repr(u) for u in unexpected)
    if name == "Enum":
        allowed = ", ".join(str(option) for option in kind.options)
        return path, f"{error.instance!r} is not one of: {allowed}"
    if name == "Format" and kind.format == "date":
        return path, f"{error.instance!r} is not a date (YYYY-MM-DD)"
    if name == "Pattern" and isinstance(error.instance, str) and "[0-9]{4}-" in kind.pattern:
        return path, f"{error.instance!r} is not a date (YYYY-MM-DD)"
    if name == "Pattern" and "{64}" in kind.pattern:
        return path, f"{error.instance!r} is not a SHA-256 (64 hexadecimal digits)"
    if name == "Type":
        return path, f"expected {_types(kind)}, found {_json_type(error.instance)}"
    return path, str(error.message)


def _types(kind: Any) -> str:
    types = kind.types if hasattr(kind, "types") else [kind.value]
    words = {
        "string": "text",
        "integer": "a whole number",
        "number": "a number",
        "object": "a mapping",
        "array": "a list",
        "null": "nothing",
        "boolean": "true/false",
    }
    return " or ".join(words.get(str(t), str(t)) for t in types)


def _json_type(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return f"the number {value}"
    return repr(value)


def schema_problems(kind: str, source: Source) -> list[Problem]:
    """Every schema error in ``source``, as problems naming line and field, in file order."""
    problems = []
    seen: set[tuple[Path, str]] = set()
    for error in _validator(kind).iter_errors(source.data):
        path, message = _message(error)
        if (path, message) in seen:
            continue
        seen.add((path, message))
        problems.append(source.problem(path, message))
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    return problems
