"""The workbench as a person sees it, in Chromium: counters that follow an in-place save, a
phone-width layout without sideways scrolling, and an axe-core accessibility check of the main
pages at desktop and phone widths (0 serious or critical violations).

Fixtures and sign-in from ``tests/web/browser.py``; skipped cleanly where Chromium is absent.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.browser import (
    DESKTOP,
    PHONE,
    axe_problems,
    needs_chromium,
    open_page,
    shot,
    sign_in,
)

pytestmark = needs_chromium


def main_pages(world: Any) -> list[tuple[str, str]]:
    from poam.web.workbench.models import Entry

    system = world.system.pk
    entry = Entry.objects.get(poam__system=world.system, item_id="POAM-006", deleted_at=None)
    return [
        ("portfolio", "/"),
        ("organization", f"/orgs/{world.org.slug}/"),
        ("dashboard", f"/systems/{system}/"),
        ("ssp", f"/systems/{system}/ssp/?family=AC"),
        ("poam", f"/systems/{system}/poam/"),
        ("entry", f"/entries/{entry.pk}/"),
        ("history", f"/systems/{system}/history/"),
        ("status", f"/systems/{system}/status/"),
        ("findings", f"/systems/{system}/findings/"),
    ]


# --- 1. counters follow an in-place save ----------------------------------------------------

COUNTERS = "#score-badge, #findings-count, .families"


def _counters(page: Any) -> list[str]:
    return [" ".join(element.inner_text().split()) for element in page.locator(COUNTERS).all()]


def test_an_in_place_ssp_save_updates_score_counts_and_family_badges(page: Any, world: Any) -> None:
    """After each save made in place (htmx), the score badge, the findings count and every
    family's NOT MET badge read exactly as the server's page does when loaded afresh, and the
    AC badge counts the AC rows shown NOT MET."""
    sign_in(page, "editor")
    url = f"{page.base}/systems/{world.system.pk}/ssp/?family=AC"
    page.goto(url)
    ac_badge = page.locator("#notmet-AC")
    assert ac_badge.inner_text().split()[0] == str(page.locator("li.req.not-met").count())
    findings = page.locator("#findings-count").inner_text()
    for nist_id, status in (("3.1.21", "implemented"), ("3.1.22", "not-implemented")):
        row = page.locator(f"#req-{nist_id.replace('.', '-')}")
        row.get_by_label("Status").select_option(status)
        row.get_by_role("button", name="Save status").click()
        expect(page.locator("#live")).to_contain_text(f"Saved AC.L2-{nist_id}")
        not_met = page.locator("li.req.not-met").count()
        expect(ac_badge).to_have_text(re.compile(rf"^{not_met}\s*NOT MET$"))
        shown = _counters(page)
        fresh = page.context.new_page()
        fresh.goto(url)
        assert shown == _counters(fresh), nist_id  # the server's own figures
        fresh.close()
    assert page.locator("#findings-count").inner_text() != findings  # the gap's finding went
    shot(page, "ux-01-counters")


# --- 8. phone width ----------------------------------------------------------------------------

OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const element of document.querySelectorAll("body *")) {
    if (element.closest(".table-scroll, .skip-link, .visually-hidden")) continue;  // by design
    if (element.parentElement && element.parentElement.closest("table")) continue;  // in its box
    const box = element.getBoundingClientRect();
    if (box.width && (box.right > width + 1 || box.left < -1)) {
      const css = typeof element.className === "string" ? "." + element.className : "";
      wide.push(element.tagName.toLowerCase() + (element.id ? "#" + element.id : "") + css +
        " " + Math.round(box.left) + ".." + Math.round(box.right));
    }
  }
  return {scroll: document.documentElement.scrollWidth, width: width, wide: wide.slice(0, 12)};
}"""


def test_main_pages_fit_a_phone_without_sideways_scrolling(phone: Any, world: Any) -> None:
    """At 390 x 844 no page scrolls sideways: tables scroll inside their own container, the
    navigation wraps, forms stack."""
    sign_in(phone, "administrator")
    for name, path in main_pages(world):
        phone.goto(phone.base + path)
        measured = phone.evaluate(OVERFLOW)
        shot(phone, f"ux-390-{name}")
        assert measured["scroll"] <= PHONE["width"], (name, measured)
        assert measured["wide"] == [], (name, measured)


# --- 10. axe-core -----------------------------------------------------------------------------


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_main_pages_have_no_serious_accessibility_violations(
    browser: Any, live_server: Any, world: Any, viewport: dict[str, int]
) -> None:
    """axe-core (bundled by axe-playwright-python) on the nine main pages, signed in as an
    administrator (every form shown): no serious or critical violation."""
    for opened in open_page(browser, live_server.url, viewport):
        sign_in(opened, "administrator")
        found = {}
        for name, path in main_pages(world):
            opened.goto(opened.base + path)
            problems = axe_problems(opened)
            if problems:
                found[name] = problems
        assert found == {}


def test_choosing_completed_without_evidence_prompts_before_saving(page: Any, world: Any) -> None:
    """POAM-007 has no evidence: choosing "Completed, pending verification" shows the evidence
    prompt at once (before anything is sent); saving anyway is refused with the prompt and the
    message at the status; the page stays free of serious accessibility violations."""
    from poam.web.workbench.models import Entry

    entry = Entry.objects.get(poam__system=world.system, item_id="POAM-007", deleted_at=None)
    sign_in(page, "editor")
    page.goto(f"{page.base}/entries/{entry.pk}/")
    page.get_by_text("Edit entry").click()
    prompt = page.locator("#e-evidence-prompt")
    expect(prompt).to_be_hidden()
    page.get_by_label("Status", exact=True).select_option("completed-pending-verification")
    expect(prompt).to_be_visible()
    assert "AC.L2-3.1.21" in prompt.inner_text()
    page.get_by_label("Status", exact=True).select_option("in-progress")
    expect(prompt).to_be_hidden()
    page.get_by_label("Status", exact=True).select_option("completed-pending-verification")
    page.get_by_role("button", name="Save entry").click()
    expect(page.locator(".error-summary")).to_contain_text("Status: completing an entry needs")
    expect(page.locator("#e-evidence-prompt")).to_be_visible()
    shot(page, "ux-02-evidence-prompt")
    assert axe_problems(page) == []
    entry.refresh_from_db()
    assert entry.status == "not-started"
    page.locator(".error-summary a").first.click()
    expect(page.get_by_label("Status", exact=True)).to_be_focused()
