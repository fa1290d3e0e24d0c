"""Plain output (JSON, YAML, CSV) straight to stdout: no Rich, so that machine-readable output
stays byte-exact and the commands that print it start without loading Rich."""

from __future__ import annotations

import sys


def write(text: str) -> None:
    sys.stdout.write(text)
    if not text.endswith("\n"):
        sys.stdout.write("\n")
