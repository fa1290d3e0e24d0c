"""The report's two answers (the standing and the readiness) and the CMMC status over time, and
its agreement with ``poam sprs`` and ``poam plan`` on the same system."""

from __future__ import annotations

import csv
import html as markup
import io
import re
import shutil
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from poam.cli.app import app
from poam.core.assess import Assessment, assess
from poam.core.catalog import load_catalog
from poam.core.lifecycle import timeline
from poam.core.model import (
    Affirmation,
    AffirmationKind,
    AssessmentOfRecord,
    AssessmentResult,
    AssessmentType,
    Closeout,
    CloseoutResult,
    CmmcRecord,
    ImplementationStatus,
    Poam,
    Ssp,
)
from poam.core.plan import describe_full_score, full_score_date
from poam.core.verdict import Verdict
from poam.formats.documents import load_poam_file, load_ssp_file
from poam.formats.native import dump_poam, dump_ssp
from poam.formats.reports import build_report, render_report
from poam.formats.sprs import sprs_entry
from poam.formats.sprs.output import affirmation_text, status_of_record_text
from tests.conftest import EXAMPLES
from tests.formats.sprs.systems import AS_OF, conditional, internal, item, record, ssp

NOT_IMPLEMENTED = ImplementationStatus.NOT_IMPLEMENTED
CEO = ("Pat Lee", "Chief Executive Officer")
runner = CliRunner()


def with_record(
    the_ssp: Ssp, *assessments: AssessmentOfRecord, affirmed: tuple[date, ...] = ()
) -> Ssp:
    kinds = (AffirmationKind.INITIAL, AffirmationKind.POST_CLOSEOUT, AffirmationKind.ANNUAL)
    affirmations = tuple(Affirmation(kinds[min(n, 2)], day, *CEO) for n, day in enumerate(affirmed))
    return replace(the_ssp, cmmc=CmmcRecord(assessments, affirmations))


def c3pao(status_date: date, result: AssessmentResult, **fields: object) -> AssessmentOfRecord:
    return AssessmentOfRecord(
        AssessmentType.C3PAO,
        status_date,
        status_date,
        result,
        **fields,  # type: ignore[arg-type]
    )


def text_of(fragment: str) -> str:
    """What a reader sees: inline tags dropped, the others read as a space, entities decoded,
    blanks folded."""
    inline = re.sub(r"</?(?:span|strong|a)\b[^>]*>", "", fragment)
    return " ".join(markup.unescape(re.sub(r"<[^>]+>", " ", inline)).split())


def section(page: str, name: str) -> str:
    start = page.index(f'<section id="{name}"')
    return page[start : page.index("</section>", start)]


def card(page: str) -> str:
    start = page.index('<div class="card card-verdict')
    return page[start : page.index('<div class="card card-closeout', start)]


def expired_conditional() -> Assessment:
    """A Conditional status of 2026-01-10 never closed out (deadline 2026-07-09), while the SSP
    now supports Final Level 2."""
    the_ssp = with_record(
        ssp(),
        c3pao(date(2026, 1, 10), AssessmentResult.CONDITIONAL, score=96, uid="L2C3-OLD-1"),
        affirmed=(date(2026, 1, 12),),
    )
    return assess(the_ssp, None, as_of=AS_OF)


def test_the_standing_and_the_readiness_are_both_shown_with_their_reasons() -> None:
    assessment = expired_conditional()
    assert (assessment.verdict.verdict, assessment.ready.verdict) == (
        Verdict.EXPIRED,
        Verdict.FINAL,
    )
    report = build_report(assessment)
    assert (report.verdict.verdict, report.readiness.verdict) == (Verdict.EXPIRED, Verdict.FINAL)
    shown = card(render_report(assessment))
    said = text_of(shown)
    assert said.startswith("CMMC status today ✕ CMMC status expired Of record")
    assert "CMMC UID L2C3-OLD-1" in said and "Assessed 2026-01-10, score 96" in said
    assert "A new assessment today would award ✓ Final Level 2" in said
    for reason in (*assessment.verdict.reasons, *assessment.ready.reasons):
        assert f'<cite class="rule">{reason.rule}</cite>' in shown
        assert " ".join(reason.message.split()) in said
    assert said.index("expired after 2026-07-09") < said.index("A new assessment today")


def test_a_conditional_standing_shows_its_uid_deadline_and_the_affirmation_owed() -> None:
    the_ssp = with_record(
        ssp(record("3.1.9", NOT_IMPLEMENTED)),
        c3pao(date(2026, 6, 20), AssessmentResult.CONDITIONAL, score=109, uid="L2C3-XYZ"),
    )
    the_poam = conditional(item("SF-01", "3.1.9", date(2026, 12, 1)))
    assessment = assess(the_ssp, the_poam, as_of=AS_OF)
    said = text_of(card(render_report(assessment)))
    assert (
        "Of record Conditional Level 2: Conditional Level 2 (C3PAO) of 2026-06-20, CMMC UID "
        "L2C3-XYZ; closeout due by 2026-12-17"
    ) in said
    assert "Affirmation due Upon the status, due 2026-06-20 ✕ overdue" in said
    cover = section(render_report(assessment), "summary")
    assert "<strong>2026-12-17</strong>" in cover and "day 163 of 180" in cover


def test_a_final_status_says_until_when_it_is_current() -> None:
    closed = Closeout(date(2026, 3, 1), CloseoutResult.MET)
    the_ssp = with_record(
        ssp(),
        c3pao(date(2026, 1, 10), AssessmentResult.CONDITIONAL, closeout=closed),
        affirmed=(date(2026, 1, 12), date(2026, 3, 2)),
    )
    assessment = assess(the_ssp, None, as_of=AS_OF)
    page = render_report(assessment)
    said = text_of(card(page))
    assert "Final Level 2: Conditional Level 2 (C3PAO) of 2026-01-10" in said
    assert "current until 2029-01-10" in said
    assert "POA&M closeout 2026-03-01, MET" in said
    assert "Affirmation due Annual, due 2027-03-02" in said and "overdue" not in said
    closeout = text_of(page[page.index('<div class="card card-closeout') :])
    assert (
        "No 180-day clock No Conditional status is being closed out: the status of record is "
        "current until 2029-01-10" in closeout
    )


def test_with_no_record_the_standing_is_the_readiness_and_said_so() -> None:
    assessment = assess(ssp(record("3.3.5", NOT_IMPLEMENTED)), internal(), as_of=AS_OF)
    page = render_report(assessment)
    said = text_of(card(page))
    assert (
        "No assessment is on record: the standing is what a new assessment today would award"
        in said
    )
    assert "A new assessment today would award" not in said  # one answer, not the same twice
    assert "none on record" in text_of(section(page, "summary"))  # the Affirming Official
    status = text_of(section(page, "status"))
    assert "No assessment is on record: there is no CMMC status to follow yet" in status


def test_the_timeline_is_the_cores_with_late_steps_marked() -> None:
    the_ssp = with_record(
        ssp(record("3.1.9", NOT_IMPLEMENTED)),
        c3pao(date(2025, 1, 10), AssessmentResult.FINAL, score=110, uid="L2C3-FIRST"),
        c3pao(
            date(2026, 1, 10),
            AssessmentResult.CONDITIONAL,
            score=109,
            closeout=Closeout(date(2026, 6, 1), CloseoutResult.NOT_MET),
        ),
        affirmed=(date(2025, 1, 11),),
    )
    assessment = assess(the_ssp, None, as_of=AS_OF)
    events = timeline(the_ssp, None, assessment.verdict, AS_OF)
    assert build_report(assessment).status_events == tuple(events)
    rows = re.findall(
        r'<tr class="(st[^"]*)">(.*?)</tr>', section(render_report(assessment), "status"), re.S
    )
    shown = [(css, text_of(cells)) for css, cells in rows]
    expected = [
        f"{e.day.isoformat()} {'✕ Late' if e.late else '✓ Past' if e.past else '○ To come'} "
        f"{e.title} {' '.join(e.detail.split())} {e.rule}"
        for e in events
    ]
    expected.insert(sum(1 for e in events if e.day <= AS_OF), f"{AS_OF.isoformat()} Today")
    assert [row for _, row in shown] == expected
    late = [row for css, row in shown if "st-late" in css]
    assert [row.split(" ✕ Late ")[1].split(" ")[0:3] for row in late] == [
        ["POA&M", "closeout", "deadline"]
    ]
    assert any("Affirmation (initial) Affirmed by Pat Lee" in row for _, row in shown)


def test_an_overdue_affirmation_is_late_in_the_timeline() -> None:
    the_ssp = with_record(ssp(), c3pao(date(2026, 2, 1), AssessmentResult.FINAL, score=110))
    assessment = assess(the_ssp, None, as_of=AS_OF)
    status = section(render_report(assessment), "status")
    row = re.search(r'<tr class="st st-affirmation-due st-late">(.*?)</tr>', status, re.S)
    assert row is not None
    assert text_of(row[1]).startswith("2026-02-01 ✕ Late Affirmation due (initial) Owed after")
    assert "Final status current until" in text_of(status)


# --- the same words as `poam sprs` and `poam plan` ---------------------------------------------


def _folder(tmp_path: Path, the_ssp: Ssp, the_poam: Poam | None) -> Path:
    folder = tmp_path / "system"
    folder.mkdir()
    (folder / "ssp.yaml").write_text(dump_ssp(the_ssp), "utf-8")
    if the_poam is not None:
        (folder / "poam.yaml").write_text(dump_poam(the_poam), "utf-8")
    return folder


def _summit(tmp_path: Path) -> Path:
    folder = tmp_path / "system"
    shutil.copytree(EXAMPLES / "summit-conditional", folder)
    return folder


SYSTEMS: dict[str, Callable[[Path], Path]] = {
    "summit (a date after the closeout deadline)": _summit,
    "already 110": lambda tmp: _folder(
        tmp,
        with_record(
            ssp(), c3pao(date(2026, 2, 1), AssessmentResult.FINAL), affirmed=(date(2026, 2, 2),)
        ),
        internal(),
    ),
    "cannot be determined": lambda tmp: _folder(
        tmp,
        ssp(record("3.1.9", NOT_IMPLEMENTED), record("3.3.5", NOT_IMPLEMENTED)),
        internal(item("P-1", "3.1.9", date(2027, 2, 1)), item("P-2", "3.3.5", None)),
    ),
    "no POA&M": lambda tmp: _folder(tmp, ssp(record("3.1.9", NOT_IMPLEMENTED)), None),
}


def _cli(*args: str) -> str:
    result = runner.invoke(app, list(args), env={"COLUMNS": "300", "NO_COLOR": "1"})
    assert result.exit_code in (0, 1), result.output
    return result.stdout


@pytest.mark.parametrize("name", list(SYSTEMS))
def test_report_sprs_and_plan_word_the_same_facts_alike(name: str, tmp_path: Path) -> None:
    folder = SYSTEMS[name](tmp_path)
    day = "2026-11-27"
    sprs_rows = list(
        csv.reader(io.StringIO(_cli("sprs", str(folder), "--as-of", day, "-f", "csv")))
    )
    fields = dict(row for row in sprs_rows[1 : sprs_rows.index([])] if len(row) == 2)
    plan = _cli("plan", str(folder), "--as-of", day)
    page = _cli("report", str(folder), "--as-of", day, "--out", "-")
    shown = re.search(
        r"<dt>Score of 110 expected</dt><dd>(.*?)(?: <span class=\"bad-text\">|</dd>)", page
    )
    assert shown is not None
    ssp_ = load_ssp_file(folder / "ssp.yaml")
    poam_ = load_poam_file(folder / "poam.yaml") if (folder / "poam.yaml").exists() else None
    score = assess(ssp_, poam_, as_of=date(2026, 11, 27)).score
    expected = describe_full_score(full_score_date(score, poam_), load_catalog())
    assert fields["Plan of action completion date"] == expected == text_of(shown[1])
    if score.value == 110:  # nothing to plan: `poam plan` says so instead
        assert expected == "already 110" and "Nothing to close: every requirement is MET." in plan
    else:
        assert f"Score of 110 expected  {expected}\n" in plan
    # The status of record and the Affirming Official: the SPRS entry's words, in the report.
    said = text_of(section(page, "summary"))
    if fields["CMMC status of record"] != "none on record":
        assert f"Of record {fields['CMMC status of record']}" in said
    assert f"Affirming Official {fields['Affirming Official']}" in said


@pytest.mark.parametrize(
    "as_of", [date(2026, 6, 19), date(2026, 11, 27), date(2026, 12, 18), date(2027, 7, 1)]
)
def test_the_report_and_the_sprs_entry_agree_on_the_status_and_the_official(as_of: date) -> None:
    folder = EXAMPLES / "summit-conditional"
    assessment = assess(
        load_ssp_file(folder / "ssp.yaml"), load_poam_file(folder / "poam.yaml"), as_of=as_of
    )
    entry = sprs_entry(assessment)
    report = build_report(assessment)
    assert report.status_of_record == status_of_record_text(entry)
    assert report.affirming_official == affirmation_text(entry)
    assert ("Affirming Official", affirmation_text(entry)) in report.facts
    record = report.record
    of_record = entry.verdict.of_record
    assert (record is None) == (of_record is None)
    if record is not None and of_record is not None:
        assert (record.status_date, record.uid, record.score) == (
            of_record.status_date,
            of_record.uid,
            of_record.score,
        )
        assert (record.closeout_deadline, record.valid_until) == (
            entry.verdict.closeout_deadline,
            entry.verdict.valid_until,
        )
    assert (report.verdict.verdict, report.readiness.verdict) == (
        entry.verdict.verdict,
        entry.readiness.verdict,
    )
