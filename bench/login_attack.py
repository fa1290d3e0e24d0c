"""Sign-in under attack: memory, latency and refusals while anonymous clients guess passwords.

    .venv/bin/python bench/login_attack.py                    # this checkout
    .venv/bin/python bench/login_attack.py --before main      # the code of a git revision

Starts ``poam serve`` (one process, 16 threads, a fresh SQLite data directory, argon2 with
Django's parameters) and, for ``--seconds`` each, runs two attacks with ``--clients`` threads:

- ``single``: every guess from one address against one account (the owner's), as the issue's
  "50 wrong passwords in 19 s, then the right one works";
- ``distributed``: every guess from a new address (``X-Forwarded-For`` behind one trusted proxy
  hop) against a new user name, as a botnet stuffing credentials; only the bound on concurrent
  hashing stands between it and the server's memory.

Meanwhile a signed-in person loads a light page every 0.2 s (its latency is reported), the
server's resident memory is sampled every 20 ms (peak reported), and at the end the owner signs
in with the right password from their usual browser (a device cookie from an earlier sign-in)
and from a new one. ``--before REV`` runs the same against ``git archive REV`` (the code
before this work). Traffic goes to 127.0.0.1 only; every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from serving import free_port, rss_mib, source, wait_for

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PASSWORD = "owner-correct-horse-battery-42"
SETUP = f"""
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from django.contrib.auth import get_user_model
get_user_model().objects.create_user(username="owner", password={PASSWORD!r})
"""


class Client:
    """One browser: a keep-alive connection with its cookies; sign-in by the login form."""

    def __init__(self, port: int, address: str | None = None) -> None:
        self.port, self.address = port, address
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes, dict[str, str]]:
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.address:
            sent["X-Forwarded-For"] = self.address
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=sent)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, ConnectionError, TimeoutError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt:
                    return 0, b"", {}
        for header in response.headers.get_all("Set-Cookie") or ():
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data, dict(response.headers.items())

    def sign_in(self, username: str, password: str) -> int:
        """POST the sign-in form (either generation of it); the status code."""
        status, page, _ = self.request("GET", "/account/login/")
        path, field = "/account/login/", "login"
        if status == 404:  # before: Django's LoginView
            status, page, _ = self.request("GET", "/login/")
            path, field = "/login/", "username"
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if token is None:
            return status
        body = urlencode(
            {field: username, "password": password, "csrfmiddlewaretoken": token[1].decode()}
        ).encode()
        status, _, _ = self.request(
            "POST",
            path,
            body,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": "http://127.0.0.1/"},
        )
        return status


def attack(port: int, mode: str, clients: int, seconds: float, pid: int) -> dict[str, Any]:
    stop = time.monotonic() + seconds
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    peak = [rss_mib(pid)]
    probe_latency: list[float] = []
    sequence = iter(range(10**9))

    def guesser(index: int) -> None:
        client = Client(port, "198.51.100.7" if mode == "single" else None)
        while time.monotonic() < stop:
            number = next(sequence)
            if mode == "distributed":
                client.address = f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"
                client.cookies.clear()
                username = f"user{number}"
            else:
                username = "owner"
            status = client.sign_in(username, f"guess-{number}")
            with lock:
                statuses[status] += 1

    def sampler() -> None:
        while time.monotonic() < stop + 1:
            peak[0] = max(peak[0], rss_mib(pid))
            time.sleep(0.02)

    def prober(person: Client) -> None:
        while time.monotonic() < stop:
            started = time.perf_counter()
            person.request("GET", "/account/tokens/")
            probe_latency.append((time.perf_counter() - started) * 1000)
            time.sleep(0.2)

    person = Client(port, "192.0.2.10")
    assert person.sign_in("owner", PASSWORD) == 302, "the probe could not sign in"
    threads = [threading.Thread(target=guesser, args=(i,)) for i in range(clients)]
    threads += [threading.Thread(target=sampler), threading.Thread(target=prober, args=(person,))]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 180)
    elapsed = time.monotonic() - started
    total = sum(statuses.values())
    ordered = sorted(probe_latency)
    # the owner, from their usual browser (device cookie from the probe's sign-in) and a new one
    usual = Client(port, "192.0.2.10")
    usual.cookies = {k: v for k, v in person.cookies.items() if k == "poam_device"}
    fresh = Client(port, "192.0.2.11")
    return {
        "mode": mode,
        "clients": clients,
        "seconds": round(elapsed, 1),
        "attempts": total,
        "attempts_per_s": round(total / elapsed, 1),
        "statuses": dict(sorted(statuses.items())),
        "peak_rss_mib": round(peak[0], 1),
        "probe_ms_p50": round(statistics.median(ordered), 1) if ordered else None,
        "probe_ms_p95": round(ordered[int(len(ordered) * 0.95) - 1], 1) if ordered else None,
        "owner_usual_browser": usual.sign_in("owner", PASSWORD),
        "owner_new_browser": fresh.sign_in("owner", PASSWORD),
    }


def run(source: Path, args: argparse.Namespace) -> list[dict[str, Any]]:
    results = []
    for mode in args.modes.split(","):
        data = Path(tempfile.mkdtemp(prefix="poam-login-bench-"))
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("POAM_", "DATABASE_"))},
            "PYTHONPATH": str(source),
            "DJANGO_SETTINGS_MODULE": "poam.web.settings",
            "POAM_DATA_DIR": str(data),
            "POAM_SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
            "POAM_PROXY_HOPS": "1",
            "POAM_HASH_CONCURRENCY": str(args.hash_concurrency),
            "POAM_HASH_WAIT_MS": str(args.hash_wait_ms),
            "POAM_LOG_LEVEL": "ERROR",
        }
        subprocess.run([sys.executable, "-c", SETUP], env=env, cwd=data, check=True)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "poam", "serve", "--port", str(port), "--threads", "16"],
            env=env,
            cwd=data,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(port)
            idle = rss_mib(server.pid)
            result = attack(port, mode, args.clients, args.seconds, server.pid)
            result["idle_rss_mib"] = round(idle, 1)
            result["hash_concurrency"] = args.hash_concurrency
            result["hash_wait_ms"] = args.hash_wait_ms
            results.append(result)
            print(json.dumps(result), flush=True)
        finally:
            server.terminate()
            server.wait(timeout=30)
            shutil.rmtree(data, ignore_errors=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--modes", default="single,distributed")
    parser.add_argument("--hash-concurrency", type=int, default=2, help="POAM_HASH_CONCURRENCY")
    parser.add_argument("--hash-wait-ms", type=int, default=2000, help="POAM_HASH_WAIT_MS")
    parser.add_argument("--before", metavar="REV", help="run the code of this git revision")
    args = parser.parse_args()
    with source(args.before) as src:
        run(src, args)


if __name__ == "__main__":
    main()
