"""The server behind ``poam serve``: gunicorn where it runs, waitress where it cannot, and the
server's tuning in the server's own hooks."""

from __future__ import annotations

import gc
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from poam.web import server
from tests.web.conftest import ROOT


def test_gunicorn_where_it_runs_waitress_where_it_cannot() -> None:
    assert server.choose({}, "posix") == "gunicorn"
    assert server.choose({}, "nt") == "waitress"
    assert server.choose({"POAM_SERVER": "waitress"}, "posix") == "waitress"
    with pytest.raises(ValueError, match="POSIX systems only"):
        server.choose({"POAM_SERVER": "gunicorn"}, "nt")
    with pytest.raises(ValueError, match="choose gunicorn or waitress"):
        server.choose({"POAM_SERVER": "uwsgi"}, "posix")


def test_the_workers_collector_is_tuned_in_the_servers_hooks() -> None:
    options = server.gunicorn_options("127.0.0.1", 8000, workers=2, threads=4)
    assert (options["workers"], options["threads"], options["worker_class"]) == (2, 4, "gthread")
    assert options["preload_app"] is True
    before = gc.get_threshold()
    try:
        options["post_fork"](None, None)
        assert gc.get_threshold() == server.GC_THRESHOLDS
    finally:
        gc.set_threshold(*before)
    assert server.gunicorn_options("::1", 8000, workers=1, threads=1)["bind"] == ["[::1]:8000"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("name", ["gunicorn", "waitress"])
def test_poam_serve_answers_and_stops_cleanly(tmp_path: Path, name: str) -> None:
    port = _free_port()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("POAM_", "DJANGO_", "DATABASE_"))
    }
    env["POAM_SERVER"] = name
    command = [sys.executable, "-m", "poam", "serve", "--port", str(port), "--workers", "2"]
    command += ["--threads", "2", "--data-dir", str(tmp_path / "data")]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 90
        page = b""
        while time.monotonic() < deadline and not page:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5) as r:
                    page = r.read()
            except OSError:
                if process.poll() is not None:
                    break
                time.sleep(0.3)
        assert b"Sign in to poam" in page, (
            process.stderr.read() if process.stderr and process.poll() else ""
        )
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    assert f"with {name}" in out, out
    assert "Traceback" not in err, err
