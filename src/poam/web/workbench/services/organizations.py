"""Organizations and their members: each change is in the change log, under the organization,
with who made it and from where (the same unit of work as a system's changes)."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from poam.web.workbench.forms import validated
from poam.web.workbench.forms.tenancy import MemberForm, OrganizationForm, RoleForm
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
    actor: Actor,
    organization: Organization,
    username: str,
    role: str,
    *,
    email: str = "",
    full_name: str = "",
) -> tuple[Membership, str | None]:
    """Add a user to the organization, creating the account if needed.

    Returns the membership and, for a new account, its one-time password (shown once).
    """
    form = validated(
        MemberForm({"username": username, "role": role, "email": email, "full_name": full_name})
    )
    values = form.cleaned_data
    users = get_user_model()
    password = None
    with UnitOfWork(actor, organization=organization) as work:
        user = users.objects.filter(username=values["username"]).first()
        if user is None:
            password = secrets.token_urlsafe(12)
            first, _, last = values["full_name"].partition(" ")
            user = users.objects.create_user(
                username=values["username"],
                email=values["email"],
                password=password,
                first_name=first,
                last_name=last.strip(),
            )
            work.record(
                ObjectType.USER,
                user.pk,
                user.get_username(),
                "create",
                [("email", None, values["email"])],
            )
        if Membership.objects.filter(user=user, organization=organization).exists():
            raise ValidationError({"username": f"{values['username']} is already a member"})
        membership = Membership.objects.create(
            user=user, organization=organization, role=values["role"]
        )
        work.record(
            ObjectType.MEMBERSHIP,
            membership.pk,
            _member_label(membership),
            "create",
            [("role", None, membership.role)],
        )
    return membership, password


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
