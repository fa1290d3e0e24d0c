"""Recognise an OSCAL document by its content, and parse it (JSON with orjson, YAML, or XML).

A file is OSCAL when its top level is a mapping with exactly one of the OSCAL model keys
(``system-security-plan``, ``plan-of-action-and-milestones``, ``catalog``...), or, in XML, one
of those elements in the OSCAL namespace (converted to the JSON shape by ``oscal.xml``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import orjson

from poam.formats.errors import InputError
from poam.formats.native import source as bounds
from poam.formats.native.source import Path as DataPath
from poam.formats.native.source import Source, parse, read_text

ROOTS = (
    "system-security-plan",
    "plan-of-action-and-milestones",
    "catalog",
    "profile",
    "component-definition",
    "assessment-plan",
    "assessment-results",
)
"""The root keys of the OSCAL 1.1 models; a document has exactly one."""

MAX_BYTES = bounds.MAX_JSON_BYTES
"""The largest OSCAL file poam reads (32 MiB; YAML: 8 MiB, ``native.source.MAX_YAML_BYTES``). A
CMMC Level 2 SSP is about 0.2 MB and a POA&M of 1,000 entries about 9 MB; a larger file is
refused before it is parsed, so that a wrong file cannot exhaust memory (parsed, a JSON document
takes about five times its size; see bench/RESULTS.md)."""

LINES_FOR_ERRORS_MAX = bounds.LINES_FOR_JSON_MAX
"""Up to this size, errors in a JSON file name their line (found by parsing it again)."""


@dataclass
class Document:
    """A parsed OSCAL document: its model (the root key) and its content."""

    file: str
    root: str
    data: dict[str, Any]
    raw: bytes = field(repr=False)
    source: Source | None = field(default=None, repr=False)
    """The parse with line numbers (YAML input), else computed on demand for errors."""
    xml: bool = False
    """Converted from OSCAL XML (errors then name the field, not the line)."""

    @property
    def body(self) -> dict[str, Any]:
        return self.data[self.root]  # type: ignore[no-any-return]

    @cached_property
    def located(self) -> Source | None:
        """The document parsed with line numbers, when affordable (for error messages)."""
        if self.source is not None:
            return self.source
        if self.xml or len(self.raw) > LINES_FOR_ERRORS_MAX:
            return None
        try:
            return parse(self.file, read_text(self.file, self.raw))
        except InputError:  # pragma: no cover - the text parsed once already
            return None

    def where(self, path: DataPath) -> tuple[int | None, int | None]:
        located = self.located
        return (None, None) if located is None else located.where(path)


def read_bytes(path: Path, max_bytes: int | None = None) -> bytes:
    """The bytes of ``path``, refusing a missing, unreadable or oversized file before reading."""
    return bounds.read_bytes(path, max_bytes or MAX_BYTES, "OSCAL file")


def looks_like_xml(data: bytes) -> bool:
    return data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


_ROOT_ALTERNATIVES = "|".join(re.escape(root) for root in ROOTS)
_JSON_HEAD = re.compile(
    r'^\ufeff?\s*\{\s*(?:"\$schema"\s*:\s*"[^"]*"\s*,\s*)?"(' + _ROOT_ALTERNATIVES + r')"\s*:'
)
_YAML_HEAD = re.compile(r"^['\"]?(" + _ROOT_ALTERNATIVES + r")['\"]?\s*:", re.MULTILINE)


def sniff_root(data: bytes) -> str | None:
    """The OSCAL root key of a JSON or YAML document, judged from its first bytes (cheap).

    JSON: the first key of the top-level object; YAML: a top-level key (at column 0). A native
    ``ssp.yaml`` or ``poam.yaml`` has neither.
    """
    head = data[:4096].decode("utf-8", "ignore")
    found = _JSON_HEAD.match(head) or _YAML_HEAD.search(head)
    return found[1] if found else None


def root_of(data: Any) -> str | None:
    """The OSCAL model of parsed data: its one root key, else None."""
    if not isinstance(data, dict):
        return None
    roots = [key for key in data if key in ROOTS]
    return roots[0] if len(roots) == 1 else None


def not_oscal(file: str, data: Any) -> InputError:
    keys = ", ".join(repr(key) for key in list(data)[:3]) if isinstance(data, dict) else ""
    found = f" (its top-level keys are {keys})" if keys else ""
    return InputError.single(
        file,
        "not an OSCAL document: expected a top-level 'system-security-plan' or "
        f"'plan-of-action-and-milestones'{found}",
    )


def _as_text(node: Any, raw: dict[DataPath, str], path: DataPath) -> Any:
    """YAML data with numbers and booleans back as the text written: everything poam reads
    of OSCAL is text (a version 1.10 must not become the number 1.1)."""
    if isinstance(node, dict):
        return {key: _as_text(value, raw, (*path, key)) for key, value in node.items()}
    if isinstance(node, list):
        return [_as_text(value, raw, (*path, index)) for index, value in enumerate(node)]
    if isinstance(node, bool):
        return "true" if node else "false"
    if isinstance(node, int | float):
        return raw.get(path, str(node))
    return node


def _parse_json(file: str, data: bytes) -> Any:
    """JSON with orjson (which refuses nesting deeper than 1,024 levels without recursing),
    then refused beyond ``MAX_DEPTH``, since everything after it (validation, the readers, the
    error messages) may recurse once per level."""
    try:
        parsed = orjson.loads(data[3:] if data.startswith(b"\xef\xbb\xbf") else data)
    except orjson.JSONDecodeError as error:
        text = read_text(file, data)  # a clearer message for a binary or non-UTF-8 file
        bounds.check_json_depth(file, text)  # orjson's depth limit, in poam's words
        raise InputError.single(
            file, f"not valid JSON: {error.msg}", line=error.lineno, column=error.colno
        ) from None
    if bounds.deeper_than(parsed):
        bounds.check_json_depth(file, read_text(file, data))  # names the line
        raise bounds.too_deep(file)  # pragma: no cover - the scan finds what the walk found
    return parsed


def parse_document(file: str, data: bytes, max_bytes: int | None = None) -> Document:
    """Parse OSCAL JSON, YAML or XML, refusing what is not OSCAL with a message naming the file.

    ``max_bytes`` raises (or lowers) the size limits: 32 MiB for JSON and XML, 8 MiB for YAML.
    """
    if len(data) > (max_bytes or MAX_BYTES):
        raise bounds.too_large(file, len(data), max_bytes or MAX_BYTES, "OSCAL file")
    source = None
    if looks_like_xml(data):
        from poam.formats.oscal.xml import xml_to_data

        parsed: Any = xml_to_data(file, data)
        root = root_of(parsed)
        if root is None:
            raise not_oscal(file, parsed)
        return Document(file, root, parsed, data, None, xml=True)
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")):
        parsed = _parse_json(file, data)
    else:
        text = read_text(file, data)
        if not text.strip():
            raise InputError.single(file, "the file is empty")
        source = parse(file, text, max_bytes)
        parsed = _as_text(source.data, source.raw, ())
    root = root_of(parsed)
    if root is None:
        raise not_oscal(file, parsed)
    if not isinstance(parsed[root], dict):
        raise InputError.single(file, f"'{root}' must be a mapping", field=root)
    return Document(file, root, parsed, data, source)


def read_document(path: Path, max_bytes: int | None = None) -> Document:
    """Read and parse one OSCAL file."""
    return parse_document(str(path), read_bytes(path, max_bytes), max_bytes)
