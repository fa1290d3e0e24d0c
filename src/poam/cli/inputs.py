"""Finding and loading the files a command works on; unusable input exits with status 2."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from poam.core.model import Poam, Ssp

EXIT_FINDINGS = 1
EXIT_INPUT = 2

SSP_NAMES = ("ssp.yaml", "ssp.yml", "ssp.json")
POAM_NAMES = ("poam.yaml", "poam.yml", "poam.json")


def fail(message: str) -> typer.Exit:
    """Print an input error on stderr; the caller raises the returned Exit(2)."""
    from rich.markup import escape

    from poam.cli.render import error_console

    # The message quotes what the user wrote ("3.5.3[z]"): never Rich markup.
    error_console().print(
        f"[bold red]poam: error:[/] {escape(message)}", markup=True, highlight=False
    )
    return typer.Exit(EXIT_INPUT)


@contextmanager
def input_errors() -> Iterator[None]:
    """Turn an InputError into a clear message per problem and exit status 2."""
    from poam.formats.errors import InputError

    try:
        yield
    except InputError as error:
        from rich.markup import escape

        from poam.cli.render import error_console

        console = error_console()
        for problem in error.problems:
            console.print(
                f"[bold red]poam: error:[/] {escape(str(problem))}", markup=True, highlight=False
            )
        raise typer.Exit(EXIT_INPUT) from None


def parse_date(text: str | None, option: str = "--as-of") -> date:
    """The date given on the command line, or today (read here, never in the core)."""
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise fail(f"{option}: {text!r} is not a date (YYYY-MM-DD)") from None


def _first(directory: Path, names: tuple[str, ...]) -> Path | None:
    return next((directory / n for n in names if (directory / n).is_file()), None)


@dataclass(frozen=True)
class Pair:
    ssp: Ssp
    poam: Poam | None
    ssp_path: Path
    poam_path: Path | None


def locate(directory: Path, ssp: Path | None, poam: Path | None) -> tuple[Path, Path | None]:
    """The SSP file (required) and the POA&M file (optional) for a command."""
    if not directory.exists():
        raise fail(f"{directory}: no such directory")
    if not directory.is_dir():
        raise fail(f"{directory}: not a directory (use --ssp and --poam for files)")
    ssp_path = ssp or _first(directory, SSP_NAMES)
    if ssp_path is None:
        raise fail(f"{directory}: no ssp.yaml here (run `poam init` to start one, or use --ssp)")
    poam_path = poam or _first(directory, POAM_NAMES)
    return ssp_path, poam_path


def load_pair(directory: Path, ssp: Path | None, poam: Path | None) -> Pair:
    from poam.formats.documents import load_poam_file, load_ssp_file
    from poam.formats.errors import InputError, Problem

    ssp_path, poam_path = locate(directory, ssp, poam)
    problems: list[Problem] = []
    loaded_ssp = loaded_poam = None
    try:
        loaded_ssp = load_ssp_file(ssp_path)
    except InputError as error:
        problems.extend(error.problems)
    try:
        loaded_poam = load_poam_file(poam_path) if poam_path is not None else None
    except InputError as error:
        problems.extend(error.problems)
    with input_errors():
        if problems:  # report both files' problems at once
            raise InputError(problems)
    assert loaded_ssp is not None
    return Pair(loaded_ssp, loaded_poam, ssp_path, poam_path)
