"""Bounded password hashing: at most N argon2 computations at once, the rest refused with 503.

Issue 8 measured 16 anonymous clients pushing the server to 1.1 GB (100 MiB of argon2 each);
these tests prove the bound holds across threads and processes and that a refusal is a clean
503 with Retry-After (the memory figures are in bench/RESULTS.md).
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from typing import Any

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, make_password
from django.test import Client

from poam.web.accounts import hashing
from poam.web.accounts.hashing import BoundedArgon2PasswordHasher, HashingBusy


@pytest.fixture
def bounded(settings: Any) -> Any:
    settings.PASSWORD_HASHERS = ["poam.web.accounts.hashing.BoundedArgon2PasswordHasher"]
    settings.POAM_HASH_CONCURRENCY = 2
    settings.POAM_HASH_WAIT = 5.0
    return settings


def test_hashes_are_plain_argon2(bounded: Any) -> None:
    encoded = make_password("a-long-test-password")
    assert encoded.startswith("argon2$")
    assert Argon2PasswordHasher().verify("a-long-test-password", encoded)
    assert check_password("a-long-test-password", encoded)


def test_never_more_than_the_limit_at_once(bounded: Any, monkeypatch: Any) -> None:
    running, peak, lock = 0, 0, threading.Lock()

    def slow_verify(self: Any, password: str, encoded: str) -> bool:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.05)
        with lock:
            running -= 1
        return True

    monkeypatch.setattr(Argon2PasswordHasher, "verify", slow_verify)
    hasher = BoundedArgon2PasswordHasher()
    threads = [threading.Thread(target=hasher.verify, args=("pw", "argon2$x")) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert peak == 2


def test_a_sign_in_finding_no_free_slot_gets_503(bounded: Any, world: Any) -> None:
    bounded.POAM_HASH_CONCURRENCY = 1
    bounded.POAM_HASH_WAIT = 0.05
    with hashing.slot():  # another sign-in is hashing
        response = Client().post(
            "/account/login/", {"login": "editor", "password": "whatever it is"}
        )
    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert "busy" in response.content.decode()


HOLD = """
import fcntl, os, sys, time
handle = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.flock(handle, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(30)
"""


def test_the_bound_is_shared_with_other_processes(bounded: Any) -> None:
    bounded.POAM_HASH_CONCURRENCY = 1
    bounded.POAM_HASH_WAIT = 0.1
    slot_file = hashing._slot_dir() / "slot-0.lock"
    other = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(slot_file)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "held"
        with pytest.raises(HashingBusy), hashing.slot():
            pass
    finally:
        other.kill()
        other.wait()
        if other.stdout is not None:
            other.stdout.close()
    with hashing.slot():  # the kernel freed the dead process's slot
        pass
