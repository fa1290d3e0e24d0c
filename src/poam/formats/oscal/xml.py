"""OSCAL XML, converted into the JSON shape poam reads.

OSCAL's XML and JSON forms carry the same model with different spellings: a repeated element
(``<prop>``) is a JSON array under a plural name (``props``), a flag is an XML attribute, a
field's value is the element's text (``<hash algorithm="SHA-256">…</hash>`` is
``{"algorithm": "SHA-256", "value": "…"}``), and prose is XHTML-like markup where JSON has
Markdown. The tables below give those spellings for the SSP and POA&M models; an element they
do not name keeps its own name (a single object, or a list when repeated), which is enough for
everything poam ignores. Prose becomes plain text: paragraphs separated by a blank line, list
items as ``- item``.

Parsing is bounded like every other format's (``native.source``): elements nested deeper than
``MAX_DEPTH`` are refused as they are met, before the tree exists, and so is any DOCTYPE, since
OSCAL XML has none and a document type's entities can expand without end ("billion laughs").
"""

from __future__ import annotations

import re
from typing import Any, NoReturn
from xml.etree import ElementTree
from xml.parsers import expat

from poam.formats.errors import InputError
from poam.formats.native.source import MAX_DEPTH, too_deep

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


class _Refused(Exception):
    """Stops expat from inside a handler; carries the error to raise."""

    def __init__(self, error: InputError) -> None:
        self.error = error


class _BoundedBuilder:
    """An ElementTree built from expat's events, refusing a DOCTYPE and excessive depth."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.parser = expat.ParserCreate(namespace_separator="}")
        self.parser.buffer_text = True
        self.parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.data
        self.parser.StartDoctypeDeclHandler = self.doctype
        self.parser.EntityDeclHandler = self.doctype
        self.tree = ElementTree.TreeBuilder()
        self.depth = 0
        self.names: dict[str, str] = {}

    def _name(self, name: str) -> str:
        """expat's ``uri}local`` as ElementTree's ``{uri}local``."""
        found = self.names.get(name)
        if found is None:
            found = self.names[name] = f"{{{name}" if "}" in name else name
        return found

    def _refuse(self, error: InputError) -> NoReturn:
        raise _Refused(error)

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            parser = self.parser
            self._refuse(
                too_deep(
                    self.file,
                    parser.CurrentLineNumber,
                    parser.CurrentColumnNumber + 1,
                    f"<{name.rsplit('}', 1)[-1]}>",
                )
            )
        named = {self._name(key): value for key, value in attributes.items()}
        self.tree.start(self._name(name), named)

    def end(self, name: str) -> None:
        self.depth -= 1
        self.tree.end(self._name(name))

    def data(self, text: str) -> None:
        self.tree.data(text)

    def doctype(self, *_: Any) -> None:
        parser = self.parser
        self._refuse(
            InputError.single(
                self.file,
                "an XML document type declaration (<!DOCTYPE>): OSCAL XML has none, and poam "
                "reads none (its entities could expand without end)",
                line=parser.CurrentLineNumber,
                column=parser.CurrentColumnNumber + 1,
            )
        )

    def parse(self, data: bytes) -> ElementTree.Element:
        try:
            self.parser.Parse(data, True)
        except _Refused as refused:
            raise refused.error from None
        except expat.ExpatError as error:
            message = expat.ErrorString(error.code)
            raise InputError.single(
                self.file, f"not valid XML: {message}", line=error.lineno, column=error.offset + 1
            ) from None
        return self.tree.close()


def xml_to_data(file: str, data: bytes) -> dict[str, Any]:
    """The OSCAL document in ``data`` (XML) as the data its JSON form would hold."""
    root = _BoundedBuilder(file).parse(data)  # no DTD, no entity, no external resource
    if not root.tag.startswith(f"{{{OSCAL_XMLNS}}}"):
        raise InputError.single(
            file,
            f"not an OSCAL document: an XML <{_local(root.tag)}> outside the OSCAL namespace "
            f"{OSCAL_XMLNS}",
        )
    return {_local(root.tag): _convert(root)}
