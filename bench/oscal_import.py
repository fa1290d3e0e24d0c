"""Importing an OSCAL POA&M: poam against compliance-trestle and against the floor.

    .venv/bin/python bench/oscal_import.py                 # 1,000 and 10,000 entries
    .venv/bin/python bench/oscal_import.py --items 1000 --rounds 5

For each size it writes an OSCAL 1.1.3 POA&M with poam's exporter (``bench/out/``, git-ignored;
entries shaped like the sample systems': a specific gap, three or four steps, two or three
milestones, one move in three, evidence on closed entries) and measures, each in a fresh
process (after a warm-up on a small file, so that imports and built validators are not counted):

- ``poam``: ``poam.formats.oscal.read_file``: read, parse (orjson), validate (jsonschema-rs,
  poam's input schema) and map to the core model, with the import report;
- ``trestle``: compliance-trestle's ``PlanOfActionAndMilestones.oscal_read`` on the same file
  (parse and validate into pydantic models; no mapping to anything);
- ``floor``: ``orjson.loads`` plus validation against NIST's official 1.1.3 POA&M schema with
  jsonschema-rs (needs ``../shared``), the least any validating import can do. Neither poam nor
  the floor touches the garbage collector: switching it off is a process-wide decision that a
  library must not take (a web server's other threads would run without it).

``--src`` measures another source tree (``git archive <commit> src | tar -x -C /tmp/old``).

Time is the best of ``--rounds`` fresh processes per tool (run in turn, so that a busy moment
on a shared machine hits every tool) of ``--runs`` runs each; peak memory is the largest growth
of a process's resident set (peak RSS minus RSS before reading) during its first run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SCHEMA = ROOT.parent / "shared" / "oscal" / "schema" / "1.1.3" / "oscal_poam_schema.json"
TOOLS = ("poam", "trestle", "floor")

GAPS = [
    "Windows events forwarded to LOG01, FortiGate syslog and the Purview unified audit log are "
    "reviewed one source at a time each week; nothing correlates them, so a VPN logon followed "
    "by a bulk download from FS01 would be neither linked nor alerted on.",
    "The FortiGate 100F is not running in FIPS-CC mode, so the remote-access tunnel that carries "
    "CUI uses cryptography outside its FIPS 140-validated configuration.",
    "Eleven shop-floor workstations still accept local accounts without multifactor "
    "authentication for privileged maintenance tasks performed by the CNC vendor.",
]
STEPS = [
    "Connect the Microsoft 365, Entra ID and Defender for Endpoint data connectors and send "
    "Windows Security events from LOG01 with the Azure Monitor Agent",
    "Export the FortiGate configuration, enable FIPS-CC mode in a Saturday maintenance window, "
    "restore the configuration and re-test the tunnel with every remote user",
    "Update SC-CRYPTO-01 and the SSP with the CMVP certificate numbers",
    "Enable analytics rules for VPN anomalies, mass download and administrator-group changes",
]


def make_poam(count: int, seed: int = 7) -> Any:
    """A POA&M of ``count`` entries, reproducible for a seed."""
    from poam.core.catalog import load_catalog
    from poam.core.model import (
        Evidence,
        ItemStatus,
        Milestone,
        MilestoneChange,
        Poam,
        PoamItem,
    )

    rnd = random.Random(seed)
    requirements = [req.nist_id for req in load_catalog().requirements]
    start = date(2026, 1, 5)
    items = []
    for index in range(count):
        created = start + timedelta(days=rnd.randrange(0, 200))
        status = rnd.choice(list(ItemStatus))
        milestones = []
        for m_index in range(rnd.choice((2, 3))):
            due = created + timedelta(days=30 * (m_index + 1))
            history: tuple[MilestoneChange, ...] = ()
            if rnd.random() < 0.33:
                moved = due + timedelta(days=45)
                history = (
                    MilestoneChange(
                        due - timedelta(days=5),
                        due,
                        moved,
                        "Maria Kowalski, IT Manager",
                        "The vendor's engineer left; the replacement starts "
                        "next month and re-estimated the work.",
                    ),
                )
                due = moved
            done = status is ItemStatus.CLOSED or (m_index == 0 and rnd.random() < 0.5)
            milestones.append(
                Milestone(
                    f"Milestone {m_index + 1} of entry {index + 1}",
                    due,
                    due if done else None,
                    history,
                )
            )
        evidence = ()
        if status in (ItemStatus.CLOSED, ItemStatus.COMPLETED_PENDING_VERIFICATION):
            evidence = (
                Evidence(
                    f"Configuration export for entry {index + 1}",
                    f"evidence/entry-{index + 1}.txt",
                    f"{index:064x}",
                    created + timedelta(days=90),
                ),
            )
        items.append(
            PoamItem(
                id=f"POAM-{index + 1:05d}",
                requirement=rnd.choice(requirements),
                gap=rnd.choice(GAPS),
                remediation=tuple(rnd.sample(STEPS, rnd.choice((3, 4)))),
                owner=rnd.choice(
                    ("Tom Reyes, Systems Administrator", "Maria Kowalski, IT Manager")
                ),
                status=status,
                objectives=tuple(sorted(rnd.sample("abcd", rnd.choice((0, 1, 2))))),
                created=created,
                updated=created + timedelta(days=10),
                milestones=tuple(milestones),
                evidence=evidence,
                identified_by="Internal self-assessment against NIST SP 800-171A, 2025-10",
                resources="Approx. $350/month and 40 staff hours" if rnd.random() < 0.5 else None,
            )
        )
    return Poam(
        maintainer="Maria Kowalski, IT Manager (ISSO)",
        last_reviewed=date(2026, 7, 15),
        review_cadence_days=90,
        items=tuple(items),
    )


def write_file(count: int) -> Path:
    from poam.formats.oscal import dumps, poam_to_oscal

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"oscal-poam-{count}.json"
    if not path.exists():
        path.write_bytes(dumps(poam_to_oscal(make_poam(count))))
    return path


def _rss_kib() -> int:
    with open("/proc/self/statm") as handle:  # noqa: PTH123
        pages = int(handle.read().split()[1])
    return pages * resource.getpagesize() // 1024


def _runner(tool: str) -> Any:
    """The function that imports one file with ``tool`` (imports and validators built here)."""
    if tool == "poam":
        from poam.formats.oscal import read_file

        # The whole result is returned (as the other tools return theirs), so that freeing the
        # parsed document happens after the clock stops for every tool alike.
        return lambda path: read_file(path, max_bytes=1 << 31)
    if tool == "trestle":
        from trestle.oscal.poam import PlanOfActionAndMilestones

        return PlanOfActionAndMilestones.oscal_read
    import jsonschema_rs
    import orjson

    validator = jsonschema_rs.validator_for(
        json.loads(SCHEMA.read_text("utf-8")), validate_formats=True
    )

    def floor(path: Path) -> Any:
        data = orjson.loads(path.read_bytes())
        validator.validate(data)
        return data

    return floor


def measure(tool: str, path: Path, runs: int, warmup: Path) -> dict[str, float]:
    """In this process: warm up, then time ``runs`` imports; peak memory of the first."""
    run = _runner(tool)
    run(warmup)
    before = _rss_kib()
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times = []
    result = None
    for index in range(runs):
        started = time.perf_counter()
        result = run(path)
        times.append(time.perf_counter() - started)
        if index == 0:
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            growth = max(peak, peak_before) - before
        del result
    return {"seconds": min(times), "peak_mib": growth / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", default="1000,10000", help="comma-separated entry counts")
    parser.add_argument("--runs", type=int, default=2, help="timed runs per process")
    parser.add_argument("--rounds", type=int, default=3, help="processes per tool, interleaved")
    parser.add_argument("--tools", default=",".join(TOOLS))
    parser.add_argument("--src", help="the src folder of another tree to measure (poam only)")
    parser.add_argument(
        "--child", nargs=3, metavar=("TOOL", "FILE", "WARMUP"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        tool, path, warmup = args.child
        print(json.dumps(measure(tool, Path(path), args.runs, Path(warmup))))
        return
    tools = args.tools.split(",")
    if "floor" in tools and not SCHEMA.is_file():
        print(f"no {SCHEMA}: the floor is skipped", file=sys.stderr)
        tools.remove("floor")
    warmup = write_file(20)
    rows = []
    for count in (int(c) for c in args.items.split(",")):
        path = write_file(count)
        size = path.stat().st_size / 1_048_576
        figures: dict[str, dict[str, float]] = {}
        for _ in range(args.rounds):  # interleaved, so that a busy moment hits every tool
            for tool in tools:
                env = dict(os.environ)
                if args.src:
                    env["PYTHONPATH"] = str(Path(args.src).resolve())
                output = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--runs",
                        str(args.runs),
                        "--child",
                        tool,
                        str(path),
                        str(warmup),
                    ],
                    check=True,
                    capture_output=True,
                    text=True,
                    env=env,
                ).stdout
                found = json.loads(output)
                if tool not in figures:
                    figures[tool] = found
                else:
                    figures[tool]["seconds"] = min(figures[tool]["seconds"], found["seconds"])
                    figures[tool]["peak_mib"] = max(figures[tool]["peak_mib"], found["peak_mib"])
        rows.append((count, size, figures))
        line = ", ".join(
            f"{tool} {f['seconds']:.3f} s / {f['peak_mib']:.0f} MiB" for tool, f in figures.items()
        )
        print(f"{count} entries ({size:.1f} MiB): {line}", flush=True)
    print()
    print("| Entries | File | poam | trestle | floor | trestle / poam | poam / floor |")
    print("|---|---|---|---|---|---|---|")
    for count, size, figures in rows:

        def cell(tool: str, figures: dict[str, Any] = figures) -> str:
            found = figures.get(tool)
            if found is None:
                return "-"
            return f"{found['seconds']:.2f} s, {found['peak_mib']:.0f} MiB"

        def ratio(a: str, b: str, figures: dict[str, Any] = figures) -> str:
            if a not in figures or b not in figures:
                return "-"
            return f"{figures[a]['seconds'] / figures[b]['seconds']:.1f}x"

        print(
            f"| {count:,} | {size:.1f} MiB | {cell('poam')} | {cell('trestle')} | "
            f"{cell('floor')} | {ratio('trestle', 'poam')} | {ratio('poam', 'floor')} |"
        )


if __name__ == "__main__":
    main()
