"""The report's display states are the checks' own (issue 10): a milestone it shows overdue or
after the closeout deadline, and evidence it shows missing, changed or unhashed, is exactly what
the findings say, on the sample systems and on any system hypothesis draws; the findings it
puts beside the reconciliation are those of the registry's groups."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from poam.core.assess import Assessment, assess
from poam.core.checks import REGISTRY
from poam.core.checks.base import Finding, Group
from poam.core.states import EvidenceState, MilestoneState
from poam.formats.documents import load_poam_file, load_ssp_file
from poam.formats.native.evidence import FileEvidenceStore
from poam.formats.reports import build_report, render_report
from poam.formats.reports.view import RECONCILIATION_CODES
from tests.conftest import EXAMPLES
from tests.strategies import poams, ssps

EVIDENCE_CODES = {
    EvidenceState.MISSING: "evidence-file-missing",
    EvidenceState.MISMATCH: "evidence-hash-mismatch",
    EvidenceState.NO_HASH: "evidence-without-hash",
}


def every_finding(assessment: Assessment) -> list[Finding]:
    """Reported and waived alike: a waiver hides a finding, not the state it describes."""
    return [*assessment.findings, *(w.finding for w in assessment.waived)]


def flagged_milestones(assessment: Assessment) -> Counter[tuple[str, str, str]]:
    """(code, entry, milestone title) for each milestone the report flags, named by the check
    that reports it: the states are the checks' own (entry-aware) predicates, so there is no
    mapping to allow for."""
    flagged: Counter[tuple[str, str, str]] = Counter()
    for entry in build_report(assessment).entries:
        for milestone in entry.milestones:
            if milestone.state is MilestoneState.LATE:
                flagged["milestone-after-closeout-deadline", entry.id, milestone.title] += 1
            if milestone.overdue:  # overdue, or late and past its day too
                assert milestone.state in (MilestoneState.OVERDUE, MilestoneState.LATE)
                assert "overdue by" in milestone.state_label.lower()
                flagged["milestone-overdue", entry.id, milestone.title] += 1
    return flagged


def reported_milestones(assessment: Assessment) -> Counter[tuple[str, str, str]]:
    poam = assessment.poam
    assert poam is not None
    found: Counter[tuple[str, str, str]] = Counter()
    codes = ("milestone-overdue", "milestone-after-closeout-deadline")
    for finding in every_finding(assessment):
        if finding.code in codes:
            title = re.search(r"milestone '(.*)' (?:was|is) due", finding.message, re.S)
            assert title is not None and finding.item is not None
            found[finding.code, finding.item, title[1]] += 1
    return found


def assert_milestones_agree(assessment: Assessment) -> None:
    assert flagged_milestones(assessment) == reported_milestones(assessment)
    # A done entry's unfinished milestone is not "overdue": closed-with-open-milestones names it.
    for entry in build_report(assessment).entries:
        if not entry.is_open:
            assert all(m.state is not MilestoneState.OVERDUE for m in entry.milestones)


def load(name: str, as_of: date) -> tuple[Assessment, FileEvidenceStore]:
    folder = EXAMPLES / name
    store = FileEvidenceStore(folder)
    assessment = assess(
        load_ssp_file(folder / "ssp.yaml"),
        load_poam_file(folder / "poam.yaml"),
        as_of=as_of,
        evidence=store,
    )
    return assessment, store


@pytest.mark.parametrize("name", ["acme-enclave", "summit-conditional"])
@pytest.mark.parametrize("as_of", [date(2026, 11, 27), date(2026, 12, 18), date(2027, 3, 1)])
def test_the_samples_milestone_and_evidence_states_are_the_findings(name: str, as_of: date) -> None:
    assessment, store = load(name, as_of)
    assert_milestones_agree(assessment)
    rows = build_report(assessment, evidence=store).evidence
    shown = Counter(
        (EVIDENCE_CODES[row.status], row.entry.id, row.title)
        for row in rows
        if row.status in EVIDENCE_CODES
    )
    reported = Counter(
        (f.code, f.item, title)
        for f in every_finding(assessment)
        if f.code in EVIDENCE_CODES.values()
        for title in re.findall(r"evidence '([^']*)'", f.message)[:1]
    )
    assert shown == reported
    if name == "acme-enclave":
        assert shown  # the sample plants missing and changed evidence


def test_the_samples_show_each_kind_of_flag() -> None:
    """So that the test above compares something: the samples flag late and overdue milestones."""
    assessment, _ = load("summit-conditional", date(2027, 3, 1))
    codes = {code for code, _, _ in flagged_milestones(assessment)}
    assert codes == {"milestone-overdue", "milestone-after-closeout-deadline"}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ssp=ssps(with_cmmc=True),
    poam=poams(),
    offset=st.integers(-400, 900),
)
def test_any_systems_milestone_states_are_the_findings(ssp, poam, offset: int) -> None:  # type: ignore[no-untyped-def]
    as_of = date(2026, 1, 1) + timedelta(days=offset)
    assessment = assess(ssp, poam, as_of=as_of)
    assert_milestones_agree(assessment)


def test_the_reconciliation_shows_the_findings_of_its_groups_only() -> None:
    assert REGISTRY.codes_in(Group.RECONCILIATION, Group.ELIGIBILITY) == RECONCILIATION_CODES
    assessment, store = load("acme-enclave", date(2026, 11, 27))
    page = render_report(assessment, evidence=store)
    recon = page[page.index('<section id="reconciliation"') :]
    recon = recon[: recon.index("</section>")]
    shown = Counter(
        re.findall(r'<div class="recon-finding"><code class="code">([^<]+)</code>', recon)
    )
    expected = Counter(f.code for f in assessment.findings if f.code in RECONCILIATION_CODES)
    assert shown == expected and expected  # each finding of the groups once, the others never
