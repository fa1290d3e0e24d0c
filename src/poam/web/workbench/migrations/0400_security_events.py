# ruff: noqa: RUF012 -- Django reads a migration's dependencies and operations as lists
"""Security events join the change log: a change can be about an invitation.

(The events themselves move from the accounts' own table in ``accounts.0400``.) A change of
``choices`` only alters no column, so SQLite does not rebuild the table and its append-only
triggers stay (``tests/web/test_audit.py`` checks them after every migration).
"""

from __future__ import annotations

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workbench", "0300_change_log_purge"),
    ]

    operations = [
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
                    ("invitation", "Invitation"),
                ],
                max_length=20,
            ),
        ),
    ]
