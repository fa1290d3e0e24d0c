"""Command groups shared by several command modules (e.g. every format adds to ``export``)."""

from __future__ import annotations

import typer

export_app = typer.Typer(
    help="Write the system's documents in the formats the field uses.", no_args_is_help=True
)
import_app = typer.Typer(
    help="Read documents in the formats the field uses into native files.", no_args_is_help=True
)
