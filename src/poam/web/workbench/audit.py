"""Appending to the change log's hash chain, and verifying it (``poam audit verify``).

:func:`append` is how a unit of work (:mod:`.history`) writes its rows: it locks the chain's
head, numbers the rows, links each to the one before (:mod:`.chain`) and inserts them in one
statement. :func:`verify` walks the whole log in order, recomputes every link, and reports the
first that does not hold: a row changed, removed, inserted or reordered behind the
application's back (the database triggers of migration 0003 already refuse updates and
deletes; this finds what was done without them, e.g. by editing the SQLite file).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from poam.web.workbench.chain import FIELDS, GENESIS, link
from poam.web.workbench.models import Change, ChangeLogHead


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
    """Recompute every link of the chain, in order; stop at the first broken one."""
    previous, expected, count = GENESIS, 1, 0
    last: dict[str, Any] | None = None
    rows = Change.objects.order_by("seq").values("id", "digest", *FIELDS)
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
        if link(previous, row) != row["digest"]:
            problem = (
                f"row #{row['seq']} does not match its digest: it was changed after it was "
                "written, or was not written by poam"
            )
            return Verification(
                count, expected - 1, previous, BrokenLink(row["seq"], row["id"], row["at"], problem)
            )
        previous, expected, count, last = row["digest"], expected + 1, count + 1, row
    head = ChangeLogHead.objects.filter(pk=1).values_list("seq", "digest").first()
    last_seq = 0 if last is None else int(last["seq"])
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
