"""Time and peak memory of ``poam backup`` and ``poam restore`` on the web benchmark's portfolio.

    .venv/bin/python bench/web_data.py --data-dir bench/out/web-sqlite
    .venv/bin/python bench/backup_restore.py --data-dir bench/out/web-sqlite \
        [--pg-url postgres://poam@127.0.0.1:5432/postgres]

Each command runs as its own process (as an operator runs it), measured from outside: wall
time and the peak resident memory of the process. Steps: back up the SQLite installation;
restore it into a new SQLite data directory; with ``--pg-url``, restore the same archive into
a new PostgreSQL database (created beside the URL's, dropped at the end) and back that up.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

MEASURE = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "seconds = time.perf_counter() - start\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(code, seconds, peak, file=sys.stderr)\n"
)


def run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run ``poam ARGS``; returns (seconds, peak MiB)."""
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, sys.executable, "-m", "poam", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    code, seconds, peak = done.stderr.strip().splitlines()[-1].split()
    if code != "0":
        raise SystemExit(f"poam {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return float(seconds), int(peak) / 1024


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POAM_", "DATABASE_URL"))}
    env.update(POAM_SECRET_KEY="bench-" + "k" * 50, **extra)
    return env


def _pg_database(url: str, name: str, *, create: bool) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if create:
            admin.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--pg-url", default="")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="poam-bench-backup-"))
    results = []
    try:
        archive = work / "backup.zip"
        seconds, peak = run(["backup", str(archive), "--data-dir", str(args.data_dir)], _env())
        with zipfile.ZipFile(archive) as zf:
            manifest = json.loads(zf.read("manifest.json"))
        rows = sum(table["rows"] for table in manifest["tables"].values())
        database = (args.data_dir / "poam.sqlite3").stat().st_size
        print(
            f"portfolio: {rows:,} rows, {manifest['evidence']['files']} evidence files; "
            f"SQLite file {database / 1e6:.1f} MB; archive {archive.stat().st_size / 1e6:.1f} MB"
        )
        results.append(("backup, SQLite (server may run)", seconds, peak))
        target = work / "restored"
        seconds, peak = run(["restore", str(archive), "--data-dir", str(target)], _env())
        results.append(("restore into a new SQLite, verify the chain", seconds, peak))
        if args.pg_url:
            url = _pg_database(args.pg_url, "poam_bench_restore", create=True)
            env = _env(DATABASE_URL=url)
            seconds, peak = run(["restore", str(archive), "--data-dir", str(work / "pg")], env)
            results.append(("restore the SQLite backup into PostgreSQL, verify", seconds, peak))
            again = work / "backup-pg.zip"
            seconds, peak = run(["backup", str(again), "--data-dir", str(work / "pg")], env)
            results.append(("backup, PostgreSQL (REPEATABLE READ snapshot)", seconds, peak))
            _pg_database(args.pg_url, "poam_bench_restore", create=False)
        print("| Step | Time (s) | Peak memory (MiB) |")
        print("|---|---:|---:|")
        for step, seconds, peak in results:
            print(f"| {step} | {seconds:.1f} | {peak:.0f} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
