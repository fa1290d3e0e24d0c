"""Assessing systems through the core, with the caches that keep pages fast.

Every score, verdict and finding shown by a page or returned by the API comes from
:func:`poam.core.assess.assess` over a :class:`~poam.web.workbench.seam.read.Snapshot`. Three
caches:

- in memory, the latest snapshots and assessments keyed by (system, revision, day): a page
  visited twice between two changes loads and assesses once;
- on disk, shared by every server process (:mod:`.snapshot_cache`), each system's rows at a
  revision, as JSON, kept a day since a revision never changes (evidence files are hashed when
  assessed, not when loaded): reading them back is cheaper than loading them through the ORM,
  and assessing again (about 2 ms) is cheaper than keeping assessments;
- in the database, each system's :class:`Summary` (score, verdict, days left, counts), which
  the portfolio sorts and pages without assessing anything; a summary is recomputed when the
  system's revision or the day has changed.

Every write bumps the system's revision (:class:`~.history.UnitOfWork`), so no cache can serve
a system as it was before a change.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from poam import __version__
from poam.core.assess import Assessment, assess
from poam.core.catalog import load_catalog
from poam.core.checks.base import Severity
from poam.core.lifecycle import affirmations_due
from poam.core.plan import FullScoreDate, full_score_date
from poam.web.workbench import snapshot_cache
from poam.web.workbench.models import Summary, System
from poam.web.workbench.seam import read, rows
from poam.web.workbench.seam.read import Snapshot

CACHE_SIZE = 256
CACHE_SECONDS = 300
"""Evidence files could change on disk without a revision: re-assess at least this often."""


@dataclass(frozen=True)
class Assessed:
    snapshot: Snapshot
    assessment: Assessment
    kind: str | None

    @property
    def full_score(self) -> FullScoreDate:
        return full_score_date(self.assessment.score, self.assessment.poam)


_lock = threading.Lock()
_cache: OrderedDict[tuple[int, int, date, str | None], tuple[float, Assessed]] = OrderedDict()


def clear_cache() -> None:
    with _lock:
        _cache.clear()
    shared = snapshot_cache.shared()
    if shared is not None:
        shared.clear()


def _cached(key: tuple[int, int, date, str | None]) -> Assessed | None:
    with _lock:
        hit = _cache.get(key)
        if hit is None:
            return None
        stamp, value = hit
        if time.monotonic() - stamp > CACHE_SECONDS:
            del _cache[key]
            return None
        _cache.move_to_end(key)
        return value


def _keep(key: tuple[int, int, date, str | None], value: Assessed) -> None:
    with _lock:
        _cache[key] = (time.monotonic(), value)
        _cache.move_to_end(key)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)


def snapshot_key(system: System) -> str:
    """The shared cache's key: the system, its creation time and revision, and the layout of
    the records, so that an upgrade that changes a record never reads an old shape."""
    created = f"{system.created_at.timestamp():.6f}"
    return f"snapshot:{_layout()}:{system.pk}:{created}:{system.revision}"


@functools.cache
def _layout() -> str:
    """A digest of poam's version and the fields of every record a snapshot keeps."""
    return hashlib.sha256(f"{__version__}\n{rows.layout()}".encode()).hexdigest()[:12]


def load_snapshot(system: System) -> Snapshot:
    """The system's snapshot from the shared cache when its revision is there, else the seam.

    The key holds the system's creation time as well as its id and revision, so that two
    databases sharing a data directory (or an id reused after a rollback) never share an
    entry; and a snapshot read inside a transaction is never stored, since the transaction
    (and the revision it bumped) may still roll back.
    """
    store = snapshot_cache.shared()
    if store is None:
        return read.load(system)
    key = snapshot_key(system)
    data = store.get(key)
    if data is not None:
        try:
            return read.snapshot(system, *rows.from_json(data))
        except ValueError:
            store.delete(key)  # not rows of this layout: load it again
    snapshot = read.load(system)
    if not transaction.get_connection().in_atomic_block:
        store.set(
            key,
            rows.to_json(
                list(snapshot.records.values()),
                list(snapshot.poam_rows.values()),
                list(snapshot.entries),
            ),
        )
    return snapshot


def assess_snapshot(snapshot: Snapshot, as_of: date, kind: str | None = None) -> Assessed:
    kind = kind if kind in snapshot.poams else snapshot.primary_kind
    result = assess(
        snapshot.ssp,
        snapshot.poam(kind),
        as_of=as_of,
        catalog=load_catalog(),
        evidence=snapshot.evidence,
    )
    return Assessed(snapshot, result, kind)


def system_assessment(system: System, as_of: date, kind: str | None = None) -> Assessed:
    """The system's assessment on ``as_of`` for one of its POA&Ms (default: the primary one)."""
    key = (system.pk, system.revision, as_of, kind)
    hit = _cached(key)
    if hit is not None:
        return hit
    result = assess_snapshot(load_snapshot(system), as_of, kind)
    _keep(key, result)
    refresh_summary(result)
    return result


def summary_values(assessed: Assessed) -> dict[str, object]:
    result = assessed.assessment
    poam = result.poam
    return {
        "revision": assessed.snapshot.system.revision,
        "as_of": result.as_of,
        "score": result.score.value,
        "provisional": result.score.provisional,
        "verdict": result.verdict.verdict.value,
        "readiness": result.ready.verdict.value,
        "valid_until": result.verdict.valid_until,
        "affirmation_due": min(
            (
                due.due
                for due in affirmations_due(result.verdict, result.ssp.cmmc, result.as_of)
                if due.done is None
            ),
            default=None,
        ),
        "closeout_deadline": result.verdict.closeout_deadline,
        "days_left": result.verdict.days_left,
        "errors": result.count(Severity.ERROR),
        "warnings": result.count(Severity.WARNING),
        "infos": result.count(Severity.INFO),
        "entries": 0 if poam is None else len(poam.items),
        "open_entries": 0 if poam is None else len(poam.open_items),
    }


def refresh_summary(assessed: Assessed) -> None:
    """Store the summary of a primary-POA&M assessment (others are not summarised)."""
    if assessed.kind != assessed.snapshot.primary_kind:
        return
    system = assessed.snapshot.system
    values = summary_values(assessed)
    current = Summary.objects.filter(system_id=system.pk).values(*values).first()
    if current != values:  # a page view writes only when the summary really changed
        Summary.objects.update_or_create(system_id=system.pk, defaults=values)


def ensure_summaries(systems: Iterable[System], as_of: date) -> int:
    """Recompute the summaries that are missing, out of date or from another day.

    ``systems`` should come with ``select_related("summary")``. Loads the stale ones in
    batches (six queries per batch) and writes their summaries; returns how many.
    """
    stale = []
    for system in systems:
        summary = getattr(system, "summary", None) if _has_summary(system) else None
        if summary is None or summary.revision != system.revision or summary.as_of != as_of:
            stale.append(system)
    for start in range(0, len(stale), 100):
        batch = stale[start : start + 100]
        snapshots = read.load_many(batch)
        with transaction.atomic():
            for system in batch:
                assessed = assess_snapshot(snapshots[system.pk], as_of)
                Summary.objects.update_or_create(
                    system_id=system.pk, defaults=summary_values(assessed)
                )
    return len(stale)


def _has_summary(system: System) -> bool:
    try:
        system.summary  # noqa: B018 -- a missing one-to-one row raises
    except Summary.DoesNotExist:
        return False
    return True
