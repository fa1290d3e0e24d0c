"""The SPRS entry and the assessor report over generated systems, and one PDF.

    .venv/bin/python bench/report.py [--systems 200] [--pdf]

Measures ``sprs_entry`` and ``render_report`` on objects already in memory (as the web
application's assessor view calls them), the size of the HTML, and, with --pdf, the time
headless Chromium takes to print the largest report.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from systems import systems

from poam.core.assess import assess
from poam.formats.reports.html import render_report
from poam.formats.sprs import entry_to_csv, sprs_entry

AS_OF = date(2026, 11, 27)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--systems", type=int, default=200)
    parser.add_argument("--pdf", action="store_true")
    args = parser.parse_args()
    assessments = [assess(s, p, as_of=AS_OF) for s, p in systems(args.systems)]
    render_report(assessments[0])  # load the templates once, as a running server has
    sprs_ms, report_ms, sizes = [], [], []
    for assessment in assessments:
        start = time.perf_counter()
        entry_to_csv(sprs_entry(assessment))
        sprs_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        html = render_report(assessment)
        report_ms.append((time.perf_counter() - start) * 1000)
        sizes.append(len(html.encode("utf-8")))
    largest = max(assessments, key=lambda a: len(a.poam.items) if a.poam else 0)
    tracemalloc.start()
    html = render_report(largest)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    def line(name: str, values: list[float]) -> str:
        values = sorted(values)
        p95 = values[int(0.95 * (len(values) - 1))]
        return (
            f"{name:<22} mean {statistics.mean(values):7.2f} ms   p95 {p95:7.2f} ms   "
            f"max {values[-1]:7.2f} ms"
        )

    print(f"{len(assessments)} systems, as of {AS_OF.isoformat()}")
    print(line("sprs entry + CSV", sprs_ms))
    print(line("render_report", report_ms))
    print(
        f"{'HTML size':<22} mean {statistics.mean(sizes) / 1024:7.1f} KiB   "
        f"max {max(sizes) / 1024:7.1f} KiB"
    )
    items = len(largest.poam.items) if largest.poam else 0
    print(
        f"{'largest report':<22} {items} entries, {len(html.encode()) / 1024:.1f} KiB, "
        f"peak memory {peak / 1024 / 1024:.1f} MiB while rendering"
    )
    if args.pdf:
        from poam.formats.reports.pdf import html_to_pdf

        start = time.perf_counter()
        pdf = html_to_pdf(render_report(largest, page_size="letter"))
        print(
            f"{'PDF (Chromium)':<22} {(time.perf_counter() - start):.2f} s, "
            f"{len(pdf) / 1024:.0f} KiB"
        )


if __name__ == "__main__":
    main()
