"""``poam export oscal``, ``poam import oscal`` and ``poam check`` on OSCAL files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from poam.cli.app import app
from poam.formats.native import load_poam, load_ssp
from poam.formats.oscal import rebase_evidence
from tests.conftest import EXAMPLES

ACME = EXAMPLES / "acme-enclave"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, " ".join(result.output.split())


def test_export_then_import_gives_the_same_system(tmp_path: Path) -> None:
    code, output = run("export", "oscal", str(ACME), "--out", str(tmp_path / "oscal"))
    assert code == 0, output
    assert sorted(p.name for p in (tmp_path / "oscal").iterdir()) == [
        "catalog.json",
        "poam.json",
        "profile.json",
        "ssp.json",
    ]
    assert "110 requirements described, 18 POA&M entries; the CMMC Level 2 baseline" in output
    poam = json.loads((tmp_path / "oscal" / "poam.json").read_text("utf-8"))
    assert poam["plan-of-action-and-milestones"]["import-ssp"] == {"href": "ssp.json"}
    code, output = run(
        "import",
        "oscal",
        str(tmp_path / "oscal" / "ssp.json"),
        str(tmp_path / "oscal" / "poam.json"),
        "--out",
        str(tmp_path / "back"),
    )
    assert code == 0, output
    assert "used requirements: 110" in output
    assert "used poam-items: 18, milestones: 40, evidence: 5" in output
    assert load_ssp(tmp_path / "back" / "ssp.yaml") == load_ssp(ACME / "ssp.yaml")
    back = load_poam(tmp_path / "back" / "poam.yaml")
    assert back == rebase_evidence(load_poam(ACME / "poam.yaml"), ACME, tmp_path / "back")


def test_export_and_import_refuse_to_overwrite_without_force(tmp_path: Path) -> None:
    out = tmp_path / "oscal"
    assert run("export", "oscal", str(ACME), "--out", str(out))[0] == 0
    (out / "ssp.json").write_text("mine", "utf-8")
    code, output = run("export", "oscal", str(ACME), "--out", str(out))
    assert code == 2
    assert "already exist(s) (use --force to overwrite)" in output
    assert (out / "ssp.json").read_text("utf-8") == "mine"
    assert run("export", "oscal", str(ACME), "--out", str(out), "--force")[0] == 0
    assert (out / "ssp.json").read_text("utf-8").startswith("{")

    back = tmp_path / "back"
    back.mkdir()
    (back / "poam.yaml").write_text("mine", "utf-8")
    code, output = run(
        "import", "oscal", str(out / "ssp.json"), str(out / "poam.json"), "--out", str(back)
    )
    assert code == 2
    assert not (back / "ssp.yaml").exists()  # all or nothing
    assert (back / "poam.yaml").read_text("utf-8") == "mine"
    assert run("import", "oscal", str(out / "poam.json"), "--out", str(back), "--force")[0] == 0
    assert load_poam(back / "poam.yaml") == rebase_evidence(
        load_poam(ACME / "poam.yaml"), ACME, back
    )
    assert not list(back.glob(".*.tmp"))  # no temporary file left behind


def test_yaml_export_imports_too(tmp_path: Path) -> None:
    out = tmp_path / "oscal"
    code, output = run("export", "oscal", str(ACME), "--out", str(out), "--format", "yaml")
    assert code == 0, output
    assert sorted(p.name for p in out.iterdir()) == [
        "catalog.oscal.yaml",
        "poam.oscal.yaml",
        "profile.oscal.yaml",
        "ssp.oscal.yaml",
    ]
    assert (out / "ssp.oscal.yaml").read_text("utf-8").startswith("system-security-plan:")
    assert "href: profile.oscal.yaml" in (out / "ssp.oscal.yaml").read_text("utf-8")
    assert "href: catalog.oscal.yaml" in (out / "profile.oscal.yaml").read_text("utf-8")
    code, output = run(
        "import",
        "oscal",
        str(out / "ssp.oscal.yaml"),
        str(out / "poam.oscal.yaml"),
        "--out",
        str(tmp_path / "back"),
    )
    assert code == 0, output
    assert load_ssp(tmp_path / "back" / "ssp.yaml") == load_ssp(ACME / "ssp.yaml")
    assert load_poam(tmp_path / "back" / "poam.yaml") == rebase_evidence(
        load_poam(ACME / "poam.yaml"), ACME, tmp_path / "back"
    )


def test_export_without_a_poam_writes_the_ssp_and_its_baseline(tmp_path: Path) -> None:
    system = tmp_path / "system"
    system.mkdir()
    shutil.copy(ACME / "ssp.yaml", system / "ssp.yaml")
    assert run("export", "oscal", str(system), "--out", str(tmp_path / "oscal"))[0] == 0
    assert sorted(p.name for p in (tmp_path / "oscal").iterdir()) == [
        "catalog.json",
        "profile.json",
        "ssp.json",
    ]


def test_export_of_the_baseline_alone_needs_no_ssp(tmp_path: Path) -> None:
    code, output = run(
        "export",
        "oscal",
        str(tmp_path / "nowhere"),
        "--out",
        str(tmp_path / "b"),
        "--baseline-only",
    )
    assert code == 0, output
    assert output.endswith(
        "(OSCAL 1.1.3: the CMMC Level 2 baseline, 110 requirements and 320 assessment objectives)."
    )
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == ["catalog.json", "profile.json"]


def _findings(output: str) -> list[tuple[str, str, str]]:
    return [(f["code"], f["requirement"], f["item"]) for f in json.loads(output)["findings"]]


def test_check_reads_oscal_files_directly(tmp_path: Path) -> None:
    out = tmp_path / "oscal"
    assert run("export", "oscal", str(ACME), "--out", str(out))[0] == 0
    on_oscal = CliRunner().invoke(
        app,
        [
            "check",
            "--ssp",
            str(out / "ssp.json"),
            "--poam",
            str(out / "poam.json"),
            "--as-of",
            "2026-11-27",
            "--format",
            "json",
        ],
    )
    on_native = CliRunner().invoke(
        app, ["check", str(ACME), "--as-of", "2026-11-27", "--format", "json"]
    )
    assert on_oscal.exit_code == on_native.exit_code == 1
    assert _findings(on_oscal.output) == _findings(on_native.output)  # evidence found from out/
    oscal, native = json.loads(on_oscal.output), json.loads(on_native.output)
    assert (oscal["score"], oscal["verdict"]) == (native["score"], native["verdict"])
    score = CliRunner().invoke(
        app, ["score", str(out), "--ssp", str(out / "ssp.json"), "--as-of", "2026-11-27"]
    )
    assert score.exit_code == 0


def test_check_finds_the_exported_files_in_a_folder(tmp_path: Path) -> None:
    out = tmp_path / "oscal"
    assert run("export", "oscal", str(ACME), "--out", str(out))[0] == 0
    on_folder = CliRunner().invoke(
        app, ["score", str(out), "--as-of", "2026-11-27", "--format", "json"]
    )
    on_native = CliRunner().invoke(
        app, ["score", str(ACME), "--as-of", "2026-11-27", "--format", "json"]
    )
    assert on_folder.exit_code == on_native.exit_code == 0
    assert json.loads(on_folder.output) == json.loads(on_native.output)


def test_import_max_size(tmp_path: Path) -> None:
    out = tmp_path / "oscal"
    assert run("export", "oscal", str(ACME), "--out", str(out))[0] == 0
    code, output = run(
        "import", "oscal", str(out / "poam.json"), "--out", str(tmp_path / "b"), "--max-size", "0"
    )
    assert code == 2  # below the minimum of 1 MiB: refused as an option error
    code, output = run(
        "import", "oscal", str(out / "ssp.json"), "--out", str(tmp_path / "b"), "--max-size", "1"
    )
    assert code == 0, output


def test_export_warns_about_ssp_keys_it_cannot_carry(tmp_path: Path) -> None:
    system = tmp_path / "system"
    system.mkdir()
    text = (ACME / "ssp.yaml").read_text("utf-8")
    (system / "ssp.yaml").write_text(
        text.replace("requirements:\n", "requirements:\n  3.99.1:\n    status: implemented\n", 1),
        "utf-8",
    )
    result = CliRunner().invoke(
        app, ["export", "oscal", str(system), "--out", str(tmp_path / "oscal")]
    )
    assert result.exit_code == 0, result.output
    assert (
        "poam: warning: 1 SSP keys are not NIST SP 800-171 Rev 2 requirements and are not "
        "exported: 3.99.1"
    ) in " ".join(result.output.split())
