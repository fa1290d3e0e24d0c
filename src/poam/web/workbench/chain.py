"""The change log's hash chain, as pure functions (no database).

Each row's digest is the SHA-256 of the previous row's digest and the row's own content in a
fixed, canonical form; the first row follows :data:`GENESIS`. Changing, removing, inserting or
reordering a row therefore breaks the link of the row after it, which :mod:`.audit` reports.
The canonical form must never change for rows already written: a new field goes at the end and
is left out while empty, so that older rows keep their digests.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64
"""The digest the first row chains to."""

FIELDS = (
    "seq",
    "at",
    "organization_id",
    "system_id",
    "object_type",
    "object_id",
    "object_label",
    "action",
    "field",
    "old",
    "new",
    "reason",
    "user_id",
    "user_label",
    "ip_address",
    "batch",
)
"""What a digest covers, in this order (every column but ``id`` and ``digest``)."""


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        # one spelling whatever the database returns: UTC, microseconds
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    return value


def canonical(row: Mapping[str, Any]) -> bytes:
    """The bytes a row's digest covers: its :data:`FIELDS` as a compact JSON array."""
    values = [_plain(row.get(name)) for name in FIELDS]
    return json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def link(previous: str, row: Mapping[str, Any]) -> str:
    """The digest of ``row`` following a row whose digest is ``previous``."""
    digest = hashlib.sha256()
    digest.update(previous.encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical(row))
    return digest.hexdigest()
