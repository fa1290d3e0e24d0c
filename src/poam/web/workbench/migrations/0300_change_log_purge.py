# ruff: noqa: RUF012 -- Django reads a migration's dependencies and operations as lists
"""Deleting an organization keeps the change log verifiable: its rows become tombstones.

- ``ChangePurge``: one deletion's sanctioned erasure (see the model), and ``Change.purge``.
- The triggers of migration 0003 are replaced by ones that still refuse every ``UPDATE`` and
  ``DELETE`` of a row (and ``TRUNCATE`` on PostgreSQL), with one exception: an ``UPDATE`` that
  turns a row into a tombstone (every content column emptied, ``seq`` and ``digest`` unchanged)
  for an *open* purge of the row's own organization; on PostgreSQL the purge must also have
  been created by the same transaction (``txid_current()``). A closed purge never changes
  again. The trigger names are 0003's (``tests/web/test_audit.py`` looks for them).
"""

from __future__ import annotations

from typing import Any

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TOMBSTONE = (
    "NEW.seq = OLD.seq AND NEW.digest = OLD.digest AND OLD.purge_id IS NULL "
    "AND NEW.purge_id IS NOT NULL AND NEW.organization_id IS NULL AND NEW.system_id IS NULL "
    "AND NEW.object_id IS NULL AND NEW.user_id IS NULL AND NEW.ip_address IS NULL "
    "AND NEW.old IS NULL AND NEW.new IS NULL AND NEW.object_type = '' "
    "AND NEW.object_label = '' AND NEW.action = '' AND NEW.field = '' AND NEW.reason = '' "
    "AND NEW.user_label = '' AND NEW.batch = ''"
)
"""A row becoming a tombstone: nothing of its content left but its place in the chain."""

SQLITE = (
    "DROP TRIGGER IF EXISTS workbench_change_no_update",
    "CREATE TRIGGER workbench_change_no_update BEFORE UPDATE ON workbench_change "
    f"WHEN NOT ({TOMBSTONE} AND EXISTS (SELECT 1 FROM workbench_changepurge p "
    "WHERE p.id = NEW.purge_id AND p.open AND p.organization_id = OLD.organization_id)) "
    "BEGIN SELECT RAISE(ABORT, 'the change log is append-only: UPDATE refused'); END",
    "CREATE TRIGGER workbench_changepurge_closed BEFORE UPDATE ON workbench_changepurge "
    "WHEN NOT OLD.open "
    "BEGIN SELECT RAISE(ABORT, 'a closed purge of the change log never changes'); END",
)
SQLITE_BACK = (
    "DROP TRIGGER IF EXISTS workbench_changepurge_closed",
    "DROP TRIGGER IF EXISTS workbench_change_no_update",
    "CREATE TRIGGER workbench_change_no_update BEFORE UPDATE ON workbench_change "
    "BEGIN SELECT RAISE(ABORT, 'the change log is append-only: UPDATE refused'); END",
)
POSTGRESQL = (
    f"""CREATE OR REPLACE FUNCTION workbench_change_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' THEN
        IF {TOMBSTONE} AND EXISTS (
          SELECT 1 FROM workbench_changepurge p WHERE p.id = NEW.purge_id AND p.open
          AND p.txid = txid_current() AND p.organization_id = OLD.organization_id
        ) THEN
          RETURN NEW;
        END IF;
      END IF;
      RAISE EXCEPTION 'the change log is append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation';
    END $$""",
    """CREATE OR REPLACE FUNCTION workbench_changepurge_closed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF OLD.open AND OLD.txid = txid_current() THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION 'a closed purge of the change log never changes'
        USING ERRCODE = 'restrict_violation';
    END $$""",
    "CREATE TRIGGER workbench_changepurge_closed BEFORE UPDATE ON workbench_changepurge "
    "FOR EACH ROW EXECUTE FUNCTION workbench_changepurge_closed()",
)
POSTGRESQL_BACK = (
    "DROP TRIGGER IF EXISTS workbench_changepurge_closed ON workbench_changepurge",
    "DROP FUNCTION IF EXISTS workbench_changepurge_closed()",
    """CREATE OR REPLACE FUNCTION workbench_change_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'the change log is append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation';
    END $$""",
)


def _run(statements: dict[str, tuple[str, ...]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for statement in statements.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("workbench", "0200_reminders"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ChangePurge",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "organization_id",
                    models.BigIntegerField(help_text="The deleted organization's id."),
                ),
                ("organization_slug", models.CharField(max_length=80)),
                ("organization_name", models.CharField(max_length=200)),
                ("at", models.DateTimeField()),
                ("user_label", models.CharField(blank=True, default="", max_length=200)),
                ("ip_address", models.GenericIPAddressField(blank=True, null=True)),
                ("reason", models.TextField(blank=True, default="")),
                ("rows", models.PositiveBigIntegerField(default=0)),
                ("tombstones_digest", models.CharField(blank=True, default="", max_length=64)),
                ("recorded_seq", models.PositiveBigIntegerField(blank=True, null=True)),
                ("open", models.BooleanField(default=True)),
                (
                    "txid",
                    models.BigIntegerField(
                        blank=True,
                        help_text="PostgreSQL: the transaction that may use it.",
                        null=True,
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="change",
            name="purge",
            field=models.ForeignKey(
                blank=True,
                help_text="Set on a tombstone: the row of a deleted organization, its content "
                "erased by this purge; only ``seq`` and ``digest`` remain, and the chain links "
                "through them.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="tombstones",
                to="workbench.changepurge",
            ),
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_BACK, "postgresql": POSTGRESQL_BACK}),
        ),
    ]
