"""`poam notify` as the CLI passes it to the web application's management command (the digest
itself is tested with Django's in-memory mail in tests/web/test_reminders.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from poam.cli.app import app
from poam.cli.commands import notify

runner = CliRunner()


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path | None, list[str]]]:
    seen: list[tuple[Path | None, list[str]]] = []
    monkeypatch.setattr(notify, "_django", lambda data_dir, argv: seen.append((data_dir, argv)))
    return seen


def test_notify_runs_the_management_command(
    calls: list[tuple[Path | None, list[str]]], tmp_path: Path
) -> None:
    result = runner.invoke(app, ["notify", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert calls == [(tmp_path, ["poam_notify"])]


def test_notify_passes_the_day_and_the_dry_run(calls: list[tuple[Path | None, list[str]]]) -> None:
    result = runner.invoke(app, ["notify", "--today", "2026-11-20", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert calls == [(None, ["poam_notify", "--today", "2026-11-20", "--dry-run"])]


@pytest.mark.parametrize("day", ["2026-02-30", "tomorrow", "20261120x", ""])
def test_a_bad_day_is_refused_before_django_starts(
    calls: list[tuple[Path | None, list[str]]], day: str
) -> None:
    result = runner.invoke(app, ["notify", "--today", day])
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.stderr
    assert calls == []


def test_notify_is_documented_in_the_help() -> None:
    result = runner.invoke(app, ["notify", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "never emailed twice for the same day" in result.stdout
