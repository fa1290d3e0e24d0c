"""Parse YAML or JSON text into plain data, remembering where each value sits, within bounds.

PyYAML's composer gives every node its line and column; walking the node tree ourselves keeps
those positions (so that an error can name the line), refuses duplicate keys (which PyYAML
would silently overwrite), and keeps dates and versions as the text the user wrote.

Every parse is bounded, since files arrive from anyone (an upload, a file handed over by a
supplier): a size per format (:data:`MAX_YAML_BYTES`, :data:`MAX_JSON_BYTES`), a nesting depth
(:data:`MAX_DEPTH`, checked before any recursive step can run out of stack), and the values YAML
aliases may add (:data:`MAX_ALIAS_VALUES`: a 324-byte "billion laughs" adds 490 million values).
Input beyond a bound is refused with an :class:`InputError` naming the file, the place and the
limit, in time and memory proportional to the bound, not to what the input would expand to.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path as FsPath
from typing import Any, NoReturn

import yaml

from poam.formats.errors import InputError, Problem

try:  # the C parser is much faster; fall back to pure Python where libyaml is absent
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Path = tuple[str | int, ...]

MAX_DEPTH = 64
"""The deepest nesting of mappings and lists poam reads. The deepest official OSCAL documents
(NIST's and FedRAMP's examples, the SP 800-171 Rev 3 catalog) nest 16 levels, poam's own files
fewer than 12."""

MAX_ALIAS_VALUES = 10_000
"""The most values YAML aliases (``*name``) may add to a document by repeating an anchored
mapping or list. Aliases are legitimate YAML, but each repeats its whole anchor, and nested ones
multiply: a "billion laughs" file of 324 bytes adds 490 million values."""

MAX_YAML_BYTES = 8 * 1024 * 1024
"""The largest YAML file poam reads (8 MiB). A native ``poam.yaml`` of 1,000 entries is about
1.3 MiB; parsing YAML with positions takes about 30 times the text in memory (bench/RESULTS.md)."""

MAX_JSON_BYTES = 32 * 1024 * 1024
"""The largest JSON file poam reads (32 MiB); JSON parses in about five times its size."""

LINES_FOR_JSON_MAX = 4 * 1024 * 1024
"""Up to this size, a JSON file is composed a second time (as YAML) to learn each value's line."""

MAX_DIGITS = 4300
"""The longest integer poam reads (Python's own limit on converting text to int)."""

_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MIB = 1024 * 1024


@dataclass
class Source:
    """Parsed data with the (line, column) of each path, 1-based."""

    file: str
    data: Any
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)
    raw: dict[Path, str] = field(default_factory=dict)
    """The text of each number as written (so that version 2026.10 stays "2026.10")."""

    def where(self, path: Path) -> tuple[int | None, int | None]:
        """The position of ``path``, or of its nearest ancestor that has one."""
        for cut in range(len(path), -1, -1):
            found = self.positions.get(path[:cut])
            if found is not None:
                return found
        return None, None

    def problem(self, path: Path, message: str) -> Problem:
        line, column = self.where(path)
        return Problem(
            self.file, message, field=describe(path, self.data), line=line, column=column
        )


def describe(path: Path, data: Any = None) -> str:
    """``items[2] (POAM-003).milestones[0].due``: a path as a person reads it."""
    text = ""
    node = data
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
            if isinstance(node, list) and 0 <= part < len(node):
                node = node[part]
                if isinstance(node, dict) and isinstance(node.get("id"), str | int):
                    text += f" ({node['id']})"
            else:
                node = None
        else:
            text += f".{part}" if text else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return text


# --- the bounds ---------------------------------------------------------------------------------


def too_large(file: str, size: int, limit: int, what: str) -> InputError:
    """The error for a file over a size limit (``what``: "YAML file", "OSCAL file"...)."""
    return InputError.single(
        file,
        f"{size / _MIB:.1f} MiB is larger than the {limit / _MIB:.0f} MiB poam reads from one "
        f"{what} (a CMMC Level 2 SSP or POA&M is far smaller); check that this is the right file",
    )


def too_deep(
    file: str, line: int | None = None, column: int | None = None, where: str = ""
) -> InputError:
    """The error for input nested deeper than :data:`MAX_DEPTH`."""
    return InputError.single(
        file,
        f"nested more than {MAX_DEPTH} levels deep, the most poam reads (an SSP or a POA&M "
        "needs fewer than 20)",
        field=where,
        line=line,
        column=column,
    )


def deeper_than(data: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether parsed data nests more than ``limit`` levels (``[[1]]`` is 2), without recursion.

    Level by level, so that the walk allocates a list per level rather than an object per
    container (each would count towards the next garbage collection)."""
    level = [data] if isinstance(data, dict | list) else []
    depth = 1
    while level:
        if depth > limit:
            return True
        below: list[Any] = []
        add = below.append
        for node in level:
            for value in node.values() if type(node) is dict else node:
                kind = type(value)
                if kind is dict or kind is list:
                    add(value)
        level = below
        depth += 1
    return False


_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_JSON_TOKEN = re.compile(_JSON_STRING.pattern + r"|[\[\]{}]", re.DOTALL)
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def check_json_depth(file: str, text: str) -> None:
    """Refuse JSON text nested deeper than :data:`MAX_DEPTH`, naming the line where it goes
    deeper, before a recursive parser sees it (Python's ``json`` recurses once per level)."""
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    if max(accumulate(map(_STEP.__getitem__, brackets)), default=0) <= MAX_DEPTH:
        return
    depth = 0
    for token in _JSON_TOKEN.finditer(text):  # slower, but only for a file refused anyway
        depth += _STEP.get(token[0], 0)
        if depth > MAX_DEPTH:
            offset = token.start()
            line = text.count("\n", 0, offset) + 1
            raise too_deep(file, line, offset - text.rfind("\n", 0, offset))
    raise too_deep(file)  # pragma: no cover - both scans read the same tokens


def _shortened(path: Path) -> str:
    """A deep path as a person can read it: its first steps."""
    return describe(path[:6]) + (" ..." if len(path) > 6 else "")


# --- YAML ---------------------------------------------------------------------------------------


class _Builder:
    """Plain data from a composed YAML node tree, with positions, within the bounds."""

    def __init__(self, file: str, loader: Any) -> None:
        self.file = file
        self.loader = loader
        self.positions: dict[Path, tuple[int, int]] = {}
        self.raw: dict[Path, str] = {}
        self.problems: list[Problem] = []
        self.built: set[int] = set()
        """The collection nodes built once: meeting one again means an alias repeats it."""
        self.building: set[int] = set()
        """The collection nodes being built (an alias to one of them would never end)."""
        self.aliases = 0
        """How many aliases are being expanded at this point (nested ones count each)."""
        self.alias_values = 0
        self.alias_at: Path = ()
        """Where the outermost alias being expanded sits."""

    def _refuse(self, path: Path, message: str) -> NoReturn:
        # A value repeated by an alias has the position of its anchor; a list item's own
        # position may be such a one, its list's is not.
        at = path[:-1] if path and isinstance(path[-1], int) else path
        line, column = self.positions.get(at, (None, None))
        raise InputError.single(
            self.file, message, field=describe(path), line=line, column=column
        ) from None

    def build(self, node: yaml.Node, path: Path) -> Any:
        if not isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            if self.aliases:
                self._count()
            return self._scalar(node, path)
        if len(path) >= MAX_DEPTH:
            line, column = self.positions.get(path, (None, None))
            raise too_deep(self.file, line, column, _shortened(path))
        key = id(node)
        if key in self.building:
            self._refuse(path, "a YAML alias inside its own anchor: the value would never end")
        alias = key in self.built
        if alias and not self.aliases:
            self.alias_at = path
        if alias or self.aliases:
            self._count()
        self.built.add(key)
        self.building.add(key)
        self.aliases += alias
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            return self._sequence(node, path)
        finally:
            self.aliases -= alias
            self.building.discard(key)

    def _count(self) -> None:
        """One more value added by an alias: refused beyond the limit."""
        self.alias_values += 1
        if self.alias_values > MAX_ALIAS_VALUES:
            self._refuse(
                self.alias_at,
                f"YAML aliases add more than {MAX_ALIAS_VALUES:,} values to the document, "
                "the most poam reads (an alias repeats its whole anchor, and nested ones "
                "multiply): write the values out",
            )

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node)
            child = (*path, key)
            mark = key_node.start_mark
            if key in result:
                first = self.positions.get(child, (None, None))[0]
                self.problems.append(
                    Problem(
                        self.file,
                        f"duplicate key {key!r} (first at line {first})",
                        field=describe(child),
                        line=mark.line + 1,
                        column=mark.column + 1,
                    )
                )
                continue
            self.positions[child] = (mark.line + 1, mark.column + 1)
            result[key] = self.build(value_node, child)
        return result

    def _sequence(self, node: yaml.SequenceNode, path: Path) -> list[Any]:
        items = []
        for index, item_node in enumerate(node.value):
            child = (*path, index)
            mark = item_node.start_mark
            self.positions[child] = (mark.line + 1, mark.column + 1)
            items.append(self.build(item_node, child))
        return items

    def _key(self, node: yaml.Node) -> str:
        if isinstance(node, yaml.ScalarNode):
            return str(node.value)
        mark = node.start_mark
        raise InputError.single(
            self.file,
            "a mapping key must be a plain value",
            line=mark.line + 1,
            column=mark.column + 1,
        )

    def _scalar(self, node: yaml.Node, path: Path) -> Any:
        tag, text = node.tag, node.value
        if isinstance(node, yaml.ScalarNode) and node.style in ("'", '"', "|", ">"):
            return text  # quoted: always a string
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return self.loader.construct_yaml_bool(node)
        if tag in (_INT, _FLOAT):
            self.raw[path] = text
            if tag == _INT and len(text) > MAX_DIGITS:
                self._refuse(path, f"a number of {len(text):,} digits, more than poam reads")
            return self.loader.construct_object(node)
        return text  # strings, and timestamps kept as written


def _parse_yaml(file: str, text: str) -> Source:
    loader = _Loader(text)
    try:
        # libyaml itself refuses nesting deeper than 1,000 levels, so composing cannot exhaust
        # the stack; aliases are composed as shared nodes (cheap) and bounded when built.
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        if mark and "maximum nesting depth" in str(error.problem):  # libyaml's own limit
            raise too_deep(file, mark.line + 1, mark.column + 1) from None
        message = f"not valid YAML: {error.problem or error}"
        if error.context:
            message += f" ({error.context})"
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        raise InputError.single(file, message, line=line, column=column) from None
    except yaml.YAMLError as error:
        raise InputError.single(file, f"not valid YAML: {error}") from None
    except RecursionError:  # pragma: no cover - only the pure-Python composer recurses
        raise too_deep(file) from None
    finally:
        loader.dispose()
    if root is None:
        raise InputError.single(file, "the file is empty")
    builder = _Builder(file, yaml.SafeLoader(""))
    builder.positions[()] = (root.start_mark.line + 1, root.start_mark.column + 1)
    data = builder.build(root, ())
    if builder.problems:
        raise InputError(builder.problems)
    return Source(file, data, builder.positions, builder.raw)


# --- JSON ---------------------------------------------------------------------------------------


def _parse_json(file: str, text: str) -> Source:
    check_json_depth(file, text)

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise InputError.single(file, f"duplicate key {key!r}")
            result[key] = value
        return result

    def integer(digits: str) -> int:
        if len(digits) > MAX_DIGITS:
            raise InputError.single(
                file, f"a number of {len(digits):,} digits, more than poam reads"
            )
        return int(digits)

    try:
        data = json.loads(text, object_pairs_hook=no_duplicates, parse_int=integer)
    except json.JSONDecodeError as error:
        raise InputError.single(
            file, f"not valid JSON: {error.msg}", line=error.lineno, column=error.colno
        ) from None
    if len(text) > LINES_FOR_JSON_MAX:
        return Source(file, data)
    try:  # JSON is (nearly always) YAML too: composing it recovers line numbers
        located = _parse_yaml(file, text)
    except InputError:
        return Source(file, data)
    return Source(file, data, located.positions, located.raw)


def is_json(text: str) -> bool:
    return text.lstrip().startswith(("{", "["))


def parse(file: str, text: str, max_bytes: int | None = None) -> Source:
    """Parse YAML or JSON (JSON by a leading ``{`` or ``[``), with positions where possible.

    Refuses text over the size of its format (``max_bytes`` overrides it), nested deeper than
    :data:`MAX_DEPTH`, or whose aliases add more than :data:`MAX_ALIAS_VALUES` values."""
    json_text = is_json(text)
    limit = max_bytes or (MAX_JSON_BYTES if json_text else MAX_YAML_BYTES)
    if len(text) > limit:
        raise too_large(
            file, len(text.encode("utf-8")), limit, "JSON file" if json_text else "YAML file"
        )
    return _parse_json(file, text) if json_text else _parse_yaml(file, text)


def read_text(path: str, data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError.single(path, f"not UTF-8 text (byte {error.start})") from None
    if "\x00" in text:
        raise InputError.single(path, "a binary file, not YAML or JSON")
    return text


def read_bytes(path: FsPath, max_bytes: int, what: str) -> bytes:
    """The bytes of ``path``, refusing a missing, unreadable or oversized file before reading."""
    name = str(path)
    try:
        if path.is_dir():
            raise InputError.single(name, "is a directory, not a file")
        size = path.stat().st_size
        if size > max_bytes:
            raise too_large(name, size, max_bytes, what)
        with path.open("rb") as handle:  # read no more than the limit, whatever stat said
            data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError.single(name, "no such file") from None
    except OSError as error:
        raise InputError.single(name, f"cannot be read: {error.strerror}") from None
    if len(data) > max_bytes:
        raise too_large(name, len(data), max_bytes, what)
    return data


def read_source(path: FsPath) -> Source:
    """Read and parse a YAML or JSON file, within the bounds above."""
    name = str(path)
    text = read_text(name, read_bytes(path, MAX_JSON_BYTES, "YAML or JSON file"))
    return parse(name, text)
