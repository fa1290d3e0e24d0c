"""Organizations and their members: each change is in the change log, under the organization,
with who made it and from where (the same unit of work as a system's changes)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.text import slugify

from poam.web.workbench.forms import validated
from poam.web.workbench.forms.tenancy import OrganizationForm, RoleForm
from poam.web.workbench.history import Actor, UnitOfWork
from poam.web.workbench.models import Membership, ObjectType, Organization, Role


def _unique_slug(name: str) -> str:
    base = slugify(name)[:60] or "organization"
    slug, counter = base, 2
    while Organization.objects.filter(slug=slug).exists():
        slug = f"{base}-{counter}"
        counter += 1
    return slug


def _member_label(membership: Membership) -> str:
    return f"{membership.user.get_username()} in {membership.organization.name}"


def create_organization(actor: Actor, name: str, *, slug: str | None = None) -> Organization:
    """A new organization, with ``actor`` as its first administrator."""
    form = validated(OrganizationForm({"name": name}))
    organization: Organization = form.save(commit=False)
    organization.slug = slug or _unique_slug(organization.name)
    with UnitOfWork(actor, organization=None) as work:
        organization.save()
        work.organization_id = organization.pk
        work.record(
            ObjectType.ORGANIZATION,
            organization.pk,
            organization.name,
            "create",
            [("name", None, organization.name), ("slug", None, organization.slug)],
        )
        if actor.user is not None:
            membership = Membership.objects.create(
                user=actor.user, organization=organization, role=Role.ADMINISTRATOR
            )
            work.record(
                ObjectType.MEMBERSHIP,
                membership.pk,
                _member_label(membership),
                "create",
                [("role", None, membership.role)],
            )
    return organization


def add_member(
    actor: Actor, organization: Organization, user: Any, role: str, *, reason: str = ""
) -> tuple[Membership, bool]:
    """Make an existing account a member in ``role`` (people join by accepting an invitation,
    poam.web.accounts.invitations, which calls this). Returns the membership and whether it is
    new; an account that is already a member keeps its role."""
    role = validated(RoleForm({"role": role})).cleaned_data["role"]
    with UnitOfWork(actor, organization=organization, reason=reason) as work:
        membership, created = Membership.objects.get_or_create(
            user=user, organization=organization, defaults={"role": role}
        )
        if created:
            work.record(
                ObjectType.MEMBERSHIP,
                membership.pk,
                _member_label(membership),
                "create",
                [("role", None, membership.role)],
            )
    return membership, created


def change_role(
    actor: Actor, organization: Organization, membership: Membership, role: str
) -> None:
    """Give a member another role; an organization keeps at least one administrator."""
    role = validated(RoleForm({"role": role})).cleaned_data["role"]
    with UnitOfWork(actor, organization=organization) as work:
        if membership.role == Role.ADMINISTRATOR and role != Role.ADMINISTRATOR:
            _keep_an_administrator(organization, membership)
        if role == membership.role:
            return
        Membership.objects.filter(pk=membership.pk).update(role=role)
        work.record(
            ObjectType.MEMBERSHIP,
            membership.pk,
            _member_label(membership),
            "update",
            [("role", membership.role, role)],
        )
        membership.role = role


def remove_member(actor: Actor, organization: Organization, membership: Membership) -> None:
    """Take a member out of the organization (their history stays)."""
    with UnitOfWork(actor, organization=organization) as work:
        if membership.role == Role.ADMINISTRATOR:
            _keep_an_administrator(organization, membership)
        work.record(
            ObjectType.MEMBERSHIP,
            membership.pk,
            _member_label(membership),
            "delete",
            [("role", membership.role, None)],
        )
        membership.delete()


def _keep_an_administrator(organization: Organization, membership: Membership) -> None:
    others = Membership.objects.filter(organization=organization, role=Role.ADMINISTRATOR).exclude(
        pk=membership.pk
    )
    if not others.exists():
        raise ValidationError({"role": "an organization keeps at least one administrator"})
