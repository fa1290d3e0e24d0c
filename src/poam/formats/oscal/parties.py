"""People and roles: the native files hold names as text; OSCAL holds parties and roles.

The writer turns each distinct name (an owner, a maintainer, whoever moved a milestone) into one
``metadata.parties`` entry and each responsible role into one ``metadata.roles`` entry; the
reader turns them back into the exact text. A party name is a ``StringDatatype``, so a name that
is not one line keeps its exact text in a poam ``name`` prop.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from poam.formats.oscal.mapping import (
    is_plain,
    one_line,
    our_props,
    prop_text,
    stable_uuid,
    text_prop,
)

ITEM_OWNER_ROLE = "poam-item-owner"
MAINTAINER_ROLE = "poam-maintainer"
ORGANIZATION_ROLE = "prepared-for"
FEDRAMP_MAINTAINER_ROLE = "prepared-by"


class Directory:
    """The parties and roles a document needs, each created once, in first-use order."""

    def __init__(self, key: str) -> None:
        self.key = key
        self._parties: dict[tuple[str, str], dict[str, Any]] = {}
        self._roles: dict[str, dict[str, Any]] = {}
        self._role_by_title: dict[str, str] = {}
        self._responsible: dict[str, list[str]] = {}

    def party(self, name: str, kind: str = "person") -> str:
        """The UUID of the party named ``name`` (created on first use)."""
        found = self._parties.get((kind, name))
        if found is None:
            found = {
                "uuid": stable_uuid(self.key, "party", kind, name),
                "type": kind,
                "name": name if is_plain(name) else one_line(name),
            }
            if not is_plain(name):
                found["props"] = [text_prop("name", name)]
            self._parties[(kind, name)] = found
        return str(found["uuid"])

    def role(self, role_id: str, title: str, description: str | None = None) -> str:
        if role_id not in self._roles:
            role: dict[str, Any] = {"id": role_id, "title": title}
            if description:
                role["description"] = description
            self._roles[role_id] = role
        return role_id

    def role_for(self, title: str) -> str:
        """A role whose title is ``title`` exactly, with a readable id derived from it."""
        known = self._role_by_title.get(title)
        if known is not None:
            return known
        base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:48].strip("-") or "role"
        role_id = f"responsible-{base}"
        number = 2
        while role_id in self._roles:
            role_id = f"responsible-{base}-{number}"
            number += 1
        self._role_by_title[title] = role_id
        return self.role(role_id, title)

    def responsible(self, role_id: str, party_uuid: str) -> None:
        """Record ``party_uuid`` under ``role_id`` in ``metadata.responsible-parties``."""
        parties = self._responsible.setdefault(role_id, [])
        if party_uuid not in parties:
            parties.append(party_uuid)

    @property
    def roles(self) -> list[dict[str, Any]]:
        return list(self._roles.values())

    def add_to(self, metadata: dict[str, Any]) -> None:
        """Put the roles, parties and responsible parties into an OSCAL ``metadata``."""
        if self._roles:
            metadata["roles"] = list(self._roles.values())
        if self._parties:
            metadata["parties"] = list(self._parties.values())
        if self._responsible:
            metadata["responsible-parties"] = [
                {"role-id": role_id, "party-uuids": uuids}
                for role_id, uuids in self._responsible.items()
            ]


class Names:
    """The reader's side: party and role names by UUID and id, exact where poam wrote them."""

    def __init__(self, metadata: Mapping[str, Any]) -> None:
        self.parties: dict[str, str] = {}
        self.party_types: dict[str, str] = {}
        for party in metadata.get("parties") or ():
            exact = our_props(party.get("props")).get("name")
            name = prop_text(exact) if exact is not None else str(party.get("name") or "")
            if not name:
                name = str(party.get("short-name") or "")
            self.parties[str(party.get("uuid"))] = name
            self.party_types[str(party.get("uuid"))] = str(party.get("type") or "")
        self.roles: dict[str, str] = {
            str(role.get("id")): str(role.get("title") or role.get("id"))
            for role in metadata.get("roles") or ()
        }
        self.responsible: dict[str, list[str]] = {}
        for entry in metadata.get("responsible-parties") or ():
            self.responsible.setdefault(str(entry.get("role-id")), []).extend(
                str(uuid) for uuid in entry.get("party-uuids") or ()
            )

    def party(self, party_uuid: object) -> str | None:
        return self.parties.get(str(party_uuid))

    def first_in_role(self, *role_ids: str, kind: str | None = None) -> str | None:
        """The name of the first party responsible in the first of ``role_ids`` that has one."""
        for role_id in role_ids:
            for party_uuid in self.responsible.get(role_id, ()):
                name = self.parties.get(party_uuid)
                if name and (kind is None or self.party_types.get(party_uuid) == kind):
                    return name
        return None

    def responsible_roles(self, entries: Any) -> str | None:
        """The person or role behind ``responsible-roles``: a party's name, else a role title."""
        for entry in entries or ():
            for party_uuid in entry.get("party-uuids") or ():
                name = self.parties.get(str(party_uuid))
                if name:
                    return name
            role_id = str(entry.get("role-id") or "")
            if role_id:
                return self.roles.get(role_id, role_id)
        return None
