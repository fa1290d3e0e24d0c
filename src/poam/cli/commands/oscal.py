"""``poam export oscal`` and ``poam import oscal``: OSCAL 1.1.3 SSP and POA&M (JSON, YAML, XML).

Exports read the native pair of a folder and write ``ssp.json`` and ``poam.json`` with the CMMC
Level 2 baseline the SSP imports (``profile.json``, ``catalog.json``); imports read OSCAL
documents (recognised by content) and write the native ``ssp.yaml`` and ``poam.yaml``, all or
nothing, saying on stderr what was used and what was skipped. Both keep evidence paths valid
from the folder written to. The mapping lives in ``poam.formats.oscal`` (see docs/oscal.md).
"""

# Commands import the core and the formats inside their functions, so that `poam` starts fast.

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from poam.cli.groups import export_app, import_app
from poam.cli.inputs import fail, input_errors, load_pair

DirArg = Annotated[Path, typer.Argument(help="Folder holding ssp.yaml and, optionally, poam.yaml.")]
ExportOutOpt = Annotated[
    Path, typer.Option("--out", "-o", help="Folder to write the OSCAL files into.")
]
SspOpt = Annotated[Path | None, typer.Option("--ssp", help="The SSP file (default DIR/ssp.yaml).")]
PoamOpt = Annotated[
    Path | None, typer.Option("--poam", help="The POA&M file (default DIR/poam.yaml if present).")
]
FormatOpt = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        help="json (ssp.json, poam.json...) or yaml (ssp.oscal.yaml, poam.oscal.yaml...).",
    ),
]
BaselineOnlyOpt = Annotated[
    bool,
    typer.Option(
        "--baseline-only",
        help="Write only the CMMC Level 2 baseline (catalog.json and profile.json); no SSP needed.",
    ),
]
FilesArg = Annotated[
    list[Path], typer.Argument(help="OSCAL files (JSON, YAML or XML): an SSP, a POA&M, or both.")
]
ImportOutOpt = Annotated[
    Path, typer.Option("--out", "-o", help="Folder to write ssp.yaml and poam.yaml into.")
]
ProfileHrefOpt = Annotated[
    str | None,
    typer.Option(
        "--profile-href",
        help="Where the SSP finds the baseline profile, if not beside it: a URL, or "
        "trestle://profiles/NAME/profile.json in a compliance-trestle workspace.",
    ),
]
CatalogHrefOpt = Annotated[
    str | None,
    typer.Option(
        "--catalog-href",
        help="Where the profile finds the catalog, if not beside it (as --profile-href).",
    ),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Overwrite existing files.")]
MaxSizeOpt = Annotated[
    int | None,
    typer.Option(
        "--max-size",
        min=1,
        help="Refuse an OSCAL file larger than this many MiB (default: 32 for JSON and XML, "
        "8 for YAML).",
    ),
]


def _write(directory: Path, files: dict[str, bytes], force: bool) -> list[Path]:
    from poam.formats.oscal.files import write_all

    if directory.exists() and not directory.is_dir():
        raise fail(f"--out: {directory} is not a folder")
    try:
        return write_all(directory, files, force)
    except FileExistsError as error:
        raise fail(f"{error} already exist(s) (use --force to overwrite)") from None
    except OSError as error:
        raise fail(f"--out: cannot write into {directory}: {error.strerror}") from None


def _export(
    directory: Path,
    out: Path,
    ssp: Path | None,
    poam: Path | None,
    fmt: str,
    force: bool,
    baseline_only: bool,
    hrefs: tuple[str | None, str | None] = (None, None),
) -> None:
    from poam.cli.render import console
    from poam.formats.oscal.files import baseline, export

    if fmt not in ("json", "yaml"):
        raise fail(f"--format: {fmt!r} is not one of json, yaml")
    if baseline_only:
        written = _write(out, baseline(fmt, catalog_href=hrefs[1]), force)
        console().print(
            f"Wrote {' and '.join(str(p) for p in written)} (OSCAL 1.1.3: the CMMC Level 2 "
            "baseline, 110 requirements and 320 assessment objectives).",
            markup=False,
            highlight=False,
        )
        return
    pair = load_pair(directory, ssp, poam)
    if pair.ssp.unknown:
        from poam.cli.render import error_console

        error_console().print(
            f"poam: warning: {len(pair.ssp.unknown)} SSP keys are not NIST SP 800-171 Rev 2 "
            f"requirements and are not exported: {', '.join(pair.ssp.unknown)}",
            markup=False,
            highlight=False,
        )
    source = (pair.poam_path or pair.ssp_path).parent  # where `poam check` resolves evidence
    files = export(
        pair.ssp,
        pair.poam,
        fmt,
        source=source,
        target=out,
        profile_href=hrefs[0],
        catalog_href=hrefs[1],
    )
    written = _write(out, files, force)
    items = f", {len(pair.poam.items)} POA&M entries" if pair.poam is not None else ""
    console().print(
        f"Wrote {', '.join(str(p) for p in written)} (OSCAL 1.1.3: "
        f"{len(pair.ssp.requirements)} requirements described{items}; the CMMC Level 2 "
        "baseline the SSP imports).",
        markup=False,
        highlight=False,
    )


def _import(sources: list[Path], out: Path, force: bool, max_size: int | None) -> None:
    from poam.cli.render import console, error_console
    from poam.core.model import Poam, Ssp
    from poam.formats.errors import InputError
    from poam.formats.native import dump_poam, dump_ssp
    from poam.formats.oscal.files import read_file
    from poam.formats.oscal.links import rebase_evidence

    imported: list[Any] = []
    problems: list[Any] = []
    for source in sources:
        try:
            max_bytes = max_size * 1024 * 1024 if max_size else None
            imported.append(read_file(source, max_bytes=max_bytes))
        except InputError as error:
            problems.extend(error.problems)
    with input_errors():
        if problems:  # nothing is written when any file is unusable
            raise InputError(problems)
    ssps = [i for i in imported if isinstance(i.model, Ssp)]
    poams = [i for i in imported if isinstance(i.model, Poam)]
    for kind, found in (("SSP", ssps), ("POA&M", poams)):
        if len(found) > 1:
            raise fail(
                f"{len(found)} OSCAL {kind}s given ({', '.join(i.document.file for i in found)}): "
                f"import one {kind} at a time"
            )
    errors = error_console()
    for item in imported:
        for line in item.report.lines():
            errors.print(f"poam: {line}", markup=False, highlight=False)
    files: dict[str, bytes] = {}
    if ssps:
        files["ssp.yaml"] = dump_ssp(ssps[0].model).encode("utf-8")
    if poams:  # evidence paths were relative to the OSCAL file; now to the folder written to
        source = Path(poams[0].document.file).parent
        files["poam.yaml"] = dump_poam(rebase_evidence(poams[0].model, source, out)).encode("utf-8")
    if not files:
        errors.print(
            "poam: warning: no system-security-plan or plan-of-action-and-milestones "
            "among the files: nothing written",
            markup=False,
            highlight=False,
        )
        return
    written = _write(out, files, force)
    console().print(
        f"Wrote {' and '.join(str(p) for p in written)}. Next: `poam check {out}`.",
        markup=False,
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    del app  # the commands live in the shared `export` and `import` groups

    @export_app.command("oscal")
    def export_oscal(
        directory: DirArg = Path(),
        out: ExportOutOpt = Path("oscal"),
        ssp: SspOpt = None,
        poam: PoamOpt = None,
        fmt: FormatOpt = "json",
        force: ForceOpt = False,
        baseline_only: BaselineOnlyOpt = False,
        profile_href: ProfileHrefOpt = None,
        catalog_href: CatalogHrefOpt = None,
    ) -> None:
        """Write the SSP and POA&M of DIR as OSCAL 1.1.3 (ssp.json, poam.json), with the CMMC
        Level 2 baseline the SSP imports (profile.json, catalog.json).

        Evidence paths are rewritten to name the same files from OUT, with their SHA-256, so
        that `poam check OUT` finds them and reports any that changed.
        """
        _export(directory, out, ssp, poam, fmt, force, baseline_only, (profile_href, catalog_href))

    @import_app.command("oscal")
    def import_oscal(
        sources: FilesArg,
        out: ImportOutOpt = Path(),
        force: ForceOpt = False,
        max_size: MaxSizeOpt = None,
    ) -> None:
        """Read OSCAL SSP and POA&M documents (JSON, YAML or XML) into ssp.yaml and poam.yaml.

        Reports on stderr what was used and what was skipped (SP 800-53 control ids, props
        poam does not read). Evidence paths are rewritten to name the same files from OUT.
        Nothing is written when a file is not usable OSCAL (exit 2).
        """
        _import(sources, out, force, max_size)
