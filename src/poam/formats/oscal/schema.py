"""Validation of the OSCAL poam reads: the parts it maps, with the types it needs.

The schemas beside this module (``schemas/*.input.schema.json``, written for poam) describe only
what poam reads of an SSP and a POA&M and allow everything else, so that a document from another
tool, or an older OSCAL 1.x version, imports wherever poam can use it. They are not a
conformance check: poam's own exports are checked against NIST's official 1.1.3 schemas in its
tests. Validators are built once per process (jsonschema-rs).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema_rs

from poam.formats.errors import Problem
from poam.formats.native.source import Path
from poam.formats.oscal.detect import Document
from poam.formats.oscal.mapping import POAM_ROOT, SSP_ROOT

SCHEMAS = {SSP_ROOT: "ssp", POAM_ROOT: "poam"}


@cache
def schema(root: str) -> dict[str, Any]:
    name = SCHEMAS[root]
    text = (
        resources.files(__package__)
        .joinpath(f"schemas/{name}.input.schema.json")
        .read_text("utf-8")
    )
    return json.loads(text)  # type: ignore[no-any-return]


@cache
def _validator(root: str) -> Any:
    return jsonschema_rs.validator_for(schema(root))


def describe(path: Path, data: Any) -> str:
    """``system-security-plan.control-implementation.implemented-requirements[3] (ac-2).x``."""
    text = ""
    node = data
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
            node = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            if isinstance(node, dict):
                label = node.get("control-id") or node.get("id") or node.get("uuid")
                if isinstance(label, str) and label:
                    text += f" ({label})"
        else:
            text += f".{part}" if text else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return text


def problem(document: Document, path: Path, message: str) -> Problem:
    """A problem at ``path`` of ``document``, naming its line where it can be found."""
    line, column = document.where(path)
    return Problem(
        document.file, message, field=describe(path, document.data), line=line, column=column
    )


_TYPES = {
    "string": "text",
    "object": "a mapping",
    "array": "a list",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "nothing",
}


def _message(error: Any) -> tuple[Path, str]:
    path: Path = tuple(error.instance_path)
    kind = error.kind
    name = type(kind).__name__
    if name == "Required":
        return (*path, kind.property), f"missing required field {kind.property!r}"
    if name == "Type":
        types = kind.types if hasattr(kind, "types") else [kind.value]
        expected = " or ".join(_TYPES.get(str(t), str(t)) for t in types)
        return path, f"expected {expected}, found {_found(error.instance)}"
    return path, str(error.message)


def _found(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return f"the number {value}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "...'"


def schema_problems(document: Document, limit: int = 50) -> list[Problem]:
    """What in ``document`` poam cannot read, as problems naming field (and line)."""
    if document.root not in SCHEMAS:
        return []
    validator = _validator(document.root)
    if validator.is_valid(document.data):
        return []
    problems = []
    seen: set[tuple[Path, str]] = set()
    for error in validator.iter_errors(document.data):
        path, message = _message(error)
        if (path, message) in seen:
            continue
        seen.add((path, message))
        problems.append(problem(document, path, message))
        if len(problems) >= limit:
            break
    return problems
