"""Hostile files: small inputs that cost a naive parser gigabytes, or its stack.

Shared by the tests of the bounded parsers and by ``bench/hostile_inputs.py``, which measures
the time and memory each costs (before the bounds, one of these grew a server to 5 GB).
"""

from __future__ import annotations

from dataclasses import dataclass

OSCAL_XMLNS = "http://csrc.nist.gov/ns/oscal/1.0"


@dataclass(frozen=True)
class Hostile:
    name: str
    file: str
    """The file name it is uploaded or checked as (poam recognises formats by content)."""
    content: bytes
    refused: str
    """A part of the message that refuses it."""


def laughs(levels: int, fan_out: int = 9) -> bytes:
    """A YAML "billion laughs": each level a list of ``fan_out`` aliases of the one before, so
    that the last expands to ``fan_out ** levels`` strings (9 levels: 324 bytes)."""
    names = "abcdefghijklmnopqrstuvwxyz"
    lines = [f"a: &a [{','.join(['lol'] * fan_out)}]"]
    for level in range(1, levels):
        items = ",".join([f"*{names[level - 1]}"] * fan_out)
        lines.append(f"{names[level]}: &{names[level]} [{items}]")
    return ("\n".join(lines) + "\n").encode()


def deep_json(depth: int, head: str = "") -> bytes:
    """``depth`` nested lists, optionally under an OSCAL root key."""
    body = "[" * depth + "]" * depth
    return (f'{{"{head}": {{"x": {body}}}}}' if head else body).encode()


def deep_xml(depth: int) -> bytes:
    return (
        f'<system-security-plan xmlns="{OSCAL_XMLNS}">' + "<a>" * depth + "</a>" * depth
    ).encode() + b"</system-security-plan>"


def deep_yaml_block(depth: int) -> bytes:
    """``depth`` nested block mappings (libyaml itself stops at 1,000)."""
    return "".join(f"{'  ' * level}k:\n" for level in range(depth)).encode() + b"  " * depth + b"x"


XML_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + b"".join(
        f' <!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n'.encode()
        for n in range(1, 10)
    )
    + f']>\n<system-security-plan xmlns="{OSCAL_XMLNS}">&lol9;</system-security-plan>\n'.encode()
)

XML_EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
    + f'<system-security-plan xmlns="{OSCAL_XMLNS}">&e;</system-security-plan>\n'.encode()
)

DEPTH = "levels deep, the most poam reads"
ALIASES = "YAML aliases add more than 10,000 values"
DOCTYPE = "an XML document type declaration (<!DOCTYPE>)"

HOSTILE: tuple[Hostile, ...] = (
    Hostile("yaml-laughs-9", "ssp.yaml", laughs(9), ALIASES),
    Hostile("yaml-laughs-8", "ssp.yaml", laughs(8), ALIASES),
    Hostile("yaml-laughs-7", "ssp.yaml", laughs(7), ALIASES),
    Hostile("yaml-recursive-alias", "ssp.yaml", b"a: &a [1, *a]\n", "inside its own anchor"),
    Hostile("yaml-deep-flow-100k", "ssp.yaml", b"a: " + deep_json(100_000), DEPTH),
    Hostile("yaml-deep-block-999", "ssp.yaml", deep_yaml_block(999), DEPTH),
    Hostile("json-deep-100k", "ssp.json", deep_json(100_000), DEPTH),
    Hostile("json-deep-1000", "ssp.json", deep_json(1000), DEPTH),
    Hostile("oscal-json-deep-100k", "ssp.json", deep_json(100_000, "system-security-plan"), DEPTH),
    Hostile("oscal-json-deep-1000", "ssp.json", deep_json(1000, "system-security-plan"), DEPTH),
    Hostile("oscal-xml-deep-100k", "ssp.xml", deep_xml(100_000), DEPTH),
    Hostile("oscal-xml-laughs", "ssp.xml", XML_LAUGHS, DOCTYPE),
    Hostile("oscal-xml-external-entity", "ssp.xml", XML_EXTERNAL_ENTITY, DOCTYPE),
    Hostile("json-long-integer", "ssp.json", b'{"system": ' + b"1" * 100_000 + b"}", "digits"),
    Hostile("yaml-long-integer", "ssp.yaml", b"system: " + b"1" * 100_000 + b"\n", "digits"),
)
"""Each refused, quickly and in little memory, with a message naming the limit."""

BY_NAME = {hostile.name: hostile for hostile in HOSTILE}
