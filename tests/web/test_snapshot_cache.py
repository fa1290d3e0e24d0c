"""The shared snapshot cache: served across processes by revision, never stale, never written
inside a transaction that could still roll back, and never more than JSON read back by the row
records (no pickle: a file planted there is refused, not executed)."""

from __future__ import annotations

import json
import os
import pickle
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from poam.core.model import ImplementationStatus
from poam.web.workbench import assessment, snapshot_cache
from poam.web.workbench.history import Actor
from poam.web.workbench.models import Organization, System
from poam.web.workbench.seam import read, rows
from poam.web.workbench.services.ssp import update_requirement
from tests.web.conftest import AS_OF, import_example


def _shared() -> snapshot_cache.SnapshotCache:
    store = snapshot_cache.shared()
    assert store is not None, "the shared cache is on by default"
    return store


def _in_process_cache_cleared() -> None:
    """What another worker process sees: no in-memory cache, the shared one intact."""
    with assessment._lock:
        assessment._cache.clear()


@pytest.mark.django_db(transaction=True)
def test_a_revision_is_loaded_once_and_a_change_is_never_served_stale() -> None:
    _shared().clear()
    org = Organization.objects.create(name="Cache Org", slug="cache-org")
    system = import_example(org, "acme-enclave", with_files=False)
    first = assessment.system_assessment(system, AS_OF)
    first_revision = system.revision
    _in_process_cache_cleared()

    with CaptureQueriesContext(connection) as queries:
        again = assessment.system_assessment(System.objects.get(pk=system.pk), AS_OF)
    loaded = [
        q["sql"]
        for q in queries
        if "poam_requirementrecord" in q["sql"].lower()
        or "workbench_requirementrecord" in q["sql"].lower()
    ]
    assert loaded == []  # the SSP came from the shared cache, not the database
    assert again.assessment.score == first.assessment.score
    assert again.snapshot.system.pk == system.pk

    record = again.snapshot.records["3.4.3"]
    update_requirement(
        Actor(None, "tests"),
        system,
        "3.4.3",
        {
            "status": ImplementationStatus.IMPLEMENTED.value,
            "objectives": {},
            "narrative": "Change board in place.",
        },
        version=record.version,
    )
    _in_process_cache_cleared()
    changed = assessment.system_assessment(System.objects.get(pk=system.pk), AS_OF)
    assert changed.snapshot.system.revision > first_revision
    assert changed.assessment.score.provisional == first.assessment.score.provisional + 1


@pytest.mark.django_db(transaction=True)
def test_nothing_is_stored_from_inside_a_transaction() -> None:
    org = Organization.objects.create(name="Atomic Org", slug="atomic-org")
    system = import_example(org, "summit-conditional", with_files=False)
    # By key, not by counting files: a browser test's live server may still be writing its own.
    key = assessment.snapshot_key(system)
    _shared().delete(key)
    with transaction.atomic():
        assessment.load_snapshot(system)
    assert not _shared().has(key)
    assessment.load_snapshot(system)
    assert _shared().has(key)


@pytest.mark.django_db
def test_an_upgrade_never_reads_an_old_layout(monkeypatch: pytest.MonkeyPatch) -> None:
    org = Organization.objects.create(name="Layout Org", slug="layout-org")
    system = import_example(org, "summit-conditional", with_files=False)
    before = assessment.snapshot_key(system)
    assessment._layout.cache_clear()
    monkeypatch.setattr(assessment, "__version__", "99.0.0")
    try:
        assert assessment.snapshot_key(system) != before
    finally:
        assessment._layout.cache_clear()


class _Planted:
    """What an attacker with write access to the cache folder would plant for pickle."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (Path.touch, (str(self.marker),))


@pytest.mark.django_db
def test_a_planted_file_is_never_executed_and_the_system_loads_from_the_database(
    tmp_path: Path,
) -> None:
    org = Organization.objects.create(name="Planted Org", slug="planted-org")
    system = import_example(org, "summit-conditional", with_files=False)
    store = _shared()
    marker = tmp_path / "executed"
    path = store.path(assessment.snapshot_key(system))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(_Planted(marker)))
    snapshot = assessment.load_snapshot(system)
    assert not marker.exists()
    assert snapshot.ssp.system.name == "Summit Fasteners Enterprise Network"
    assert not path.exists() or json.loads(path.read_bytes())  # replaced by rows as JSON


@pytest.mark.django_db
def test_the_cache_holds_json_rows_that_read_back_equal(tmp_path: Path) -> None:
    org = Organization.objects.create(name="Json Org", slug="json-org")
    for folder in ("acme-enclave", "summit-conditional"):
        system = import_example(org, folder, with_files=False)
        loaded = read.load(system)
        data = rows.to_json(
            list(loaded.records.values()), list(loaded.poam_rows.values()), list(loaded.entries)
        )
        assert isinstance(json.loads(data), list)
        again = read.snapshot(system, *rows.from_json(data))
        assert again.records == loaded.records and again.entries == loaded.entries
        assert again.poam_rows == loaded.poam_rows
        assert again.ssp == loaded.ssp and again.poams == loaded.poams
    with pytest.raises(ValueError, match="not the rows of a snapshot"):
        rows.from_json(b'[[{"id": 1}], [], []]')


def test_the_cache_forgets_old_files_and_keeps_within_its_size(tmp_path: Path) -> None:
    store = snapshot_cache.SnapshotCache(tmp_path, max_age=60, max_entries=8)
    for n in range(12):
        store.set(f"key {n}", b"[]")
    old = store.path("key 0")
    stale = time.time() - 120
    os.utime(old, (stale, stale))
    assert store.get("key 0") is None and store.get("key 1") == b"[]"
    store.cull()
    remaining = list(tmp_path.iterdir())
    assert not old.exists() and len(remaining) <= 8


@pytest.mark.django_db
def test_without_the_shared_cache_systems_load_from_the_database(settings: Any) -> None:
    settings.POAM_SNAPSHOT_CACHE = None
    org = Organization.objects.create(name="No Cache Org", slug="no-cache-org")
    system = import_example(org, "summit-conditional", with_files=False)
    assert snapshot_cache.shared() is None
    assert assessment.load_snapshot(system).ssp.system.name.startswith("Summit")
