# ruff: noqa: RUF012 -- Django reads a migration's dependencies and operations as lists
"""The change log becomes tamper-evident and append-only in the database itself.

- Each row gets its place in a hash chain (``seq``) and its ``digest`` (SHA-256 of its content
  and the previous row's digest); the rows already there are chained in the order they were
  written, and the chain's head is recorded.
- Rows may describe events of an organization or of a person (``organization`` may be empty)
  and say where a request came from (``ip_address``).
- Triggers refuse ``UPDATE`` and ``DELETE`` of a row (and, on PostgreSQL, ``TRUNCATE``), on
  SQLite and on PostgreSQL. On SQLite a later migration that rebuilds this table drops them:
  ``tests/web/test_audit.py`` checks that they are there after every migration.
"""

from __future__ import annotations

from typing import Any

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from poam.web.workbench.chain import FIELDS, GENESIS, link

SQLITE_TRIGGERS = (
    "CREATE TRIGGER workbench_change_no_update BEFORE UPDATE ON workbench_change "
    "BEGIN SELECT RAISE(ABORT, 'the change log is append-only: UPDATE refused'); END",
    "CREATE TRIGGER workbench_change_no_delete BEFORE DELETE ON workbench_change "
    "BEGIN SELECT RAISE(ABORT, 'the change log is append-only: DELETE refused'); END",
)
POSTGRESQL_TRIGGERS = (
    """CREATE OR REPLACE FUNCTION workbench_change_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'the change log is append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation';
    END $$""",
    "CREATE TRIGGER workbench_change_append_only BEFORE UPDATE OR DELETE ON workbench_change "
    "FOR EACH ROW EXECUTE FUNCTION workbench_change_append_only()",
    "CREATE TRIGGER workbench_change_no_truncate BEFORE TRUNCATE ON workbench_change "
    "FOR EACH STATEMENT EXECUTE FUNCTION workbench_change_append_only()",
)
DROP = {
    "sqlite": (
        "DROP TRIGGER IF EXISTS workbench_change_no_update",
        "DROP TRIGGER IF EXISTS workbench_change_no_delete",
    ),
    "postgresql": (
        "DROP TRIGGER IF EXISTS workbench_change_append_only ON workbench_change",
        "DROP TRIGGER IF EXISTS workbench_change_no_truncate ON workbench_change",
        "DROP FUNCTION IF EXISTS workbench_change_append_only()",
    ),
}


def chain_existing_rows(apps: Any, schema_editor: Any) -> None:
    """Number and chain the rows written before this migration, in the order written."""
    change = apps.get_model("workbench", "Change")
    head = apps.get_model("workbench", "ChangeLogHead")
    rows = change.objects.using(schema_editor.connection.alias)
    previous, seq, pending = GENESIS, 0, []
    columns = [name for name in FIELDS if name != "seq"]
    for row in rows.order_by("id").values("id", *columns).iterator(chunk_size=2000):
        seq += 1
        row["seq"] = seq
        previous = link(previous, row)
        pending.append(change(pk=row["id"], seq=seq, digest=previous))
        if len(pending) >= 1000:
            rows.bulk_update(pending, ["seq", "digest"])
            pending = []
    rows.bulk_update(pending, ["seq", "digest"])
    head.objects.using(schema_editor.connection.alias).update_or_create(
        pk=1, defaults={"seq": seq, "digest": previous}
    )


def install_triggers(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRESQL_TRIGGERS}.get(vendor, ())
    for statement in statements:
        schema_editor.execute(statement, params=None)


def drop_triggers(apps: Any, schema_editor: Any) -> None:
    for statement in DROP.get(schema_editor.connection.vendor, ()):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("workbench", "0002_rename_models"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ChangeLogHead",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False),
                ),
                ("seq", models.PositiveBigIntegerField(default=0)),
                ("digest", models.CharField(max_length=64)),
            ],
        ),
        migrations.AddField(
            model_name="change",
            name="ip_address",
            field=models.GenericIPAddressField(
                blank=True, help_text="Where the request came from.", null=True
            ),
        ),
        migrations.AddField(
            model_name="change",
            name="seq",
            field=models.PositiveBigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="change",
            name="digest",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="change",
            name="object_type",
            field=models.CharField(
                choices=[
                    ("requirement", "SSP requirement"),
                    ("entry", "POA&M entry"),
                    ("milestone", "Milestone"),
                    ("evidence", "Evidence"),
                    ("poam", "POA&M"),
                    ("system", "System"),
                    ("organization", "Organization"),
                    ("membership", "Membership"),
                    ("token", "API token"),
                    ("user", "User account"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="change",
            name="organization",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty for an event of a person alone (a sign-in, a password change).",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="workbench.organization",
            ),
        ),
        migrations.AlterField(
            model_name="change",
            name="user",
            field=models.ForeignKey(
                blank=True,
                help_text="Kept: an account with history is deactivated, never deleted.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(chain_existing_rows, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="change",
            name="seq",
            field=models.PositiveBigIntegerField(
                help_text="Position in the hash chain: 1, 2, 3... without gaps.", unique=True
            ),
        ),
        migrations.AlterField(
            model_name="change",
            name="digest",
            field=models.CharField(
                help_text="SHA-256 of this row's content and the previous row's digest.",
                max_length=64,
            ),
        ),
        migrations.RunPython(install_triggers, drop_triggers),
    ]
