"""The one place that decides who sees and changes what.

Every query of tenant data starts here: the helpers filter by the organizations the user belongs
to, then check the member's role for the action. An object of another organization is a 404 --
the same answer as an object that does not exist, so nothing leaks its existence; a member whose
role does not allow the action gets a 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet
from django.http import Http404

from poam.web.workbench.models import (
    Entry,
    EntryEvidence,
    EntryMilestone,
    Membership,
    Organization,
    PoamDocument,
    Role,
    System,
)
from poam.web.workbench.seam.rows import EntryRow


class Action(StrEnum):
    VIEW = "view"
    COMMENT = "comment"
    EDIT_SSP = "edit-ssp"
    EDIT_POAM = "edit-poam"
    """Create entries, edit any entry, the POA&M's settings."""
    EDIT_ENTRY = "edit-entry"
    """Update one entry: its milestones, evidence, status (entry owners: their own only)."""
    REVIEW = "review"
    MANAGE = "manage"
    """Members, systems, imports."""
    RECORD_STATUS = "record-status"
    """The CMMC status record: assessments of record, closeouts, affirmations (32 CFR 170.22
    makes the affirmation a senior official's act: administrators only)."""


_ALL = frozenset(Action)
PERMISSIONS: dict[str, frozenset[Action]] = {
    Role.ADMINISTRATOR: _ALL,
    Role.EDITOR: frozenset(_ALL - {Action.MANAGE, Action.RECORD_STATUS}),
    Role.ENTRY_OWNER: frozenset({Action.VIEW, Action.COMMENT, Action.EDIT_ENTRY}),
    Role.ASSESSOR: frozenset({Action.VIEW, Action.COMMENT}),
    Role.VIEWER: frozenset({Action.VIEW}),
}
ROLE_HELP = {
    Role.ADMINISTRATOR: "everything, including members, systems and imports",
    Role.EDITOR: "edits the SSP and the POA&Ms, records reviews",
    Role.ENTRY_OWNER: "updates the entries assigned to them (milestones, evidence, status)",
    Role.ASSESSOR: "reads everything and writes comments",
    Role.VIEWER: "reads everything",
}


def allows(role: str, action: Action) -> bool:
    return action in PERMISSIONS.get(role, frozenset())


@dataclass(frozen=True)
class Access:
    """A member's standing in the organization that owns an object."""

    user_id: int
    role: str

    def can(self, action: Action, entry: Entry | EntryRow | None = None) -> bool:
        if not allows(self.role, action):
            return False
        if action is Action.EDIT_ENTRY and self.role == Role.ENTRY_OWNER:
            return entry is not None and entry.assignee_id == self.user_id
        return True

    def require(self, action: Action, entry: Entry | EntryRow | None = None) -> None:
        if not self.can(action, entry):
            raise PermissionDenied(f"your role ({self.role}) does not allow this")


def _user_id(user: Any) -> int:
    if user is None or not user.is_authenticated:
        raise Http404("not found")
    return int(user.pk)


def roles(user: Any) -> dict[int, str]:
    """Organization id -> role, for every organization the user belongs to."""
    if user is None or not user.is_authenticated:
        return {}
    return dict(Membership.objects.filter(user_id=user.pk).values_list("organization_id", "role"))


def organizations(user: Any) -> QuerySet[Organization]:
    return Organization.objects.filter(memberships__user_id=_user_id(user)).annotate(
        role=F("memberships__role")
    )


def systems(user: Any) -> QuerySet[System]:
    """Every live system of every organization the user belongs to, with the user's role."""
    return (
        System.objects.filter(
            organization__memberships__user_id=_user_id(user), deleted_at__isnull=True
        )
        .annotate(role=F("organization__memberships__role"))
        .select_related("organization")
    )


def organization(user: Any, slug: str, action: Action = Action.VIEW) -> tuple[Organization, Access]:
    found = organizations(user).filter(slug=slug).first()
    if found is None:
        raise Http404("not found")
    access = Access(_user_id(user), found.role)  # type: ignore[attr-defined]
    access.require(action)
    return found, access


def system(user: Any, pk: int, action: Action = Action.VIEW) -> tuple[System, Access]:
    found = systems(user).filter(pk=pk).first()
    if found is None:
        raise Http404("not found")
    access = Access(_user_id(user), found.role)  # type: ignore[attr-defined]
    access.require(action)
    return found, access


def poam(user: Any, pk: int, action: Action = Action.VIEW) -> tuple[PoamDocument, Access]:
    found = (
        PoamDocument.objects.filter(
            pk=pk,
            system__organization__memberships__user_id=_user_id(user),
            system__deleted_at__isnull=True,
        )
        .annotate(role=F("system__organization__memberships__role"))
        .select_related("system__organization")
        .first()
    )
    if found is None:
        raise Http404("not found")
    access = Access(_user_id(user), found.role)
    access.require(action)
    return found, access


def entry(user: Any, pk: int, action: Action = Action.VIEW) -> tuple[Entry, Access]:
    found = (
        Entry.objects.filter(
            pk=pk,
            deleted_at__isnull=True,
            poam__system__organization__memberships__user_id=_user_id(user),
            poam__system__deleted_at__isnull=True,
        )
        .annotate(role=F("poam__system__organization__memberships__role"))
        .select_related("poam__system__organization", "assignee")
        .first()
    )
    if found is None:
        raise Http404("not found")
    access = Access(_user_id(user), found.role)
    access.require(action, found)
    return found, access


def milestone(user: Any, pk: int, action: Action = Action.VIEW) -> tuple[EntryMilestone, Access]:
    found = (
        EntryMilestone.objects.filter(
            pk=pk,
            deleted_at__isnull=True,
            entry__deleted_at__isnull=True,
            entry__poam__system__organization__memberships__user_id=_user_id(user),
            entry__poam__system__deleted_at__isnull=True,
        )
        .annotate(role=F("entry__poam__system__organization__memberships__role"))
        .select_related("entry__poam__system__organization")
        .first()
    )
    if found is None:
        raise Http404("not found")
    access = Access(_user_id(user), found.role)
    access.require(action, found.entry)
    return found, access


def evidence(user: Any, pk: int, action: Action = Action.VIEW) -> tuple[EntryEvidence, Access]:
    found = (
        EntryEvidence.objects.filter(
            pk=pk,
            deleted_at__isnull=True,
            entry__deleted_at__isnull=True,
            entry__poam__system__organization__memberships__user_id=_user_id(user),
            entry__poam__system__deleted_at__isnull=True,
        )
        .annotate(role=F("entry__poam__system__organization__memberships__role"))
        .select_related("entry__poam__system__organization", "blob")
        .first()
    )
    if found is None:
        raise Http404("not found")
    access = Access(_user_id(user), found.role)
    access.require(action, found.entry)
    return found, access
