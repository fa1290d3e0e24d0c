"""At most N password hashes at once on this machine; the rest wait briefly, then get 503.

Each argon2 computation (Django's default parameters) takes about 100 MiB and a core for a
tenth of a second. Without a bound, 16 anonymous clients posting passwords made the server grow
to 1.1 GB and a 7 ms page take a second. Here every hash, whatever asks for it (sign-in, the
dummy hash for an unknown user name, a password change), first takes one of
``POAM_HASH_CONCURRENCY`` slots (default 2). The slots are lock files in the data directory,
shared by every server process of the machine (``flock``: the kernel frees a slot when its
process dies). A request that finds no free slot within ``POAM_HASH_WAIT`` seconds is refused
with :class:`HashingBusy` (503 with ``Retry-After``) instead of queueing without bound.
"""

from __future__ import annotations

import contextlib
import fcntl  # POSIX only: poam serves from Linux (and other Unix) machines
import os
import random
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher

POLL = 0.01


class HashingBusy(Exception):
    """Every hashing slot stayed busy: answer 503 with ``Retry-After``."""

    def __init__(self, retry_after: int = 1) -> None:
        self.retry_after = retry_after
        super().__init__("the server is busy checking other passwords; try again shortly")


def _limit() -> int:
    return max(1, int(getattr(settings, "POAM_HASH_CONCURRENCY", 2)))


def _wait() -> float:
    return max(0.0, float(getattr(settings, "POAM_HASH_WAIT", 2.0)))


_local_lock = threading.Lock()
_local: dict[int, threading.BoundedSemaphore] = {}


def _semaphore(limit: int) -> threading.BoundedSemaphore:
    with _local_lock:
        if limit not in _local:
            _local[limit] = threading.BoundedSemaphore(limit)
        return _local[limit]


def _slot_dir() -> Path:
    path = Path(settings.DATA_DIR) / "hashing"
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def slot() -> Iterator[None]:
    """Hold one hashing slot for the duration of the block (or raise :class:`HashingBusy`)."""
    limit, deadline = _limit(), time.monotonic() + _wait()
    # Threads of this process first queue on a semaphore (cheap), then on the shared files.
    local = _semaphore(limit)
    if not local.acquire(timeout=_wait()):
        raise HashingBusy()
    try:
        handle = _take_file_slot(limit, deadline)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
            os.close(handle)
    finally:
        local.release()


def _take_file_slot(limit: int, deadline: float) -> int:
    directory = _slot_dir()
    order = list(range(limit))
    while True:
        random.shuffle(order)
        for index in order:
            handle = os.open(directory / f"slot-{index}.lock", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(handle)
                continue
            return handle
        if time.monotonic() >= deadline:
            raise HashingBusy()
        time.sleep(POLL)


class BoundedArgon2PasswordHasher(Argon2PasswordHasher):
    """Django's argon2 hasher (same algorithm name, same hashes), inside a hashing slot."""

    def encode(self, password: str, salt: str) -> str:
        with slot():
            return super().encode(password, salt)

    def verify(self, password: str, encoded: str) -> bool:
        with slot():
            return super().verify(password, encoded)
