"""Template tags for pages outside the accounts app (the organization page)."""

from __future__ import annotations

from typing import Any

from django import template

from poam.web.accounts import events, invitations, policy

register = template.Library()


@register.inclusion_tag("accounts/organization_access.html", takes_context=True)
def organization_access(context: template.Context, org: Any) -> dict[str, Any]:
    """Invitations and the MFA policy of ``org``, for its administrators."""
    return {
        "org": org,
        "roles": context.get("roles", []),
        "pending": list(invitations.pending(org)),
        "mfa_required": policy.mfa_required(org),
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def event_detail(change: Any) -> str:
    """A security event's details as ``key: value; ...`` (empty for other changes)."""
    return "; ".join(f"{key}: {value}" for key, value in events.detail(change).items())
