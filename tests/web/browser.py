"""What every browser journey shares: Chromium (Debian's, driven by Playwright), its flags, a
page at a given size, signing in, screenshots, and axe-core's accessibility check.

The fixtures ``browser``, ``page`` (1280x900) and ``phone`` (390x844) live in
``tests/web/conftest.py``; a journey module marks itself with :data:`needs_chromium`, so that
it is skipped cleanly where Chromium is absent (``POAM_CHROMIUM`` or ``/usr/bin/chromium``).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the test itself
# makes (not the server's) are synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("POAM_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    # without these Chromium keeps trying the network, which this machine (and CI) refuses
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = Path(__file__).parent / "screenshots"
PASSWORD = "a-long-test-password"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SERIOUS = ("serious", "critical")

needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason=f"Chromium not found at {CHROMIUM} (set POAM_CHROMIUM)"
)


def launch() -> Iterator[Any]:
    """One Chromium for a module's journeys."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def open_page(browser: Any, base: str, viewport: dict[str, int]) -> Iterator[Any]:
    """A page in a context of its own (its own cookies), ``page.base`` the server's address."""
    context = browser.new_context(viewport=viewport, accept_downloads=True)
    context.set_default_timeout(15_000)
    opened = context.new_page()
    opened.base = base
    yield opened
    context.close()


def shot(page: Any, name: str) -> None:
    """A screenshot in ``tests/web/screenshots/`` (git-ignored), for a person to look at."""
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(page: Any, username: str) -> None:
    page.goto(page.base + "/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(page.base + "/")


def axe_problems(page: Any, context: str | None = None) -> list[str]:
    """axe-core's serious and critical violations on the page (or within the ``context``
    selector), one line per element; axe-playwright-python bundles axe-core."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=context)
    return [
        f"{violation['id']} ({violation['impact']}): {node['target']} {node['failureSummary']}"
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
        for node in violation["nodes"]
    ]
