"""The import journey in a real browser: upload, read the preview, confirm (or cancel).

Issue 9: the import replaced a system's SSP without confirmation and renamed the system. Here
the preview says what changes, the system keeps its name unless the box is ticked, a workbook
exported by the same page imports back, and cancelling changes nothing. Screenshots go to
``tests/web/screenshots/`` like the other journeys'.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from poam.formats.native import dump_ssp
from poam.web.workbench.assessment import load_snapshot
from poam.web.workbench.models import Change, SspRequirement, System
from tests.web.browser import axe_problems, needs_chromium, shot, sign_in

pytestmark = needs_chromium


def _renamed_ssp(system: Any, name: str, requirement: str, status: str) -> bytes:
    ssp = load_snapshot(system).ssp
    records = dict(ssp.requirements)
    record = records[requirement]
    records[requirement] = replace(record, status=type(record.status)(status))
    return dump_ssp(
        replace(ssp, system=replace(ssp.system, name=name), requirements=records)
    ).encode()


def test_preview_then_confirm_keeps_the_name(page: Any, world: Any) -> None:
    summit = world.other_system
    data = _renamed_ssp(summit, "Summit From The File", "3.1.1", "not-implemented")
    sign_in(page, "consultant")
    page.goto(f"{page.base}/systems/{summit.pk}/assessor/")
    page.get_by_label("SSP file").set_input_files(
        {"name": "summit-ssp.yaml", "mimeType": "text/yaml", "buffer": data}
    )
    page.get_by_role("button", name="Preview the import").click()
    page.wait_for_url("**/import/*/")
    heading = page.get_by_role("heading", name="Import preview: nothing has changed yet")
    expect(heading).to_be_visible()
    changes = page.locator("#import-status-changes")
    expect(changes).to_contain_text("3.1.1")
    expect(changes).to_contain_text("not-implemented")
    rename = page.get_by_label("Also rename the system", exact=False)
    expect(rename).not_to_be_checked()
    shot(page, "import-01-preview")
    assert axe_problems(page) == []
    assert SspRequirement.objects.get(system=summit, requirement="3.1.1").status == "implemented"
    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_url(f"{page.base}/systems/{summit.pk}/")
    expect(page.locator(".messages")).to_contain_text("Imported summit-ssp.yaml")
    shot(page, "import-02-done")
    assert System.objects.get(pk=summit.pk).name == "Summit Fasteners Enterprise Network"
    record = SspRequirement.objects.get(system=summit, requirement="3.1.1")
    assert record.status == "not-implemented"
    assert Change.objects.filter(system=summit, reason="import: summit-ssp.yaml").exists()


def test_a_workbook_from_the_same_page_then_cancel(page: Any, world: Any) -> None:
    summit = world.other_system
    sign_in(page, "consultant")
    page.goto(f"{page.base}/systems/{summit.pk}/assessor/")
    with page.expect_download() as download:
        page.get_by_role("link", name="eMASS POA&M workbook").click()
    workbook = Path(download.value.path()).read_bytes()
    before = System.objects.get(pk=summit.pk).revision
    page.get_by_label("POA&M file").set_input_files(
        {"name": "summit-emass.xlsx", "mimeType": "application/octet-stream", "buffer": workbook}
    )
    page.get_by_role("button", name="Preview the import").click()
    page.wait_for_url("**/import/*/")
    expect(page.get_by_text("eMASS POA&M workbook (XLSX)")).to_be_visible()
    shot(page, "import-03-workbook-preview")
    page.get_by_role("button", name="Cancel").click()
    page.wait_for_url(f"{page.base}/systems/{summit.pk}/assessor/")
    expect(page.locator(".messages")).to_contain_text("Import cancelled")
    assert System.objects.get(pk=summit.pk).revision == before


def test_a_bad_file_lists_its_problems_at_phone_width(phone: Any, world: Any) -> None:
    summit = world.other_system
    sign_in(phone, "consultant")
    phone.goto(f"{phone.base}/systems/{summit.pk}/assessor/")
    phone.get_by_label("SSP file").set_input_files(
        {
            "name": "broken.yaml",
            "mimeType": "text/yaml",
            "buffer": b"system:\n  name: X\n  scope: galaxy\n",
        }
    )
    phone.get_by_role("button", name="Preview the import").click()
    problems = phone.locator("#import-problems")
    expect(problems).to_contain_text("broken.yaml:")
    # the problems wrap within a phone's width, and the page does not scroll sideways
    box = problems.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_problems(phone) == []
    shot(phone, "import-04-problems-phone")
