"""Back-off for failed sign-ins: per address, per account, per trusted device.

Why this shape (OWASP Authentication Cheat Sheet, "Protect against automated attacks" and
"Account lockout"; OWASP "Slow Down Online Guessing Attacks with Device Cookies"; NIST SP 800-63B
section 5.2.2, "Rate Limiting (Throttling)"):

- Every failure adds 1 to a *score* that halves every ``half_life``; past ``free`` failures the
  key is refused for ``base * 2**(score - free - 1)`` seconds, at most ``cap``. The delay grows
  with a burst and decays by itself: there is no permanent lockout to reset, and a guesser is
  held to a few attempts an hour per account (NIST asks for at most 100 consecutive failures).
- A refused attempt is answered 429 with ``Retry-After`` *before* the password is hashed, so a
  throttled guesser costs no argon2 work.
- Keys: the client's address (IPv6 by /64) limits one source across all accounts; the account
  (the user name as typed, known or not, so the answer never tells whether it exists) limits a
  distributed guesser aiming at one person. A browser that has signed in to the account before
  carries a signed device cookie: for it, the account key is replaced by a key of its own, so an
  attacker hammering an account cannot lock its owner out of their usual browser (the device
  cookie method). The address key applies to everyone.
- State lives in the database, shared by every server process and machine.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from poam.web.accounts.models import Backoff


@dataclass(frozen=True)
class Policy:
    free: float
    """Failures allowed (within about a half-life) before any delay."""
    base: float
    """Seconds of the first delay; each further failure doubles it."""
    cap: float
    """The longest delay, in seconds."""
    half_life: float
    """Seconds after which a failure counts half."""


ADDRESS = Policy(free=20, base=1, cap=15 * 60, half_life=30 * 60)
"""An office behind one address makes many honest mistakes; a guesser makes thousands."""
ACCOUNT = Policy(free=5, base=2, cap=15 * 60, half_life=60 * 60)
DEVICE = Policy(free=10, base=1, cap=5 * 60, half_life=30 * 60)
"""A browser that signed in to the account before: its owner's typos, slowed gently."""


PRUNE_CHANCE = 0.01
"""About one failure in a hundred also removes rows that have decayed to nothing."""


class Throttled(Exception):
    """Too many recent failures: answer 429 with ``Retry-After`` (seconds)."""

    def __init__(self, retry_after: int, key: str) -> None:
        self.retry_after = max(1, retry_after)
        self.key = key
        super().__init__(f"too many failed attempts; try again in {self.retry_after} s")


def account_key(username: str) -> str:
    return "account:" + username.strip().casefold()[:150]


def device_key(nonce: str) -> str:
    return "device:" + nonce[:64]


def policy_of(key: str) -> Policy:
    kind = key.split(":", 1)[0]
    return {"address": ADDRESS, "account": ACCOUNT, "device": DEVICE}[kind]


def decay_to(score: float, policy: Policy, since: datetime, now: datetime) -> float:
    elapsed = max(0.0, (now - since).total_seconds())
    return float(score * 0.5 ** (elapsed / policy.half_life))


def delay(score: float, policy: Policy) -> float:
    """Seconds of refusal after a failure that brought the score to ``score``."""
    if score <= policy.free:
        return 0.0
    return float(min(policy.cap, policy.base * 2 ** (score - policy.free - 1)))


def check(keys: list[str], *, now: datetime | None = None) -> None:
    """Raise :class:`Throttled` if any key is still refused (the longest wait wins)."""
    now = now or timezone.now()
    rows = Backoff.objects.filter(key__in=keys, blocked_until__gt=now)
    waits = [(math.ceil((row.blocked_until - now).total_seconds()), row.key) for row in rows]  # type: ignore[operator]
    if waits:
        wait, key = max(waits)
        raise Throttled(wait, key)


def fail(keys: list[str], *, now: datetime | None = None) -> list[str]:
    """Count a failure against every key; returns the keys that have just started a back-off."""
    now = now or timezone.now()
    started = [key for key in keys if _fail_one(key, now)]
    if random.random() < PRUNE_CHANCE:
        prune(now=now)
    return started


def _fail_one(key: str, now: datetime) -> bool:
    policy = policy_of(key)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                row = Backoff.objects.select_for_update().filter(key=key).first()
                if row is None:
                    row = Backoff.objects.create(key=key, score=0.0, updated_at=now)
                before = decay_to(row.score, policy, row.updated_at, now)
                after = before + 1
                wait = delay(after, policy)
                Backoff.objects.filter(pk=row.pk).update(
                    score=after,
                    updated_at=now,
                    blocked_until=now + timedelta(seconds=wait) if wait else None,
                )
                return before <= policy.free < after
        except IntegrityError:  # another request created the row first: read it again
            continue
    return False


def succeed(keys: list[str]) -> None:
    """The account's owner proved who they are: forget the failures of these keys.

    Only account and device keys are forgotten; an address's failures stay (and decay), or a
    guesser with an account of their own could wipe its address's record by signing in.
    """
    Backoff.objects.filter(key__in=[k for k in keys if not k.startswith("address:")]).delete()


def prune(*, now: datetime | None = None) -> int:
    """Remove rows whose score has decayed to nothing (a periodic clean-up)."""
    now = now or timezone.now()
    # 12 half-lives of the slowest policy: the score is under 1/4000 of what it was
    deleted, _ = Backoff.objects.filter(updated_at__lt=now - timedelta(hours=12)).delete()
    return deleted
