"""OSCAL XML, converted into the JSON shape poam reads.

OSCAL's XML and JSON forms carry the same model with different spellings: a repeated element
(``<prop>``) is a JSON array under a plural name (``props``), a flag is an XML attribute, a
field's value is the element's text (``<hash algorithm="SHA-256">…</hash>`` is
``{"algorithm": "SHA-256", "value": "…"}``), and prose is XHTML-like markup where JSON has
Markdown. The tables below give those spellings for the SSP and POA&M models; an element they
do not name keeps its own name (a single object, or a list when repeated), which is enough for
everything poam ignores. Prose becomes plain text: paragraphs separated by a blank line, list
items as ``- item``.
"""

from __future__ import annotations

import re
from typing import Any
from xml.etree import ElementTree

from poam.formats.errors import InputError

OSCAL_XMLNS = "http://csrc.nist.gov/ns/oscal/1.0"

GROUPS = {
    "prop": "props",
    "link": "links",
    "role": "roles",
    "location": "locations",
    "party": "parties",
    "responsible-party": "responsible-parties",
    "responsible-role": "responsible-roles",
    "party-uuid": "party-uuids",
    "revision": "revisions",
    "document-id": "document-ids",
    "action": "actions",
    "address": "addresses",
    "addr-line": "addr-lines",
    "email-address": "email-addresses",
    "telephone-number": "telephone-numbers",
    "location-uuid": "location-uuids",
    "member-of-organization": "member-of-organizations",
    "external-id": "external-ids",
    "system-id": "system-ids",
    "information-type": "information-types",
    "categorization": "categorizations",
    "information-type-id": "information-type-ids",
    "adjustment-justification": "adjustment-justification",
    "diagram": "diagrams",
    "user": "users",
    "component": "components",
    "inventory-item": "inventory-items",
    "leveraged-authorization": "leveraged-authorizations",
    "implemented-requirement": "implemented-requirements",
    "implemented-component": "implemented-components",
    "by-component": "by-components",
    "statement": "statements",
    "set-parameter": "set-parameters",
    "value": "values",
    "protocol": "protocols",
    "port-range": "port-ranges",
    "role-id": "role-ids",
    "authorized-privilege": "authorized-privileges",
    "function-performed": "functions-performed",
    "inherited": "inherited",
    "satisfied": "satisfied",
    "provided": "provided",
    "responsibility": "responsibilities",
    "observation": "observations",
    "risk": "risks",
    "finding": "findings",
    "poam-item": "poam-items",
    "resource": "resources",
    "rlink": "rlinks",
    "hash": "hashes",
    "method": "methods",
    "type": "types",
    "origin": "origins",
    "actor": "actors",
    "related-task": "related-tasks",
    "subject": "subjects",
    "relevant-evidence": "relevant-evidence",
    "related-observation": "related-observations",
    "related-risk": "related-risks",
    "associated-risk": "related-risks",
    "related-finding": "related-findings",
    "threat-id": "threat-ids",
    "characterization": "characterizations",
    "facet": "facets",
    "mitigating-factor": "mitigating-factors",
    "response": "remediations",
    "required-asset": "required-assets",
    "task": "tasks",
    "dependency": "dependencies",
    "associated-activity": "associated-activities",
    "entry": "entries",
    "logged-by": "logged-by",
    "related-response": "related-responses",
    "keyword": "keywords",
}
"""Repeated elements and the JSON array each one makes."""

SINGLE_IN = frozenset(
    {("characterization", "origin"), ("plan-of-action-and-milestones", "system-id")}
)
"""(parent, element) pairs where an element that is elsewhere repeated is a single object."""

FIELD_VALUE = {
    "hash": "value",
    "link": "text",
    "system-id": "id",
    "document-id": "identifier",
    "external-id": "id",
    "base64": "value",
    "telephone-number": "number",
    "information-type-id": "id",
    "threat-id": "id",
}
"""Fields with flags: the JSON key of the element's text."""

PROSE = frozenset({"description", "remarks", "statement", "purpose", "guideline", "text"})
"""Markup-multiline fields (a risk's ``statement``; an SSP ``<statement>`` has flags)."""
LINE = frozenset({"title", "short-name", "system-name", "system-name-short"})
_BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "table",
                     "ul", "ol"})  # fmt: skip
_SPACE = re.compile(r"\s+")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _inline(element: ElementTree.Element) -> str:
    return _SPACE.sub(" ", "".join(element.itertext())).strip()


def _prose(element: ElementTree.Element) -> str:
    """Markup as plain text: blocks separated by a blank line, list items as ``- item``."""
    blocks = []
    for child in element:
        name = _local(child.tag)
        if name in ("ul", "ol"):
            blocks.append("\n".join(f"- {_inline(item)}" for item in child))
        elif name in _BLOCKS:
            blocks.append(_inline(child))
        else:
            blocks.append(_inline(child))
    if not blocks:
        return _inline(element)
    return "\n\n".join(block for block in blocks if block)


def _convert(element: ElementTree.Element) -> Any:
    name = _local(element.tag)
    if name in PROSE and not element.attrib:  # an SSP <statement> has flags: not prose
        return _prose(element)
    if name in LINE:
        return _inline(element)
    attributes = {_local(key): value for key, value in element.attrib.items()}
    children = list(element)
    text = (element.text or "").strip()
    if not children:
        if name in FIELD_VALUE:
            if text:
                attributes[FIELD_VALUE[name]] = text
            return attributes
        if not attributes:
            return text if text else {}
        return attributes
    result: dict[str, Any] = attributes
    for child in children:
        child_name = _local(child.tag)
        value = _convert(child)
        group = GROUPS.get(child_name)
        if (name, child_name) in SINGLE_IN or (
            isinstance(value, str) and child_name == "statement"
        ):
            group = None  # a risk's prose <statement>; a POA&M's one <system-id>
        if group is not None:
            result.setdefault(group, []).append(value)
        elif child_name in result:
            previous = result[child_name]
            result[child_name] = (
                [*previous, value]
                if isinstance(previous, list)
                else [
                    previous,
                    value,
                ]
            )
        else:
            result[child_name] = value
    return result


def xml_to_data(file: str, data: bytes) -> dict[str, Any]:
    """The OSCAL document in ``data`` (XML) as the data its JSON form would hold."""
    try:
        root = ElementTree.fromstring(data)  # ElementTree resolves no external entity
    except ElementTree.ParseError as error:
        line, column = error.position
        message = str(error).split(":")[0]
        raise InputError.single(
            file, f"not valid XML: {message}", line=line, column=column + 1
        ) from None
    if not root.tag.startswith(f"{{{OSCAL_XMLNS}}}"):
        raise InputError.single(
            file,
            f"not an OSCAL document: an XML <{_local(root.tag)}> outside the OSCAL namespace "
            f"{OSCAL_XMLNS}",
        )
    return {_local(root.tag): _convert(root)}
