"""The first-run setup token: who may create the first administrator of a new installation.

``poam serve`` writes a random token into the data directory while no user exists and prints the
setup address with it; the setup page accepts only that token and only while there is no user,
so a server reachable by others cannot be claimed by whoever comes first. Under a race (several
requests with the token at once) exactly one administrator is created: see :func:`claim`.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from poam.web.accounts.models import SetupClaim

CLAIM = "first-administrator"


class AlreadyClaimed(Exception):
    """Another request created the first administrator first."""


def _path() -> Path:
    return Path(settings.DATA_DIR) / "setup_token"


def needed() -> bool:
    return not get_user_model().objects.exists() and not SetupClaim.objects.exists()


def issue() -> str:
    path = _path()
    if path.is_file():
        kept = path.read_text("utf-8").strip()
        if kept:
            return kept
    token = secrets.token_urlsafe(24)
    path.write_text(token + "\n", "utf-8")
    path.chmod(0o600)
    return token


def valid(token: str | None) -> bool:
    path = _path()
    if not token or len(token) > 200 or not path.is_file():
        return False
    return hmac.compare_digest(
        path.read_text("utf-8").strip().encode("utf-8"), token.strip().encode("utf-8")
    )


@contextmanager
def claim() -> Iterator[None]:
    """A transaction in which to create the first administrator, or :class:`AlreadyClaimed`.

    Checking "no user yet" and then creating one is a race: two requests can both see no user
    (PostgreSQL's READ COMMITTED lets them). Both insert the one claim row with a unique key in
    their transaction; the database lets exactly one commit, the other gets IntegrityError
    (on SQLite the write lock taken at BEGIN IMMEDIATE serializes them, and the second sees the
    row). The claim rolls back with the transaction, so a failed setup can be tried again.
    """
    try:
        with transaction.atomic():
            if get_user_model().objects.exists():
                raise AlreadyClaimed()
            try:
                with transaction.atomic():
                    SetupClaim.objects.create(key=CLAIM)
            except IntegrityError:
                raise AlreadyClaimed() from None
            yield
    except IntegrityError:
        raise AlreadyClaimed() from None


def consume() -> None:
    _path().unlink(missing_ok=True)
