"""Tenant isolation: every URL and every API operation, walked as an outsider and as each role.

An outsider (a member of another organization only) must get exactly what a request for an
object that does not exist gets -- a 404, never a 403 that would confirm it exists -- and must
change nothing. Each role of the organization may do what its role allows and nothing more:
a refused change is a 403 and leaves every row of the organization as it was.
The tables below must name every URL pattern and API operation: a new one fails the walk until
it is added, so no endpoint escapes it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from poam.web.accounts.models import Invitation, OrganizationPolicy
from poam.web.api.routes import api
from poam.web.workbench.models import (
    ApiToken,
    Change,
    Comment,
    DueDateMove,
    Entry,
    EntryEvidence,
    EntryMilestone,
    Membership,
    PoamDocument,
    Review,
    SspRequirement,
    System,
)

MISSING = 987654


def fingerprint(org: Any) -> dict[str, Any]:
    """Every row of the organization, with its version: equal before and after means untouched."""
    systems = System.objects.filter(organization=org)
    return {
        "systems": sorted(systems.values_list("pk", "version", "name", "deleted_at")),
        "records": sorted(
            SspRequirement.objects.filter(system__organization=org).values_list(
                "pk", "version", "status"
            )
        ),
        "poams": sorted(
            PoamDocument.objects.filter(system__organization=org).values_list(
                "pk", "version", "last_reviewed"
            )
        ),
        "entries": sorted(
            Entry.objects.filter(poam__system__organization=org).values_list(
                "pk", "version", "deleted_at", "status"
            )
        ),
        "milestones": sorted(
            EntryMilestone.objects.filter(entry__poam__system__organization=org).values_list(
                "pk", "version", "due", "deleted_at"
            )
        ),
        "moves": DueDateMove.objects.filter(
            milestone__entry__poam__system__organization=org
        ).count(),
        "evidence": sorted(
            EntryEvidence.objects.filter(entry__poam__system__organization=org).values_list(
                "pk", "version", "deleted_at"
            )
        ),
        "reviews": Review.objects.filter(poam__system__organization=org).count(),
        "comments": Comment.objects.filter(system__organization=org).count(),
        "members": sorted(Membership.objects.filter(organization=org).values_list("pk", "role")),
        "changes": Change.objects.filter(organization=org).count(),
        "tokens": sorted(
            ApiToken.objects.filter(user__memberships__organization=org).values_list(
                "pk", "revoked_at"
            )
        ),
        "invitations": sorted(
            Invitation.objects.filter(organization=org).values_list("pk", "revoked_at")
        ),
        "policy": list(OrganizationPolicy.objects.filter(organization=org).values_list()),
    }


STATUS_RECORD = {
    "assessments": [
        {"type": "self", "date": "2026-06-01", "status_date": "2026-06-03", "result": "conditional"}
    ],
    "affirmations": [
        {"type": "initial", "date": "2026-06-03", "official": "Pat Lee", "title": "President"}
    ],
}
ASSESSMENT = {"type": "self", "date": "2026-06-01", "status_date": "2026-06-03"}
AFFIRMATION = {"kind": "annual", "date": "2026-11-01", "official": "Pat Lee", "title": "CEO"}


class Targets:
    """The objects of the first organization that the walk aims at."""

    def __init__(self, world: Any) -> None:
        self.world = world
        system = world.system
        self.system = system
        System.objects.filter(pk=system.pk).update(cmmc=STATUS_RECORD)  # a record to change
        system.refresh_from_db()
        self.owned = Entry.objects.get(poam__system=system, item_id="POAM-006", deleted_at=None)
        self.other_entry = Entry.objects.get(
            poam__system=system, item_id="POAM-003", deleted_at=None
        )
        self.poam = PoamDocument.objects.get(system=system, kind="internal")
        milestone = EntryMilestone.objects.filter(
            entry=self.owned, completed__isnull=True, due__isnull=False
        ).first()
        evidence = (
            EntryEvidence.objects.filter(
                entry__poam__system=system, deleted_at__isnull=True, blob__isnull=False
            )
            .exclude(entry__in=[self.owned, self.other_entry])
            .first()
        )
        assert evidence is not None and milestone is not None
        self.milestone: EntryMilestone = milestone
        self.evidence: EntryEvidence = evidence
        self.membership = Membership.objects.get(organization=world.org, user=world.users["viewer"])
        self.token, _clear = ApiToken.issue(world.users["viewer"], "walk")
        self.invitation = Invitation.objects.create(
            organization=world.org,
            email="walk@example.com",
            role="viewer",
            digest="0" * 64,
            created_at=timezone.now(),
            expires_at=timezone.now() + timedelta(days=7),
        )

    def fresh(self) -> None:
        for name in ("owned", "other_entry", "poam", "milestone", "evidence", "system"):
            getattr(self, name).refresh_from_db()


# --- the pages -------------------------------------------------------------------------------

Page = tuple[
    str, Callable[[Targets], dict[str, Any]], Callable[[Targets], dict[str, Any]] | None, str | None
]
"""URL name, its kwargs, the POST data (None: GET only), the action a POST needs."""


def _req(t: Targets) -> dict[str, Any]:
    record = SspRequirement.objects.get(system=t.system, requirement="3.1.10")
    return {"status": "implemented", "version": record.version}


PAGES: list[Page] = [
    ("dashboard", lambda t: {"pk": t.system.pk}, None, None),
    ("findings", lambda t: {"pk": t.system.pk}, None, None),
    ("history", lambda t: {"pk": t.system.pk}, None, None),
    ("ssp", lambda t: {"pk": t.system.pk}, None, None),
    ("poam", lambda t: {"pk": t.system.pk}, None, None),
    ("assessor", lambda t: {"pk": t.system.pk}, None, None),
    ("export", lambda t: {"pk": t.system.pk, "key": "ssp"}, None, None),
    ("organization", lambda t: {"slug": t.world.org.slug}, None, None),
    ("entry", lambda t: {"pk": t.owned.pk}, None, None),
    ("evidence-download", lambda t: {"pk": t.evidence.pk}, None, None),
    ("requirement", lambda t: {"pk": t.system.pk, "nist_id": "3.1.10"}, _req, "edit-ssp"),
    (
        "system-info",
        lambda t: {"pk": t.system.pk},
        lambda t: {"name": "Renamed", "version": t.system.version},
        "edit-ssp",
    ),
    (
        "entry-new",
        lambda t: {"pk": t.poam.pk},
        lambda t: {"requirement": "3.1.10", "gap": "A new gap described in enough words here"},
        "edit-poam",
    ),
    (
        "poam-settings",
        lambda t: {"pk": t.poam.pk},
        lambda t: {"maintainer": "Jane Doe, ISSO", "version": t.poam.version},
        "edit-poam",
    ),
    ("poam-create", lambda t: {"pk": t.system.pk}, lambda t: {"kind": "conditional"}, "edit-poam"),
    ("review", lambda t: {"pk": t.poam.pk}, lambda t: {"note": "walk"}, "review"),
    (
        "entry-edit",
        lambda t: {"pk": t.owned.pk},
        lambda t: {
            "status": "completed-pending-verification",
            "version": t.owned.version,
            "without_evidence": "1",  # POAM-006 has none: the page asks first otherwise
        },
        "edit-entry",
    ),
    (
        "entry-delete",
        lambda t: {"pk": t.other_entry.pk},
        lambda t: {"version": t.other_entry.version, "reason": "walk"},
        "edit-poam",
    ),
    (
        "milestone-add",
        lambda t: {"pk": t.owned.pk},
        lambda t: {"title": "Walk", "due": "2027-01-01"},
        "edit-entry",
    ),
    (
        "milestone-edit",
        lambda t: {"pk": t.milestone.pk},
        lambda t: {"title": "Renamed", "version": t.milestone.version},
        "edit-entry",
    ),
    (
        "milestone-move",
        lambda t: {"pk": t.milestone.pk},
        lambda t: {
            "to_date": "2027-06-01",
            "justification": "walk",
            "version": t.milestone.version,
        },
        "edit-entry",
    ),
    (
        "milestone-delete",
        lambda t: {"pk": t.milestone.pk},
        lambda t: {"version": t.milestone.version},
        "edit-entry",
    ),
    (
        "evidence-add",
        lambda t: {"pk": t.owned.pk},
        lambda t: {"url": "https://example.com/x", "title": "Walk link"},
        "edit-entry",
    ),
    (
        "evidence-attach",
        lambda t: {"pk": t.evidence.pk},
        lambda t: {"file": SimpleUploadedFile("a.txt", b"a"), "version": t.evidence.version},
        "edit-entry-other",
    ),
    (
        "evidence-delete",
        lambda t: {"pk": t.evidence.pk},
        lambda t: {"version": t.evidence.version},
        "edit-entry-other",
    ),
    ("entry-comment", lambda t: {"pk": t.owned.pk}, lambda t: {"text": "walk"}, "comment"),
    ("system-comment", lambda t: {"pk": t.system.pk}, lambda t: {"text": "walk"}, "comment"),
    (
        "import",
        lambda t: {"pk": t.system.pk},
        lambda t: {"poam": SimpleUploadedFile("poam.yaml", b"poam: {kind: internal}\nitems: []\n")},
        "manage",
    ),
    (
        "import-preview",
        lambda t: {"pk": t.system.pk, "token": "no-such-preview-token-0123456789"},
        lambda t: {"action": "confirm"},
        "manage",
    ),
    (
        "system-create",
        lambda t: {"slug": t.world.org.slug},
        lambda t: {"name": "Walk system"},
        "manage",
    ),
    (
        "invitation-create",
        lambda t: {"slug": t.world.org.slug},
        lambda t: {"email": "newbie@example.com", "role": "viewer"},
        "manage",
    ),
    (
        "invitation-revoke",
        lambda t: {"slug": t.world.org.slug, "pk": t.invitation.pk},
        lambda t: {},
        "manage",
    ),
    (
        "org-security",
        lambda t: {"slug": t.world.org.slug},
        lambda t: {"mfa_required": "0"},
        "manage",
    ),
    # administrators only: the organization's activity log (read, whatever the method)
    ("org-activity", lambda t: {"slug": t.world.org.slug}, lambda t: {}, "manage"),
    (
        "member-change",
        lambda t: {"slug": t.world.org.slug, "member": t.membership.pk},
        lambda t: {"role": "assessor"},
        "manage",
    ),
    ("token-revoke", lambda t: {"pk": t.token.pk}, lambda t: {}, "own-token"),
    ("status", lambda t: {"pk": t.system.pk}, None, None),
    (
        "assessment-add",
        lambda t: {"pk": t.system.pk},
        lambda t: {**ASSESSMENT, "result": "final", "version": t.system.version},
        "record-status",
    ),
    (
        "assessment-edit",
        lambda t: {"pk": t.system.pk, "index": 0},
        lambda t: {**ASSESSMENT, "result": "conditional", "uid": "W", "version": t.system.version},
        "record-status",
    ),
    (
        "affirmation-add",
        lambda t: {"pk": t.system.pk},
        lambda t: {**AFFIRMATION, "version": t.system.version},
        "record-status",
    ),
    (
        "affirmation-remove",
        lambda t: {"pk": t.system.pk, "index": 0},
        lambda t: {"version": t.system.version, "reason": "walk"},
        "record-status",
    ),
    ("org-export", lambda t: {"slug": t.world.org.slug}, lambda t: {}, "manage"),
    # last: an administrator's walk ends by deleting the organization
    (
        "org-delete",
        lambda t: {"slug": t.world.org.slug},
        lambda t: {"confirm": t.world.org.slug, "reason": "walk"},
        "manage",
    ),
]
WITHOUT_TENANT_OBJECT = {
    "portfolio",
    "login",
    "account-security",
    "tokens",
    "token-create",
    "setup",
    "org-create",
    "invitation",
    # django-allauth's pages: signing in and out, passwords, two-factor authentication
    "account_login",
    "account_logout",
    "account_inactive",
    "account_signup",
    "account_reauthenticate",
    "account_request_reauthentication_code",
    "account_confirm_reauthentication_code",
    "account_email",
    "account_email_verification_sent",
    "account_confirm_email",
    "account_change_password",
    "account_set_password",
    "account_reset_password",
    "account_confirm_login_code",
    "account_reset_password_from_key_done",
    "account_reset_password_from_key",
    "account_reset_password_done",
    "mfa_index",
    "mfa_authenticate",
    "mfa_reauthenticate",
    "mfa_reauthenticate_webauthn",
    "mfa_activate_totp",
    "mfa_deactivate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "mfa_list_webauthn",
    "mfa_add_webauthn",
    "mfa_remove_webauthn",
    "mfa_edit_webauthn",
    "reminders",
    "reminder-feed-new",
    "reminder-feed-remove",
    "reminder-feed",
}
"""Pages about the user themselves, checked separately: they show only the user's own data
(the invitation page answers only to the secret in its link; see test_invitations.py)."""

ALLOWED = {
    "administrator": {
        "edit-ssp",
        "edit-poam",
        "edit-entry",
        "edit-entry-other",
        "review",
        "comment",
        "manage",
        "record-status",
    },
    "editor": {"edit-ssp", "edit-poam", "edit-entry", "edit-entry-other", "review", "comment"},
    "entry-owner": {
        "edit-entry",
        "comment",
    },  # POAM-006 is theirs; the evidence is on another entry
    "assessor": {"comment"},
    "viewer": set(),
}
"""What each role may do, written from the issue's words (not from the code's own table)."""


def _names(patterns: list[Any], prefix: str = "") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if "api" in str(pattern.pattern):
                continue
            names |= _names(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(pattern.name)
    return names


def test_the_walk_covers_every_page() -> None:
    known = {name for name, *_ in PAGES} | WITHOUT_TENANT_OBJECT
    assert _names(get_resolver().url_patterns) == known


def _url(name: str, kwargs: dict[str, Any]) -> str:
    from django.urls import reverse

    return reverse(name, kwargs=kwargs)


def _missing(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (MISSING if isinstance(v, int) else "no-such-org" if k == "slug" else v)
        for k, v in kwargs.items()
    }


def _secrets(world: Any) -> list[str]:
    return ["Acme CUI Enclave", "POAM-006", world.org.name]


def test_an_outsider_gets_404_everywhere_and_changes_nothing(world: Any) -> None:
    targets = Targets(world)
    client = Client()
    client.force_login(world.users["outsider"])
    before = fingerprint(world.org)
    for name, kwargs_of, data_of, _action in PAGES:
        kwargs = kwargs_of(targets)
        url, nowhere = _url(name, kwargs), _url(name, _missing(kwargs))
        for method in ("get", "post"):
            data = data_of(targets) if (data_of and method == "post") else {}
            response = getattr(client, method)(url, data)
            baseline = getattr(client, method)(
                nowhere, data_of(targets) if data_of and data else {}
            )
            assert response.status_code == baseline.status_code, (name, method)
            assert response.status_code in (404, 405), (name, method, response.status_code)
            body = response.content.decode(errors="replace")
            assert not any(secret in body for secret in _secrets(world)), (name, method)
    assert fingerprint(world.org) == before


def test_pages_without_a_tenant_object_show_only_the_users_own(world: Any) -> None:
    client = Client()
    client.force_login(world.users["outsider"])
    before = fingerprint(world.org)
    for url in (
        "/",
        "/account/tokens/",
        "/account/password/change/",
        "/account/security/",
        "/reminders/",
    ):
        body = client.get(url).content.decode()
        assert "Summit Fasteners" in body or url != "/"
        assert not any(secret in body for secret in _secrets(world)), url
    assert "Acme CUI Enclave" not in client.get("/?q=Acme").content.decode()
    client.post("/orgs/new/", {"name": "Outsider Org"})
    client.post("/account/tokens/new/", {"name": "mine"})
    assert client.get("/setup/?token=guess").status_code == 404
    assert fingerprint(world.org) == before


@pytest.mark.parametrize("role", list(ALLOWED))
def test_each_role_does_what_it_may_and_nothing_more(world: Any, role: str) -> None:
    user = world.users[role]
    client = Client()
    client.force_login(user)
    targets = Targets(world)
    for name, kwargs_of, data_of, action in PAGES:
        targets.fresh()
        kwargs = kwargs_of(targets)
        get = client.get(_url(name, kwargs))
        if get.streaming:  # read a download to the end: that closes its file (and not the DB)
            b"".join(get.streaming_content)  # type: ignore[attr-defined]
        if data_of is None:
            assert get.status_code == 200, (role, name, get.status_code)
            continue
        if action == "own-token":
            continue
        before = fingerprint(world.org)
        response = client.post(_url(name, kwargs), data_of(targets))
        if response.streaming:  # a download answering a POST (the organization's export)
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
        if action in ALLOWED[role]:
            assert response.status_code in (200, 302), (role, name, response.status_code)
        else:
            assert response.status_code == 403, (role, name, response.status_code)
            assert fingerprint(world.org) == before, (role, name)


def test_a_token_of_another_user_cannot_be_revoked(world: Any) -> None:
    targets = Targets(world)
    client = Client()
    client.force_login(world.users["administrator"])  # same organization, not the token's owner
    assert client.post(f"/account/tokens/{targets.token.pk}/revoke/").status_code == 404
    targets.token.refresh_from_db()
    assert targets.token.revoked_at is None


# --- the API ---------------------------------------------------------------------------------


def _api_params(t: Targets) -> dict[str, Any]:
    return {
        "system_id": t.system.pk,
        "entry_id": t.owned.pk,
        "milestone_id": t.milestone.pk,
        "evidence_id": t.evidence.pk,
        "nist_id": "3.1.10",
        "key": "ssp",
        "index": 0,
    }


def _api_call(client: Client, method: str, path: str, t: Targets) -> Any:
    """A request with a body that passes validation, so that only tenancy can refuse it."""
    json_bodies: dict[str, dict[str, Any]] = {
        "/api/systems/{system_id}/requirements/{nist_id}": {"version": 1, "status": "implemented"},
        "/api/systems/{system_id}/entries": {"requirement": "3.1.10", "gap": "walk gap"},
        "/api/entries/{entry_id}": {"version": t.owned.version, "status": "in-progress"},
        "/api/entries/{entry_id}/milestones": {"title": "walk"},
        "/api/milestones/{milestone_id}": {"version": t.milestone.version, "title": "walk"},
        "/api/milestones/{milestone_id}/move": {
            "version": t.milestone.version,
            "to_date": "2027-06-01",
            "justification": "walk",
        },
        "/api/entries/{entry_id}/links": {"title": "walk", "url": "https://example.com"},
        "/api/systems/{system_id}/review": {"note": "walk"},
        "/api/systems/{system_id}/comments": {"text": "walk"},
        "/api/systems/{system_id}/status/assessments": {
            **ASSESSMENT,
            "result": "final",
            "version": t.system.version,
        },
        "/api/systems/{system_id}/status/assessments/{index}": {
            **ASSESSMENT,
            "result": "conditional",
            "version": t.system.version,
        },
        "/api/systems/{system_id}/status/affirmations": {
            **AFFIRMATION,
            "version": t.system.version,
        },
    }
    multipart = {
        "/api/entries/{entry_id}/evidence": lambda: {"file": SimpleUploadedFile("w.txt", b"w")},
        "/api/systems/{system_id}/import": lambda: {
            "poam": SimpleUploadedFile("poam.yaml", b"poam: {kind: internal}\nitems: []\n")
        },
    }
    return method, path, json_bodies.get(path), multipart.get(path)


def _send(client: Client, method: str, url: str, body: Any, files: Any, token: str) -> Any:
    headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if method == "delete":
        return client.delete(url + "?version=1", **headers)
    if files is not None:
        return client.post(url, files(), **headers)
    if method == "get":
        return client.get(url, **headers)
    return getattr(client, method)(url, body or {}, content_type="application/json", **headers)


def _operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return [
        (method, "/api" + path if not path.startswith("/api") else path)
        for path, methods in schema["paths"].items()
        for method in methods
    ]


def test_the_api_walk_knows_every_path_parameter(world: Any) -> None:
    known = set(_api_params(Targets(world)))
    for _method, path in _operations():
        assert set(re.findall(r"{(\w+)}", path)) <= known, path


def test_an_outsider_token_gets_404_from_every_api_operation(world: Any) -> None:
    targets = Targets(world)
    _token, clear = ApiToken.issue(world.users["outsider"], "outsider", scope="write")
    client = Client()
    before = fingerprint(world.org)
    params = _api_params(targets)
    for method, path in _operations():
        _m, _p, body, files = _api_call(client, method, path, targets)
        url = re.sub(r"{(\w+)}", lambda m: str(params[m[1]]), path)
        nowhere = re.sub(
            r"{(\w+)}",
            lambda m: str(MISSING if m[1] != "nist_id" and m[1] != "key" else params[m[1]]),
            path,
        )
        response = _send(client, method, url, body, files, clear)
        baseline = _send(client, method, nowhere, body, files, clear)
        assert response.status_code == baseline.status_code, (method, path)
        if "{" in path:
            assert response.status_code == 404, (method, path, response.status_code)
        body_text = response.content.decode(errors="replace")
        assert not any(secret in body_text for secret in _secrets(world)), (method, path)
    assert fingerprint(world.org) == before


def test_the_api_without_a_token_is_401_everywhere(world: Any) -> None:
    targets = Targets(world)
    params = _api_params(targets)
    client = Client()
    for method, path in _operations():
        url = re.sub(r"{(\w+)}", lambda m: str(params[m[1]]), path)
        response = getattr(client, method)(url)
        assert response.status_code == 401, (method, path)


def test_api_roles_are_enforced(world: Any) -> None:
    targets = Targets(world)
    client = Client()
    system = world.system.pk
    for index, role in enumerate(ALLOWED):
        _token, clear = ApiToken.issue(world.users[role], "role", scope="write")
        headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {clear}"}
        assert client.get(f"/api/systems/{system}/assessment", **headers).status_code == 200
        before = fingerprint(world.org)
        record = SspRequirement.objects.get(system=world.system, requirement="3.1.10")
        response = client.patch(
            f"/api/systems/{system}/requirements/3.1.10",
            {"version": record.version, "narrative": f"by {role}"},
            content_type="application/json",
            **headers,
        )
        if "edit-ssp" in ALLOWED[role]:
            assert response.status_code == 200, role
        else:
            assert response.status_code == 403, role
            assert fingerprint(world.org) == before
        targets.fresh()
        response = client.post(
            f"/api/milestones/{targets.milestone.pk}/move",
            {
                "version": targets.milestone.version,
                "to_date": f"2027-07-{index + 1:02d}",
                "justification": f"moved by {role}",
            },
            content_type="application/json",
            **headers,
        )
        assert response.status_code == (200 if "edit-entry" in ALLOWED[role] else 403), role
