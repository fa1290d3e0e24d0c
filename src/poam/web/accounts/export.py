"""An organization's access settings for its export (``poam org export``, the organization page):
its two-factor policy and its invitations (addresses, roles, dates; never a link's digest)."""

from __future__ import annotations

import json

from poam.web.accounts.models import Invitation, OrganizationPolicy
from poam.web.workbench.models import Organization

ACCESS_MEMBER = "access.json"


def organization_access(organization: Organization) -> dict[str, bytes]:
    """The export's ``access.json``, as ``{name: bytes}`` for ``export_organization(extra=)``."""
    policy = OrganizationPolicy.objects.filter(organization=organization).first()
    invitations = Invitation.objects.filter(organization=organization).select_related(
        "invited_by", "accepted_by"
    )
    data = {
        "mfa_required": bool(policy and policy.mfa_required),
        "invitations": [
            {
                "email": invitation.email,
                "role": invitation.role,
                "invited_by": invitation.invited_by.get_username()
                if invitation.invited_by
                else None,
                "created_at": invitation.created_at.isoformat(),
                "expires_at": invitation.expires_at.isoformat(),
                "accepted_at": invitation.accepted_at.isoformat()
                if invitation.accepted_at
                else None,
                "accepted_by": invitation.accepted_by.get_username()
                if invitation.accepted_by
                else None,
                "revoked_at": invitation.revoked_at.isoformat() if invitation.revoked_at else None,
            }
            for invitation in invitations.order_by("created_at", "pk")
        ],
    }
    return {ACCESS_MEMBER: json.dumps(data, indent=1, sort_keys=True).encode("utf-8")}
