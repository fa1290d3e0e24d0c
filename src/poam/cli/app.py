"""The ``poam`` application: commands register themselves from ``poam.cli.commands``.

Heavy imports (the core's checks, file formats, Django) happen inside the commands that need
them, so that ``poam check`` starts fast.
"""

from __future__ import annotations

import typer

from poam import __version__
from poam.cli.commands import catalog, check, init

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


for module in (check, catalog, init):
    module.register(app)


def main() -> None:
    app()
