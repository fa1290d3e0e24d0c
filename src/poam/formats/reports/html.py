"""The assessor report: one self-contained HTML page built from core objects.

:func:`render_report` is what the CLI (``poam report``) and the web application's assessor view
call: it takes an :class:`~poam.core.assess.Assessment` (and, optionally, the evidence store it
was checked against and a plan) and returns the HTML as a string. It does no file I/O beyond
reading its own templates from the package, and reads no clock: the date is the assessment's.

The page has inline CSS and inline SVG, no script and no external request, so it opens the same
anywhere, offline, years later; the templates autoescape, so no narrative can inject markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from poam import __version__
from poam.core.assess import Assessment
from poam.core.catalog import Catalog, load_catalog
from poam.core.checks.base import EvidenceStore, Severity
from poam.core.labels import POAM_KIND, SCOPE
from poam.core.lifecycle import TimelineEvent
from poam.core.model import Thresholds
from poam.core.plan import Plan, describe_full_score
from poam.core.plan import plan as make_plan
from poam.core.scoring import MAX_SCORE, MIN_SCORE
from poam.formats.reports import gauge, timeline, view
from poam.formats.sprs import SprsStatus, sprs_entry
from poam.formats.sprs.entry import RequirementLine
from poam.formats.sprs.output import affirmation_text, status_of_record_text

PAGE_SIZES = ("letter", "a4")


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("poam.formats.reports", "templates"),
        autoescape=select_autoescape(("html",), default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["day"] = _day
    env.filters["anchor"] = view.anchor
    env.filters["nobreak"] = nobreak
    env.filters["plural"] = view.plural
    env.filters["signed"] = lambda n: f"−{n}" if n else "0"
    return env


def _day(value: date | None, missing: str = "—") -> str:
    return missing if value is None else value.isoformat()


_UNBREAKABLE = re.compile(r"\b(?:[A-Z]{2}\.L2-)?3\.\d{1,2}\.\d{1,2}\b|\b\d{4}-\d{2}-\d{2}\b")


def nobreak(value: object) -> Markup:
    """Escaped text in which requirement ids and dates never break across lines."""
    text = str(escape(str(value)))
    return Markup(  # safe: built from escaped text
        _UNBREAKABLE.sub(lambda m: f'<span class="nb">{m.group(0)}</span>', text)
    )


def css_string(value: str) -> str:
    """A CSS string literal holding ``value``: every character but letters, digits and spaces is
    written as a CSS escape, so that no text can close the string or the style element."""
    out = []
    for char in value:
        if char.isascii() and (char.isalnum() or char == " "):
            out.append(char)
        else:
            out.append(f"\\{ord(char):x} ")  # the space ends the escape and is not shown
    return '"' + "".join(out) + '"'


@dataclass(frozen=True)
class Report:
    """Everything the template lays out."""

    assessment: Assessment
    version: str
    title: str
    facts: tuple[tuple[str, str], ...]
    verdict: view.VerdictView
    """The standing today (docs/rules.md, "Two answers")."""
    readiness: view.VerdictView
    """What a new assessment today would award."""
    record: view.RecordView | None
    """The assessment of record the standing rests on; None when none is on record."""
    status_of_record: str
    """The status of record in the words of the SPRS entry (``poam sprs``)."""
    affirming_official: str
    """The Affirming Official in the words of the SPRS entry."""
    owed: tuple[view.OwedView, ...]
    status_events: tuple[TimelineEvent, ...]
    """The CMMC status over time (``poam.core.lifecycle.timeline``), oldest first."""
    closeout: view.CloseoutView | None
    poam_facts: tuple[tuple[str, str], ...]
    completion: str
    """The date a score of 110 is expected, worded by ``describe_full_score`` as ``poam plan``
    and ``poam sprs`` word it."""
    completion_required: bool
    completion_late: bool
    """The date a score of 110 is expected is not before the closeout deadline."""
    counts: dict[str, int]
    families: tuple[view.FamilyRow, ...]
    deductions: tuple[view.DeductionRow, ...]
    steps: tuple[view.StepRow, ...]
    entries: tuple[view.EntryView, ...]
    gaps: tuple[view.GapRow, ...]
    extras: tuple[view.ExtraRow, ...]
    findings: tuple[view.FindingGroup, ...]
    evidence: tuple[view.EvidenceRow, ...]
    evidence_checked: bool
    gauge: Markup
    timelines: tuple[Markup, ...]
    timeline_summary: str
    requirements: tuple[RequirementLine, ...]
    page_size: str | None
    running_footer: Markup
    """A CSS string literal (see :func:`css_string`), safe inside the style element."""
    marking: str | None
    """A banner such as "CUI", at the top and bottom of the page and of every printed page."""
    marking_css: Markup


def build_report(
    assessment: Assessment,
    *,
    evidence: EvidenceStore | None = None,
    plan: Plan | None = None,
    catalog: Catalog | None = None,
    page_size: str | None = None,
    marking: str | None = None,
) -> Report:
    """The report's content, computed once (exposed for tests and for other renderings)."""
    marking = clean_marking(marking)
    if page_size is not None and page_size not in PAGE_SIZES:
        raise ValueError(f"page size {page_size!r} is not one of {', '.join(PAGE_SIZES)}")
    catalog = catalog or load_catalog()
    ssp, poam, score = assessment.ssp, assessment.poam, assessment.score
    plan = plan or make_plan(score, poam, assessment.as_of)
    entry = sprs_entry(assessment)
    system = ssp.system
    every = ssp.info.update_cadence_days
    default_every = (poam.thresholds if poam else Thresholds()).default_ssp_update_cadence_days
    facts = [
        ("Scope", SCOPE[system.scope]),
        ("CAGE codes", ", ".join(system.cage_codes) or "none recorded"),
        ("SSP version", ssp.info.version),
        ("SSP date", ssp.info.date.isoformat()),
        (
            "SSP updated",
            f"every {every} days" if every else f"every {default_every} days (no cadence recorded)",
        ),
        ("Affirming Official", affirmation_text(entry)),
    ]
    if poam is None:
        facts.append(("POA&M", "none given"))
    else:
        kind = f"{POAM_KIND[poam.kind]} POA&M"
        facts.append(
            (
                "POA&M",
                f"{kind}, {view.plural(len(poam.items), 'entry', 'entries')}, "
                f"{len(poam.open_items)} open",
            )
        )
        facts.append(("Maintained by", poam.maintainer or "no one named"))
        reviewed = poam.last_reviewed.isoformat() if poam.last_reviewed else "never"
        cadence = f", every {poam.review_cadence_days} days" if poam.review_cadence_days else ""
        facts.append(("Last reviewed", reviewed + cadence))
    facts.append(("Assessed as of", assessment.as_of.isoformat()))
    gaps, extras = view.reconciliation(assessment, catalog)
    drawn = timeline.timeline(assessment, catalog)
    footer = f"{system.name} · CMMC Level 2 assessor report · as of {assessment.as_of.isoformat()}"
    if marking:  # the marking takes the middle of the bottom line: a shorter footer beside it
        footer = f"{system.name} · as of {assessment.as_of.isoformat()}"
    return Report(
        assessment=assessment,
        version=__version__,
        title=f"{system.name}: CMMC Level 2 assessor report, {assessment.as_of.isoformat()}",
        facts=tuple(facts),
        verdict=view.reasons_view(assessment),
        readiness=view.readiness_view(assessment),
        record=view.record_view(assessment),
        status_of_record=status_of_record_text(entry),
        affirming_official=affirmation_text(entry),
        owed=view.owed_view(assessment),
        status_events=view.status_events(assessment),
        closeout=view.closeout_view(assessment),
        poam_facts=view.poam_facts(assessment),
        completion=describe_full_score(entry.completion, catalog),
        completion_required=entry.completion.required,
        completion_late=entry.completion.date is not None
        and assessment.verdict.closeout_deadline is not None
        and entry.completion.date >= assessment.verdict.closeout_deadline,
        counts={
            "met": entry.count(SprsStatus.MET),
            "not_met": entry.count(SprsStatus.NOT_MET),
            "na": entry.count(SprsStatus.NOT_APPLICABLE),
            "deducted": entry.deducted,
            "error": assessment.count(Severity.ERROR),
            "warning": assessment.count(Severity.WARNING),
            "info": assessment.count(Severity.INFO),
            "waived": len(assessment.waived),
            "max": MAX_SCORE,
            "min": MIN_SCORE,
        },
        families=view.families(assessment, catalog),
        deductions=view.deductions(assessment),
        steps=view.steps(plan),
        entries=view.entries(assessment, catalog),
        gaps=gaps,
        extras=extras,
        findings=view.finding_groups(assessment.findings),
        evidence=view.evidence_rows(assessment, catalog, evidence),
        evidence_checked=evidence is not None,
        gauge=Markup(gauge.score_gauge(score.value, score.provisional)),  # safe: escaped in svg.py
        timelines=() if drawn is None else tuple(Markup(svg) for svg in drawn[0]),
        timeline_summary="" if drawn is None else drawn[1],
        requirements=entry.requirements,
        page_size=page_size,
        running_footer=Markup(css_string(footer)),  # safe: every character escaped
        marking=marking,
        marking_css=Markup(css_string(marking or "")),  # safe: every character escaped
    )


MAX_MARKING = 200
"""Longest marking: a banner line, such as "CUI" or "CUI // SP-CTI // FED ONLY"."""


def clean_marking(marking: str | None) -> str | None:
    """The marking on one line (runs of blanks and line breaks become one space, control
    characters are dropped), or None when nothing is left."""
    if marking is None:
        return None
    printable = "".join(" " if not char.isprintable() else char for char in marking)
    return " ".join(printable.split())[:MAX_MARKING] or None


@cache
def _stylesheet() -> str:
    from importlib import resources

    return (
        resources.files("poam.formats.reports").joinpath("templates/report.css").read_text("utf-8")
    )


def render_report(
    assessment: Assessment,
    *,
    evidence: EvidenceStore | None = None,
    plan: Plan | None = None,
    catalog: Catalog | None = None,
    page_size: str | None = None,
    marking: str | None = None,
) -> str:
    """The assessor report as one self-contained HTML document.

    ``evidence`` verifies each evidence file's SHA-256 (without it the manifest says "not
    checked"); ``plan`` defaults to the core's plan for the assessment; ``page_size`` (letter or
    a4) fixes the printed page, which is otherwise the printer's; ``marking`` (e.g. "CUI") is
    shown at the top and bottom of the page and of every printed page.
    """
    report = build_report(
        assessment,
        evidence=evidence,
        plan=plan,
        catalog=catalog,
        page_size=page_size,
        marking=marking,
    )
    template = _environment().get_template("report.html")
    return template.render(report=report, css=Markup(_stylesheet()), Severity=Severity)
