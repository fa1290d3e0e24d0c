"""Hostile files: what each costs poam to refuse, in time and peak memory.

    .venv/bin/python bench/hostile_inputs.py                       # this tree
    .venv/bin/python bench/hostile_inputs.py --src /tmp/old/src    # another tree (before)

The files are those of the tests (``tests/formats/native/hostile.py``: YAML "billion laughs",
100,000-deep JSON, YAML and XML, an XML entity bomb, 100,000-digit numbers), plus files over
the size limits. Each is read in a fresh process through ``poam.formats.documents.load_ssp_file``,
what ``poam check`` and the web import call, under an address-space cap (``--cap-mib``, so that
a parser without bounds fails with MemoryError instead of taking the machine down) and a time
limit. Reported: the outcome (refused with an InputError, or the exception that escaped),
wall time, and the growth of the resident set (peak RSS, reset before reading, minus RSS then).

``--src`` runs the same files against another source tree (``git archive <commit> src | tar -x
-C /tmp/old``), to measure before and after a change.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.formats.native.hostile import HOSTILE  # noqa: E402

MIB = 1024 * 1024


def _status_kib(field: str) -> int:
    """A memory figure of this process from /proc/self/status (VmRSS, VmHWM), in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise KeyError(field)  # pragma: no cover


def _reset_peak() -> None:
    """Reset the peak resident set (VmHWM) to the current one (Linux 4.0+)."""
    Path("/proc/self/clear_refs").write_text("5")


def child(path: Path, cap_mib: int) -> dict[str, object]:
    """In this process: read ``path`` under the cap; the outcome, time and memory."""
    import poam.formats.native.reader
    import poam.formats.oscal.files
    import poam.formats.oscal.xml  # noqa: F401 - imported before the clock starts
    from poam.formats.documents import load_ssp_file
    from poam.formats.errors import InputError

    cap = cap_mib * MIB
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    _reset_peak()
    before = _status_kib("VmRSS")
    started = time.perf_counter()
    out_of_memory = False
    try:
        load_ssp_file(path)
        outcome = "accepted"
    except InputError as error:
        outcome = f"refused: {error.problems[0].message[:60]}"
    except MemoryError:
        out_of_memory = True  # allocate nothing here: the memory is freed after the block
        outcome = ""
    except RecursionError:
        outcome = "RecursionError (a crash: HTTP 500)"
    except Exception as error:  # whatever escapes is the finding
        outcome = f"{type(error).__name__} (a crash)"
    if out_of_memory:
        outcome = f"MemoryError (at the {cap_mib:,} MiB cap)"
    seconds = time.perf_counter() - started
    peak = _status_kib("VmHWM")
    return {"outcome": outcome, "seconds": seconds, "peak_mib": (peak - before) / 1024}


def _oversized(folder: Path) -> list[tuple[str, Path]]:
    """Files over the size limits: 9 MiB of YAML, 40 MiB of JSON (sparse: no disk)."""
    yaml_file = folder / "big.yaml"
    line = "- " + "x" * 1021 + "\n"
    yaml_file.write_text(line * (9 * 1024), "utf-8")
    json_file = folder / "big.json"
    with json_file.open("wb") as handle:
        handle.write(b'{"system": "')
        handle.truncate(40 * MIB)
    return [("yaml-9-mib", yaml_file), ("json-40-mib", json_file)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", help="the src folder of another tree to measure")
    parser.add_argument("--cap-mib", type=int, default=4096, help="address-space cap per read")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per read")
    parser.add_argument("--only", help="comma-separated file names (default: all)")
    parser.add_argument("--child", nargs=2, metavar=("FILE", "CAP"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(Path(args.child[0]), int(args.child[1]))))
        return
    env = dict(os.environ)
    if args.src:
        env["PYTHONPATH"] = str(Path(args.src).resolve())
    print("| File | Size | Outcome | Time | Memory |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files: list[tuple[str, Path]] = []
        for hostile in HOSTILE:
            path = folder / hostile.name / hostile.file
            path.parent.mkdir()
            path.write_bytes(hostile.content)
            files.append((hostile.name, path))
        files.extend(_oversized(folder))
        only = set(args.only.split(",")) if args.only else None
        for name, path in files:
            if only is not None and name not in only:
                continue
            command = [sys.executable, __file__, "--child", str(path), str(args.cap_mib)]
            started = time.perf_counter()
            done: subprocess.CompletedProcess[str] | None = None
            found: dict[str, object] = {}
            outcome = ""
            try:
                done = subprocess.run(
                    command,
                    check=False,
                    capture_output=True,
                    text=True,
                    env=env,
                    timeout=args.timeout,
                )
                if done.returncode == 0:
                    found = json.loads(done.stdout)
                else:
                    last = (done.stderr.strip().splitlines() or ["?"])[-1][:50]
                    outcome = f"crashed (exit {done.returncode}: {last})"
            except subprocess.TimeoutExpired:
                outcome = f"killed after the {args.timeout:.0f} s limit"
            if done is None or done.returncode != 0:
                elapsed = time.perf_counter() - started
                found = {"outcome": outcome, "seconds": elapsed, "peak_mib": float("nan")}
            size = path.stat().st_size
            shown = f"{size:,} B" if size < MIB else f"{size / MIB:.0f} MiB"
            print(
                f"| {name} | {shown} | {found['outcome']} | {found['seconds']:.3f} s | "
                f"{found['peak_mib']:.0f} MiB |",
                flush=True,
            )


if __name__ == "__main__":
    main()
