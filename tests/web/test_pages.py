"""The pages, driven as a person would: forms, and htmx requests where the page uses them."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import override_settings

from poam.web.workbench.models import (
    Change,
    DueDateMove,
    Entry,
    EntryEvidence,
    EntryMilestone,
    PoamDocument,
    SspRequirement,
)
from tests.web.conftest import AS_OF

HTMX = {"HTTP_HX_REQUEST": "true"}


def _entry(world: Any, item_id: str) -> Entry:
    return Entry.objects.get(poam__system=world.system, item_id=item_id, deleted_at=None)


def test_login_page_and_redirect_for_anonymous(client: Any, world: Any) -> None:
    response = client.get(f"/systems/{world.system.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")
    page = client.get("/account/login/")
    assert b"Sign in to poam" in page.content and b'autocomplete="current-password"' in page.content
    assert client.login(username="editor", password="a-long-test-password")


def test_every_page_renders_for_a_viewer(login: Any, world: Any) -> None:
    client = login(world.users["viewer"])
    system = world.system
    entry = _entry(world, "POAM-003")
    for url in (
        "/",
        f"/orgs/{world.org.slug}/",
        f"/systems/{system.pk}/",
        f"/systems/{system.pk}/ssp/",
        f"/systems/{system.pk}/ssp/?family=ALL",
        f"/systems/{system.pk}/poam/",
        f"/systems/{system.pk}/findings/",
        f"/systems/{system.pk}/history/",
        f"/systems/{system.pk}/assessor/",
        f"/entries/{entry.pk}/",
        "/account/tokens/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"Skip to content" in response.content, url
    dashboard = client.get(f"/systems/{system.pk}/").content.decode()
    assert "79" in dashboard and "No CMMC status" in dashboard
    assert "Mark reviewed today" not in dashboard  # a viewer cannot review
    assert 'role="img"' in dashboard  # the burndown chart, with its text summary
    # The score breakdown: a row per NOT MET requirement with its points, basis and rule.
    assert "15 requirements NOT MET cost 31 points" in dashboard
    rows = re.findall(r"<tr><td><a href=\"([^\"]+)\">([^<]+)</a></td>.*?−(\d+)</td>", dashboard)
    assert len(rows) == 15 and sum(int(points) for _, _, points in rows) == 31
    assert (f"/systems/{system.pk}/ssp/?family=AU#req-3-3-5", "AU.L2-3.3.5", "5") in rows


def test_dashboard_shows_verdict_reasons_closeout_and_review_reminder(
    login: Any, world: Any
) -> None:
    client = login(world.users["editor"])
    page = client.get(f"/systems/{world.other_system.pk}/")
    assert page.status_code == 404  # the editor is not in Summit's organization
    summit = (
        login(world.users["consultant"]).get(f"/systems/{world.other_system.pk}/").content.decode()
    )
    assert "Conditional Level 2" in summit and "27 days left" in summit and "2026-12-17" in summit
    assert "32 CFR 170.21(a)(2)(i)" in summit
    acme = login(world.users["consultant"]).get(f"/systems/{world.system.pk}/").content.decode()
    assert "Review overdue" in acme and "Mark reviewed today" in acme


def test_portfolio_lists_every_visible_system_sortable(login: Any, world: Any) -> None:
    client = login(world.users["consultant"])
    page = client.get("/?sort=-score").content.decode()
    assert page.index("Summit Fasteners Enterprise Network") < page.index("Acme CUI Enclave")
    page = client.get("/?sort=score").content.decode()
    assert page.index("Acme CUI Enclave") < page.index("Summit Fasteners Enterprise Network")
    assert 'aria-sort="ascending"' in page
    only_acme = login(world.users["viewer"]).get("/").content.decode()
    assert (
        "Acme CUI Enclave" in only_acme and "Summit Fasteners Enterprise Network" not in only_acme
    )


def test_setting_a_status_updates_score_and_verdict_live(login: Any, world: Any) -> None:
    client = login(world.users["editor"])
    system = world.system
    record = SspRequirement.objects.get(system=system, requirement="3.1.10")
    response = client.post(
        f"/systems/{system.pk}/ssp/3.1.10/",
        {
            "status": "implemented",
            "version": record.version,
            "full": "1",
            "narrative": "Lock at 15 minutes",
            "objective-a": "met",
            "objective-b": "met",
            "objective-c": "met",
            "reason": "Pilot done",
        },
        **HTMX,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="req-3-1-10"' in body and "MET" in body
    assert 'id="score-panel" class="score-panel" hx-swap-oob="true"' in body
    assert ">80<" in body  # 79 + 1 point for 3.1.10
    assert "Saved AC.L2-3.1.10. Score 80" in body  # the live region's announcement
    record.refresh_from_db()
    assert record.status == "implemented" and record.version == 2
    assert Change.objects.filter(
        object_type="requirement", object_id=record.pk, field="status", reason="Pilot done"
    ).exists()


def test_a_stale_status_save_is_refused_with_the_first_change(login: Any, world: Any) -> None:
    system = world.system
    record = SspRequirement.objects.get(system=system, requirement="3.1.10")
    first = login(world.users["editor"]).post(
        f"/systems/{system.pk}/ssp/3.1.10/",
        {"status": "planned", "version": record.version},
        **HTMX,
    )
    assert first.status_code == 200
    second = login(world.users["administrator"]).post(
        f"/systems/{system.pk}/ssp/3.1.10/",
        {"status": "implemented", "version": record.version},
        **HTMX,
    )
    assert second.status_code == 409
    assert "Editor Person" in second.content.decode() and "planned" in second.content.decode()
    record.refresh_from_db()
    assert record.status == "planned"


def test_add_an_entry_with_a_first_milestone(login: Any, world: Any) -> None:
    client = login(world.users["editor"])
    poam = PoamDocument.objects.get(system=world.system, kind="internal")
    response = client.post(
        f"/poams/{poam.pk}/entries/new/",
        {
            "requirement": "AC.L2-3.1.10",
            "gap": "Session lock: the CAD/CAM workstations lock after 60 minutes, not 15.",
            "remediation": "Apply the 15-minute Intune profile\nConfirm on every workstation",
            "owner": "Tom Reyes, Systems Administrator",
            "status": "not-started",
            "milestone_title": "Profile applied",
            "milestone_due": "2027-01-15",
        },
    )
    assert response.status_code == 302
    entry = Entry.objects.get(poam=poam, gap__startswith="Session lock:")
    assert entry.item_id == "POAM-019"  # after the sample's last, POAM-018
    assert entry.requirement == "3.1.10" and entry.remediation == [
        "Apply the 15-minute Intune profile",
        "Confirm on every workstation",
    ]
    assert str(entry.milestones.get().due) == "2027-01-15"
    bad = client.post(f"/poams/{poam.pk}/entries/new/", {"requirement": "9.9.9", "gap": "x"})
    assert bad.status_code == 422 and "not a NIST SP 800-171 requirement" in bad.content.decode()


def test_moving_a_milestone_without_then_with_a_justification(login: Any, world: Any) -> None:
    client = login(world.users["entry-owner"])  # POAM-006 is assigned to them
    entry = _entry(world, "POAM-006")
    milestone = EntryMilestone.objects.filter(
        entry=entry, completed__isnull=True, due__isnull=False
    ).first()
    assert milestone is not None
    refused = client.post(
        f"/milestones/{milestone.pk}/move/",
        {"to_date": "2027-03-01", "justification": "", "version": milestone.version},
    )
    assert refused.status_code == 422
    page = refused.content.decode()
    assert "a justification is required" in page and "data-open-on-load" in page
    assert not DueDateMove.objects.filter(milestone=milestone, to_date="2027-03-01").exists()
    moved = client.post(
        f"/milestones/{milestone.pk}/move/",
        {
            "to_date": "2027-03-01",
            "justification": "Vendor patch slipped to February",
            "version": milestone.version,
        },
    )
    assert moved.status_code == 302
    milestone.refresh_from_db()
    assert str(milestone.due) == "2027-03-01"
    change = DueDateMove.objects.filter(milestone=milestone).order_by("-position").first()
    assert change is not None and change.justification == "Vendor patch slipped to February"
    assert change.by == "Entry-Owner Person" and change.changed == AS_OF
    page = client.get(f"/entries/{entry.pk}/").content.decode()
    assert "Vendor patch slipped to February" in page


def test_uploading_evidence_records_and_shows_its_hash(
    login: Any, world: Any, tmp_path: Any
) -> None:
    client = login(world.users["editor"])
    entry = _entry(world, "POAM-003")
    content = b"Sentinel workspace screenshot\n"
    digest = hashlib.sha256(content).hexdigest()
    response = client.post(
        f"/entries/{entry.pk}/evidence/new/",
        {
            "file": SimpleUploadedFile("sentinel workspace.png", content, content_type="image/png"),
            "title": "Sentinel workspace",
            "date": "2026-11-19",
        },
    )
    assert response.status_code == 302
    evidence = EntryEvidence.objects.get(entry=entry, title="Sentinel workspace")
    assert (
        evidence.sha256 == digest
        and evidence.blob is not None
        and evidence.blob.size == len(content)
    )
    assert evidence.uri == "evidence/sentinel-workspace.png"
    page = client.get(f"/entries/{entry.pk}/").content.decode()
    assert digest in page and "matches" in page
    download = client.get(f"/evidence/{evidence.pk}/file/")
    assert b"".join(download.streaming_content) == content  # read to the end: file closed


@override_settings(POAM_MAX_UPLOAD_BYTES=10)
def test_an_upload_over_the_limit_is_refused(login: Any, world: Any) -> None:
    client = login(world.users["editor"])
    entry = _entry(world, "POAM-003")
    response = client.post(
        f"/entries/{entry.pk}/evidence/new/",
        {
            "file": SimpleUploadedFile("big.bin", b"x" * 11),
            "title": "Too big",
        },
    )
    assert response.status_code == 422 and "larger than the limit" in response.content.decode()
    assert not EntryEvidence.objects.filter(title="Too big").exists()


def test_two_people_editing_one_entry_in_the_page(login: Any, world: Any) -> None:
    entry = _entry(world, "POAM-004")
    version = entry.version
    first = login(world.users["editor"]).post(
        f"/entries/{entry.pk}/edit/", {"owner": "Dana Lee, Facilities Manager", "version": version}
    )
    assert first.status_code == 302
    second = login(world.users["administrator"]).post(
        f"/entries/{entry.pk}/edit/", {"owner": "Sam Poe, ISSO", "version": version}
    )
    assert second.status_code == 409
    body = second.content.decode()
    assert (
        "Not saved." in body and "Dana Lee, Facilities Manager" in body and "Editor Person" in body
    )


def test_mark_reviewed_records_who_and_when(login: Any, world: Any) -> None:
    poam = PoamDocument.objects.get(system=world.system, kind="internal")
    response = login(world.users["editor"]).post(f"/poams/{poam.pk}/review/", {"note": "Quarterly"})
    assert response.status_code == 302
    poam.refresh_from_db()
    assert poam.last_reviewed == AS_OF
    review = poam.reviews.get()
    assert review.user == world.users["editor"] and review.note == "Quarterly"
    page = login(world.users["viewer"]).get(f"/systems/{world.system.pk}/").content.decode()
    assert "Last reviewed <strong>2026-11-20</strong> by Editor Person" in page
    assert "Review overdue" not in page


def test_findings_link_to_where_they_are_fixed(login: Any, world: Any) -> None:
    page = (
        login(world.users["viewer"]).get(f"/systems/{world.system.pk}/findings/").content.decode()
    )
    entry = _entry(world, "POAM-001")
    assert f'href="/entries/{entry.pk}/"' in page
    assert "/ssp/?family=" in page and "#req-" in page
    assert "poam-not-reviewed" in page and "#settings" in page


def test_exports_are_offered_and_downloaded(login: Any, world: Any) -> None:
    client = login(world.users["assessor"])
    page = client.get(f"/systems/{world.system.pk}/assessor/").content.decode()
    assert "Evidence manifest" in page and "SSP (poam YAML)" in page
    ssp = client.get(f"/systems/{world.system.pk}/export/ssp/")
    assert ssp.status_code == 200 and b"Acme CUI Enclave" in ssp.content
    assert "attachment" in ssp["Content-Disposition"]
    assert client.get(f"/systems/{world.system.pk}/export/nothing/").status_code == 404


def test_an_import_with_errors_names_file_line_and_field(login: Any, world: Any) -> None:
    client = login(world.users["administrator"])
    bad = (
        b"system:\n  name: X\n  scope: galaxy\n"
        b"ssp: {version: '1', date: 2026-01-01}\nrequirements: {}\n"
    )
    response = client.post(
        f"/systems/{world.system.pk}/import/",
        {"ssp": SimpleUploadedFile("ssp.yaml", bad)},
        follow=True,
    )
    page = response.content.decode()
    assert "Nothing was imported" in page and "ssp.yaml:3" in page and "galaxy" in page
    world.system.refresh_from_db()
    assert world.system.name == "Acme CUI Enclave"


def test_an_assessor_comments_and_the_comment_is_in_history(login: Any, world: Any) -> None:
    client = login(world.users["assessor"])
    entry = _entry(world, "POAM-004")
    assert (
        client.post(f"/entries/{entry.pk}/comment/", {"text": "Who owns this?"}).status_code == 302
    )
    assert Change.objects.filter(
        action="comment", new="Who owns this?", user=world.users["assessor"]
    ).exists()
    assert (
        client.post(
            f"/entries/{entry.pk}/edit/", {"owner": "x", "version": entry.version}
        ).status_code
        == 403
    )


def test_every_offered_export_downloads(login: Any, world: Any) -> None:
    """Each format the checkout provides is produced by its own writer from the system."""
    from poam.web.workbench import exports
    from poam.web.workbench.assessment import system_assessment

    client = login(world.users["assessor"])
    offered = exports.available(system_assessment(world.system, AS_OF))
    assert {"ssp", "poam", "assessment"} <= {e.key for e in offered}
    for export in offered:
        response = client.get(f"/systems/{world.system.pk}/export/{export.key}/")
        assert response.status_code == 200, export.key
        assert len(response.content) > 100, export.key
        assert response["Content-Type"] == export.content_type, export.key


def test_portfolio_summaries_follow_changes_and_the_date(
    login: Any, world: Any, settings: Any
) -> None:
    from poam.web.workbench.models import Summary

    client = login(world.users["consultant"])
    client.get("/")
    summit = Summary.objects.get(system=world.other_system)
    assert (summit.days_left, summit.as_of) == (27, AS_OF)
    settings.POAM_TODAY = "2026-12-10"
    client.get("/")
    summit.refresh_from_db()
    assert (summit.days_left, summit.as_of.isoformat()) == (7, "2026-12-10")
    record = SspRequirement.objects.get(system=world.system, requirement="3.1.21")
    login(world.users["editor"]).post(
        f"/systems/{world.system.pk}/ssp/3.1.21/",
        {"status": "implemented", "version": record.version},
    )
    client = login(world.users["consultant"])
    page = client.get("/?sort=name").content.decode()
    assert Summary.objects.get(system=world.system).score == 80 and ">80<" in page


def _row_of(html: str, item_id: str) -> str:
    """The POA&M table's row of one entry."""
    match = re.search(
        rf"<tr>\s*<th scope=\"row\"><a [^>]*>{re.escape(item_id)}</a>.*?</tr>", html, re.S
    )
    assert match is not None, item_id
    return match.group(0)


def test_due_after_the_closeout_deadline_is_not_called_overdue(login: Any, world: Any) -> None:
    """SF-01's last milestone is due 2027-01-15, after Summit's closeout deadline (2026-12-17)
    but not yet past: the list says so, in the core's words, and never "overdue"."""
    from poam.core.labels import MILESTONE_STATE
    from poam.core.states import MilestoneState

    client = login(world.users["consultant"])
    page = client.get(f"/systems/{world.other_system.pk}/poam/?kind=conditional").content.decode()
    late, overdue = MILESTONE_STATE[MilestoneState.LATE], MILESTONE_STATE[MilestoneState.OVERDUE]
    row = _row_of(page, "SF-01")
    assert late in row and overdue not in row and "overdue" not in row.lower()
    late_only = client.get(
        f"/systems/{world.other_system.pk}/poam/?kind=conditional&late=1"
    ).content.decode()
    assert "SF-01" in late_only
    assert (
        "SF-01"
        not in client.get(
            f"/systems/{world.other_system.pk}/poam/?kind=conditional&overdue=1"
        ).content.decode()
    )
    entry = Entry.objects.get(poam__system=world.other_system, item_id="SF-01", deleted_at=None)
    detail = client.get(f"/entries/{entry.pk}/").content.decode()
    milestones = detail.split('id="milestones"', 1)[1].split("</section>", 1)[0]
    assert late in milestones and overdue not in milestones


def test_a_milestone_past_its_date_is_overdue(login: Any, world: Any) -> None:
    from poam.core.labels import MILESTONE_STATE
    from poam.core.states import MilestoneState
    from poam.web.workbench.history import Actor
    from poam.web.workbench.services import entries as entry_service

    entry = _entry(world, "POAM-003")
    entry_service.add_milestone(Actor(None, "tests"), entry, "Was due last week", "2026-11-13")
    client = login(world.users["viewer"])
    page = client.get(f"/systems/{world.system.pk}/poam/").content.decode()
    overdue, late = MILESTONE_STATE[MilestoneState.OVERDUE], MILESTONE_STATE[MilestoneState.LATE]
    assert overdue in _row_of(page, "POAM-003") and late not in page.split("<tbody>", 1)[1]
    assert "POAM-003" in client.get(f"/systems/{world.system.pk}/poam/?overdue=1").content.decode()
    detail = client.get(f"/entries/{entry.pk}/").content.decode()
    assert re.search(r"2026-11-13</strong>\s*<span class=\"pill warn\">" + overdue, detail)


def test_roles_read_as_labels_not_slugs(login: Any, world: Any) -> None:
    from poam.web.workbench.history import Actor
    from poam.web.workbench.models import Membership
    from poam.web.workbench.services import organizations as organization_service

    member = Membership.objects.get(organization=world.org, user=world.users["viewer"])
    organization_service.change_role(Actor(None, "tests"), world.org, member, "entry-owner")
    client = login(world.users["administrator"])
    org_page = client.get(f"/orgs/{world.org.slug}/").content.decode()
    members = org_page.split('id="members-h"', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r"<td>([^<]+)</td>", members)
    assert "Entry owner" in cells and "Administrator" in cells and "entry-owner" not in cells
    assert "Your role: Administrator" in org_page
    assert "Administrator" in client.get("/").content.decode()
    dashboard = client.get(f"/systems/{world.system.pk}/").content.decode()
    assert "your role: administrator" in dashboard
    # the change log keeps the value; the history shows the label
    change = Change.objects.filter(organization=world.org, field="role").last()
    assert change is not None and (change.old, change.new) == ("viewer", "entry-owner")
    history = render_to_string("workbench/change_list.html", {"changes": [change]})
    assert "Viewer" in history and "Entry owner" in history and "entry-owner" not in history
    activity = client.get(f"/orgs/{world.org.slug}/activity/").content.decode()
    assert re.search(r"\[added: </span>Entry owner<", activity)
    assert "\u2192 entry-owner" not in activity and "→ entry-owner" not in activity


def test_history_shows_an_appended_sentence_as_a_word_diff(login: Any, world: Any) -> None:
    """A long gap with one sentence added at its end: the history shows the new sentence,
    marked as added in words (not only by colour), the unchanged text shortened around it."""
    from poam.web.workbench.history import Actor
    from poam.web.workbench.services import entries as entry_service

    entry = _entry(world, "POAM-003")
    long_gap = " ".join(f"Sentence {n} of a long description of the gap." for n in range(40))
    entry_service.update_entry(
        Actor(None, "tests"), entry, {"gap": long_gap}, version=entry.version, today=AS_OF
    )
    entry.refresh_from_db()
    appended = long_gap + " Also <b>two</b> kiosks lack it."
    entry_service.update_entry(
        Actor(None, "tests"), entry, {"gap": appended}, version=entry.version, today=AS_OF
    )
    page = login(world.users["viewer"]).get(f"/systems/{world.system.pk}/history/")
    html = page.content.decode()
    first = html.split('<p class="diff">', 1)[1].split("</p>", 1)[0]
    inserted = re.findall(r"<ins>(.*?)</ins>", first, re.S)
    assert len(inserted) == 1 and "[added: " in inserted[0]
    assert "Also &lt;b&gt;two&lt;/b&gt; kiosks lack it." in inserted[0]  # escaped
    assert "<del>" not in first  # nothing was removed
    assert "… a long description of the gap.<ins>" in first  # the words before the change
    assert "Sentence 3 of" not in first and "…" in first  # the long unchanged run, shortened


def test_change_diff_marks_replaced_words() -> None:
    from poam.web.workbench.templatetags.poam_tags import change_diff

    html = str(change_diff("Block USB storage on laptops", "Block USB storage on kiosks"))
    assert re.search(r"<del>.*\[removed: </span>laptops", html)
    assert re.search(r"<ins>.*\[added: </span>kiosks", html)
    assert html.startswith('<span class="diff-words">Block USB storage on ')
    emptied = str(change_diff("old text", ""))
    assert "<del>" in emptied and "(empty)" in emptied
    assert "&lt;x&gt;" in str(change_diff("", "<x>"))


PASSWORD_FIELDS = {
    "password": "Chosen-by-the-admin-1",
    "password1": "Chosen-by-the-admin-1",
    "password2": "Chosen-by-the-admin-1",
    "new_password1": "Chosen-by-the-admin-1",
    "new_password2": "Chosen-by-the-admin-1",
    "user": "viewer",
    "username": "viewer",
}


def test_no_path_lets_an_administrator_set_a_members_password(
    login: Any, world: Any, settings: Any
) -> None:
    """Members join by invitation and choose their own password: an administrator posting a
    password to every page of the organization (the isolation walk's table, which names every
    URL) or to any API operation changes no member's password, and no form asks for one."""
    from django.contrib.auth import get_user_model

    from poam.web.api.routes import api
    from tests.web.test_isolation import PAGES, Targets, _url

    assert "django.contrib.admin" not in settings.INSTALLED_APPS  # no admin site's password form
    viewer = get_user_model().objects.get(username="viewer")
    before = viewer.password
    targets = Targets(world)
    client = login(world.users["administrator"])
    org_page = client.get(f"/orgs/{world.org.slug}/")
    assert org_page.status_code == 200 and 'type="password"' not in org_page.content.decode()
    for name, kwargs, data, _action in PAGES:
        if data is None:
            continue
        targets.fresh()
        response = client.post(_url(name, kwargs(targets)), {**data(targets), **PASSWORD_FIELDS})
        if response.streaming:  # a download (the organization's export): reading it closes it
            b"".join(response.streaming_content)
    viewer.refresh_from_db()
    assert viewer.password == before and viewer.check_password("a-long-test-password")
    schema = api.get_openapi_schema()
    bodies = str(
        [op.get("requestBody") for path in schema["paths"].values() for op in path.values()]
    )
    assert "password" not in bodies.lower()


def test_api_and_api_slash_lead_to_the_api_documentation(client: Any, db: Any) -> None:
    for address in ("/api", "/api/"):
        response = client.get(address)
        assert response.status_code == 302 and response["Location"] == "/api/docs", address
    assert client.get("/api/docs").status_code == 200


def test_every_page_links_the_svg_favicon_and_it_is_served(login: Any, world: Any) -> None:
    page = login(world.users["viewer"]).get("/").content.decode()
    link = re.search(r'<link rel="icon" type="image/svg\+xml" href="([^"]+)">', page)
    assert link is not None
    icon = login(world.users["viewer"]).get(link.group(1).split("?")[0])
    assert icon.status_code == 200 and icon["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in b"".join(icon.streaming_content)
    old_default = login(world.users["viewer"]).get("/favicon.ico")
    assert old_default.status_code == 301 and old_default["Location"].endswith("favicon.svg")


def _luminance(colour: str) -> float:
    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(foreground: str, background: str) -> float:
    """The WCAG 2 contrast ratio of two #rrggbb colours."""
    high, low = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_text_colours_contrast_at_least_4_5_to_1() -> None:
    """Every rule of app.css that sets both a text colour and a solid background, and the
    page's text colours on the page and card backgrounds, reach WCAG 1.4.3's 4.5:1."""
    from pathlib import Path

    css = (Path(__file__).parents[2] / "src/poam/web/static/poam/app.css").read_text("utf-8")
    variables = dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})\s*;", css))

    def resolve(value: str) -> str | None:
        value = value.strip()
        found = re.fullmatch(r"var\((--[\w-]+)\)", value)
        if found:
            return variables.get(found.group(1))
        return value.lower() if re.fullmatch(r"#[0-9a-fA-F]{6}", value) else None

    assert abs(contrast("#767676", "#ffffff") - 4.54) < 0.01  # the formula, checked
    pairs: list[tuple[str, str, str]] = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        fg = re.search(r"(?:^|;|\s)color:\s*([^;]+)", body)
        bg = re.search(r"background(?:-color)?:\s*([^;]+)", body)
        text = resolve(fg.group(1)) if fg else None
        ground = resolve(bg.group(1)) if bg else None
        if text and ground:
            pairs.append((selector.strip(), text, ground))
    for text in ("--ink", "--ink-2", "--muted", "--accent", "--good", "--warn", "--bad"):
        for background in ("--bg", "--card"):
            pairs.append((f"{text} on {background}", variables[text], variables[background]))
    assert len(pairs) > 20
    low = [(s, f, b, round(contrast(f, b), 2)) for s, f, b in pairs if contrast(f, b) < 4.5]
    assert low == []


def test_fix_on_a_gap_offers_a_prefilled_new_entry(login: Any, world: Any) -> None:
    """A NOT MET requirement without an open entry (ssp-gap-without-poam): its "Fix" opens the
    new-entry form filled from the SSP; adding it clears the finding."""
    client = login(world.users["editor"])
    findings = client.get(f"/systems/{world.system.pk}/findings/").content.decode()
    gap = re.search(
        r"<code>ssp-gap-without-poam</code>\s*<p>AU\.L2-3\.3\.4 .*?<a href=\"([^\"]+)\">Fix",
        findings,
        re.S,
    )
    assert gap is not None
    poam = PoamDocument.objects.get(system=world.system, kind="internal")
    fix = gap.group(1).replace("&amp;", "&")
    assert fix == f"/poams/{poam.pk}/entries/new/?requirement=3.3.4"
    form = client.get(fix).content.decode()

    def value(input_id: str) -> str:
        found = re.search(rf'id="{input_id}"[^>]*value="([^"]*)"', form)
        return found.group(1) if found else ""

    assert value("n-req") == "3.3.4"
    gap_text = re.search(r'id="n-gap"[^>]*>([^<]*)</textarea>', form)
    assert gap_text is not None and "AU.L2-3.3.4" in gap_text.group(1)
    assert "in the SSP" in gap_text.group(1)
    assert re.search(r'<option value="not-started" selected>', form)
    assert "Pre-filled from the SSP" in form
    created = client.post(
        fix.split("?")[0],
        {
            "item_id": value("n-id"),
            "requirement": "3.3.4",
            "gap": gap_text.group(1) + " No alert reaches the on-call phone.",
            "status": "not-started",
            "owner": "Tom Reyes, Systems Administrator",
            "milestone_title": "Device control policy assigned",
            "milestone_due": "2027-01-29",
        },
    )
    assert created.status_code == 302
    after = client.get(f"/systems/{world.system.pk}/findings/").content.decode()
    assert not re.search(r"<code>ssp-gap-without-poam</code>\s*<p>AU\.L2-3\.3\.4 ", after)
    # a viewer, who may not add entries, is sent to the requirement in the SSP instead
    viewer = login(world.users["viewer"]).get(f"/systems/{world.system.pk}/findings/")
    other_gap = re.search(
        r"<code>ssp-gap-without-poam</code>\s*<p>CM\.L2-3\.4\.3 .*?<a href=\"([^\"]+)\">Fix",
        viewer.content.decode(),
        re.S,
    )
    assert other_gap is not None
    assert other_gap.group(1).replace("&amp;", "&") == (
        f"/systems/{world.system.pk}/ssp/?family=CM#req-3-4-3"
    )


def test_a_prefilled_entry_names_the_objectives_not_met(login: Any, world: Any) -> None:
    from poam.web.workbench.history import Actor
    from poam.web.workbench.services import ssp as ssp_service

    record = SspRequirement.objects.get(system=world.system, requirement="3.1.21")
    ssp_service.update_requirement(
        Actor(None, "tests"),
        world.system,
        "3.1.21",
        {"status": "partially-implemented", "objectives": {"a": "met", "b": "not-met", "c": "met"}},
        version=record.version,
    )
    poam = PoamDocument.objects.get(system=world.system, kind="internal")
    form = login(world.users["editor"]).get(f"/poams/{poam.pk}/entries/new/?requirement=3.1.21")
    html = form.content.decode()
    assert re.search(r'id="n-obj"[^>]*value="b"', html)
    assert "is partially implemented in the SSP. Objectives NOT MET: [b]" in html


def test_completing_an_entry_without_evidence_asks_for_it_first(login: Any, world: Any) -> None:
    """POAM-007 is open with no evidence: marking it completed is not saved (it would be the
    error completed-without-evidence); the form asks for evidence, showing what the
    requirement asks, and completes it only when told to do so without."""
    entry = _entry(world, "POAM-007")
    assert entry.status == "not-started"
    assert not EntryEvidence.objects.filter(entry=entry, deleted_at__isnull=True).exists()
    client = login(world.users["editor"])
    before = client.get(f"/entries/{entry.pk}/").content.decode()
    prompt = re.search(r'<div id="e-evidence-prompt"[^>]*>', before)
    assert prompt is not None and " hidden" in prompt.group(0)  # shown when a done status is chosen
    data = {"status": "completed-pending-verification", "version": entry.version}
    page = client.post(f"/entries/{entry.pk}/edit/", data)
    body = page.content.decode()
    assert page.status_code == 422
    prompt = re.search(r'<div id="e-evidence-prompt"[^>]*>', body)
    assert prompt is not None and "hidden" not in prompt.group(0)
    assert "Evidence first." in body and "AC.L2-3.1.21 is met" in body
    assert "Limit use of portable storage devices on external systems." in body
    assert re.search(r'id="e-status-error">.*completing an entry needs evidence', body, re.S)
    assert re.search(r'<option value="completed-pending-verification" selected>', body)
    entry.refresh_from_db()
    assert entry.status == "not-started"
    findings = client.get(f"/systems/{world.system.pk}/findings/").content.decode()
    assert "POAM-007 (AC.L2-3.1.21) is completed-pending-verification" not in findings
    saved = client.post(f"/entries/{entry.pk}/edit/", {**data, "without_evidence": "1"})
    assert saved.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "completed-pending-verification"
    findings = client.get(f"/systems/{world.system.pk}/findings/").content.decode()
    assert "completed-without-evidence" in findings


def test_completing_an_entry_with_evidence_saves_at_once(login: Any, world: Any) -> None:
    from poam.web.workbench.history import Actor
    from poam.web.workbench.services import evidence as evidence_service

    entry = _entry(world, "POAM-007")
    evidence_service.add_link(
        Actor(None, "tests"),
        entry,
        title="Intune device control report",
        url="https://intune.example.com/report/42",
        when="2026-11-19",
        today=AS_OF,
    )
    entry.refresh_from_db()
    client = login(world.users["editor"])
    assert 'id="e-evidence-prompt"' not in client.get(f"/entries/{entry.pk}/").content.decode()
    saved = client.post(
        f"/entries/{entry.pk}/edit/",
        {"status": "completed-pending-verification", "version": entry.version},
    )
    assert saved.status_code == 302


def test_page_words_for_states_are_the_cores() -> None:
    """The pages' filters read ``poam.core.labels`` (no table of their own)."""
    from poam.core import labels
    from poam.core.model import EncryptionState, ImplementationStatus, ItemStatus, MfaState
    from poam.core.verdict import Verdict
    from poam.web.workbench.templatetags import poam_tags

    for status in (*ItemStatus, *ImplementationStatus):
        assert poam_tags.label(status.value) == labels.label(status)
    for verdict in Verdict:
        assert poam_tags.verdict_label(verdict.value) == verdict.label
    for mfa in MfaState:
        assert poam_tags.mfa_label(mfa.value) == labels.MFA_STATE[mfa]
    for encryption in EncryptionState:
        assert poam_tags.encryption_label(encryption.value) == labels.ENCRYPTION_STATE[encryption]
