"""``python -m poam`` runs the CLI."""

from poam.cli.app import main

main()
