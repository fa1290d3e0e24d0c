"""The ``poam`` application. Each module in ``poam.cli.commands`` registers its commands.

Command modules import only Typer at module level; the core, file formats and Django are
imported inside the commands that need them. ``main()`` also builds only the module of the
command being run (Typer inspects every registered command on each start), so that
``poam check`` starts fast; ``app`` is the whole application, for help, tests and the docs.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

import typer

from poam import __version__
from poam.cli import commands
from poam.cli.groups import export_app, import_app

COMMAND_MODULES = (
    "backup",
    "catalog",
    "check",
    "init",
    "notify",
    "oscal",
    "org",
    "report",
    "serve",
    "sprs",
    "workbook",
)
"""The modules of ``poam.cli.commands``, each with a ``register(app)``; a test proves the list is
complete."""

MODULE_OF = {
    "check": "check",
    "score": "check",
    "plan": "check",
    "catalog": "catalog",
    "checks": "catalog",
    "init": "init",
    "schema": "init",
    "sprs": "sprs",
    "report": "report",
    "serve": "serve",
    "migrate": "serve",
    "audit": "serve",
    "notify": "notify",
    "backup": "backup",
    "restore": "backup",
    "org": "org",
}
"""The module that defines each top-level command (a test proves it); any other first argument
(``export``, ``import``, ``--help``, a typo) builds the whole application."""


def _version(value: bool) -> None:
    if value:
        typer.echo(f"poam {__version__}")
        raise typer.Exit()


def build(modules: Sequence[str] = COMMAND_MODULES) -> typer.Typer:
    """The application with the commands of ``modules``."""
    application = typer.Typer(
        name="poam",
        help="poam: the SSP and POA&M of a CMMC Level 2 system, scored and checked exactly as "
        "32 CFR 170 says.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )

    @application.callback()
    def _root(
        version: bool = typer.Option(
            False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ) -> None:
        """poam: CMMC Level 2 SSP and POA&M workbench."""

    for name in modules:
        importlib.import_module(f"{commands.__name__}.{name}").register(application)
    if export_app.registered_commands or export_app.registered_groups:
        application.add_typer(export_app, name="export")
    if import_app.registered_commands or import_app.registered_groups:
        application.add_typer(import_app, name="import")
    return application


_whole: typer.Typer | None = None


def whole() -> typer.Typer:
    """The whole application, built once (the ``export``/``import`` groups are shared)."""
    global _whole  # noqa: PLW0603 -- built on first use, then kept
    if _whole is None:
        _whole = build()
    return _whole


def __getattr__(name: str) -> typer.Typer:
    if name == "app":
        return whole()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main(argv: Sequence[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    first = next((arg for arg in args if not arg.startswith("-")), None)
    module = MODULE_OF.get(first or "")
    application = build((module,)) if module else whole()
    application(args=args, prog_name="poam")
