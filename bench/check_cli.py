"""`poam check` as a whole process on the example system, as a user or a CI job runs it.

    .venv/bin/python bench/check_cli.py [--runs 20]

Aim (issue 2): well under half a second. Reports wall time and CPU time (user + system, from
the child's rusage: steadier than wall time on a shared machine), and the interpreter's own
start-up (`python -c pass`), the floor.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POAM = ROOT / ".venv/bin/poam"
EXAMPLE = ROOT / "examples/acme-enclave"


# Python caches compiled modules (.pyc) unless told not to; some sandboxes tell it not to
# (PYTHONDONTWRITEBYTECODE), which would time the compiler, not poam. Measure as users run it.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(command: list[str], runs: int) -> list[tuple[float, float]]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        child = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV
        )
        _, _, usage = os.wait4(child.pid, 0)
        samples.append((time.perf_counter() - start, usage.ru_utime + usage.ru_stime))
    return samples


def report(name: str, samples: list[tuple[float, float]]) -> None:
    wall = [w * 1000 for w, _ in samples]
    cpu = [c * 1000 for _, c in samples]
    print(
        f"{name:<38} wall median {statistics.median(wall):4.0f} ms (min {min(wall):4.0f})"
        f"   CPU median {statistics.median(cpu):4.0f} ms (min {min(cpu):4.0f})   "
        f"{len(wall)} runs"
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
