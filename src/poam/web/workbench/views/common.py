"""What every system page needs: the access, the assessment, where a finding is fixed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from poam.core.catalog import Catalog, load_catalog
from poam.core.checks import REGISTRY, Group
from poam.core.checks.base import Finding
from poam.web.workbench.assessment import Assessed, system_assessment
from poam.web.workbench.clock import today
from poam.web.workbench.history import Actor
from poam.web.workbench.models import System
from poam.web.workbench.tenancy import Access, Action

STATUS_CODES = REGISTRY.codes_in(Group.STATUS)
"""Findings about the CMMC status over time: fixed on the system's status page."""
GOVERNANCE_CODES = REGISTRY.codes_in(Group.GOVERNANCE)
"""Findings about how the POA&M is kept: fixed in its settings."""
GAP_WITHOUT_ENTRY = REGISTRY["ssp-gap-without-poam"].code
"""A NOT MET requirement no open entry covers: fixed by a new entry, offered pre-filled."""


def actor(request: HttpRequest) -> Actor:
    """Who is acting, and from which address (kept in the change log)."""
    return Actor.from_request(request)


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def anchor(nist_id: str) -> str:
    return "req-" + nist_id.replace(".", "-")


def fix_url(
    system: System, assessed: Assessed, finding: Finding, *, may_add_entry: bool = True
) -> str:
    """The page where a finding is fixed: the entry, the requirement, or the POA&M itself; a
    gap without an entry, the new entry's form (for those who may add one)."""
    snapshot = assessed.snapshot
    kind = assessed.kind or ""
    if finding.item:
        pk = snapshot.entry_pk.get((kind, finding.item))
        if pk is not None:
            return reverse("entry", args=[pk])
    if finding.code in STATUS_CODES and not finding.item:
        return reverse("status", args=[system.pk])
    if finding.code == GAP_WITHOUT_ENTRY and finding.requirement and may_add_entry:
        poam_row = snapshot.poam_rows.get(kind)
        if poam_row is not None:
            return reverse("entry-new", args=[poam_row.pk]) + f"?requirement={finding.requirement}"
    if finding.code in GOVERNANCE_CODES and not finding.requirement:
        return reverse("poam", args=[system.pk]) + (f"?kind={kind}" if kind else "") + "#settings"
    if finding.requirement and load_catalog().find(finding.requirement) is not None:
        requirement = load_catalog().get(finding.requirement)
        return (
            reverse("ssp", args=[system.pk])
            + f"?family={requirement.family}#{anchor(requirement.nist_id)}"
        )
    return reverse("poam", args=[system.pk])


@dataclass(frozen=True)
class FindingView:
    finding: Finding
    url: str


def finding_views(
    system: System, assessed: Assessed, findings: Any = None, *, access: Access | None = None
) -> list[FindingView]:
    chosen = assessed.assessment.findings if findings is None else findings
    may_add = access is None or access.can(Action.EDIT_POAM)
    return [FindingView(f, fix_url(system, assessed, f, may_add_entry=may_add)) for f in chosen]


def permissions(access: Access) -> dict[str, bool]:
    return {
        "can_edit_ssp": access.can(Action.EDIT_SSP),
        "can_edit_poam": access.can(Action.EDIT_POAM),
        "can_review": access.can(Action.REVIEW),
        "can_comment": access.can(Action.COMMENT),
        "can_manage": access.can(Action.MANAGE),
    }


def system_context(
    request: HttpRequest, system: System, access: Access, tab: str, kind: str | None = None
) -> dict[str, Any]:
    as_of = today()
    assessed = system_assessment(system, as_of, kind)
    return {
        "system": system,
        "org": system.organization,
        "access": access,
        "tab": tab,
        "as_of": as_of,
        "assessed": assessed,
        "assessment": assessed.assessment,
        "catalog": catalog(),
        **permissions(access),
    }


def catalog() -> Catalog:
    return load_catalog()


def version_of(request: HttpRequest, default: str = "") -> int:
    """The ``version`` a form was based on (-1, never current, when it is not a number)."""
    try:
        return int(request.POST.get("version", default) or -1)
    except ValueError:
        return -1


def reason_of(request: HttpRequest) -> str:
    return request.POST.get("reason", "")


def safe_next(request: HttpRequest) -> str | None:
    """A same-site path to return to after a form, or None."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None
