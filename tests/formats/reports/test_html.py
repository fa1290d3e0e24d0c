"""The assessor report's HTML: self-contained, escaped, and showing what the core decided."""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from poam.core.assess import Assessment, assess
from poam.core.catalog import load_catalog
from poam.core.model import Evidence, ImplementationStatus, MilestoneChange
from poam.formats.native.evidence import FileEvidenceStore
from poam.formats.reports import build_report, render_report
from poam.formats.reports.html import css_string, nobreak
from tests.formats.sprs.systems import AS_OF, conditional, internal, item, record, ssp

NOT_IMPLEMENTED = ImplementationStatus.NOT_IMPLEMENTED
SECTIONS = (
    "summary",
    "score",
    "timeline",
    "poam",
    "reconciliation",
    "findings",
    "evidence",
    "requirements",
)


def conditional_system() -> Assessment:
    moved = MilestoneChange(
        date(2026, 11, 20),
        date(2026, 12, 4),
        date(2027, 1, 15),
        by="Karen Liu, IT Director",
        justification="The distributor reported a backorder.",
    )
    silent = MilestoneChange(date(2026, 10, 1), date(2026, 10, 20), date(2026, 11, 10), by="Tom")
    the_ssp = ssp(record("3.1.9", NOT_IMPLEMENTED), record("3.1.11", NOT_IMPLEMENTED))
    the_poam = conditional(
        item("SF-01", "3.1.9", date(2027, 1, 15), history=(moved,)),
        item("SF-02", "3.1.11", date(2026, 11, 10), date(2026, 12, 9), history=(silent,)),
        item("SF-03", "3.1.2", date(2026, 12, 1)),  # open for a MET requirement
    )
    return assess(the_ssp, the_poam, as_of=AS_OF)


def section(html: str, name: str) -> str:
    start = html.index(f'<section id="{name}"')
    return html[start : html.index("</section>", start)]


def test_one_self_contained_document_with_every_section() -> None:
    html = render_report(conditional_system())
    assert html.startswith('<!doctype html>\n<html lang="en">')
    assert html.rstrip().endswith("</html>")
    for name in SECTIONS:
        assert f'<section id="{name}"' in html
    assert "<script" not in html.lower()
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html, re.IGNORECASE)
    assert "@import" not in html
    assert re.findall(r"url\(([^)]*)\)", html) == ["#tl-hatch-1"]
    assert html.count("<style>") == html.count("</style>") == 1


def test_the_cover_has_system_score_verdict_with_rules_and_the_countdown() -> None:
    assessment = conditional_system()
    cover = section(render_report(assessment), "summary")
    assert '<h1 id="summary-title">Test Enclave</h1>' in cover
    assert "1ABC2" in cover and "Enclave" in cover and "2026.1" in cover
    assert 'class="gauge-number" text-anchor="middle">108</text>' in cover
    assert "Conditional Level 2" in cover
    for reason in assessment.verdict.reasons:
        assert f'<cite class="rule">{reason.rule}</cite>' in cover
    assert '<span class="countdown-n">17</span> days left' in cover
    assert "day 163 of 180" in cover
    assert "<strong>2026-12-17</strong>" in cover
    # The completion date (2027-01-15) comes after the closeout deadline, and says so.
    assert '2027-01-15</span> <span class="bad-text">✕ not before the closeout deadline' in cover


def test_no_status_shows_failing_and_holding_conditions() -> None:
    assessment = assess(ssp(record("3.3.5", NOT_IMPLEMENTED)), internal(), as_of=AS_OF)
    view = build_report(assessment).verdict
    assert [(r.held, r.rule) for r in view.reasons] == [
        (False, "32 CFR 170.21(a)(2)(ii)"),
        (True, "32 CFR 170.21(a)(2)(i)"),
        (True, "32 CFR 170.21(a)(2)(iii)"),
    ]
    assert view.reasons[0].requirements == ("AU.L2-3.3.5",)
    cover = section(render_report(assessment), "summary")
    assert "No 180-day clock" in cover
    assert '<div><dt>Next review</dt><dd><span class="nb">2027-01-30</span></dd></div>' in cover


def test_no_score_without_the_ssp() -> None:
    html = render_report(assess(ssp(record("3.12.4", NOT_IMPLEMENTED)), None, as_of=AS_OF))
    assert "<strong>No score.</strong>" in html
    assert ">no score</text>" in html
    assert "Assessment cannot be completed" in html
    assert "No POA&amp;M was given." in html


def test_milestones_show_their_history_and_a_missing_justification() -> None:
    poam = section(render_report(conditional_system()), "poam")
    assert (
        "moved 2026-12-04 → <strong>2027-01-15</strong> (+42 days) by Karen Liu, IT Director."
        in poam
    )
    assert '<span class="justification">The distributor reported a backorder.</span>' in poam
    assert '<span class="bad-text">No justification recorded.</span>' in poam
    assert "After the closeout deadline" in poam
    assert "Overdue by 20 days" in poam
    assert 'id="entry-SF-01"' in poam
    # Findings on an entry are shown with it.
    assert "milestone-after-closeout-deadline" in poam


def test_reconciliation_lists_gaps_and_open_entries_for_met_requirements() -> None:
    assessment = assess(
        ssp(record("3.1.9", NOT_IMPLEMENTED), record("3.3.4", NOT_IMPLEMENTED)),
        internal(
            item("P-1", "3.1.9", date(2027, 1, 8)),
            item("P-2", "3.1.2", date(2027, 1, 8)),
            item("P-3", "3.99.1", date(2027, 1, 8)),
        ),
        as_of=AS_OF,
    )
    recon = section(render_report(assessment), "reconciliation")
    gap_rows = re.findall(r'<tr class="recon-(\w+)">\s*<td><span class="req">([^<]+)', recon)
    assert gap_rows == [("covered", "AC.L2-3.1.9"), ("uncovered", "AU.L2-3.3.4")]
    assert "ssp-gap-without-poam" in recon
    assert "✕ contradicts the SSP" in recon and "poam-contradicts-ssp" in recon
    assert "not a Level 2 requirement" in recon and "unknown-requirement" in recon


def test_findings_are_grouped_by_severity_with_code_rule_and_hint() -> None:
    assessment = conditional_system()
    findings = section(render_report(assessment), "findings")
    errors = [f for f in assessment.findings if f.severity.value == "error"]
    assert f"Errors ({len(errors)})" in findings
    assert findings.index("Errors (") < findings.index("Warnings (")
    for finding in assessment.findings:
        assert f'<code class="code">{finding.code}</code>' in findings
    assert '<cite class="rule">32 CFR 170.21(b)</cite>' in findings


def test_evidence_manifest_verifies_each_file(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_bytes(b"signed roster\n")
    (tmp_path / "changed.txt").write_bytes(b"edited later\n")
    (tmp_path / "unhashed.txt").write_bytes(b"no hash\n")
    good = hashlib.sha256(b"signed roster\n").hexdigest()
    evidence = (
        Evidence("Roster", "good.txt", good.upper()),
        Evidence("Config export", "changed.txt", "0" * 64),
        Evidence("Quote", "missing.pdf", "1" * 64),
        Evidence("Portal page", "https://example.invalid/page", "2" * 64),
        Evidence("Screenshot", "unhashed.txt"),
        Evidence("Note", ""),
    )
    assessment = assess(
        ssp(record("3.1.9", NOT_IMPLEMENTED)),
        internal(item("P-1", "3.1.9", date(2027, 1, 8), evidence=evidence)),
        as_of=AS_OF,
        evidence=FileEvidenceStore(tmp_path),
    )
    rows = build_report(assessment, evidence=FileEvidenceStore(tmp_path)).evidence
    assert [(r.title, r.status) for r in rows] == [
        ("Roster", "matches"),
        ("Config export", "mismatch"),
        ("Quote", "missing"),
        ("Portal page", "not-local"),
        ("Screenshot", "no-hash"),
        ("Note", "no-location"),
    ]
    html = section(render_report(assessment, evidence=FileEvidenceStore(tmp_path)), "evidence")
    assert good in html
    assert hashlib.sha256(b"edited later\n").hexdigest() in html  # what the file hashes to now
    for label in ("Matches", "Mismatch", "Missing", "Not local", "No recorded hash"):
        assert f"</span> {label}</span>" in html
    unchecked = section(render_report(assessment), "evidence")
    assert unchecked.count("</span> Not checked</span>") == 5
    assert "the files were not checked for this report" in unchecked


def test_the_timeline_draws_the_window_for_each_kind_of_poam() -> None:
    conditional_html = section(render_report(conditional_system()), "timeline")
    assert "Status date 2026-06-20" in conditional_html
    assert "Closeout deadline 2026-12-17" in conditional_html
    assert "Today 2026-11-30" in conditional_html
    assert "tl-late-mark" in conditional_html and "tl-overdue-mark" in conditional_html
    assert "3 open entries with 4 open dated milestones; 1 overdue; 1 on or after the closeout" in (
        conditional_html
    )
    internal_html = section(
        render_report(
            assess(
                ssp(record("3.1.9", NOT_IMPLEMENTED)),
                internal(item("P-1", "3.1.9", date(2027, 2, 1))),
                as_of=AS_OF,
            )
        ),
        "timeline",
    )
    assert "Today + 180 days 2027-05-29" in internal_html
    assert "Closeout deadline" not in internal_html
    nothing = section(render_report(assess(ssp(), internal(), as_of=AS_OF)), "timeline")
    assert "No entry is open." in nothing and "<svg" not in nothing


HOSTILE = '</style><script>alert(1)</script>"><img src=x onerror=alert(2)>'


def test_user_text_is_escaped_everywhere() -> None:
    hostile = item(
        "P-1<b>",
        "3.1.9",
        date(2027, 1, 8),
        gap=HOSTILE,
        owner=HOSTILE,
        remediation=(HOSTILE,),
        comments=HOSTILE,
        resources=HOSTILE,
        identified_by=HOSTILE,
        evidence=(Evidence(HOSTILE, HOSTILE, HOSTILE),),
        history=(
            MilestoneChange(
                date(2026, 11, 1),
                date(2026, 12, 1),
                date(2027, 1, 8),
                by=HOSTILE,
                justification=HOSTILE,
            ),
        ),
    )
    the_ssp = ssp(record("3.1.9", NOT_IMPLEMENTED), name=HOSTILE)
    html = render_report(assess(the_ssp, internal(hostile), as_of=AS_OF))
    assert "<script" not in html
    assert "<img" not in html
    assert "<b>" not in html
    assert html.count("</style>") == 1
    assert "&lt;/style&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    style = html[html.index("<style>") + len("<style>") : html.index("</style>")]
    assert "<" not in style and ">" not in style  # the footer holds the name as CSS escapes
    assert "script\\3e alert\\28 1\\29 \\3c \\2f script" in style


def test_the_marking_is_escaped_in_the_page_and_in_the_print_rules() -> None:
    hostile = 'CUI</style><script>alert(1)</script> & "}\n@page{'
    html = render_report(conditional_system(), marking=hostile)
    assert "<script>" not in html
    shown = "CUI&lt;/style&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;} @page{"
    assert html.count(f'aria-label="Marking">{shown}</div>') == 2
    style = html[html.index("<style>") : html.index("</style>")]
    assert style.count(css_string('CUI</style><script>alert(1)</script> & "} @page{')) == 2
    assert html.count("</style>") == 1


def test_no_marking_no_banner() -> None:
    for marking in (None, "", "  \n\t "):
        html = render_report(conditional_system(), marking=marking)
        assert 'class="marking' not in html and "@top-center { content" not in html


def test_page_size_is_fixed_only_when_asked() -> None:
    assessment = assess(ssp(), internal(), as_of=AS_OF)
    assert "size: a4" not in render_report(assessment)
    assert "@page { size: a4; }" in render_report(assessment, page_size="a4")
    with pytest.raises(ValueError, match="page size 'tabloid' is not one of letter, a4"):
        render_report(assessment, page_size="tabloid")


def test_the_same_assessment_gives_the_same_page() -> None:
    assert render_report(conditional_system()) == render_report(conditional_system())


def _css_unescape(literal: str) -> str:
    body = literal[1:-1]
    return re.sub(r"\\([0-9a-f]{1,6}) ", lambda m: chr(int(m.group(1), 16)), body)


@given(st.text())
def test_css_strings_hold_any_text_safely(value: str) -> None:
    literal = css_string(value)
    assert literal[0] == literal[-1] == '"'
    assert re.fullmatch(r'"(?:[A-Za-z0-9 ]|\\[0-9a-f]{1,6} )*"', literal)
    assert _css_unescape(literal) == value


def test_nobreak_escapes_and_keeps_ids_and_dates_whole() -> None:
    assert str(nobreak("<b>IA.L2-3.5.3 by 2026-12-17</b>")) == (
        '&lt;b&gt;<span class="nb">IA.L2-3.5.3</span> by <span class="nb">2026-12-17</span>'
        "&lt;/b&gt;"
    )


@pytest.mark.parametrize("name", ["acme-enclave", "summit-conditional"])
def test_the_examples_render(name: str) -> None:
    from poam.formats.documents import load_poam_file, load_ssp_file

    folder = Path(__file__).resolve().parents[3] / "examples" / name
    the_ssp = load_ssp_file(folder / "ssp.yaml")
    store = FileEvidenceStore(folder)
    assessment = assess(the_ssp, load_poam_file(folder / "poam.yaml"), as_of=AS_OF, evidence=store)
    html = render_report(assessment, evidence=store)
    assert the_ssp.system.name in html
    assert html.count('<article class="entry') == len(assessment.poam.items)  # type: ignore[union-attr]
    assert html.count('<tr class="rq rq-') == 110


def test_many_open_entries_are_drawn_over_several_figures_with_sparser_months() -> None:
    from poam.core.catalog import load_catalog

    one_pointers = [r.nist_id for r in load_catalog().requirements if r.points == 1][:40]
    the_ssp = ssp(*(record(nist_id, NOT_IMPLEMENTED) for nist_id in one_pointers))
    items = [
        item(f"P-{n:02}", nist_id, date(2027 + n % 3, 1 + n % 12, 15))
        for n, nist_id in enumerate(one_pointers)
    ]
    html = section(render_report(assess(the_ssp, internal(*items), as_of=AS_OF)), "timeline")
    assert html.count('<figure class="figure">') == 2
    assert "Part 1 of 2." in html and "Part 2 of 2." in html
    assert html.count('class="tl-lane-label"') == 40
    assert html.count("Still open if every") == 1  # the projection is drawn once
    axis = re.findall(r'class="tl-axis">((?:[A-Z][a-z]{2} )?\d{4}|[A-Z][a-z]{2})</text>', html)
    assert axis[:4] == ["2027", "2028", "2029", "2027"]  # quarters over three years: the years
    assert html.count('class="tl-grid"') == 2 * 12  # Jan 2027 .. Oct 2029, every third month
    assert 'id="tl-hatch-1"' in html and 'id="tl-hatch-2"' in html


@settings(max_examples=150)
@given(
    status=st.dates(date(2024, 1, 1), date(2027, 12, 31)),
    offset=st.integers(-400, 600),
    dues=st.lists(st.integers(-500, 900), min_size=1, max_size=4),
    kind=st.sampled_from(["conditional", "internal"]),
)
def test_the_axis_spans_every_date_and_the_labels_fit_without_overlap(
    status: date, offset: int, dues: list[int], kind: str
) -> None:
    """Widths as the timeline estimates them (Chromium's are checked in test_print.py)."""
    from poam.formats.reports.timeline import (
        EDGE,
        MARKER_CHAR,
        PLOT_X0,
        PLOT_X1,
        WIDTH,
        Timeline,
        lanes_of,
    )

    as_of = status + timedelta(days=offset)
    entries = [item(f"SF-{n}", "3.1.9", as_of + timedelta(days=d)) for n, d in enumerate(dues)]
    poam = (
        conditional(*entries, status_date=status) if kind == "conditional" else internal(*entries)
    )
    assessment = assess(ssp(record("3.1.9", NOT_IMPLEMENTED)), poam, as_of=as_of)
    drawing = Timeline(assessment, lanes_of(assessment, load_catalog()))
    deadline = assessment.verdict.closeout_deadline
    for day in (as_of, *((status, deadline) if deadline else ()), *drawing.dues):
        assert drawing.start <= day <= drawing.end  # the axis spans every date drawn
        assert PLOT_X0 <= drawing.x(day) <= PLOT_X1
    spans: dict[int, list[tuple[float, float]]] = {}
    for marker, (x, anchor) in zip(drawing.markers, drawing.label_places(), strict=True):
        width = len(marker.label) * MARKER_CHAR
        span = (x, x + width) if anchor == "start" else (x - width, x)
        assert span[0] >= EDGE - 0.01 and span[1] <= WIDTH - EDGE + 0.01, marker.label
        for other in spans.get(marker.row, []):
            assert span[1] < other[0] or span[0] > other[1], marker.label
        spans.setdefault(marker.row, []).append(span)
