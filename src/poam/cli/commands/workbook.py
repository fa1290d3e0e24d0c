"""``poam export emass|fedramp|nist|ssp-workbook`` and ``poam import ...``: workbooks.

Exports read the native files of a folder (the SSP gives the header block its system name and
organization); imports read a workbook, all or nothing, and write ``poam.yaml`` or ``ssp.yaml``
atomically. The layouts live in ``poam.formats.workbooks``.
"""

# Commands import the core and the formats inside their functions, so that `poam` starts fast.

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from poam.cli.groups import export_app, import_app
from poam.cli.inputs import POAM_NAMES, SSP_NAMES, fail, input_errors, parse_date

DirArg = Annotated[Path, typer.Argument(help="Folder holding poam.yaml and, optionally, ssp.yaml.")]
OutOpt = Annotated[Path, typer.Option("--out", "-o", help="The workbook file to write.")]
SspOpt = Annotated[Path | None, typer.Option("--ssp", help="The SSP file (default DIR/ssp.yaml).")]
PoamOpt = Annotated[
    Path | None, typer.Option("--poam", help="The POA&M file (default DIR/poam.yaml).")
]
FormatOpt = Annotated[
    str | None,
    typer.Option("--format", "-f", help="xlsx or csv (default: from the --out suffix, else xlsx)."),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", help="The export date written in the header block (default today)."),
]
FileArg = Annotated[Path, typer.Argument(help="The workbook to import (.xlsx, or .csv).")]
ImportOutOpt = Annotated[Path, typer.Option("--out", "-o", help="Folder to write the file into.")]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")]

LAYOUT_NAMES = {
    "emass": "eMASS POA&M",
    "fedramp": "FedRAMP POA&M v2.1",
    "nist": "NIST SP 800-171 plan of action",
    "ssp-workbook": "SSP workbook",
}
CSV_LAYOUTS = ("emass", "nist")


def _first(directory: Path, names: tuple[str, ...]) -> Path | None:
    return next((directory / n for n in names if (directory / n).is_file()), None)


def _format(layout: str, fmt: str | None, out: Path) -> str:
    chosen = (fmt or ("csv" if out.suffix.lower() == ".csv" else "xlsx")).lower()
    if chosen not in ("xlsx", "csv"):
        raise fail(f"--format: {fmt!r} is not one of xlsx, csv")
    if chosen == "csv" and layout not in CSV_LAYOUTS:
        raise fail(
            f"--format csv: the {LAYOUT_NAMES[layout]} layout has several sheets; write it as xlsx"
        )
    return chosen


def _load(directory: Path, ssp: Path | None, poam: Path | None, *, need: str) -> tuple[Any, Any]:
    """The SSP and POA&M of a folder; ``need`` names the one that must be there."""
    from poam.formats.documents import load_poam_file, load_ssp_file
    from poam.formats.errors import InputError

    if not directory.is_dir():
        raise fail(f"{directory}: no such directory")
    ssp_path = ssp or _first(directory, SSP_NAMES)
    poam_path = poam or _first(directory, POAM_NAMES)
    if need == "poam" and poam_path is None:
        raise fail(f"{directory}: no poam.yaml here (or use --poam)")
    if need == "ssp" and ssp_path is None:
        raise fail(f"{directory}: no ssp.yaml here (or use --ssp)")
    problems: list[Any] = []
    loaded: list[Any] = [None, None]
    for index, (path, load) in enumerate(((ssp_path, load_ssp_file), (poam_path, load_poam_file))):
        if path is None or (need == "ssp" and index == 1):
            continue
        try:
            loaded[index] = load(path)
        except InputError as error:
            problems.extend(error.problems)
    with input_errors():
        if problems:
            raise InputError(problems)
    return loaded[0], loaded[1]


def _export(
    layout: str,
    directory: Path,
    out: Path,
    fmt: str | None,
    ssp: Path | None,
    poam: Path | None,
    as_of: str | None,
    **options: Any,
) -> None:
    from poam.cli.render import console
    from poam.formats.workbooks import lost_in, module, unknown_requirements

    chosen = _format(layout, fmt, out)
    exported = parse_date(as_of)
    if out.is_dir():
        raise fail(f"--out: {out} is a directory; give a file name")
    loaded_ssp, loaded_poam = _load(
        directory, ssp, poam, need="ssp" if layout == "ssp-workbook" else "poam"
    )
    writer = module(layout)
    try:
        if layout == "ssp-workbook":
            writer.write(loaded_ssp, out, fmt=chosen)
            count = f"{len(loaded_ssp.requirements)} requirements"
        else:
            writer.write(loaded_poam, out, exported=exported, ssp=loaded_ssp, fmt=chosen, **options)
            count = f"{len(loaded_poam.items)} entries"
    except OSError as error:
        raise fail(f"--out: cannot write {out}: {error.strerror}") from None
    printer = console()
    printer.print(f"Wrote {out} ({LAYOUT_NAMES[layout]}, {chosen}, {count}).")
    document = loaded_ssp if layout == "ssp-workbook" else loaded_poam
    lost = lost_in(layout, document)
    if lost:
        printer.print(
            f"[yellow]note:[/] not carried by the {LAYOUT_NAMES[layout]} layout: "
            + "; ".join(lost),
            markup=True,
            highlight=False,
        )
    unknown = [] if layout == "ssp-workbook" else unknown_requirements(loaded_poam)
    if unknown:
        printer.print(
            f"[yellow]note:[/] entries {', '.join(unknown)} name a requirement the "
            "catalog does not know; they are written as they are, and the workbook "
            "will not import back until they are fixed",
            markup=True,
            highlight=False,
        )


def _import(layout: str, source: Path, out: Path, force: bool) -> None:
    from poam.cli.render import console
    from poam.formats.native.reader import loads_poam, loads_ssp
    from poam.formats.native.writer import dump_poam, dump_ssp
    from poam.formats.workbooks import module
    from poam.formats.workbooks.writing import save_text

    name = "ssp.yaml" if layout == "ssp-workbook" else "poam.yaml"
    target = out / name
    if out.exists() and not out.is_dir():
        raise fail(f"--out: {out} is a file; give the folder to write {name} into")
    if target.exists() and not force:
        raise fail(f"{target} already exists (use --force to overwrite)")
    with input_errors():
        imported = module(layout).read(source)
    document = imported.document
    check: Callable[[str], object]
    if layout == "ssp-workbook":
        text, check, count = (
            dump_ssp(document),
            loads_ssp,
            f"{len(document.requirements)} requirements",
        )
    else:
        text, check, count = dump_poam(document), loads_poam, f"{len(document.items)} entries"
    check(text)  # what is written must read back; a failure here is a bug, not bad input
    try:
        save_text(target, text)
    except OSError as error:
        raise fail(f"--out: cannot write {target}: {error.strerror}") from None
    printer = console()
    for note in imported.notes:
        printer.print(f"[yellow]note:[/] {note}", markup=True, highlight=False)
    printer.print(f"Wrote {target} ({count} from {source}, {LAYOUT_NAMES[layout]} layout).")


def register(app: typer.Typer) -> None:
    del app  # these commands live in the shared `export` and `import` groups

    @export_app.command("emass")
    def export_emass(
        directory: DirArg = Path(),
        out: OutOpt = Path("poam-emass.xlsx"),
        output_format: FormatOpt = None,
        ssp: SspOpt = None,
        poam: PoamOpt = None,
        as_of: AsOfOpt = None,
        variant: Annotated[
            str, typer.Option("--variant", help="Template variant: navy, army or marine-corps.")
        ] = "navy",
    ) -> None:
        """Write the POA&M in the eMASS POA&M import template: sheet POA&M, header block,
        headers on row 7 from column B, one row per milestone, MM/DD/YYYY dates.

        Exit status: 0 when written, 2 when the input cannot be used.
        """
        if variant not in ("navy", "army", "marine-corps"):
            raise fail(f"--variant: {variant!r} is not one of navy, army, marine-corps")
        _export("emass", directory, out, output_format, ssp, poam, as_of, variant=variant)

    @export_app.command("fedramp")
    def export_fedramp(
        directory: DirArg = Path(),
        out: OutOpt = Path("poam-fedramp.xlsx"),
        output_format: FormatOpt = None,
        ssp: SspOpt = None,
        poam: PoamOpt = None,
    ) -> None:
        """Write the POA&M in the FedRAMP POA&M template v2.1 (Open and Closed POA&M Items).

        Exit status: 0 when written, 2 when the input cannot be used.
        """
        _export("fedramp", directory, out, output_format, ssp, poam, None)

    @export_app.command("nist")
    def export_nist(
        directory: DirArg = Path(),
        out: OutOpt = Path("poam-nist.xlsx"),
        output_format: FormatOpt = None,
        ssp: SspOpt = None,
        poam: PoamOpt = None,
    ) -> None:
        """Write the POA&M in the NIST SP 800-171 plan-of-action columns (lossless).

        Exit status: 0 when written, 2 when the input cannot be used.
        """
        _export("nist", directory, out, output_format, ssp, poam, None)

    @export_app.command("ssp-workbook")
    def export_ssp_workbook(
        directory: Annotated[Path, typer.Argument(help="Folder holding ssp.yaml.")] = Path(),
        out: OutOpt = Path("ssp.xlsx"),
        output_format: FormatOpt = None,
        ssp: SspOpt = None,
    ) -> None:
        """Write the SSP as a workbook: one row per requirement and one per objective.

        Exit status: 0 when written, 2 when the input cannot be used.
        """
        _export("ssp-workbook", directory, out, output_format, ssp, None, None)

    @import_app.command("emass")
    def import_emass(source: FileArg, out: ImportOutOpt = Path(), force: ForceOpt = False) -> None:
        """Read an eMASS POA&M workbook (any current variant, or CSV) into poam.yaml.

        All or nothing: every bad cell is reported (sheet, row, column) and nothing is written.
        Exit status: 0 when written, 2 when the input cannot be used.
        """
        _import("emass", source, out, force)

    @import_app.command("fedramp")
    def import_fedramp(
        source: FileArg, out: ImportOutOpt = Path(), force: ForceOpt = False
    ) -> None:
        """Read a FedRAMP v2.1 POA&M workbook into poam.yaml (all or nothing).

        Exit status: 0 when written, 2 when the input cannot be used.
        """
        _import("fedramp", source, out, force)

    @import_app.command("nist")
    def import_nist(source: FileArg, out: ImportOutOpt = Path(), force: ForceOpt = False) -> None:
        """Read a NIST plan-of-action workbook (XLSX or CSV) into poam.yaml (all or nothing).

        Exit status: 0 when written, 2 when the input cannot be used.
        """
        _import("nist", source, out, force)

    @import_app.command("ssp-workbook")
    def import_ssp_workbook(
        source: FileArg, out: ImportOutOpt = Path(), force: ForceOpt = False
    ) -> None:
        """Read an SSP workbook into ssp.yaml (all or nothing).

        Exit status: 0 when written, 2 when the input cannot be used.
        """
        _import("ssp-workbook", source, out, force)
