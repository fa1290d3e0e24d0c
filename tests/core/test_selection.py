"""The one function that decides what is reported and what fails, tested with one table."""

from __future__ import annotations

from datetime import date

import pytest

from poam.core.checks.base import Finding, Severity
from poam.core.model import Waiver
from poam.core.selection import FailOn, fails, select

TODAY = date(2026, 3, 1)


def f(
    code: str,
    severity: Severity = Severity.ERROR,
    requirement: str | None = "3.1.3",
    item: str | None = "P1",
) -> Finding:
    return Finding(code, severity, "m", "r", "h", requirement, item)


@pytest.mark.parametrize(
    ("ignore", "waivers", "reported", "waived"),
    [
        ((), (), ["a", "b"], []),
        (("a",), (), ["b"], []),
        ((), (Waiver("a", "accepted"),), ["b"], ["a"]),
        ((), (Waiver("a", "accepted", requirement="3.1.4"),), ["a", "b"], []),
        ((), (Waiver("a", "accepted", requirement="3.1.3", item="P1"),), ["b"], ["a"]),
        ((), (Waiver("a", "accepted", item="P2"),), ["a", "b"], []),
        ((), (Waiver("a", "accepted", until=date(2026, 3, 1)),), ["b"], ["a"]),
        ((), (Waiver("a", "accepted", until=date(2026, 2, 28)),), ["a", "b"], []),
        (("a",), (Waiver("a", "accepted"),), ["b"], []),
    ],
)
def test_select(
    ignore: tuple[str, ...], waivers: tuple[Waiver, ...], reported: list[str], waived: list[str]
) -> None:
    got, got_waived = select([f("a"), f("b")], as_of=TODAY, ignore=ignore, waivers=waivers)
    assert [x.code for x in got] == reported
    assert [w.finding.code for w in got_waived] == waived


@pytest.mark.parametrize(
    ("severities", "fail_on", "expected"),
    [
        ([Severity.ERROR], FailOn.ERROR, True),
        ([Severity.WARNING], FailOn.ERROR, False),
        ([Severity.WARNING], FailOn.WARNING, True),
        ([Severity.INFO], FailOn.WARNING, False),
        ([Severity.ERROR], FailOn.NEVER, False),
        ([], FailOn.WARNING, False),
    ],
)
def test_fails(severities: list[Severity], fail_on: FailOn, expected: bool) -> None:
    assert fails([f("x", s) for s in severities], fail_on) is expected
