"""Every check against its golden cases, and the registry's own guarantees."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest

from poam.core.assess import assess
from poam.core.checks import REGISTRY, RegistryError, build_registry
from poam.core.checks.base import Group, Hit, Severity, check
from poam.formats.native.reader import poam_from_source, ssp_from_source
from poam.formats.native.source import Source
from tests.core.golden import CASES, Case, base_ssp, load_cases

ALL_CASES = load_cases()


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: f"{c.code}: {c.name}")
def test_golden_case(case: Case) -> None:
    assessment = case.run()
    found = [(f.requirement, f.item) for f in assessment.findings if f.code == case.code]
    assert sorted(found, key=str) == sorted(case.expect, key=str)
    if case.message:
        messages = " ".join(f.message for f in assessment.findings if f.code == case.code)
        assert case.message in messages


def test_every_check_has_positive_and_negative_cases() -> None:
    kinds: dict[str, set[bool]] = defaultdict(set)
    for case in ALL_CASES:
        kinds[case.code].add(bool(case.expect))
    missing = {
        code: kinds.get(code, set()) for code in REGISTRY if kinds.get(code) != {True, False}
    }
    assert missing == {}, "checks without both positive and negative golden cases"
    assert set(kinds) <= set(REGISTRY), "case files for codes that do not exist"


def test_case_files_are_named_after_their_code() -> None:
    for path in CASES.glob("*.yaml"):
        assert path.read_text("utf-8").startswith(f"code: {path.stem}\n"), path.name


def test_the_issue_codes_exist_with_the_required_severities() -> None:
    required_errors = {
        "ssp-not-in-place",
        "ssp-gap-without-poam",
        "poam-contradicts-ssp",
        "entry-without-owner",
        "entry-without-milestone",
        "milestone-moved-without-justification",
        "completed-without-evidence",
        "ineligible-on-conditional-poam",
        "milestone-after-closeout-deadline",
        "conditional-status-expired",
    }
    others = {
        "ssp-incomplete",
        "status-contradicts-objectives",
        "not-applicable-without-rationale",
        "unknown-requirement",
        "duplicate-item-id",
        "owner-is-a-group",
        "milestone-overdue",
        "milestone-moved-repeatedly",
        "vague-gap",
        "vague-remediation",
        "evidence-file-missing",
        "evidence-hash-mismatch",
        "poam-not-reviewed",
        "maintainer-missing",
        "must-be-met-before-assessment",
        "closeout-deadline-approaching",
    }
    assert required_errors | others <= set(REGISTRY)
    for code in required_errors:
        assert REGISTRY[code].severity is Severity.ERROR, code
    for code in (
        "owner-is-a-group",
        "vague-gap",
        "vague-remediation",
        "milestone-moved-repeatedly",
        "poam-not-reviewed",
        "maintainer-missing",
        "closeout-deadline-approaching",
    ):
        assert REGISTRY[code].severity is Severity.WARNING, code


def test_every_check_cites_a_rule() -> None:
    for item in REGISTRY.values():
        assert "CFR" in item.rule or "NIST" in item.rule or "AM " in item.rule, item.code


def test_registry_refuses_duplicates_and_missing_citations() -> None:
    def nothing(_ctx):  # type: ignore[no-untyped-def]
        return iter(())

    def make(code: str, rule: str = "32 CFR 170.24", aliases: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
        return check(
            code, Severity.INFO, group=Group.SSP, rule=rule, summary="s", hint="h", aliases=aliases
        )(nothing)

    first = make("some-code")
    with pytest.raises(RegistryError, match="duplicate"):
        build_registry((first, first))
    with pytest.raises(RegistryError, match="no rule"):
        build_registry((make("other-code", rule=" "),))
    with pytest.raises(RegistryError, match="kebab-case"):
        build_registry((make("Other_Code"),))
    with pytest.raises(RegistryError, match="kebab-case"):
        build_registry((make("other-code", aliases=("Old_Code",)),))
    with pytest.raises(RegistryError, match="duplicate check code 'some-code'"):
        build_registry((first, make("other-code", aliases=("some-code",))))
    with pytest.raises(RegistryError, match="duplicate check code 'old'"):
        build_registry((make("one", aliases=("old",)), make("two", aliases=("old",))))
    registry = build_registry((first, make("new-code", aliases=("old-code",))))
    assert (registry.canonical("old-code"), registry.canonical("new-code")) == ("new-code",) * 2
    assert registry.canonical("nothing") is None
    assert list(registry) == ["some-code", "new-code"] and "old-code" not in registry


def test_renamed_codes_keep_working_in_ignore_and_waivers() -> None:
    from poam.core.model import Waiver
    from poam.core.selection import select

    assert REGISTRY.canonical("item-without-owner") == "entry-without-owner"
    finding = next(
        f for f in load_cases_by_code("entry-without-owner") if f.code == "entry-without-owner"
    )
    as_of = date(2026, 3, 1)
    assert select([finding], as_of=as_of, ignore=["item-without-owner"]) == ([], [])
    reported, waived = select(
        [finding], as_of=as_of, waivers=[Waiver("item-without-owner", "accepted")]
    )
    assert reported == [] and [w.finding for w in waived] == [finding]


def load_cases_by_code(code: str) -> list:  # type: ignore[type-arg]
    case = next(c for c in ALL_CASES if c.code == code and c.expect)
    return list(case.run().findings)


def test_every_group_has_checks_and_pages_derive_lists_from_groups() -> None:
    assert {item.group for item in REGISTRY.values()} == set(Group)
    assert REGISTRY.codes_in(Group.ELIGIBILITY) == {
        "ineligible-on-conditional-poam",
        "must-be-met-before-assessment",
    }


def test_a_clean_system_has_no_findings() -> None:
    ssp = ssp_from_source(Source("clean", base_ssp()))
    poam = poam_from_source(
        Source(
            "clean",
            {
                "poam": {
                    "kind": "internal",
                    "maintainer": "Jane Doe, ISSO",
                    "last_reviewed": "2026-02-20",
                    "review_cadence_days": 90,
                }
            },
        )
    )
    assessment = assess(ssp, poam, as_of=date(2026, 3, 1))
    assert assessment.findings == ()
    assert assessment.score.value == 110


def test_findings_carry_code_severity_rule_and_hint() -> None:
    def hits(_ctx):  # type: ignore[no-untyped-def]
        yield Hit("message", requirement="3.1.1", item="P1")

    custom = check(
        "x-check", Severity.WARNING, group=Group.SSP, rule="32 CFR 170.24", summary="s", hint="fix"
    )(hits)
    finding = next(custom.run(None))  # type: ignore[arg-type]
    assert (finding.code, finding.severity, finding.rule, finding.hint) == (
        "x-check",
        Severity.WARNING,
        "32 CFR 170.24",
        "fix",
    )
    assert (finding.requirement, finding.item, finding.message) == ("3.1.1", "P1", "message")


def test_every_check_has_a_documentation_entry() -> None:
    docs = (CASES.parent.parent.parent / "docs/checks.md").read_text("utf-8")
    for code in REGISTRY:
        assert f"\n## {code}\n" in docs, code
