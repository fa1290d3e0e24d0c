"""``poam export LAYOUT`` and ``poam import LAYOUT`` for every workbook layout of the registry
(``poam.formats.workbooks.LAYOUTS``): one export and one import command each, built in a loop.

Exports read the native files of a folder (the SSP gives the header block its system name and
organization) and say what the layout cannot carry; imports read a workbook, all or nothing,
write ``poam.yaml`` or ``ssp.yaml`` atomically, and print the notes and warnings of the reader.
"""

# Commands import the core and the formats inside their functions, so that `poam` starts fast;
# the registry itself is a small module of names and help texts.

import inspect
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from poam.cli.groups import export_app, import_app
from poam.cli.inputs import POAM_NAMES, SSP_NAMES, fail, input_errors, parse_date

if TYPE_CHECKING:
    from collections.abc import Callable

    from poam.formats.workbooks import Layout

EXIT_STATUS = "Exit status: 0 when written, 2 when the input cannot be used."


def _first(directory: Path, names: tuple[str, ...]) -> Path | None:
    return next((directory / n for n in names if (directory / n).is_file()), None)


def _format(layout: "Layout", fmt: str | None, out: Path) -> str:
    chosen = (fmt or ("csv" if out.suffix.lower() == ".csv" else "xlsx")).lower()
    if chosen not in ("xlsx", "csv"):
        raise fail(f"--format: {fmt!r} is not one of xlsx, csv")
    if chosen not in layout.formats:
        raise fail(f"--format csv: the {layout.title} layout has several sheets; write it as xlsx")
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


def _note(text: str) -> None:
    from rich.markup import escape

    from poam.cli.render import console

    # Cell text ("Fix [urgent]") is escaped: it is never Rich markup.
    console().print(f"[yellow]note:[/] {escape(text)}", markup=True, highlight=False)


def _warn(text: str) -> None:
    from rich.markup import escape

    from poam.cli.render import error_console

    error_console().print(
        f"[bold yellow]poam: warning:[/] {escape(text)}", markup=True, highlight=False
    )


def _export(layout: "Layout", values: dict[str, Any]) -> None:
    from poam.cli.render import console
    from poam.formats.workbooks.carry import (
        poam_losses,
        record_not_carried,
        ssp_losses,
        unknown_requirements,
    )

    out: Path = values["out"]
    chosen = _format(layout, values["output_format"], out)
    exported = parse_date(values.get("as_of"))
    variant = values.get("variant")
    if layout.variants and variant not in layout.variants:
        raise fail(f"--variant: {variant!r} is not one of {', '.join(layout.variants)}")
    if out.is_dir():
        raise fail(f"--out: {out} is a directory; give a file name")
    ssp, poam = _load(values["directory"], values["ssp"], values.get("poam"), need=layout.holds)
    module = layout.module()
    try:
        module.export(ssp, poam, out, fmt=chosen, exported=exported, variant=variant)
    except OSError as error:
        raise fail(f"--out: cannot write {out}: {error.strerror}") from None
    document = ssp if layout.holds == "ssp" else poam
    count = (
        f"{len(ssp.requirements)} requirements"
        if layout.holds == "ssp"
        else f"{len(poam.items)} entries"
    )
    console().print(f"Wrote {out} ({layout.title}, {chosen}, {count}).", markup=False)
    carried: Any = module.carried(document)
    if layout.holds == "ssp":
        lost = ssp_losses(ssp, carried)
    else:  # the SSP gave the header block its names; its CMMC record has no place here
        lost = poam_losses(poam, carried) + record_not_carried(ssp)
    if lost:
        _note(f"not carried by the {layout.title} layout: " + "; ".join(lost))
    unknown = [] if layout.holds == "ssp" else unknown_requirements(poam)
    if unknown:
        _note(
            f"entries {', '.join(unknown)} name a requirement the catalog does not know; they "
            "are written as they are, and the workbook will not import back until they are fixed"
        )


def _import(layout: "Layout", values: dict[str, Any]) -> None:
    source: Path = values["source"]
    out: Path = values["out"]
    force: bool = values["force"]
    from poam.cli.render import console
    from poam.formats.native.reader import loads_poam, loads_ssp
    from poam.formats.native.writer import dump_poam, dump_ssp
    from poam.formats.workbooks.writing import save_text

    target = out / layout.document_file
    if out.exists() and not out.is_dir():
        raise fail(f"--out: {out} is a file; give the folder to write {layout.document_file} into")
    if target.exists() and not force:
        raise fail(f"{target} already exists (use --force to overwrite)")
    with input_errors():
        imported = layout.module().read(source)
    document: Any = imported.document
    check: Callable[[str], object]
    if layout.holds == "ssp":
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
    for note in imported.notes:
        _note(note)
    for warning in imported.warnings:
        _warn(warning)
    console().print(f"Wrote {target} ({count} from {source}, {layout.title} layout).", markup=False)


def _parameter(name: str, annotation: Any, default: Any) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


def _option(help_text: str, *names: str) -> Any:
    return typer.Option(*names, help=help_text)


def _export_parameters(layout: "Layout") -> list[inspect.Parameter]:
    what = "ssp.yaml" if layout.holds == "ssp" else "poam.yaml and, optionally, ssp.yaml"
    parameters = [
        _parameter(
            "directory", Annotated[Path, typer.Argument(help=f"Folder holding {what}.")], Path()
        ),
        _parameter(
            "out",
            Annotated[Path, _option("The workbook file to write.", "--out", "-o")],
            Path(layout.default_out),
        ),
        _parameter(
            "output_format",
            Annotated[
                str | None,
                _option(
                    "xlsx or csv (default: from the --out suffix, else xlsx).", "--format", "-f"
                ),
            ],
            None,
        ),
        _parameter(
            "ssp",
            Annotated[Path | None, _option("The SSP file (default DIR/ssp.yaml).", "--ssp")],
            None,
        ),
    ]
    if layout.holds == "poam":
        parameters.append(
            _parameter(
                "poam",
                Annotated[
                    Path | None, _option("The POA&M file (default DIR/poam.yaml).", "--poam")
                ],
                None,
            )
        )
    if layout.dated:
        parameters.append(
            _parameter(
                "as_of",
                Annotated[
                    str | None,
                    _option(
                        "The export date written in the header block (default today).", "--as-of"
                    ),
                ],
                None,
            )
        )
    if layout.variants:
        names = ", ".join(layout.variants[:-1]) + f" or {layout.variants[-1]}"
        parameters.append(
            _parameter(
                "variant",
                Annotated[str, _option(f"Template variant: {names}.", "--variant")],
                layout.variants[0],
            )
        )
    return parameters


def _import_parameters(layout: "Layout") -> list[inspect.Parameter]:
    kinds = " or ".join(f".{f}" for f in layout.formats)
    return [
        _parameter(
            "source",
            Annotated[Path, typer.Argument(help=f"The workbook to import ({kinds}).")],
            inspect.Parameter.empty,
        ),
        _parameter(
            "out",
            Annotated[Path, _option("Folder to write the file into.", "--out", "-o")],
            Path(),
        ),
        _parameter(
            "force", Annotated[bool, _option("Overwrite an existing file.", "--force")], False
        ),
    ]


def _command(
    run: "Callable[[dict[str, Any]], None]", parameters: list[inspect.Parameter], help_text: str
) -> "Callable[..., None]":
    """A command function with the given parameters, for Typer to read like any other."""

    def command(**values: Any) -> None:
        run(values)

    command.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    command.__doc__ = help_text
    return command


def register(app: typer.Typer) -> None:
    """One export and one import command per layout of the registry."""
    from poam.formats.workbooks import LAYOUTS

    del app  # these commands live in the shared `export` and `import` groups
    for layout in LAYOUTS:
        export_app.command(layout.name)(
            _command(
                partial(_export, layout),
                _export_parameters(layout),
                f"{layout.export_help}\n\n{EXIT_STATUS}",
            )
        )
        import_app.command(layout.name)(
            _command(
                partial(_import, layout),
                _import_parameters(layout),
                f"{layout.import_help}\n\nAll or nothing: every bad cell is reported (sheet, "
                f"row, column) and nothing is written; warnings say what the workbook could "
                f"not restore.\n{EXIT_STATUS}",
            )
        )
