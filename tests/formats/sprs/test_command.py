"""``poam sprs`` end to end: formats, files, exit statuses and the exact input errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from poam.cli.app import app
from poam.core.model import ImplementationStatus
from poam.formats.native import dump_poam, dump_ssp
from tests.formats.sprs.systems import internal, item, record, ssp

runner = CliRunner()


def said(text: str) -> str:
    """Output with Rich's line wrapping (and the frame of Typer's error box) undone."""
    return " ".join(text.replace("│", " ").split())


@pytest.fixture
def system(tmp_path: Path) -> Path:
    from datetime import date

    (tmp_path / "ssp.yaml").write_text(
        dump_ssp(ssp(record("3.1.21", ImplementationStatus.NOT_IMPLEMENTED))), "utf-8"
    )
    (tmp_path / "poam.yaml").write_text(
        dump_poam(internal(item("P-1", "3.1.21", date(2027, 1, 15)))), "utf-8"
    )
    return tmp_path


def test_text_by_default_and_exit_0_when_the_entry_can_be_made(system: Path) -> None:
    result = runner.invoke(app, ["sprs", str(system), "--as-of", "2026-11-30"])
    assert result.exit_code == 0, result.output
    assert "SPRS score                      109" in result.stdout
    assert "Plan of action completion date  2027-01-15" in result.stdout
    assert "AC.L2-3.1.21   NOT MET      -1" in result.stdout


def test_json_and_csv_on_stdout(system: Path) -> None:
    result = runner.invoke(app, ["sprs", str(system), "--as-of", "2026-11-30", "-f", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert (data["score"], data["assessment_date"]) == (109, "2026-11-30")
    result = runner.invoke(app, ["sprs", str(system), "--as-of", "2026-11-30", "--format", "csv"])
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["field", "value"]
    assert len(rows) == 1 + 12 + 1 + 1 + 110


def test_out_writes_the_file_in_the_format_its_suffix_names(system: Path, tmp_path: Path) -> None:
    target = tmp_path / "entry.csv"
    result = runner.invoke(
        app, ["sprs", str(system), "--as-of", "2026-11-30", "--out", str(target)]
    )
    assert result.exit_code == 0
    assert result.stdout == ""
    assert said(result.stderr) == f"Wrote {target} (csv; ready to enter)."
    assert target.read_bytes().startswith(b"field,value\r\nAssessment date,2026-11-30\r\n")
    forced = tmp_path / "entry.csv.txt"
    result = runner.invoke(
        app, ["sprs", str(system), "--as-of", "2026-11-30", "-o", str(forced), "-f", "json"]
    )
    assert json.loads(forced.read_text("utf-8"))["score"] == 109
    assert not list(tmp_path.glob(".entry*"))  # no temporary file left behind


def test_exit_1_when_sprs_cannot_take_the_entry(tmp_path: Path) -> None:
    (tmp_path / "ssp.yaml").write_text(
        dump_ssp(ssp(record("3.12.4", ImplementationStatus.PLANNED))), "utf-8"
    )
    result = runner.invoke(app, ["sprs", str(tmp_path), "--as-of", "2026-11-30"])
    assert result.exit_code == 1
    assert "SPRS cannot take this entry as it is:" in result.stdout
    assert "SPRS score                      none: SPRS cannot take an entry" in result.stdout


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--as-of", "2026-13-01"],
            "poam: error: --as-of: '2026-13-01' is not a date (YYYY-MM-DD)",
        ),
        (["--out", "{missing}/entry.csv"], "poam: error: --out: {missing}: no such directory"),
        (["--out", "{system}"], "poam: error: --out: {system} is a directory, not a file"),
    ],
)
def test_bad_options_exit_2_with_the_exact_error(
    system: Path, tmp_path: Path, arguments: list[str], message: str
) -> None:
    names = {"missing": str(tmp_path / "nowhere"), "system": str(system)}
    arguments = [a.format(**names) for a in arguments]
    result = runner.invoke(app, ["sprs", str(system), *arguments])
    assert result.exit_code == 2
    assert said(result.stderr) == message.format(**names)
    assert result.stdout == ""


def test_an_unknown_format_is_refused_by_the_option_parser(system: Path) -> None:
    result = runner.invoke(app, ["sprs", str(system), "--format", "xml"])
    assert result.exit_code == 2
    assert "Invalid value for '--format' / '-f': 'xml' is not one of 'text', 'json', 'csv'." in (
        said(result.stderr)
    )
    assert result.stdout == ""


def test_missing_folder_and_missing_ssp_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["sprs", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert said(result.stderr) == f"poam: error: {tmp_path / 'nope'}: no such directory"
    result = runner.invoke(app, ["sprs", str(tmp_path)])
    assert result.exit_code == 2
    assert said(result.stderr) == (
        f"poam: error: {tmp_path}: no ssp.yaml here (run `poam init` to start one, or use --ssp)"
    )


def test_a_broken_ssp_names_file_line_and_field(tmp_path: Path) -> None:
    (tmp_path / "ssp.yaml").write_text(
        "system:\n  name: X\n  scope: galaxy\nssp:\n  version: '1'\n  date: 2026-01-01\n"
        "requirements: {}\n",
        "utf-8",
    )
    result = runner.invoke(app, ["sprs", str(tmp_path), "--out", str(tmp_path / "e.json")])
    assert result.exit_code == 2
    assert said(result.stderr) == (
        f"poam: error: {tmp_path / 'ssp.yaml'}:3:3: system.scope: 'galaxy' is not one of: "
        "enterprise, enclave, contract"
    )
    assert not (tmp_path / "e.json").exists()
