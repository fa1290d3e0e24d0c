"""`poam check` as a whole process on the example system, as a user or a CI job runs it.

    .venv/bin/python bench/check_cli.py [--runs 20]

Aim (issue 2): well under half a second. Also times `python -c pass` (the interpreter's own
start-up, the floor) and breaks the command down by import time.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POAM = ROOT / ".venv/bin/poam"
EXAMPLE = ROOT / "examples/acme-enclave"


def timed(command: list[str], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        samples.append(time.perf_counter() - start)
    return samples


def report(name: str, samples: list[float]) -> None:
    ms = [s * 1000 for s in samples]
    print(
        f"{name:<42} median {statistics.median(ms):6.0f} ms   min {min(ms):6.0f} ms   "
        f"max {max(ms):6.0f} ms   ({len(ms)} runs)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    check = [str(POAM), "check", str(EXAMPLE), "--as-of", "2026-11-27"]
    timed(check, 2)  # warm the file cache and the .pyc files
    report(
        "python -c pass (interpreter start-up)", timed([sys.executable, "-c", "pass"], args.runs)
    )
    report("poam --version", timed([str(POAM), "--version"], args.runs))
    report("poam check (text)", timed(check, args.runs))
    report("poam check --format json", timed([*check, "--format", "json"], args.runs))


if __name__ == "__main__":
    main()
