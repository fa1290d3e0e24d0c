"""Reminders: the core's over 1,000 generated systems, and the calendar feed they make.

    .venv/bin/python bench/reminders.py [--systems 1000]

The core part is `of_assessment()` on systems already assessed (the web application has the
assessment in its cache when it makes reminders); the feed part is the iCalendar document of
every reminder of those systems a year ahead (`web/workbench/reminders.calendar`), as one user
subscribed to all of them would fetch it. No database: the feed's rows are made in memory.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from systems import systems

from poam.core.assess import assess
from poam.core.reminders import of_assessment

AS_OF = date(2026, 11, 27)
FEED_DAYS = 366


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--systems", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    assessed = [assess(ssp, poam, as_of=AS_OF) for ssp, poam in systems(args.systems)]
    rounds: list[list[float]] = []
    for _ in range(args.rounds):
        times = []
        for assessment in assessed:
            began = time.perf_counter()
            of_assessment(assessment, days_ahead=14)
            times.append(time.perf_counter() - began)
        rounds.append(times)
    best = sorted(min(rounds, key=sum))
    year = [of_assessment(a, days_ahead=FEED_DAYS) for a in assessed]
    count = sum(len(found) for found in year)
    ms = 1000
    print(
        f"systems: {len(assessed)}, reminders per system: 14 days "
        f"{statistics.mean(len(of_assessment(a)) for a in assessed):.1f}, a year "
        f"{count / len(assessed):.1f}"
    )
    print(
        f"of_assessment() per system (14 days), best round: median "
        f"{statistics.median(best) * ms:.3f} ms, p95 {best[int(len(best) * 0.95)] * ms:.3f} ms"
    )

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poam.web.settings")
    os.environ.setdefault("POAM_DATA_DIR", tempfile.mkdtemp(prefix="poam-bench-"))
    os.environ.setdefault("POAM_SECRET_KEY", "bench-only-" + "x" * 40)
    import django

    django.setup()
    from poam.web.workbench.reminders import Reminded, calendar

    rows = [
        Reminded(reminder, index, "Org", f"/systems/{index}/")
        for index, found in enumerate(year)
        for reminder in found
    ]
    feeds = []
    for _ in range(args.rounds):
        began = time.perf_counter()
        document = calendar(rows, AS_OF, "https://poam.example.com")
        feeds.append(time.perf_counter() - began)
    print(
        f"calendar feed of {len(rows)} reminders: best {min(feeds) * ms:.0f} ms "
        f"({min(feeds) / max(len(rows), 1) * 1e6:.0f} us per event), {len(document) // 1024} KiB"
    )


if __name__ == "__main__":
    main()
