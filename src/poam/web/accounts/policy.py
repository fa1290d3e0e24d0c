"""The organization policy "MFA required", and who it holds back.

When any organization a person belongs to requires MFA, that person must enrol a second factor
(an authenticator app or a security key) before they reach anything else; their API tokens are
refused until they have. CMMC requirement 3.5.3 (NIST SP 800-171 3.5.3) asks for multifactor
authentication for local and network access to privileged accounts and for network access to
non-privileged accounts: an organization that keeps its CUI records in poam can demand it here.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.db import transaction
from django.http import HttpRequest

from poam.web.accounts.events import Event, record
from poam.web.accounts.models import OrganizationPolicy
from poam.web.workbench.models import ObjectType, Organization

SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)
"""Recovery codes alone are not a factor one can enrol: they come with one of these."""


def mfa_required(organization: Organization) -> bool:
    return OrganizationPolicy.objects.filter(organization=organization, mfa_required=True).exists()


def requiring_organizations(user: Any) -> list[str]:
    """Names of the user's organizations that require MFA."""
    return list(
        OrganizationPolicy.objects.filter(
            mfa_required=True, organization__memberships__user_id=user.pk
        ).values_list("organization__name", flat=True)
    )


def has_second_factor(user: Any) -> bool:
    return bool(Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).exists())


def lacks_required_mfa(user: Any) -> bool:
    """True when one of the user's organizations requires MFA and the user has none."""
    return bool(requiring_organizations(user)) and not has_second_factor(user)


def set_mfa_required(
    request: HttpRequest | None, actor: Any, organization: Organization, required: bool
) -> bool:
    """Turn the policy on or off; returns True when it changed (and records who did it)."""
    with transaction.atomic():
        policy, _created = OrganizationPolicy.objects.select_for_update().get_or_create(
            organization=organization
        )
        if policy.mfa_required == required:
            return False
        policy.mfa_required = required
        policy.save(update_fields=["mfa_required", "updated_at"])
    record(
        Event.MFA_POLICY,
        request=request,
        actor=actor,
        organization=organization,
        subject=(ObjectType.ORGANIZATION, organization.pk, organization.name),
        mfa_required=required,
    )
    return True
