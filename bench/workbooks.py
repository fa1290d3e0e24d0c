"""Time and peak memory of workbook exports and imports, by size, and of the real templates.

    .venv/bin/python bench/workbooks.py [--entries 100,1000,5000] [--shared ../shared]

Each POA&M has entries of three milestones (one moved once), so an eMASS sheet has three rows
per entry. Memory is the peak of Python allocations (tracemalloc) during the call, measured in a
second run so that the timing run is not slowed by tracing. Files go to bench/out/.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from poam.core.catalog import load_catalog
from poam.core.model import ItemStatus, Milestone, MilestoneChange, Poam, PoamItem
from poam.formats.workbooks import emass, fedramp, nist

OUT = Path(__file__).resolve().parent / "out"


def poam_of(entries: int) -> Poam:
    requirements = load_catalog().requirements
    items = []
    for index in range(entries):
        requirement = requirements[index % len(requirements)]
        start = date(2026, 1, 1) + timedelta(days=index % 300)
        move = MilestoneChange(
            changed=start,
            from_date=start + timedelta(days=30),
            to_date=start + timedelta(days=60),
            by="Maria Kowalski, IT Manager",
            justification="Vendor delivery slipped a month",
        )
        items.append(
            PoamItem(
                id=f"POAM-{index + 1:05d}",
                requirement=requirement.nist_id,
                gap=f"{requirement.title}: not yet in place on the engineering workstations "
                "and the file server; found in the internal self-assessment.",
                remediation=("Write the procedure", "Configure the systems", "Collect evidence"),
                owner="Tom Reyes, Systems Administrator",
                status=ItemStatus.IN_PROGRESS,
                created=start,
                updated=start + timedelta(days=10),
                milestones=(
                    Milestone("Procedure approved", start + timedelta(days=20), start),
                    Milestone("Systems configured", start + timedelta(days=60), history=(move,)),
                    Milestone("Evidence filed", start + timedelta(days=90)),
                ),
                identified_by="Internal self-assessment, 2025-10",
                resources="20 staff hours",
            )
        )
    return Poam(maintainer="Maria Kowalski, IT Manager", items=tuple(items))


def measure(call: Callable[[], Any]) -> tuple[float, float]:
    """Seconds for one call, then MiB of peak Python memory for another."""
    start = time.perf_counter()
    call()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    call()
    peak = tracemalloc.get_traced_memory()[1] / (1024 * 1024)
    tracemalloc.stop()
    return seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", default="100,1000,5000")
    parser.add_argument(
        "--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared"
    )
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    print("| Layout | Entries | Rows | File | Export | Import | Import peak memory |")
    print("|---|---|---|---|---|---|---|")
    for entries in (int(n) for n in args.entries.split(",")):
        poam = poam_of(entries)
        for name, module, rows in (
            ("eMASS", emass, 3 * entries),
            ("NIST", nist, entries),
            ("FedRAMP", fedramp, entries),
        ):
            path = OUT / f"{name.lower()}-{entries}.xlsx"
            export_s, _ = measure(
                lambda m=module, p=path, d=poam: m.write(d, p, exported=date(2026, 10, 1))
            )
            import_s, peak = measure(lambda m=module, p=path: m.read(p))
            size = path.stat().st_size / 1024
            print(
                f"| {name} | {entries:,} | {rows:,} | {size:,.0f} KiB | {export_s:.2f} s "
                f"| {import_s:.2f} s | {peak:.1f} MiB |"
            )
    template = args.shared / "formats/fedramp/FedRAMP-POAM-Template.xlsx"
    if template.exists():
        seconds, peak = measure(lambda: fedramp.read(template))
        print(
            f"\nBlank FedRAMP v2.1 template (4,022 formatted rows): import {seconds:.2f} s, "
            f"peak {peak:.1f} MiB"
        )


if __name__ == "__main__":
    main()
