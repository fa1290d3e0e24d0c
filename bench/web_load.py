"""Latency of the web pages and API under 20 concurrent clients (``poam serve``: gunicorn).

    .venv/bin/python bench/web_data.py --data-dir bench/out/web-sqlite      # once (about 1 min)
    .venv/bin/python bench/web_load.py --data-dir bench/out/web-sqlite
    DATABASE_URL=postgres://... (same two commands, another data dir) for PostgreSQL

Starts ``poam serve --workers 2`` on the generated portfolio (500 organizations x 2 systems),
signs 20 clients in as the consultant who sees every system, and has them request, as fast as
they can (closed loop; ``--think MS`` adds a person's pause between clicks), random systems'
dashboards, SSP editors, POA&M entries, portfolio pages and the main API calls. Prints the
median and 95th percentile per kind of request, and writes them to
``bench/out/web-<database>-<clients>clients-<mode>.json``. Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from serving import wait_for

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PASSWORD = "bench-password"


class Session:
    """One client: a keep-alive connection with its own cookies (session and CSRF)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.token: str | None = None

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=sent)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt:
                    raise
        for header in response.headers.get_all("Set-Cookie") or ():
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data

    def login(self, username: str) -> None:
        _status, page = self.request("GET", "/account/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token is not None, "no CSRF token on the login page"
        body = urlencode(
            {"login": username, "password": PASSWORD, "csrfmiddlewaretoken": token[1].decode()}
        ).encode()
        status, _ = self.request(
            "POST",
            "/account/login/",
            body,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": "http://127.0.0.1/"},
        )
        assert status == 302, f"login failed ({status})"


def targets(env: dict[str, str]) -> dict[str, Any]:
    """System ids, entry ids and an API token, read from the benchmark's database."""
    code = (
        "import django, json; django.setup()\n"
        "from poam.web.workbench.models import System, Entry, ApiToken\n"
        "from django.contrib.auth import get_user_model\n"
        "msp = get_user_model().objects.get(username='msp')\n"
        "ApiToken.objects.filter(user=msp, name='bench').delete()\n"
        "_t, clear = ApiToken.issue(msp, 'bench')\n"
        "print(json.dumps({'systems': list(System.objects.values_list('pk', flat=True)),"
        " 'entries': list(Entry.objects.filter(deleted_at=None).values_list('pk', flat=True)),"
        " 'token': clear}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def scenarios(data: dict[str, Any]) -> dict[str, Any]:
    systems, entries = data["systems"], data["entries"]
    pages = max(1, len(systems) // 50)
    api = {"Authorization": f"Bearer {data['token']}"}
    return {
        "page: dashboard": lambda r: ("GET", f"/systems/{r.choice(systems)}/", None),
        "page: portfolio (sorted by score)": lambda r: (
            "GET",
            f"/?sort=score&page={r.randint(1, pages)}",
            None,
        ),
        "page: SSP editor (one family)": lambda r: (
            "GET",
            f"/systems/{r.choice(systems)}/ssp/",
            None,
        ),
        "page: POA&M entry": lambda r: ("GET", f"/entries/{r.choice(entries)}/", None),
        "page: POA&M list": lambda r: ("GET", f"/systems/{r.choice(systems)}/poam/", None),
        "api: GET assessment": lambda r: (
            "GET",
            f"/api/systems/{r.choice(systems)}/assessment",
            api,
        ),
        "api: GET systems (portfolio)": lambda r: (
            "GET",
            f"/api/systems?sort=-score&offset={50 * r.randint(0, pages - 1)}",
            api,
        ),
        "api: GET entries": lambda r: ("GET", f"/api/systems/{r.choice(systems)}/entries", api),
    }


def run(
    port: int,
    name: str,
    make: Any,
    clients: int,
    per_client: int,
    sessions: list[Session],
    think_ms: float = 0,
) -> dict[str, Any]:
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()

    def work(index: int) -> None:
        rnd = random.Random(f"{name}-{index}")
        session = sessions[index]
        mine = []
        for _ in range(per_client):
            if think_ms:  # a person reading the page before the next click
                time.sleep(rnd.expovariate(1000 / think_ms))
            method, path, headers = make(rnd)
            started = time.perf_counter()
            status, _body = session.request(method, path, headers=headers)
            mine.append((time.perf_counter() - started) * 1000)
            if status != 200:
                with lock:
                    errors.append(status)
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "median_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
        "max_ms": round(ordered[-1], 1),
        "per_second": round(len(ordered) / elapsed, 1),
        "errors": len(errors),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=BENCH / "out" / "web-sqlite")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=25, help="per client and scenario")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8, help="per worker process")
    parser.add_argument("--only", help="run only the scenarios whose name contains this")
    parser.add_argument(
        "--think",
        type=float,
        default=0,
        help="mean pause of each client between requests, ms (0: none)",
    )
    args = parser.parse_args()

    env = dict(os.environ)
    env.update(
        {
            "POAM_DATA_DIR": str(args.data_dir.resolve()),
            "POAM_TODAY": "2026-11-20",
            "DJANGO_SETTINGS_MODULE": "poam.web.settings",
            "POAM_LOG_LEVEL": "ERROR",
        }
    )
    env.setdefault("POAM_SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
    database = "postgresql" if env.get("DATABASE_URL") else "sqlite"
    data = targets(env)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "poam",
            "serve",
            "--port",
            str(args.port),
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(args.port)
        sessions = [Session(args.port) for _ in range(args.clients)]
        for session in sessions:
            session.login("msp")
        results = {}
        for name, make in scenarios(data).items():
            if args.only and args.only not in name:
                continue
            run(args.port, name, make, args.clients, 3, sessions)  # warm the connections
            results[name] = run(
                args.port, name, make, args.clients, args.requests, sessions, args.think
            )
            line = results[name]
            print(
                f"{name:38} median {line['median_ms']:7.1f} ms  p95 {line['p95_ms']:7.1f} ms  "
                f"max {line['max_ms']:7.1f} ms  {line['per_second']:6.1f}/s  "
                f"errors {line['errors']}",
                flush=True,
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    mode = f"{args.clients}clients-" + (f"think{int(args.think)}" if args.think else "flat-out")
    out = BENCH / "out" / f"web-{database}-{mode}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "database": database,
                "clients": args.clients,
                "workers": args.workers,
                "threads": args.threads,
                "think_ms": args.think,
                "results": results,
            },
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
