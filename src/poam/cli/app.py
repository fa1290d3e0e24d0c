"""The ``poam`` application. Each module in ``poam.cli.commands`` registers its commands.

Command modules import only Typer at module level; the core, file formats and Django are
imported inside the commands that need them, so that ``poam check`` starts fast.
"""

from __future__ import annotations

import importlib
import pkgutil

import typer

from poam import __version__
from poam.cli import commands
from poam.cli.groups import export_app, import_app

app = typer.Typer(
    name="poam",
    help="poam: the SSP and POA&M of a CMMC Level 2 system, scored and checked exactly as "
    "32 CFR 170 says.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"poam {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """poam: CMMC Level 2 SSP and POA&M workbench."""


def _register() -> None:
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{commands.__name__}.{info.name}").register(app)
    if export_app.registered_commands or export_app.registered_groups:
        app.add_typer(export_app, name="export")
    if import_app.registered_commands or import_app.registered_groups:
        app.add_typer(import_app, name="import")


_register()


def main() -> None:
    app()
