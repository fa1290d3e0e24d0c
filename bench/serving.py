"""What the benchmarks that start `poam serve` share: a free port, waiting for it, the server's
resident memory, and the source tree of an earlier revision (``--before REV``).

Imported as ``serving`` by the scripts beside it (``python bench/x.py`` puts ``bench/`` first on
the path).
"""

from __future__ import annotations

import re
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(port: int, seconds: float = 90) -> None:
    """Until something listens on ``port``; exit with a message if nothing does in time."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"the server did not start on port {port}")


def rss_mib(pid: int) -> float:
    """Resident memory of the server: the process and its children (gunicorn's workers)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    found = re.search(r"VmRSS:\s+(\d+) kB", text)
    total = int(found[1]) / 1024 if found else 0.0
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            children = task.read_text().split()
        except OSError:
            continue
        total += sum(rss_mib(int(child)) for child in children)
    return total


@contextmanager
def source(before: str | None) -> Iterator[Path]:
    """This checkout's ``src``, or that of git revision ``before`` in a temporary directory."""
    if not before:
        yield ROOT / "src"
        return
    with tempfile.TemporaryDirectory(prefix="poam-before-") as tmp:
        archive = subprocess.run(
            ["git", "archive", before, "src"], cwd=ROOT, capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True)
        yield Path(tmp) / "src"
