"""Parse YAML or JSON text into plain data, remembering where each value sits.

PyYAML's composer gives every node its line and column; walking the node tree ourselves keeps
those positions (so that an error can name the line), refuses duplicate keys (which PyYAML
would silently overwrite), and keeps dates and versions as the text the user wrote.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import yaml

from poam.formats.errors import InputError, Problem

try:  # the C parser is much faster; fall back to pure Python where libyaml is absent
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Path = tuple[str | int, ...]

_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"


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


class _Builder:
    def __init__(self, file: str, loader: Any) -> None:
        self.file = file
        self.loader = loader
        self.positions: dict[Path, tuple[int, int]] = {}
        self.raw: dict[Path, str] = {}
        self.problems: list[Problem] = []

    def build(self, node: yaml.Node, path: Path) -> Any:
        if isinstance(node, yaml.MappingNode):
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
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, item_node in enumerate(node.value):
                child = (*path, index)
                mark = item_node.start_mark
                self.positions[child] = (mark.line + 1, mark.column + 1)
                items.append(self.build(item_node, child))
            return items
        return self._scalar(node, path)

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
            return self.loader.construct_object(node)
        return text  # strings, and timestamps kept as written


def _parse_yaml(file: str, text: str) -> Source:
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        message = f"not valid YAML: {error.problem or error}"
        if error.context:
            message += f" ({error.context})"
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        raise InputError.single(file, message, line=line, column=column) from None
    except yaml.YAMLError as error:
        raise InputError.single(file, f"not valid YAML: {error}") from None
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


def parse(file: str, text: str) -> Source:
    """Parse YAML or JSON (JSON by a leading ``{`` or ``[``), with positions where possible."""
    if not text.lstrip().startswith(("{", "[")):
        return _parse_yaml(file, text)

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise InputError.single(file, f"duplicate key {key!r}")
            result[key] = value
        return result

    try:
        data = json.loads(text, object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as error:
        raise InputError.single(
            file, f"not valid JSON: {error.msg}", line=error.lineno, column=error.colno
        ) from None
    try:  # JSON is (nearly always) YAML too: composing it recovers line numbers
        located = _parse_yaml(file, text)
    except InputError:
        return Source(file, data)
    return Source(file, data, located.positions, located.raw)


def read_text(path: str, data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError.single(path, f"not UTF-8 text (byte {error.start})") from None
    if "\x00" in text:
        raise InputError.single(path, "a binary file, not YAML or JSON")
    return text
