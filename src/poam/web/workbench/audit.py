"""Appending to the change log's hash chain, and verifying it (``poam audit verify``).

:func:`append` is how a unit of work (:mod:`.history`) writes its rows: it locks the chain's
head, numbers the rows, links each to the one before (:mod:`.chain`) and inserts them in one
statement. :func:`verify` walks the whole log in order, recomputes every link, and reports the
first that does not hold: a row changed, removed, inserted or reordered behind the
application's back (the database triggers of migration 0003 already refuse updates and
deletes; this finds what was done without them, e.g. by editing the SQLite file).

Deleting an organization erases its rows' content but not their place: :func:`tombstone` turns
each into a tombstone (``seq`` and ``digest`` kept, everything else emptied) under a
:class:`~.models.ChangePurge`, the one update the triggers of migration 0300 allow. The chain
links through a tombstone's stored digest (its content is gone, so its own link cannot be
recomputed); the purge records how many rows it erased and the SHA-256 of their (seq, digest)
list, and the deletion's own row of the chain carries that SHA-256, so :func:`verify` proves
the tombstones are exactly those the deletion made, and no row was made one behind its back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, models

from poam.web.workbench.chain import FIELDS, GENESIS, link
from poam.web.workbench.models import Change, ChangeLogHead, ChangePurge

PURGE_ACTION = "purge"
"""The action of the row that records an organization's deletion (and its tombstones' digest)."""
PURGE_FIELD = "tombstones"


def _values(row: Change) -> dict[str, Any]:
    return {name: getattr(row, name) for name in FIELDS}


def _locked_head() -> ChangeLogHead:
    """The chain's head, locked until the transaction ends (writers queue here)."""
    head = ChangeLogHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    # A database emptied by hand (or by a test's flush) has no head: start after its last row.
    last = Change.objects.order_by("-seq").values_list("seq", "digest").first()
    seq, digest = last if last is not None else (0, GENESIS)
    ChangeLogHead.objects.get_or_create(pk=1, defaults={"seq": seq, "digest": digest})
    return ChangeLogHead.objects.select_for_update().get(pk=1)


def append(rows: Sequence[Change]) -> list[Change]:
    """Number, chain and insert ``rows`` (inside the caller's transaction); returns them."""
    if not rows:
        return []
    head = _locked_head()
    previous, seq = head.digest, head.seq
    for row in rows:
        seq += 1
        row.seq = seq
        row.digest = link(previous, _values(row))
        previous = row.digest
    created = Change.objects.bulk_create(rows)
    ChangeLogHead.objects.filter(pk=1).update(seq=seq, digest=previous)
    return created


def open_purge(purge: ChangePurge) -> ChangePurge:
    """Save ``purge`` open, for this transaction only (PostgreSQL checks the transaction)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT txid_current()")
            purge.txid = int(cursor.fetchone()[0])
    purge.open = True
    purge.save()
    return purge


def tombstones_digest(rows: Sequence[tuple[int, str]]) -> str:
    """SHA-256 of a purge's tombstones: each one's ``seq`` and ``digest``, in order."""
    digest = hashlib.sha256()
    for seq, row_digest in rows:
        digest.update(f"{seq}:{row_digest}\n".encode("ascii"))
    return digest.hexdigest()


def tombstone(purge: ChangePurge) -> tuple[int, str]:
    """Turn every row of the purge's organization into a tombstone (inside the caller's
    transaction, with the purge open); returns how many and their digest."""
    rows = list(
        Change.objects.filter(organization_id=purge.organization_id, purge__isnull=True)
        .order_by("seq")
        .values_list("seq", "digest")
    )
    # the one sanctioned update of the log: a plain queryset (Change's own refuses), which the
    # database's trigger allows only into a tombstone under this open purge
    models.QuerySet(model=Change).filter(
        organization_id=purge.organization_id, purge__isnull=True
    ).update(
        purge=purge,
        organization=None,
        system=None,
        object_type="",
        object_id=None,
        object_label="",
        action="",
        field="",
        old=None,
        new=None,
        reason="",
        user=None,
        user_label="",
        ip_address=None,
        batch="",
        at=purge.at,
    )
    return len(rows), tombstones_digest(rows)


def close_purge(purge: ChangePurge, *, rows: int, digest: str, recorded_seq: int) -> None:
    """Close the purge (its last change): it can never be used or changed again."""
    ChangePurge.objects.filter(pk=purge.pk, open=True).update(
        rows=rows, tombstones_digest=digest, recorded_seq=recorded_seq, open=False
    )


@dataclass(frozen=True)
class BrokenLink:
    """The first place where the chain does not hold."""

    seq: int
    change_id: int | None
    at: datetime | None
    problem: str


@dataclass(frozen=True)
class Verification:
    rows: int
    """How many rows were checked (all of them when the chain holds)."""
    last_seq: int
    last_digest: str
    """The digest of the last row: note it elsewhere to detect the whole log being replaced."""
    broken: BrokenLink | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def verify(chunk_size: int = 2000) -> Verification:
    """Recompute every link of the chain, in order; stop at the first broken one.

    A tombstone's content is gone: the chain links through its stored digest, and the
    tombstones of each purge are checked against the purge and the deletion's own row.
    """
    previous, expected, count = GENESIS, 1, 0
    last: dict[str, Any] | None = None
    purged: dict[int, list[tuple[int, str]]] = {}
    recorded: dict[int, str | None] = {}
    rows = Change.objects.order_by("seq").values("id", "digest", "purge_id", *FIELDS)
    for row in rows.iterator(chunk_size=chunk_size):
        if row["seq"] != expected:
            problem = (
                f"row #{expected} is missing: the log goes from #{expected - 1} to #{row['seq']}"
                if row["seq"] > expected
                else f"row #{row['seq']} appears twice or out of order"
            )
            return Verification(
                count, expected - 1, previous, BrokenLink(expected, None, None, problem)
            )
        if row["purge_id"] is not None:
            purged.setdefault(row["purge_id"], []).append((row["seq"], row["digest"]))
        elif link(previous, row) != row["digest"]:
            problem = (
                f"row #{row['seq']} does not match its digest: it was changed after it was "
                "written, or was not written by poam"
            )
            return Verification(
                count, expected - 1, previous, BrokenLink(row["seq"], row["id"], row["at"], problem)
            )
        elif row["action"] == PURGE_ACTION and row["field"] == PURGE_FIELD:
            recorded[row["seq"]] = row["new"]
        previous, expected, count, last = row["digest"], expected + 1, count + 1, row
    last_seq = 0 if last is None else int(last["seq"])
    broken = _purges_hold(purged, recorded)
    if broken is not None:
        return Verification(count, last_seq, previous, broken)
    head = ChangeLogHead.objects.filter(pk=1).values_list("seq", "digest").first()
    if head is not None and (head[0], head[1]) != (last_seq, previous):
        problem = (
            f"the log ends at row #{last_seq} but its head records row #{head[0]}: "
            "rows were removed from its end"
            if head[0] > last_seq
            else f"the head of the log (row #{head[0]}) does not match its last row #{last_seq}"
        )
        return Verification(
            count, last_seq, previous, BrokenLink(last_seq + 1, None, None, problem)
        )
    return Verification(count, last_seq, previous, None)


def _purges_hold(
    purged: dict[int, list[tuple[int, str]]], recorded: dict[int, str | None]
) -> BrokenLink | None:
    """Each purge's tombstones are those its deletion recorded, in number and digest."""
    purges = {purge.pk: purge for purge in ChangePurge.objects.filter(pk__in=list(purged))}
    for purge_id, tombstones in sorted(purged.items(), key=lambda item: item[1][0][0]):
        first = tombstones[0][0]
        purge = purges.get(purge_id)
        digest = tombstones_digest(tombstones)
        if purge is None or purge.open:
            state = "missing" if purge is None else "still open"
            problem = f"row #{first} is a tombstone of a purge that is {state}"
        elif (purge.rows, purge.tombstones_digest) != (len(tombstones), digest):
            problem = (
                f"the tombstones of the deletion of {purge.organization_slug!r} are not the "
                f"{purge.rows} rows it erased: rows were made tombstones behind its back"
            )
        elif purge.recorded_seq is None or recorded.get(purge.recorded_seq) != digest:
            problem = (
                f"the deletion of {purge.organization_slug!r} is not recorded in the chain "
                f"with its tombstones' digest (row #{purge.recorded_seq})"
            )
        else:
            continue
        return BrokenLink(first, None, None, problem)
    return None
