"""The main journeys in a real browser (Playwright driving Debian's Chromium).

Log in, set a requirement's status and watch the score and verdict change, add an entry, move a
milestone without and with a justification, upload evidence and see its hash, export. Each step
leaves a screenshot in ``tests/web/screenshots/`` (git-ignored) for a person to look at.
Skipped cleanly where Chromium is absent (``POAM_CHROMIUM`` or ``/usr/bin/chromium``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from tests.web.browser import needs_chromium, shot, sign_in

pytestmark = needs_chromium


def test_sign_in_and_see_the_portfolio(page: Any, world: Any) -> None:
    page.goto(page.base + "/")
    assert "/login/" in page.url
    shot(page, "01-login")
    page.get_by_label("User name").fill("consultant")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text().startswith("Your user name and password")
    sign_in(page, "consultant")
    table = page.locator("table.sortable")
    assert "Acme CUI Enclave" in table.inner_text()
    assert "Summit Fasteners Enterprise Network" in table.inner_text()
    page.get_by_role("link", name="Score").click()
    first = page.locator("table.sortable tbody tr").first.inner_text()
    assert "Acme CUI Enclave" in first  # lowest score first
    shot(page, "02-portfolio")


def test_setting_a_status_changes_the_score_live(page: Any, world: Any) -> None:
    sign_in(page, "editor")
    page.goto(f"{page.base}/systems/{world.system.pk}/ssp/?family=AC")
    panel = page.locator("#score-panel")
    assert panel.locator(".score-value").inner_text() == "79"
    row = page.locator("#req-3-1-21")
    assert "NOT MET" in row.inner_text()
    row.get_by_label("Status").select_option("implemented")
    row.get_by_role("button", name="Save status").click()
    expect(panel.locator(".score-value")).to_have_text("80")
    assert "MET" in page.locator("#req-3-1-21 .req-result").inner_text()
    assert "Score 80" in page.locator("#live").inner_text()
    assert page.locator("#score-badge .score-badge-value").inner_text() == "80"
    shot(page, "03-ssp-status-saved")
    page.locator("#req-3-1-21").get_by_role("link", name="Edit details").click()
    editor = page.locator("#req-3-1-21 form.req-editor")
    editor.get_by_label("Narrative").fill("USB storage blocked by Intune device control.")
    shot(page, "04-ssp-editor")
    editor.get_by_role("button", name="Save").click()
    page.wait_for_selector("#req-3-1-21 .narrative")
    assert "USB storage blocked" in page.locator("#req-3-1-21").inner_text()


def test_the_verdict_changes_when_a_blocking_requirement_fails(page: Any, world: Any) -> None:
    sign_in(page, "consultant")
    page.goto(f"{page.base}/systems/{world.other_system.pk}/ssp/?family=AC")
    assert "Conditional Level 2" in page.locator("#score-panel").inner_text()
    row = page.locator("#req-3-1-1")
    row.get_by_label("Status").select_option("not-implemented")
    row.get_by_role("button", name="Save status").click()
    expect(page.locator("#score-panel")).to_contain_text("No CMMC status")
    text = page.locator("#score-panel").inner_text()
    assert "90" in text and "NOT MET and not allowed on a POA&M" in text
    shot(page, "05-verdict-changed")


def test_add_an_entry(page: Any, world: Any) -> None:
    sign_in(page, "editor")
    page.goto(f"{page.base}/systems/{world.system.pk}/poam/")
    page.get_by_role("link", name="New entry").click()
    page.get_by_label("Requirement").fill("3.1.21")
    page.get_by_label("Gap").fill("Two inspection laptops still accept USB storage devices.")
    page.get_by_label("Remediation steps").fill("Assign the device control policy\nVerify on both")
    page.get_by_label("Owner").fill("Tom Reyes, Systems Administrator")
    page.get_by_label("First milestone").fill("Policy assigned")
    page.get_by_label("Its due date").fill("2027-01-29")
    shot(page, "06-new-entry")
    page.get_by_role("button", name="Add entry").click()
    page.wait_for_url("**/entries/*/")
    assert "POAM-019" in page.locator("h2.entry-title").inner_text()
    assert "Policy assigned" in page.locator("#milestones").inner_text()
    shot(page, "07-entry")


def test_move_a_milestone_without_then_with_a_justification(page: Any, world: Any) -> None:
    from poam.web.workbench.models import DueDateMove, Entry

    entry = Entry.objects.get(poam__system=world.system, item_id="POAM-006", deleted_at=None)
    sign_in(page, "entry_owner")
    page.goto(f"{page.base}/entries/{entry.pk}/")
    page.get_by_role("button", name="Change date").first.click()
    dialog = page.locator("dialog[open]")
    assert dialog.is_visible()
    dialog.get_by_label("New due date").fill("2027-03-05")
    dialog.get_by_role("button", name="Move the date").click()  # the browser refuses: required
    assert dialog.is_visible()
    expect(dialog.get_by_label("Justification")).to_be_focused()
    # blanks pass the browser's own check; the server refuses them and reopens the dialog
    dialog.get_by_label("Justification").fill("   ")
    dialog.get_by_role("button", name="Move the date").click()
    page.wait_for_selector("dialog[open] .field-error")
    assert "a justification is required" in page.locator("dialog[open]").inner_text()
    shot(page, "08-move-refused")
    assert not DueDateMove.objects.filter(to_date="2027-03-05").exists()
    page.locator("dialog[open]").get_by_label("New due date").fill("2027-03-05")
    page.locator("dialog[open]").get_by_label("Justification").fill(
        "The pilot showed two CAM programs need vendor updates first."
    )
    page.locator("dialog[open]").get_by_role("button", name="Move the date").click()
    page.wait_for_selector("text=Due date moved")
    assert "2027-03-05" in page.locator("#milestones").inner_text()
    assert "The pilot showed two CAM programs" in page.locator("#timeline").inner_text()
    shot(page, "09-moved")
    page.keyboard.press("Escape")


def test_upload_evidence_and_see_its_hash(page: Any, world: Any, tmp_path: Path) -> None:
    from poam.web.workbench.models import Entry

    entry = Entry.objects.get(poam__system=world.system, item_id="POAM-003", deleted_at=None)
    content = b"Sentinel: four data connectors healthy, 2026-11-19\n"
    upload = tmp_path / "sentinel-connectors.txt"
    upload.write_bytes(content)
    sign_in(page, "editor")
    page.goto(f"{page.base}/entries/{entry.pk}/")
    form = page.locator("form", has=page.get_by_role("heading", name="Upload a file"))
    form.get_by_label("File (up to").set_input_files(str(upload))
    form.get_by_label("Title").fill("Sentinel connectors")
    form.get_by_role("button", name="Upload").click()
    digest = hashlib.sha256(content).hexdigest()
    page.wait_for_selector(f"text={digest}")
    row = page.locator("#evidence tr", has_text="Sentinel connectors")
    assert digest in row.inner_text() and "matches" in row.inner_text()
    shot(page, "10-evidence")


def test_dashboard_review_and_export(page: Any, world: Any) -> None:
    sign_in(page, "editor")
    page.goto(f"{page.base}/systems/{world.system.pk}/")
    assert "Review overdue" in page.locator("main").inner_text()
    shot(page, "11-dashboard")
    page.get_by_role("button", name="Mark reviewed today").click()
    page.wait_for_selector("text=Recorded your review")
    assert "Next review due" in page.locator("main").inner_text()
    page.get_by_role("link", name="Assessor view").click()
    shot(page, "12-assessor")
    with page.expect_download() as download:
        page.get_by_role("link", name="SSP (poam YAML)").click()
    path = download.value.path()
    assert "name: Acme CUI Enclave" in Path(path).read_text("utf-8")
    page.goto(f"{page.base}/systems/{world.system.pk}/findings/")
    shot(page, "13-findings")
    page.goto(f"{page.base}/systems/{world.system.pk}/history/")
    assert "reviewed" in page.locator("main").inner_text()
    shot(page, "14-history")


def test_keyboard_only_reaches_the_content(page: Any, world: Any) -> None:
    sign_in(page, "viewer")
    page.goto(f"{page.base}/systems/{world.system.pk}/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
