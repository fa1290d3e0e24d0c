"""The change log is append-only in the database itself and tamper-evident: every row is chained
to the one before by its SHA-256, ``poam audit verify`` recomputes the chain and names the first
row that does not hold, and migrations keep (and chain) the rows written before them."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor

from poam.web.workbench import audit
from poam.web.workbench.chain import GENESIS, link
from poam.web.workbench.history import Actor
from poam.web.workbench.models import Change, ChangeLogHead
from poam.web.workbench.services import governance
from tests.web.conftest import ROOT, import_example

TRIGGERS = {
    "sqlite": {"workbench_change_no_update", "workbench_change_no_delete"},
    "postgresql": {"workbench_change_append_only", "workbench_change_no_truncate"},
}


def _triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'workbench_change'::regclass "
                "AND NOT tgisinternal"
            )
        return {row[0] for row in cursor.fetchall()}


@contextmanager
def tampering() -> Iterator[Any]:
    """Someone with the database in hand, bypassing poam and its triggers."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'workbench_change'"
            )
            saved = cursor.fetchall()
            for name, _sql in saved:
                cursor.execute(f"DROP TRIGGER {name}")
            yield cursor
            for _name, sql in saved:
                cursor.execute(sql)
        else:
            # the test's transaction has foreign-key checks pending: run them first
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE workbench_change DISABLE TRIGGER USER")
            yield cursor
            cursor.execute("ALTER TABLE workbench_change ENABLE TRIGGER USER")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def test_every_change_is_chained_and_the_chain_holds(world: Any) -> None:
    seqs = list(Change.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) > 50
    result = audit.verify()
    assert result.intact and result.rows == len(seqs) and result.last_seq == seqs[-1]
    head = ChangeLogHead.objects.get()
    assert (head.seq, head.digest) == (seqs[-1], result.last_digest)
    first = Change.objects.order_by("seq").values().first()
    assert first is not None and first["digest"] == link(GENESIS, first)


def test_the_triggers_are_there_after_every_migration(db: Any) -> None:
    """A later migration that rebuilds the table on SQLite would drop them: this says so."""
    assert TRIGGERS[connection.vendor] <= _triggers()


def test_the_database_refuses_to_rewrite_history(world: Any) -> None:
    change = Change.objects.order_by("seq").first()
    assert change is not None
    with connection.cursor() as cursor:
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            cursor.execute(
                "UPDATE workbench_change SET reason = %s WHERE id = %s", ["rewritten", change.pk]
            )
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            cursor.execute("DELETE FROM workbench_change WHERE id = %s", [change.pk])
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's pending checks first
            with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
                cursor.execute("TRUNCATE workbench_change CASCADE")
    assert Change.objects.filter(pk=change.pk, reason=change.reason).exists()


def _middle(world: Any) -> Change:
    rows = list(Change.objects.order_by("seq"))
    return rows[len(rows) // 2]


def test_verify_names_a_row_changed_behind_poams_back(world: Any) -> None:
    target = _middle(world)
    with tampering() as cursor:
        cursor.execute("UPDATE workbench_change SET new = %s WHERE id = %s", ["forged", target.pk])
    result = audit.verify()
    assert result.broken is not None and result.broken.seq == target.seq
    assert result.broken.change_id == target.pk and "changed after it was written" in (
        result.broken.problem
    )
    assert result.rows == target.seq - 1


def test_verify_names_a_row_removed_from_the_middle(world: Any) -> None:
    target = _middle(world)
    with tampering() as cursor:
        cursor.execute("DELETE FROM workbench_change WHERE id = %s", [target.pk])
    broken = audit.verify().broken
    assert broken is not None and broken.seq == target.seq and "is missing" in broken.problem


def test_verify_finds_rows_cut_from_the_end(world: Any) -> None:
    last = Change.objects.order_by("-seq").first()
    assert last is not None
    with tampering() as cursor:
        cursor.execute("DELETE FROM workbench_change WHERE id = %s", [last.pk])
    broken = audit.verify().broken
    assert broken is not None and "removed from its end" in broken.problem


def test_verify_finds_a_row_slipped_in_with_a_forged_digest(world: Any) -> None:
    target = _middle(world)
    with tampering() as cursor:  # renumber to make room, then insert a plausible row
        cursor.execute(
            "UPDATE workbench_change SET seq = seq + 1000000 WHERE seq > %s", [target.seq]
        )
        cursor.execute("UPDATE workbench_change SET seq = seq - 1000000 + 1 WHERE seq > 1000000")
    Change.objects.bulk_create(
        [
            Change(
                seq=target.seq + 1,
                organization_id=target.organization_id,
                system_id=target.system_id,
                object_type="entry",
                object_label="Entry POAM-001",
                action="delete",
                at=target.at,
                batch=target.batch,
                digest="f" * 64,
            )
        ]
    )
    broken = audit.verify().broken
    assert broken is not None and broken.seq == target.seq + 1


def _env(tmp_path: Path) -> dict[str, str]:
    """A data directory of its own, on an embedded SQLite file, as an operator has it."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("POAM_", "DJANGO_", "DATABASE_"))
    }
    env.update(
        {
            "POAM_DATA_DIR": str(tmp_path / "data"),
            "POAM_EXAMPLES_DIR": str(ROOT / "examples"),
            "DJANGO_SETTINGS_MODULE": "poam.web.settings",
        }
    )
    return env


def _run(command: list[str], env: dict[str, str], code: int = 0) -> Any:
    done = subprocess.run(
        command, capture_output=True, text=True, env=env, cwd=ROOT, check=False, timeout=300
    )
    assert done.returncode == code, done.stderr
    return done


def test_poam_audit_verify_exits_0_then_1_naming_the_row(tmp_path: Path) -> None:
    """The command as an operator runs it, on a data directory of its own."""
    env = _env(tmp_path)
    _run([sys.executable, "-m", "django", "poam_serve", "--demo", "--no-serve"], env)
    data = tmp_path / "data"
    command = [sys.executable, "-m", "poam", "audit", "verify", "--data-dir", str(data)]
    intact = _run(command, env)
    assert "the change log is intact" in intact.stdout and "rows" in intact.stdout
    database = sqlite3.connect(data / "poam.sqlite3")
    database.execute("DROP TRIGGER workbench_change_no_update")
    database.execute("UPDATE workbench_change SET reason = 'nothing happened' WHERE seq = 7")
    database.commit()
    database.close()
    broken = _run(command, env, code=1)
    assert "broken at row #7" in broken.stderr and "6 rows before it are intact" in broken.stderr
    assert "Traceback" not in broken.stderr


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_chain_one_after_the_other() -> None:
    """Threads with connections of their own (PostgreSQL: the head row is locked while a
    writer appends; SQLite: see the test with processes below)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database cannot hold concurrent writers")
    from poam.web.workbench.models import Organization, System

    org = Organization.objects.create(name="Busy Org", slug="busy-org")
    system = import_example(org, "summit-conditional", with_files=False)
    failures: list[BaseException] = []

    def write(n: int) -> None:
        try:
            mine = System.objects.get(pk=system.pk)
            for k in range(5):
                governance.add_comment(Actor(None, f"writer {n}"), mine, f"comment {n}.{k}")
        except BaseException as error:
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert Change.objects.filter(action="comment").count() == 20
    assert audit.verify().intact


WRITER = """
import django, sys
django.setup()
from poam.web.workbench.history import Actor
from poam.web.workbench.models import System
from poam.web.workbench.services import governance
system = System.objects.get(name="Acme CUI Enclave")
for k in range(10):
    governance.add_comment(Actor(None, "writer"), system, f"comment {sys.argv[1]}.{k}")
"""


def test_server_processes_writing_at_once_chain_one_after_the_other(tmp_path: Path) -> None:
    """Four processes on one SQLite file (as ``poam serve --workers 4``): each transaction
    takes the write lock at its start, so the appends queue and the chain holds."""
    env = _env(tmp_path)
    _run([sys.executable, "-m", "django", "poam_serve", "--demo", "--no-serve"], env)
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(n)], env=env, cwd=ROOT)
        for n in range(4)
    ]
    assert [writer.wait(timeout=300) for writer in writers] == [0, 0, 0, 0]
    verified = _run([sys.executable, "-m", "poam", "audit", "verify"], env)
    assert "the change log is intact" in verified.stdout
    database = sqlite3.connect(tmp_path / "data" / "poam.sqlite3")
    comments = database.execute(
        "SELECT count(*) FROM workbench_change WHERE action = 'comment' AND user_label = 'writer'"
    ).fetchone()
    database.close()
    assert comments == (40,)


@pytest.mark.django_db(transaction=True)
def test_migrations_keep_the_rows_and_chain_those_written_before() -> None:
    """From 0001 (the first release) to now: the renamed models keep their rows, and the change
    log written before the chain existed is chained in the order it was written."""
    executor = MigrationExecutor(connection)
    executor.migrate([("workbench", "0001_initial")])
    old = MigrationExecutor(connection).loader.project_state([("workbench", "0001_initial")]).apps
    user = old.get_model("auth", "User").objects.create(username="historian")
    org = old.get_model("workbench", "Organization").objects.create(name="Old", slug="old")
    system = old.get_model("workbench", "System").objects.create(
        organization=org, name="Old system", ssp_date="2026-01-01"
    )
    poam = old.get_model("workbench", "Poam").objects.create(system=system, kind="internal")
    entry = old.get_model("workbench", "Entry").objects.create(
        poam=poam, item_id="OLD-1", requirement="3.1.1"
    )
    milestone = old.get_model("workbench", "Milestone").objects.create(entry=entry, title="Step")
    old.get_model("workbench", "MilestoneChange").objects.create(
        milestone=milestone, changed="2026-02-01", to_date="2026-03-01", justification="why"
    )
    old.get_model("workbench", "Evidence").objects.create(entry=entry, title="Proof")
    old.get_model("workbench", "RequirementRecord").objects.create(
        system=system, requirement="3.1.1", status="implemented"
    )
    log = old.get_model("workbench", "Change")
    for n in range(3):
        log.objects.create(
            organization=org,
            system=system,
            object_type="entry",
            object_id=entry.pk,
            object_label=f"Entry OLD-1 #{n}",
            action="update",
            field="gap",
            new=f"version {n}",
            user=user,
            user_label="Historian",
            at=f"2026-01-0{n + 1}T10:00:00Z",
            batch=f"b{n}",
        )

    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    from poam.web.workbench.models import (
        DueDateMove,
        Entry,
        EntryEvidence,
        EntryMilestone,
        PoamDocument,
        SspRequirement,
    )

    kept = Entry.objects.get(item_id="OLD-1")
    assert PoamDocument.objects.get(pk=kept.poam_id).kind == "internal"
    assert EntryMilestone.objects.get(entry=kept).title == "Step"
    assert DueDateMove.objects.get(milestone__entry=kept).justification == "why"
    assert EntryEvidence.objects.get(entry=kept).title == "Proof"
    assert SspRequirement.objects.get(requirement="3.1.1").status == "implemented"
    rows = list(Change.objects.order_by("seq"))
    assert [(r.seq, r.new) for r in rows] == [(1, "version 0"), (2, "version 1"), (3, "version 2")]
    assert audit.verify().intact
    assert TRIGGERS[connection.vendor] <= _triggers()
