"""Imports under load: 20 writers save while large imports run (issue 8).

    .venv/bin/python bench/web_import.py                    # this checkout, SQLite
    DATABASE_URL=postgres://... .venv/bin/python bench/web_import.py --database-name bench_import
    .venv/bin/python bench/web_import.py --before main      # the code of a git revision

Starts ``poam serve`` (one process, 24 threads, a fresh data directory; with ``DATABASE_URL``
a PostgreSQL database, created empty) holding one system (``examples/acme-enclave``), then for
``--seconds``:

- ``--writers`` clients (default 20) each add a comment to the system through the API as fast
  as they can (closed loop): a write that needs the database's write lock;
- ``--importers`` clients (default 2) import, again and again, a large native POA&M
  (``--entries`` entries, about 1 kB each) through the API's one-step import, and one client
  sends a file over ``POAM_MAX_IMPORT_MB`` and a billion-laughs YAML in turn (refused).

It reports each kind's statuses, median and 95th-percentile latency, and the server's peak
resident memory (sampled every 20 ms). Before this work (``--before``), the writes that found
the database locked answered 500; now they wait for the lock (SQLite's 20 s) or answer 503
with Retry-After. Traffic goes to 127.0.0.1 only; every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

from serving import free_port, rss_mib, source, wait_for

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SETUP = """
import django, json
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from django.contrib.auth import get_user_model
from poam.formats.native import load_poam, load_ssp
from poam.web.workbench.history import Actor
from poam.web.workbench.models import ApiToken, Membership, Organization
from poam.web.workbench.services.systems import create_system_from
user = get_user_model().objects.create_user(username="admin", password="bench-password-0123")
org = Organization.objects.create(name="Bench", slug="bench")
Membership.objects.create(user=user, organization=org, role="administrator")
examples = {examples!r}
system = create_system_from(
    Actor(None, "bench"), org, load_ssp(examples + "/ssp.yaml"),
    (load_poam(examples + "/poam.yaml"),),
)
token = ApiToken.issue(user, "bench", scope="write")[1]
print(json.dumps({{"system": system.pk, "token": token}}))
"""


def big_poam(entries: int) -> bytes:
    """A native POA&M of ``entries`` open entries with a milestone each (about 1 kB apiece)."""
    requirements = ["3.1.1", "3.1.2", "3.3.1", "3.4.1", "3.5.3", "3.13.11", "3.14.1"]
    lines = ["poam:", "  kind: internal", "  maintainer: Bench", "items:"]
    for number in range(entries):
        lines += [
            f"  - id: BENCH-{number:05d}",
            f"    requirement: '{requirements[number % len(requirements)]}'",
            "    gap: >-",
            "      " + "The control is not yet in place on every workstation of the enclave; " * 6,
            "    remediation:",
            "      - Deploy the configuration profile to the remaining workstations",
            "      - Verify on a sample of ten and record the evidence",
            "    owner: Bench Owner",
            "    status: in-progress",
            "    created: 2026-01-05",
            "    milestones:",
            "      - title: Profile deployed everywhere",
            "        due: 2027-03-01",
        ]
    return ("\n".join(lines) + "\n").encode()


def laughs() -> bytes:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        previous, name = chr(ord("a") + level - 1), chr(ord("a") + level)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    return ("\n".join(lines) + "\n").encode()


def multipart(field: str, name: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


class Api:
    """One client: a keep-alive connection with the bearer token."""

    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)

    def request(
        self, method: str, path: str, body: bytes | None = None, kind: str | None = None
    ) -> int:
        headers = {"Authorization": f"Bearer {self.token}"}
        if kind:
            headers["Content-Type"] = kind
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                response.read()
                return response.status
            except (http.client.HTTPException, ConnectionError, TimeoutError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
                if attempt:
                    return 0
        return 0


def summary(latencies: list[float], statuses: Counter[int]) -> dict[str, Any]:
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "p50_ms": round(statistics.median(ordered), 1) if ordered else None,
        "p95_ms": round(ordered[max(0, math.ceil(len(ordered) * 0.95) - 1)], 1)
        if ordered
        else None,
        "max_ms": round(ordered[-1], 1) if ordered else None,
    }


def load(port: int, pid: int, target: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    stop = time.monotonic() + args.seconds
    lock = threading.Lock()
    kinds = ("write", "import", "refused")
    latencies: dict[str, list[float]] = {k: [] for k in kinds}
    statuses: dict[str, Counter[int]] = {k: Counter() for k in kinds}
    peak = [rss_mib(pid)]
    system, token = target["system"], target["token"]
    poam = multipart("poam", "big-poam.yaml", big_poam(args.entries))
    oversized = multipart("poam", "huge.yaml", b"# " + b"x" * (args.max_import_mb << 20) + b"\n")
    hostile = multipart("ssp", "laughs.yaml", laughs())

    def timed(kind: str, call: Any) -> None:
        started = time.perf_counter()
        status = call()
        with lock:
            latencies[kind].append((time.perf_counter() - started) * 1000)
            statuses[kind][status] += 1

    def writer(index: int) -> None:
        client = Api(port, token)
        body = json.dumps({"text": f"comment from writer {index}"}).encode()
        while time.monotonic() < stop:
            timed(
                "write",
                lambda: client.request(
                    "POST", f"/api/systems/{system}/comments", body, "application/json"
                ),
            )

    def importer() -> None:
        client = Api(port, token)
        while time.monotonic() < stop:
            timed(
                "import",
                lambda: client.request("POST", f"/api/systems/{system}/import", *poam),
            )

    def refuser() -> None:
        client = Api(port, token)
        turn = 0
        while time.monotonic() < stop:
            body = oversized if turn % 2 == 0 else hostile
            turn += 1
            timed(
                "refused",
                lambda body=body: client.request("POST", f"/api/systems/{system}/import", *body),
            )

    def sampler() -> None:
        while time.monotonic() < stop + 2:
            peak[0] = max(peak[0], rss_mib(pid))
            time.sleep(0.02)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(args.writers)]
    threads += [threading.Thread(target=importer) for _ in range(args.importers)]
    threads += [threading.Thread(target=refuser), threading.Thread(target=sampler)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=args.seconds + 600)
    return {
        "seconds": round(time.monotonic() - started, 1),
        "writers": args.writers,
        "importers": args.importers,
        "entries": args.entries,
        "import_file_mb": round(len(poam[0]) / (1 << 20), 2),
        "peak_rss_mib": round(peak[0], 1),
        **{kind: summary(latencies[kind], statuses[kind]) for kind in kinds},
    }


def run(source: Path, args: argparse.Namespace) -> dict[str, Any]:
    data = Path(tempfile.mkdtemp(prefix="poam-import-bench-"))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("POAM_", "DATABASE_"))},
        "PYTHONPATH": str(source),
        "DJANGO_SETTINGS_MODULE": "poam.web.settings",
        "POAM_DATA_DIR": str(data),
        "POAM_SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "POAM_MAX_IMPORT_MB": str(args.max_import_mb),
        "POAM_LOG_LEVEL": "ERROR",
        "POAM_TODAY": "2026-11-20",
    }
    if os.environ.get("DATABASE_URL"):
        base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        admin = os.environ["DATABASE_URL"]
        subprocess.run([sys.executable, "-c", _recreate(admin, args.database_name)], check=True)
        env["DATABASE_URL"] = f"{base}/{args.database_name}"
    setup = SETUP.format(examples=str(ROOT / "examples" / "acme-enclave"))
    out = subprocess.run(
        [sys.executable, "-c", setup], env=env, cwd=data, check=True, capture_output=True, text=True
    )
    target = json.loads(out.stdout.strip().splitlines()[-1])
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "poam", "serve", "--port", str(port), "--threads", "24"],
        env=env,
        cwd=data,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port)
        result = load(port, server.pid, target, args)
        result["database"] = "postgresql" if env.get("DATABASE_URL") else "sqlite"
        result["code"] = args.before or "this checkout"
        print(json.dumps(result), flush=True)
        return result
    finally:
        server.terminate()
        server.wait(timeout=60)
        shutil.rmtree(data, ignore_errors=True)


def _recreate(url: str, name: str) -> str:
    return (
        "import psycopg\n"
        f"with psycopg.connect({url!r}, autocommit=True) as c:\n"
        f"    c.execute('DROP DATABASE IF EXISTS {name} WITH (FORCE)')\n"
        f"    c.execute('CREATE DATABASE {name}')\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--importers", type=int, default=2)
    parser.add_argument("--entries", type=int, default=3000)
    parser.add_argument("--max-import-mb", type=int, default=10, help="POAM_MAX_IMPORT_MB")
    parser.add_argument("--database-name", default="poam_bench_import")
    parser.add_argument("--before", metavar="REV", help="run the code of this git revision")
    args = parser.parse_args()
    with source(args.before) as src:
        run(src, args)


if __name__ == "__main__":
    main()
