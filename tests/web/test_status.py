"""The CMMC status over time in the web application (issue 7): the timeline page, the forms that
record assessments, closeouts and affirmations (administrators only), the reminders on the
dashboard and the portfolio, and the standing that follows the record."""

from __future__ import annotations

from typing import Any

from django.db.models import F

from poam.web.workbench.models import Change, System

# The samples' "today" is 2026-11-20 (conftest); Summit's Conditional status date is 2026-06-20,
# its closeout deadline 2026-12-17.
C3PAO = {
    "type": "c3pao",
    "date": "2026-06-12",
    "status_date": "2026-06-20",
    "result": "conditional",
    "score": "91",
    "uid": "L2C3-8F4K2Q7M1X",
}


def _without_record(system: System) -> System:
    """The system with no status record (Summit's sample has one: its POA&M still names its
    Conditional status)."""
    System.objects.filter(pk=system.pk).update(cmmc={}, revision=F("revision") + 1)
    system.refresh_from_db()
    return system


def _status(client: Any, system: System) -> str:
    page = client.get(f"/systems/{system.pk}/status/")
    assert page.status_code == 200
    return str(page.content.decode())


def _post(client: Any, system: System, path: str, values: dict[str, str]) -> Any:
    system.refresh_from_db()
    return client.post(
        f"/systems/{system.pk}/status/{path}", {**values, "version": str(system.version)}
    )


def test_the_timeline_page_shows_the_standing_and_what_is_owed(login: Any, world: Any) -> None:
    client = login(world.users["consultant"])
    page = _status(client, world.other_system)  # the sample's record
    assert "Conditional Level 2 (C3PAO) status" in page and "L2C3-8F4K2Q7M1X" in page
    assert "POA&amp;M closeout deadline" in page and "2026-12-17" in page
    assert "given 2026-06-22 by Daniel Ortiz" in page
    assert "Record an assessment" in page  # an administrator may
    page = _status(client, _without_record(world.other_system))
    # with no record, Summit's POA&M still names its Conditional status: poam takes it
    assert "as the Conditional POA&amp;M states" in page
    assert "overdue" in page  # and no affirmation upon the status is on record


def test_recording_the_assessment_and_the_affirmation(login: Any, world: Any) -> None:
    client = login(world.users["consultant"])
    system = _without_record(world.other_system)
    done = _post(client, system, "assessments/new/", {**C3PAO, "reason": "as eMASS shows"})
    assert done.status_code == 302
    done = _post(
        client,
        system,
        "affirmations/new/",
        {"kind": "initial", "date": "2026-06-22", "official": "Daniel Ortiz", "title": "CEO"},
    )
    assert done.status_code == 302
    system.refresh_from_db()
    assert system.cmmc["assessments"][0]["uid"] == "L2C3-8F4K2Q7M1X"
    assert system.cmmc["affirmations"][0]["official"] == "Daniel Ortiz"
    page = _status(client, system)
    assert "L2C3-8F4K2Q7M1X" in page and "given 2026-06-22 by Daniel Ortiz, CEO" in page
    rows = Change.objects.filter(system=system, field="cmmc").exclude(reason="import")
    rows = rows.order_by("seq")
    assert [row.reason for row in rows] == ["as eMASS shows", ""]
    assert rows[0].user_label and rows[0].ip_address == "127.0.0.1"


def test_a_closeout_with_result_met_makes_the_standing_final(login: Any, world: Any) -> None:
    client = login(world.users["consultant"])
    system = _without_record(world.other_system)
    _post(client, system, "assessments/new/", C3PAO)
    dashboard = client.get(f"/systems/{system.pk}/").content.decode()
    assert "Conditional Level 2" in dashboard
    closed = {**C3PAO, "closeout_date": "2026-11-18", "closeout_result": "met"}
    assert _post(client, system, "assessments/0/", closed).status_code == 302
    page = _status(client, system)
    assert "Result MET: the status is Final." in page
    assert "Current until <strong>2029-06-20</strong>" in page


def test_the_forms_refuse_what_the_record_cannot_say(login: Any, world: Any) -> None:
    client = login(world.users["consultant"])
    system = _without_record(world.other_system)
    cases = [
        ({**C3PAO, "score": "87"}, "as-new-score", "a Conditional status needs at least 88"),
        ({**C3PAO, "status_date": "2026-06-01"}, "as-new-status", "on or after the assessment"),
        ({**C3PAO, "date": "2026-11-21"}, "as-new-date", "after today (2026-11-20)"),
        ({**C3PAO, "closeout_date": "2026-07-01"}, "as-new-cresult", "both a date and a result"),
        ({**C3PAO, "result": "final"}, "as-new-score", "needs 110"),
        ({**C3PAO, "type": "auditor"}, "as-new-type", "self or c3pao"),
    ]
    for values, field, message in cases:
        page = _post(client, system, "assessments/new/", values)
        assert page.status_code == 422, values
        body = page.content.decode()
        assert f'id="{field}-error"' in body and message in body, (field, message)
    page = _post(client, system, "affirmations/new/", {"kind": "initial", "date": "2026-06-22"})
    assert page.status_code == 422
    assert "the Affirming Official&#x27;s name" in page.content.decode()
    system.refresh_from_db()
    assert system.cmmc == {}  # nothing was written


def test_only_administrators_record_the_status(login: Any, world: Any) -> None:
    system = world.system
    for role in ("editor", "entry-owner", "assessor", "viewer"):
        client = login(world.users[role])
        assert "Record an assessment" not in _status(client, system)
        refused = _post(client, system, "assessments/new/", C3PAO)
        assert refused.status_code in (403, 404), role
    outsider = login(world.users["outsider"])
    assert outsider.get(f"/systems/{system.pk}/status/").status_code == 404
    assert _post(outsider, system, "assessments/new/", C3PAO).status_code == 404
    system.refresh_from_db()
    assert system.cmmc == {}


def test_a_stale_form_is_refused_and_a_removal_needs_a_reason(login: Any, world: Any) -> None:
    client = login(world.users["consultant"])
    system = _without_record(world.other_system)
    _post(client, system, "assessments/new/", C3PAO)
    system.refresh_from_db()
    stale = client.post(
        f"/systems/{system.pk}/status/assessments/new/",
        {**C3PAO, "version": str(system.version - 1)},
    )
    assert stale.status_code == 409
    no_reason = _post(client, system, "assessments/0/", {**C3PAO, "remove": "1"})
    assert no_reason.status_code == 422
    assert "say why this assessment is removed" in no_reason.content.decode()
    removed = _post(client, system, "assessments/0/", {"remove": "1", "reason": "typed twice"})
    assert removed.status_code == 302
    system.refresh_from_db()
    assert system.cmmc == {}
    assert Change.objects.filter(system=system, field="cmmc", reason="typed twice").exists()


def test_the_dashboard_and_the_portfolio_remind_of_affirmations(login: Any, world: Any) -> None:
    client = login(world.users["consultant"])
    system = _without_record(world.other_system)
    dashboard = client.get(f"/systems/{system.pk}/").content.decode()
    # Summit's Conditional status (named by its POA&M) has no affirmation on record
    assert "Affirmation overdue" in dashboard and "since 2026-06-20" in dashboard
    portfolio = client.get("/?sort=affirmation").content.decode()
    assert "overdue since 2026-06-20" in portfolio
    _post(
        client,
        system,
        "affirmations/new/",
        {"kind": "initial", "date": "2026-06-22", "official": "Daniel Ortiz", "title": "CEO"},
    )
    assert "Affirmation overdue" not in client.get(f"/systems/{system.pk}/").content.decode()
    portfolio = client.get("/").content.decode()
    assert "overdue since" not in portfolio and "2027-06-22" in portfolio  # the next, yearly


def test_the_final_status_ending_is_on_the_dashboard(login: Any, world: Any) -> None:
    client = login(world.users["consultant"])
    system = world.system  # Acme: every requirement is not MET, but a Final status is recorded
    final = {
        "type": "c3pao",
        "date": "2023-12-01",
        "status_date": "2023-12-05",
        "result": "final",
        "score": "110",
    }
    assert _post(client, system, "assessments/new/", final).status_code == 302
    page = client.get(f"/systems/{system.pk}/").content.decode()
    assert "The Final status is current until 2026-12-05" in page and "15 days left" in page
    portfolio = client.get("/").content.decode()
    assert "current until 2026-12-05" in portfolio
    assert "new assessment: No CMMC status" in portfolio  # the two answers, side by side


def test_the_api_gives_and_keeps_the_status_record(world: Any) -> None:
    from django.test import Client

    from poam.web.workbench.models import ApiToken

    _token, clear = ApiToken.issue(world.users["administrator"], "status", scope="write")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {clear}")
    system = world.system
    document = client.get(f"/api/systems/{system.pk}/status").json()
    assert (document["verdict"], document["readiness"], document["record"]) == ("none",) * 2 + ({},)
    made = client.post(
        f"/api/systems/{system.pk}/status/assessments",
        {**C3PAO, "score": 95, "version": document["version"]},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    document = made.json()
    assert document["verdict"] == "conditional" and document["status_of_record"]["score"] == 95
    assert document["affirmations_owed"][0]["overdue"] is True
    assert any(event["kind"] == "closeout-deadline" for event in document["timeline"])
    closed = client.put(
        f"/api/systems/{system.pk}/status/assessments/0",
        {
            **C3PAO,
            "score": 95,
            "closeout_date": "2026-11-19",
            "closeout_result": "met",
            "version": document["version"],
        },
        content_type="application/json",
    )
    assert closed.status_code == 200 and closed.json()["verdict"] == "final"
    stale = client.post(
        f"/api/systems/{system.pk}/status/affirmations",
        {
            "kind": "initial",
            "date": "2026-06-22",
            "official": "Pat",
            "title": "CEO",
            "version": document["version"],
        },
        content_type="application/json",
    )
    assert stale.status_code == 409
    invalid = client.post(
        f"/api/systems/{system.pk}/status/assessments",
        {**C3PAO, "score": 87, "version": closed.json()["version"]},
        content_type="application/json",
    )
    assert invalid.status_code == 422
    assert "at least 88" in str(invalid.json())
    _viewer, read_only = ApiToken.issue(world.users["viewer"], "read")
    viewer = Client(HTTP_AUTHORIZATION=f"Bearer {read_only}")
    assert viewer.get(f"/api/systems/{system.pk}/status").status_code == 200
    refused = viewer.delete(f"/api/systems/{system.pk}/status/assessments/0?version=1&reason=no")
    assert refused.status_code == 403


def test_an_ssp_edited_after_its_date_is_reported_until_re_dated(login: Any, world: Any) -> None:
    """NIST SP 800-171A 3.12.4[h]: an SSP that changed is updated (new version and date)."""
    from poam.web.workbench.models import SspRequirement

    def outdated() -> list[str]:
        data = client.get(f"/api/systems/{system.pk}/assessment", **headers).json()
        return [f["message"] for f in data["findings"] if f["code"] == "ssp-outdated"]

    from poam.web.workbench.models import ApiToken

    _token, clear = ApiToken.issue(world.users["administrator"], "ssp", scope="write")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {clear}"}
    client = login(world.users["administrator"])
    system = world.system
    assert not any("content changed" in m for m in outdated())
    record = SspRequirement.objects.get(system=system, requirement="3.1.10")
    client.post(
        f"/systems/{system.pk}/ssp/3.1.10/",
        {"narrative": "Screens lock after 10 minutes.", "version": record.version},
    )
    system.refresh_from_db()
    assert system.ssp_changed_on is not None and system.ssp_changed_on.isoformat() == "2026-11-20"
    assert any("content changed on 2026-11-20" in m for m in outdated())
    client.post(
        f"/systems/{system.pk}/ssp/info/",
        {"ssp_version": "2026.9", "ssp_date": "2026-11-20", "version": system.version},
    )
    assert not any("content changed" in m for m in outdated())
