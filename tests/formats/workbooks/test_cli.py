"""``poam export`` and ``poam import`` for workbooks, as a user runs them."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from poam.cli.app import app
from poam.formats.native import dump_poam, load_poam, load_ssp
from tests.conftest import EXAMPLES
from tests.formats.workbooks.helpers import edit, header_cells

runner = CliRunner()
SUMMIT = EXAMPLES / "summit-conditional"
ACME = EXAMPLES / "acme-enclave"


def run(*args: str | Path) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "300", "NO_COLOR": "1"})
    return result.exit_code, result.stdout, result.stderr


def test_nist_export_and_import_round_trip_the_native_files(tmp_path: Path) -> None:
    code, out, _ = run("export", "nist", SUMMIT, "--out", tmp_path / "poam.csv")
    assert code == 0
    assert out.startswith(f"Wrote {tmp_path / 'poam.csv'} (NIST SP 800-171 plan of action, csv, ")
    code, out, _ = run("import", "nist", tmp_path / "poam.csv", "--out", tmp_path / "system")
    assert code == 0, out
    assert load_poam(tmp_path / "system/poam.yaml") == load_poam(SUMMIT / "poam.yaml")


def test_ssp_workbook_export_and_import(tmp_path: Path) -> None:
    assert run("export", "ssp-workbook", ACME, "-o", tmp_path / "ssp.xlsx")[0] == 0
    code, out, _ = run("import", "ssp-workbook", tmp_path / "ssp.xlsx", "--out", tmp_path)
    assert code == 0
    assert "Wrote" in out and "110 requirements" in out
    assert load_ssp(tmp_path / "ssp.yaml") == load_ssp(ACME / "ssp.yaml")


def test_the_samples_cmmc_record_goes_through_the_ssp_workbook_only(tmp_path: Path) -> None:
    code, out, _ = run("export", "ssp-workbook", SUMMIT, "-o", tmp_path / "ssp.xlsx")
    assert code == 0 and "not carried" not in out
    code, out, _ = run("import", "ssp-workbook", tmp_path / "ssp.xlsx", "--out", tmp_path)
    assert code == 0, out
    assert load_ssp(tmp_path / "ssp.yaml") == load_ssp(SUMMIT / "ssp.yaml")
    for layout in ("emass", "fedramp", "nist"):
        code, out, _ = run("export", layout, SUMMIT, "--out", tmp_path / f"{layout}.xlsx")
        assert code == 0
        assert said(out).endswith(
            "the SSP's CMMC status record (1 assessment and 1 affirmation): a POA&M workbook "
            "holds the POA&M only; export the SSP with ssp-workbook or oscal to carry it"
        ), out


def test_export_says_what_the_layout_cannot_carry(tmp_path: Path) -> None:
    code, out, _ = run("export", "fedramp", ACME, "--out", tmp_path / "f.xlsx")
    assert code == 0
    assert said(out).startswith(
        f"Wrote {tmp_path / 'f.xlsx'} (FedRAMP POA&M v2.1, xlsx, 18 entries). note: not carried "
        "by the FedRAMP POA&M v2.1 layout: 5 entries in-progress (read back as not-started) "
        "note: entries POAM-013 name a requirement the catalog does not know; they are written "
        "as they are, and the workbook will not import back until they are fixed"
    )
    folder = tmp_path / "ignoring"
    folder.mkdir()
    poam = dataclasses.replace(load_poam(SUMMIT / "poam.yaml"), ignore=("vague-gap",))
    (folder / "poam.yaml").write_text(dump_poam(poam), "utf-8")
    code, out, _ = run("export", "emass", folder, "--out", tmp_path / "e.xlsx", "--variant", "army")
    assert code == 0
    assert said(out) == (
        f"Wrote {tmp_path / 'e.xlsx'} (eMASS POA&M, xlsx, 14 entries). note: not carried by the "
        "eMASS POA&M layout: waivers, ignored checks and thresholds"
    )


def said(text: str) -> str:
    return " ".join(text.split())


def test_import_refuses_the_workbook_and_writes_nothing(tmp_path: Path) -> None:
    """All or nothing: the exported sample has an unknown requirement (3.15.3)."""
    assert run("export", "emass", ACME, "--out", tmp_path / "e.xlsx")[0] == 0
    target = tmp_path / "system"
    target.mkdir()
    (target / "poam.yaml").write_text("before\n", "utf-8")
    code, _, err = run("import", "emass", tmp_path / "e.xlsx", "--out", target, "--force")
    assert code == 2
    assert err.strip().splitlines() == [
        f"poam: error: {tmp_path / 'e.xlsx'}: sheet 'POA&M', row 33, column 'Controls / APs': "
        "'3.15.3' is not a NIST SP 800-171 Rev 2 requirement (write it as 3.1.1 or AC.L2-3.1.1)"
    ]
    assert (target / "poam.yaml").read_text("utf-8") == "before\n"
    assert sorted(p.name for p in target.iterdir()) == ["poam.yaml"]


def test_import_fixed_workbook_needs_force_to_overwrite(tmp_path: Path) -> None:
    assert run("export", "emass", ACME, "--out", tmp_path / "e.xlsx")[0] == 0

    def fix(workbook: object) -> None:
        sheet = workbook["POA&M"]  # type: ignore[index]
        sheet[f"{header_cells(sheet, 7)['Controls / APs']}33"] = "AT.L2-3.2.2"

    edit(tmp_path / "e.xlsx", fix)
    (tmp_path / "poam.yaml").write_text("before\n", "utf-8")
    code, _, err = run("import", "emass", tmp_path / "e.xlsx", "--out", tmp_path)
    assert code == 2
    assert f"{tmp_path / 'poam.yaml'} already exists (use --force to overwrite)" in err
    code, out, _ = run("import", "emass", tmp_path / "e.xlsx", "--out", tmp_path, "--force")
    assert code == 0
    assert "18 entries" in out
    assert load_poam(tmp_path / "poam.yaml").items[12].requirement == "3.2.2"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("export", "fedramp", ACME, "--format", "csv"),
            "--format csv: the FedRAMP POA&M v2.1 layout has several sheets; write it as xlsx",
        ),
        (
            ("export", "ssp-workbook", ACME, "--out", "ssp.csv"),
            "--format csv: the SSP workbook layout has several sheets; write it as xlsx",
        ),
        (("export", "nist", ACME, "--format", "pdf"), "--format: 'pdf' is not one of xlsx, csv"),
        (
            ("export", "emass", ACME, "--variant", "air-force"),
            "--variant: 'air-force' is not one of navy, army, marine-corps",
        ),
        (("export", "nist", EXAMPLES), f"{EXAMPLES}: no poam.yaml here (or use --poam)"),
        (("export", "nist", EXAMPLES / "nowhere"), f"{EXAMPLES / 'nowhere'}: no such directory"),
    ],
)
def test_usage_errors_exit_2(args: tuple[str, ...], message: str, tmp_path: Path) -> None:
    code, _, err = run(*args)
    assert code == 2
    assert message in err
    assert not Path("ssp.csv").exists()


def test_export_without_an_ssp_and_with_a_broken_one(tmp_path: Path) -> None:
    shutil.copy(SUMMIT / "poam.yaml", tmp_path / "poam.yaml")
    assert run("export", "emass", tmp_path, "--out", tmp_path / "e.xlsx")[0] == 0
    (tmp_path / "ssp.yaml").write_text("system: [\n", "utf-8")
    code, _, err = run("export", "emass", tmp_path, "--out", tmp_path / "e.xlsx")
    assert code == 2
    assert str(tmp_path / "ssp.yaml") in err


def test_every_layout_of_the_registry_has_its_two_commands() -> None:
    from poam.formats.workbooks import LAYOUTS

    for layout in LAYOUTS:
        module = layout.module()
        assert callable(module.export) and callable(module.read) and callable(module.carried)
        for group in ("export", "import"):
            code, out, _ = run(group, layout.name, "--help")
            assert code == 0
            assert (layout.export_help if group == "export" else layout.import_help)[
                :40
            ] in " ".join(out.split())


def test_an_import_prints_what_the_workbook_could_not_restore_as_a_warning(
    tmp_path: Path,
) -> None:
    """The sample Conditional POA&M, exported to eMASS, then its POA&M Kind cell cleared (as in
    a workbook that eMASS itself exported): imported as internal, and the CLI says so."""
    assert run("export", "emass", SUMMIT, "--out", tmp_path / "e.xlsx")[0] == 0

    def clear(workbook: object) -> None:
        workbook["POA&M"]["U2"] = None  # type: ignore[index]

    edit(tmp_path / "e.xlsx", clear)
    code, out, err = run("import", "emass", tmp_path / "e.xlsx", "--out", tmp_path)
    assert code == 0
    assert "Wrote" in out
    assert err.startswith(
        "poam: warning: the workbook does not say whether the POA&M is Conditional (no 'POA&M "
        "Kind' in its header): imported as internal, so ineligible-on-conditional-poam, "
    )
    assert load_poam(tmp_path / "poam.yaml").kind.value == "internal"


def test_a_conditional_poam_comes_back_conditional_through_emass_and_fedramp(
    tmp_path: Path,
) -> None:
    for layout in ("emass", "fedramp"):
        assert run("export", layout, SUMMIT, "--out", tmp_path / f"{layout}.xlsx")[0] == 0
        code, _, err = run("import", layout, tmp_path / f"{layout}.xlsx", "-o", tmp_path / layout)
        assert (code, err) == (0, "")
        back, original = load_poam(tmp_path / layout / "poam.yaml"), load_poam(SUMMIT / "poam.yaml")
        assert (back.kind, back.conditional) == (original.kind, original.conditional)


def test_notes_and_warnings_print_cell_text_as_it_is(tmp_path: Path) -> None:
    """Text from a workbook is never taken for Rich markup ('[urgent]' stays)."""
    path = tmp_path / "poam.csv"
    path.write_text(
        "Requirement,Weakness,Milestones with Interim Completion Dates,Status,My [own] column\n"
        "3.1.1,Accounts not reviewed,(1) Review them [urgent] [b]now[/b],Ongoing,x\n",
        "utf-8",
    )
    code, out, err = run("import", "nist", path, "--out", tmp_path)
    assert code == 0
    assert "'My [own] column' (column E)" in out
    assert "milestone (1) 'Review them [urgent] [b]now[/b]' has no date" in err


def test_an_error_quotes_the_cell_as_written(tmp_path: Path) -> None:
    """'3.5.3[z]' used to print as '3.5.3' (Rich took '[z]' for markup)."""
    path = tmp_path / "poam.csv"
    path.write_text(
        "Requirement,Weakness,Milestones with Interim Completion Dates,Status\n"
        "3.5.3[z],gap,(1) 01/01/2027: x,Ongoing\n",
        "utf-8",
    )
    code, _, err = run("import", "nist", path, "--out", tmp_path)
    assert code == 2
    assert err.strip() == (
        f"poam: error: {path}: row 2, column 'Requirement': '3.5.3[z]': 3.5.3 has no objective "
        "[z] (its objectives are a, b, c, d)"
    )
