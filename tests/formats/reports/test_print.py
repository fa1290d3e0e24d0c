"""The report as a browser lays it out and as Chromium prints it: the timeline's labels inside
the figure (the closeout date was clipped), entry cards whole on a page, and the marking banner
at the top and bottom of every page. Skipped cleanly without Chromium (and poppler for PDFs)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from poam.core.assess import assess
from poam.core.model import Evidence, ImplementationStatus, MilestoneChange
from poam.formats.native import load_poam, load_ssp
from poam.formats.reports import html_to_pdf, render_report
from tests.conftest import EXAMPLES
from tests.formats.sprs.systems import conditional, internal, item, record, ssp

CHROMIUM = os.environ.get("POAM_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason=f"Chromium not found at {CHROMIUM} (set POAM_CHROMIUM)"
)
NOT_IMPLEMENTED = ImplementationStatus.NOT_IMPLEMENTED

OUTSIDE = """() => [...document.querySelectorAll("svg.timeline")].flatMap((svg) => {
  const width = svg.viewBox.baseVal.width, height = svg.viewBox.baseVal.height;
  return [...svg.querySelectorAll("text")].map((t) => [t.textContent, t.getBBox()])
    .filter(([, b]) => b.x < -0.5 || b.y < -0.5 || b.x + b.width > width + 0.5
                       || b.y + b.height > height + 0.5)
    .map(([text, b]) => `${text} [${b.x.toFixed(1)}, ${(b.x + b.width).toFixed(1)}] of ${width}`);
})"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        yield launched
        launched.close()


def outside(browser: Any, html: str) -> list[str]:
    """Texts of the timeline figures that do not lie wholly inside their figure."""
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    try:
        page.set_content(html)
        return list(page.evaluate(OUTSIDE))
    finally:
        page.close()


def summit(as_of: date) -> Any:
    folder = EXAMPLES / "summit-conditional"
    return assess(load_ssp(folder / "ssp.yaml"), load_poam(folder / "poam.yaml"), as_of=as_of)


@pytest.mark.parametrize(
    "as_of",
    [date(2026, 7, 1), date(2026, 10, 1), date(2026, 12, 10), date(2027, 1, 20)],
    ids=["early", "the-issue", "days-before-the-deadline", "expired"],
)
def test_every_timeline_label_lies_inside_its_figure(browser: Any, as_of: date) -> None:
    """On 2026-10-01 the deadline's label read 'Closeout deadline 2026-12-1': cut at the edge."""
    assert outside(browser, render_report(summit(as_of))) == []


def test_labels_stay_inside_whatever_the_dates(browser: Any) -> None:
    """A Conditional status starting at either end of the figure, milestones far away, an
    internal POA&M: the axis is widened to hold the dates, the labels are placed to fit."""
    for start, as_of, dues in (
        (date(2026, 6, 1), date(2026, 6, 2), (date(2026, 6, 3),)),
        (date(2026, 6, 1), date(2026, 11, 27), (date(2026, 11, 28),)),
        (date(2026, 6, 1), date(2026, 7, 1), (date(2028, 1, 1), date(2026, 7, 2))),
        (date(2025, 1, 1), date(2026, 7, 1), (date(2025, 2, 1),)),
    ):
        the_ssp = ssp(record("3.1.9", NOT_IMPLEMENTED), record("3.1.11", NOT_IMPLEMENTED))
        items = [item(f"SF-{n:02d}", "3.1.9", due) for n, due in enumerate(dues, 1)]
        for document in (conditional(*items, status_date=start), internal(*items)):
            html = render_report(assess(the_ssp, document, as_of=as_of))
            assert outside(browser, html) == [], (start, as_of, dues)


# --- printed -----------------------------------------------------------------------------------


def pages(pdf: bytes) -> list[str]:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) not installed")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return text.split("\f")[:-1]


def test_the_printed_timeline_shows_the_whole_closeout_date() -> None:
    text = "\n".join(pages(html_to_pdf(render_report(summit(date(2026, 10, 1))))))
    assert "Closeout deadline 2026-12-17" in text
    assert "Status date 2026-06-20" in text
    assert "Today 2026-10-01" in text


def tall_entries(count: int = 9) -> Any:
    """Entries of a third of a page or more: three moved milestones, evidence, findings."""
    entries = []
    for n in range(1, count + 1):
        move = MilestoneChange(
            date(2026, 10, 1),
            date(2026, 11, 1),
            date(2026, 12, 1) + timedelta(days=n),
            by="Karen Liu, IT Director",
            justification=f"The distributor reported a backorder for order {n}.",
        )
        entries.append(
            item(
                f"SF-{n:02d}",
                "3.1.9",
                date(2026, 12, 1) + timedelta(days=n),
                date(2026, 12, 5) + timedelta(days=n),
                date(2026, 12, 9) + timedelta(days=n),
                history=(move,),
                gap=f"Gap statement of entry number {n}: the login banner is not shown on the "
                "engineering workstations nor on the file server, so users are not told.",
                evidence=(Evidence(f"Closing proof of entry number {n}", f"e/{n}.pdf"),),
                comments=f"Comment line of entry number {n}. " * 4,
            )
        )
    return assess(
        ssp(record("3.1.9", NOT_IMPLEMENTED)), conditional(*entries), as_of=date(2026, 11, 30)
    )


def test_entry_cards_are_not_split_across_pages() -> None:
    """Each card's first words (its gap) and last words (its evidence line) on one page."""
    printed = pages(html_to_pdf(render_report(tall_entries(), page_size="letter")))
    for n in range(1, 10):
        gap = next(i for i, p in enumerate(printed) if f"Gap statement of entry number {n}:" in p)
        assert f"Closing proof of entry number {n}" in printed[gap], f"SF-{n:02d} is split"


def test_the_marking_is_at_the_top_and_bottom_of_every_printed_page() -> None:
    marking = "CUI // SP-CTI <not a tag> & more"
    html = render_report(tall_entries(4), page_size="letter", marking=marking)
    printed = pages(html_to_pdf(html))
    assert len(printed) >= 5
    for text in printed:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert lines[0] == marking, lines[0]
        assert marking in lines[-1], lines[-1]


def test_a_card_taller_than_a_page_still_prints_whole() -> None:
    """Kept whole where it fits; one taller than a page breaks between milestone rows, and
    nothing of it is lost."""
    dues = [date(2026, 12, 1) + timedelta(days=n) for n in range(60)]
    long_entry = item("SF-01", "3.1.9", *dues)
    assessment = assess(
        ssp(record("3.1.9", NOT_IMPLEMENTED)), conditional(long_entry), as_of=date(2026, 11, 30)
    )
    text = "\n".join(pages(html_to_pdf(render_report(assessment, page_size="letter"))))
    for n in (1, 30, 60):
        assert f"Step {n} " in text
