"""The `poam` command as a user runs it: exit codes, JSON shape, and the text for people."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from poam.cli.app import app
from tests.conftest import EXAMPLES

runner = CliRunner()
ACME = EXAMPLES / "acme-enclave"
SUMMIT = EXAMPLES / "summit-conditional"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200", "NO_COLOR": "1"})
    return result.exit_code, result.stdout, result.stderr


def test_check_json_has_the_documented_shape() -> None:
    code, out, _ = run("check", str(ACME), "--as-of", "2026-11-27", "--format", "json")
    assert code == 1
    data = json.loads(out)
    for key in (
        "as_of",
        "score",
        "max_score",
        "verdict",
        "verdict_reasons",
        "deductions",
        "closeout_deadline",
        "findings",
    ):
        assert key in data
    assert data["as_of"] == "2026-11-27"
    assert (data["score"], data["max_score"], data["verdict"]) == (79, 110, "none")
    assert data["closeout_deadline"] is None
    assert {"rule", "message", "requirements"} <= set(data["verdict_reasons"][0])
    assert {"requirement", "points", "rule"} <= set(data["deductions"][0])
    assert sum(d["points"] for d in data["deductions"]) == 31
    finding = data["findings"][0]
    assert {"code", "severity", "requirement", "item", "message", "rule"} <= set(finding)
    ids = {d["requirement"] for d in data["deductions"]}
    assert "3.5.3" in ids and all(not i.startswith(("IA.", "AC.")) for i in ids)
    assert (data["readiness"], data["status_of_record"]) == ("none", None)
    assert data["full_score_date"]["determined"] is False


def _with_record(tmp_path: Path, record: str) -> Path:
    """The sample with ``record`` in place of its own ``cmmc`` block."""
    folder = tmp_path / "system"
    shutil.copytree(SUMMIT, folder)
    ssp = folder / "ssp.yaml"
    text = ssp.read_text("utf-8")
    start, end = text.index("\ncmmc:\n"), text.index("\nrequirements:\n")
    text = text[:start] + f"\n{record}" + text[end:]
    ssp.write_text(text, "utf-8")
    return folder


def test_check_shows_the_standing_and_what_a_new_assessment_would_award(tmp_path: Path) -> None:
    folder = _with_record(
        tmp_path,
        "cmmc:\n  assessments:\n    - {type: c3pao, date: 2026-06-12, status_date: 2026-06-20, "
        "result: conditional, score: 91, uid: L2C3-1}\n  affirmations:\n"
        "    - {type: initial, date: 2026-06-22, official: Daniel Ortiz, title: CEO}\n",
    )
    code, out, _ = run("check", str(folder), "--as-of", "2026-12-18", "-f", "json")
    data = json.loads(out)
    assert (data["verdict"], data["readiness"]) == ("expired", "conditional")
    assert data["status_of_record"]["uid"] == "L2C3-1"
    assert code == 1
    code, text, _ = run("check", str(folder), "--as-of", "2026-11-27")
    assert "Readiness    Conditional Level 2  (what a new assessment today would award)" in text
    assert "Affirmation  last 2026-06-22 by Daniel Ortiz, CEO; annual due 2027-06-22" in text


def test_check_conditional_example_has_its_deadline() -> None:
    code, out, _ = run("check", str(SUMMIT), "--as-of", "2026-11-27", "--format", "json")
    data = json.loads(out)
    assert (data["verdict"], data["closeout_deadline"], data["days_left"]) == (
        "conditional",
        "2026-12-17",
        20,
    )
    assert code == 1  # a milestone after the closeout deadline is an error


@pytest.mark.parametrize(("fail_on", "expected"), [("error", 1), ("warning", 1), ("never", 0)])
def test_fail_on(fail_on: str, expected: int) -> None:
    code, _, _ = run(
        "check", str(ACME), "--as-of", "2026-11-27", "--fail-on", fail_on, "--format", "json"
    )
    assert code == expected


def test_exit_0_when_nothing_at_or_above_fail_on(tmp_path: Path) -> None:
    shutil.copy(SUMMIT / "ssp.yaml", tmp_path / "ssp.yaml")
    code, out, _ = run(
        "check",
        str(tmp_path),
        "--as-of",
        "2026-11-27",
        "--format",
        "json",
        "--ignore",
        "ssp-gap-without-poam",
    )
    assert code == 0, out


def test_explicit_files_and_ignore(tmp_path: Path) -> None:
    _, out, _ = run(
        "check",
        "--ssp",
        str(ACME / "ssp.yaml"),
        "--poam",
        str(ACME / "poam.yaml"),
        "--as-of",
        "2026-11-27",
        "--format",
        "json",
        "--ignore",
        "evidence-file-missing",
    )
    codes = {f["code"] for f in json.loads(out)["findings"]}
    assert "evidence-file-missing" not in codes and "evidence-hash-mismatch" in codes


def test_unusable_input_exits_2_naming_file_line_and_field(tmp_path: Path) -> None:
    (tmp_path / "ssp.yaml").write_text(
        "system: {name: A, scope: enclave}\nssp: {version: '1', date: 2026-01-01}\n"
        "requirements:\n  '3.1.1': {status: done}\n"
    )
    (tmp_path / "poam.yaml").write_text("poam: {kind: sometimes}\n")
    code, out, err = run("check", str(tmp_path))
    assert code == 2 and out == ""
    assert f"{tmp_path / 'ssp.yaml'}:4:13: requirements.3.1.1.status: 'done' is not one of" in err
    assert f"{tmp_path / 'poam.yaml'}:1:8: poam.kind: 'sometimes' is not one of" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("check", "/nonexistent/dir"), "no such directory"),
        (("check", "--as-of", "27/11/2026", str(ACME)), "is not a date"),
        (("check", "--fail-on", "sometimes", str(ACME)), "--fail-on"),
        (("check", "--ignore", "no-such-check", str(ACME)), "no check 'no-such-check'"),
        (("catalog", "show", "3.15.1"), "no NIST SP 800-171 Rev 2 requirement"),
        (("schema", "sap"), "no schema 'sap'"),
    ],
)
def test_usage_errors_exit_2(args: tuple[str, ...], message: str) -> None:
    code, _, err = run(*args)
    assert code == 2 and message in err


def test_check_text_summary_and_groups() -> None:
    code, out, _ = run("check", str(ACME), "--as-of", "2026-11-27")
    assert code == 1
    assert "SPRS score" in out and "79 / 110" in out
    assert "No CMMC status" in out and "32 CFR 170.21(a)(2)(i)" in out
    assert out.index("Errors (") < out.index("Warnings (")
    assert "ssp-gap-without-poam ×2" in out


def test_score_json() -> None:
    code, out, _ = run("score", str(ACME), "--as-of", "2026-11-27", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["score"] == 79
    assert {d["requirement"]: d["points"] for d in data["deductions"]}["3.5.3"] == 3


def test_plan_json_and_what_if() -> None:
    code, out, _ = run("plan", str(ACME), "--as-of", "2026-11-27", "--format", "json")
    data = json.loads(out)
    assert code == 0
    phases = [s["phase"] for s in data["steps"]]
    assert phases == sorted(phases, key=["blocks-conditional", "reach-88", "rest"].index)
    assert data["steps"][-1]["score_after"] == 110
    assert "date" in data["full_score_date"]
    blockers = [s["requirement"] for s in data["steps"] if s["phase"] == "blocks-conditional"]
    code, out, _ = run(
        "plan",
        str(ACME),
        "--as-of",
        "2026-11-27",
        "--format",
        "json",
        "--assume-closed",
        ",".join(blockers),
    )
    after = json.loads(out)
    assert after["score"] == 79 + sum(s["points"] for s in data["steps"][: len(blockers)])
    code, _, err = run("plan", str(ACME), "--assume-closed", "POAM-999")
    assert code == 2 and "POAM-999" in err


def test_catalog_json_and_filters() -> None:
    code, out, _ = run("catalog", "--format", "json")
    data = json.loads(out)
    assert code == 0 and len(data) == 110
    mfa = next(r for r in data if r["nist_id"] == "3.5.3")
    assert mfa["points"] == 5 and mfa["cmmc_id"] == "IA.L2-3.5.3" and not mfa["poam_eligible"]
    assert sum(len(r["objectives"]) for r in data) == 320
    assert {
        "nist_id",
        "cmmc_id",
        "family",
        "title",
        "statement",
        "kind",
        "points",
        "poam_eligible",
        "objectives",
    } <= set(mfa)
    assert mfa["objectives"][0].keys() == {"letter", "statement"}
    _, out, _ = run(
        "catalog", "--family", "pe", "--points", "1", "--not-eligible", "--format", "json"
    )
    assert [r["nist_id"] for r in json.loads(out)] == ["3.10.3", "3.10.4", "3.10.5"]
    _, out, _ = run("catalog", "--eligible", "--format", "json")
    assert len(json.loads(out)) == 47


def test_catalog_show_accepts_any_id_form() -> None:
    code, out, _ = run("catalog", "show", "ia.l2-3.5.3")
    assert code == 0 and "Multifactor Authentication" in out and "[d]" in out


def test_init_writes_a_starter_pair_that_checks(tmp_path: Path) -> None:
    target = tmp_path / "new"
    code, _, _ = run(
        "init",
        str(target),
        "--name",
        "Widget Enclave",
        "--cage",
        "7xyz9",
        "--maintainer",
        "Pat Lee, ISSO",
        "--as-of",
        "2026-11-27",
    )
    assert code == 0
    code, out, _ = run("check", str(target), "--as-of", "2026-11-27", "--format", "json")
    data = json.loads(out)
    assert data["verdict"] == "cannot-assess" and data["score"] is None
    assert data["system"]["cage_codes"] == ["7XYZ9"]
    code, _, err = run("init", str(target))
    assert code == 2 and "already exist" in err


def test_schema_prints_the_published_json_schema() -> None:
    code, out, _ = run("schema", "poam")
    assert code == 0 and json.loads(out)["title"] == "poam POA&M (poam.yaml)"


def test_checks_lists_every_check() -> None:
    code, out, _ = run("checks", "--format", "json")
    codes = {c["code"] for c in json.loads(out)}
    assert code == 0 and {"vague-gap", "conditional-status-expired"} <= codes


def test_every_command_module_is_registered() -> None:
    from pathlib import Path

    from poam.cli import app as app_module
    from poam.cli import commands

    on_disk = {
        path.stem
        for path in Path(commands.__path__[0]).glob("*.py")
        if not path.stem.startswith("_")
    }
    assert set(app_module.COMMAND_MODULES) == on_disk


def test_each_command_is_built_from_the_module_that_defines_it() -> None:
    import typer

    from poam.cli import app as app_module

    whole = typer.main.get_command(app_module.app)
    top = set(whole.commands)  # type: ignore[attr-defined]
    assert top == set(app_module.MODULE_OF) | {"export", "import"}
    for command, module in app_module.MODULE_OF.items():
        alone = typer.main.get_command(app_module.build((module,)))
        assert command in alone.commands, (command, module)  # type: ignore[attr-defined]


def test_main_runs_a_command_built_alone(capsys: pytest.CaptureFixture[str]) -> None:
    from poam.cli.app import main

    with pytest.raises(SystemExit) as exited:
        main(["catalog", "show", "3.5.3", "--format", "json"])
    assert exited.value.code == 0
    assert json.loads(capsys.readouterr().out)["cmmc_id"] == "IA.L2-3.5.3"


def test_an_old_code_still_ignores_its_check(tmp_path: Path) -> None:
    _, out, _ = run("check", str(ACME), "--as-of", "2026-11-27", "-f", "json")
    assert "entry-without-owner" in {f["code"] for f in json.loads(out)["findings"]}
    _, out, _ = run(
        "check", str(ACME), "--as-of", "2026-11-27", "-f", "json", "--ignore", "item-without-owner"
    )
    assert "entry-without-owner" not in {f["code"] for f in json.loads(out)["findings"]}
    folder = tmp_path / "acme"
    shutil.copytree(ACME, folder)
    poam = folder / "poam.yaml"
    poam.write_text(
        poam.read_text("utf-8").replace("poam:\n", "poam:\n  ignore: [item-without-owner]\n", 1),
        "utf-8",
    )
    _, out, _ = run("check", str(folder), "--as-of", "2026-11-27", "-f", "json")
    assert "entry-without-owner" not in {f["code"] for f in json.loads(out)["findings"]}
