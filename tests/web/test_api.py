"""The API: tokens, the same assessment as the CLI, changes with versions, evidence, OpenAPI."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from poam.web.workbench.models import ApiToken, EntryMilestone, SspRequirement
from tests.web.conftest import AS_OF, EXAMPLES, ROOT


@pytest.fixture
def api(world: Any) -> Client:
    _token, clear = ApiToken.issue(world.users["editor"], "tests", scope="write")
    return Client(HTTP_AUTHORIZATION=f"Bearer {clear}")


def _cli_json(folder: str) -> dict[str, Any]:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "poam",
            "check",
            str(EXAMPLES / folder),
            "--as-of",
            AS_OF.isoformat(),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_the_api_assessment_is_the_cli_assessment(world: Any) -> None:
    _token, clear = ApiToken.issue(world.users["consultant"], "tests")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {clear}")
    for system, folder in (
        (world.system, "acme-enclave"),
        (world.other_system, "summit-conditional"),
    ):
        web = client.get(f"/api/systems/{system.pk}/assessment?as_of={AS_OF.isoformat()}").json()
        cli = _cli_json(folder)
        assert web == cli, folder


def test_tokens_authenticate_and_revoked_ones_do_not(world: Any) -> None:
    token, clear = ApiToken.issue(world.users["viewer"], "t")
    assert token.digest != clear and clear.startswith("poam_")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {clear}")
    assert client.get("/api/systems").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=token.last_used_at)
    assert client.get("/api/systems").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer poam_wrong").get("/api/systems").status_code == 401


def test_portfolio_lists_summaries(api: Client, world: Any) -> None:
    data = api.get("/api/systems?sort=-score").json()
    assert data["count"] == 1
    item = data["items"][0]
    assert item["name"] == "Acme CUI Enclave" and item["summary"]["score"] == 79
    assert item["summary"]["verdict"] == "none" and item["role"] == "editor"


def test_requirement_patch_changes_score_and_refuses_stale_versions(
    api: Client, world: Any
) -> None:
    record = SspRequirement.objects.get(system=world.system, requirement="3.1.10")
    url = f"/api/systems/{world.system.pk}/requirements/3.1.10"
    ok = api.patch(
        url,
        {
            "version": record.version,
            "status": "implemented",
            "objectives": {"a": "met", "b": "met", "c": "met"},
            "reason": "fixed",
        },
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["score"] == 80 and ok.json()["met"] is True and ok.json()["version"] == 2
    stale = api.patch(
        url, {"version": record.version, "status": "planned"}, content_type="application/json"
    )
    assert stale.status_code == 409
    assert "Editor Person" in stale.json()["detail"]
    assert {c["field"] for c in stale.json()["latest"]} >= {"status"}
    bad = api.patch(url, {"version": 2, "status": "done"}, content_type="application/json")
    assert bad.status_code == 422 and "status" in bad.json()["errors"]


def test_entry_create_milestone_move_and_evidence(api: Client, world: Any) -> None:
    created = api.post(
        f"/api/systems/{world.system.pk}/entries",
        {
            "requirement": "3.1.10",
            "gap": "Lock after 60 minutes on CAD stations",
            "milestone_title": "Profile applied",
            "milestone_due": "2027-01-15",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    entry = created.json()
    milestone = entry["milestones"][0]
    assert milestone["due"] == "2027-01-15"
    refused = api.post(
        f"/api/milestones/{milestone['id']}/move",
        {"version": milestone["version"], "to_date": "2027-02-15"},
        content_type="application/json",
    )
    assert refused.status_code == 422 and "justification" in refused.json()["errors"]
    moved = api.post(
        f"/api/milestones/{milestone['id']}/move",
        {
            "version": milestone["version"],
            "to_date": "2027-02-15",
            "justification": "Change freeze over the holidays",
        },
        content_type="application/json",
    )
    assert moved.status_code == 200
    history = moved.json()["milestones"][0]["history"]
    assert history == [
        {
            "changed": "2026-11-20",
            "from": "2027-01-15",
            "to": "2027-02-15",
            "by": "Editor Person",
            "justification": "Change freeze over the holidays",
        }
    ]
    content = b"gpo export"
    uploaded = api.post(
        f"/api/entries/{entry['id']}/evidence",
        {"file": SimpleUploadedFile("gpo.txt", content), "title": "GPO export"},
    )
    assert uploaded.status_code == 201, uploaded.content
    evidence = uploaded.json()["evidence"][0]
    assert evidence["sha256"] == hashlib.sha256(content).hexdigest()
    assert evidence["file"]["size"] == len(content) and evidence["check"] == "matches"
    poam = api.get(f"/api/systems/{world.system.pk}/poam").json()
    assert any(item["id"] == entry["item_id"] for item in poam["items"])
    assert str(EntryMilestone.objects.get(pk=milestone["id"]).due) == "2027-02-15"


def test_review_comment_history_and_exports(api: Client, world: Any) -> None:
    system = world.system.pk
    assert (
        api.post(
            f"/api/systems/{system}/review", {"note": "ok"}, content_type="application/json"
        ).json()["reviewed_on"]
        == "2026-11-20"
    )
    assert (
        api.post(
            f"/api/systems/{system}/comments",
            {"text": "Looks right"},
            content_type="application/json",
        ).status_code
        == 201
    )
    changes = api.get(f"/api/systems/{system}/history?limit=5").json()["items"]
    assert changes[0]["action"] == "comment" and changes[1]["action"] == "review"
    keys = {e["key"] for e in api.get(f"/api/systems/{system}/exports").json()}
    assert {"ssp", "poam", "assessment"} <= keys
    ssp = api.get(f"/api/systems/{system}/exports/ssp")
    assert ssp.status_code == 200 and b"Acme CUI Enclave" in ssp.content


def test_import_with_a_bad_file_names_the_problem(world: Any) -> None:
    _token, clear = ApiToken.issue(world.users["administrator"], "t", scope="write")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {clear}")
    bad = client.post(
        f"/api/systems/{world.system.pk}/import",
        {"poam": SimpleUploadedFile("poam.yaml", b"poam: {kind: weekly}\nitems: []\n")},
    )
    assert bad.status_code == 422, bad.content
    assert any("poam.yaml:1" in p and "weekly" in p for p in bad.json()["problems"])


def test_openapi_document_and_local_docs(api: Client, world: Any) -> None:
    schema = Client().get("/api/openapi.json").json()
    assert schema["info"]["title"] == "poam API"
    assert "/api/systems/{system_id}/assessment" in schema["paths"]
    assert "/api/milestones/{milestone_id}/move" in schema["paths"]
    docs = Client().get("/api/docs")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()  # served from the package, no CDN


def test_the_openapi_document_types_every_value_and_every_answer(world: Any) -> None:
    """Statuses and kinds are enumerations with their allowed values; every operation says
    what it answers on success and on 401, 403, 404 and 422 (409 where it changes things)."""
    schema = Client().get("/api/openapi.json").json()
    schemas = schema["components"]["schemas"]
    assert schemas["ImplementationStatus"]["enum"] == [
        "implemented",
        "partially-implemented",
        "planned",
        "not-implemented",
        "not-applicable",
    ]
    assert "completed-pending-verification" in schemas["ItemStatus"]["enum"]
    assert schemas["EntryOut"]["properties"]["status"] == {
        "$ref": "#/components/schemas/ItemStatus"
    }
    assert {"from", "to", "justification"} <= set(schemas["MoveOut"]["properties"])
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            answers = set(operation["responses"])
            assert answers & {"200", "201", "204"}, (method, path)
            assert {"401", "403", "404", "422"} <= answers, (method, path)
            if method in ("post", "patch", "delete") and not path.endswith("/review"):
                assert "409" in answers, (method, path)


def test_values_outside_an_enumeration_are_refused_by_field(api: Client, world: Any) -> None:
    entry = api.get(f"/api/systems/{world.system.pk}/entries").json()[0]
    bad = api.patch(
        f"/api/entries/{entry['id']}",
        {"version": entry["version"], "status": "finished"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and list(bad.json()["errors"]) == ["status"]
    assert "completed-pending-verification" in bad.json()["errors"]["status"][0]
    query = api.get(f"/api/systems/{world.system.pk}/entries?kind=weekly")
    assert query.status_code == 422 and list(query.json()["errors"]) == ["kind"]
    unknown = api.patch(
        f"/api/entries/{entry['id']}",
        {"version": entry["version"], "requirement": "99.1"},
        content_type="application/json",
    )
    assert unknown.json()["errors"] == {
        "requirement": ["'99.1' is not a NIST SP 800-171 requirement"]
    }


BEYOND_64_BITS = 2**63
"""One past the largest key: SQLite overflows, PostgreSQL's bigint is out of range."""


def test_hostile_parameters_answer_422_by_field_never_500(api: Client, world: Any) -> None:
    """Issue 8's inputs that answered 500: each is refused before any query, naming its field."""
    system = world.system.pk
    entry = api.get(f"/api/systems/{system}/entries").json()[0]
    cases = {
        "/api/systems?offset=-1": "offset",
        "/api/systems?limit=0": "limit",
        f"/api/systems/{system}/history?offset=-5": "offset",
        f"/api/systems/{system}/history?limit={BEYOND_64_BITS}": "limit",
        f"/api/systems/{BEYOND_64_BITS}": "system_id",
        "/api/systems/-1/entries": "system_id",
        f"/api/entries/{BEYOND_64_BITS * 4}": "entry_id",
        f"/api/systems/{system}/entries?kind=weekly": "kind",
        f"/api/systems/{system}/history?object_type=password": "object_type",
        "/api/systems?q=a%00b": "q",
        f"/api/systems?q={'x' * 201}": "q",
        f"/api/systems/{system}/requirements/3.1.1%00": "nist_id",
    }
    for url, field in cases.items():
        answer = api.get(url)
        assert answer.status_code == 422, (url, answer.status_code)
        assert field in answer.json()["errors"], (url, answer.json())
    for version in ("abc", "1.5", str(BEYOND_64_BITS), "-1"):
        answer = api.delete(f"/api/entries/{entry['id']}?version={version}")
        assert answer.status_code == 422 and "version" in answer.json()["errors"], version


def test_hostile_bodies_answer_422_by_field_and_change_nothing(api: Client, world: Any) -> None:
    system = world.system.pk
    entry = api.get(f"/api/systems/{system}/entries").json()[0]
    url = f"/api/entries/{entry['id']}"
    bodies: dict[str, list[dict[str, Any]]] = {
        "version": [{"version": "seven"}, {"version": BEYOND_64_BITS}, {"version": -1}],
        "gap": [
            {"version": entry["version"], "gap": "before\x00after"},
            {"version": entry["version"], "gap": "x" * 20_001},
            {"version": entry["version"], "gap": ["a", "list"]},
        ],
        "owner": [{"version": entry["version"], "owner": "o" * 201}],
        "assignee": [{"version": entry["version"], "assignee": BEYOND_64_BITS}],
        "remediation": [{"version": entry["version"], "remediation": ["step"] * 201}],
        "status": [{"version": entry["version"], "status": "finished"}],
        "reason": [{"version": entry["version"], "reason": "r" * 2_001}],
    }
    for field, tries in bodies.items():
        for body in tries:
            answer = api.patch(url, body, content_type="application/json")
            assert answer.status_code == 422, (field, answer.status_code)
            assert field in answer.json()["errors"], (field, answer.json())
    assert api.get(url).json()["version"] == entry["version"]  # nothing was saved
    not_json = api.patch(url, b"{not json", content_type="application/json")
    assert not_json.status_code in (400, 422)
    not_an_object = api.patch(url, "[1, 2]", content_type="application/json")
    assert not_an_object.status_code == 422


def test_a_five_megabyte_comment_is_refused(api: Client, world: Any) -> None:
    """4.9 MB comments were accepted: every free-text field is bounded (20,000 characters)."""
    url = f"/api/systems/{world.system.pk}/comments"
    huge = api.post(url, {"text": "w" * 4_900_000}, content_type="application/json")
    assert huge.status_code == 422 and "text" in huge.json()["errors"]
    nul = api.post(url, {"text": "a\x00b"}, content_type="application/json")
    assert nul.status_code == 422 and "text" in nul.json()["errors"]
    big_entry = api.post(
        url, {"text": "ok", "entry": BEYOND_64_BITS}, content_type="application/json"
    )
    assert big_entry.status_code == 422 and "entry" in big_entry.json()["errors"]
    fine = api.post(url, {"text": "w" * 20_000}, content_type="application/json")
    assert fine.status_code == 201


def test_hostile_status_records_are_refused(api: Client, world: Any) -> None:
    _token, clear = ApiToken.issue(world.users["administrator"], "admin", scope="write")
    admin = Client(HTTP_AUTHORIZATION=f"Bearer {clear}")
    url = f"/api/systems/{world.system.pk}/status/affirmations"
    body = {"version": 1, "kind": "annual", "date": "2026-11-01", "title": "CEO"}
    for field, value in (
        ("official", "n\x00ame"),
        ("official", "n" * 201),
        ("kind", "weekly"),
        ("date", "yesterday"),
        ("version", BEYOND_64_BITS),
    ):
        answer = admin.post(
            url, {**body, "official": "Pat", field: value}, content_type="application/json"
        )
        assert answer.status_code == 422 and field in answer.json()["errors"], (
            field,
            answer.json(),
        )
    index = admin.delete(f"{url}/{BEYOND_64_BITS}?version=1")
    assert index.status_code == 422 and "index" in index.json()["errors"]
