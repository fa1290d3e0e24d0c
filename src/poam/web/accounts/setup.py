"""The first-run setup token: who may create the first administrator of a new installation.

``poam serve`` writes a random token into the data directory while no user exists and prints the
setup address with it; the setup page accepts only that token and only while there is no user,
so a server reachable by others cannot be claimed by whoever comes first.
"""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model


def _path() -> Path:
    return Path(settings.DATA_DIR) / "setup_token"


def needed() -> bool:
    return not get_user_model().objects.exists()


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
    if not token or not path.is_file():
        return False
    return hmac.compare_digest(path.read_text("utf-8").strip(), token.strip())


def consume() -> None:
    _path().unlink(missing_ok=True)
