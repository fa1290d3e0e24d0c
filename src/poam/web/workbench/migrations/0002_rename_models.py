# ruff: noqa: RUF012 -- Django reads a migration's dependencies and operations as lists
"""Rename the models that shared a name with a core class; the tables keep their names.

State only: each table stays where it is (``Meta.db_table``), so no row moves and no index is
rebuilt. The content types follow the new names.
"""

from __future__ import annotations

from typing import Any

import django.db.models.deletion
from django.db import migrations, models

RENAMES = (
    ("Poam", "PoamDocument", "workbench_poam"),
    ("RequirementRecord", "SspRequirement", "workbench_requirementrecord"),
    ("Milestone", "EntryMilestone", "workbench_milestone"),
    ("MilestoneChange", "DueDateMove", "workbench_milestonechange"),
    ("Evidence", "EntryEvidence", "workbench_evidence"),
)


def _rename_content_types(apps: Any, schema_editor: Any, *, backwards: bool = False) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    types = content_type.objects.using(schema_editor.connection.alias)
    for old, new, _table in RENAMES:
        before, after = (new, old) if backwards else (old, new)
        if types.filter(app_label="workbench", model=after.lower()).exists():
            continue
        types.filter(app_label="workbench", model=before.lower()).update(model=after.lower())


def forwards(apps: Any, schema_editor: Any) -> None:
    _rename_content_types(apps, schema_editor)


def backwards(apps: Any, schema_editor: Any) -> None:
    _rename_content_types(apps, schema_editor, backwards=True)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("workbench", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                operation
                for old, new, table in RENAMES
                for operation in (
                    migrations.RenameModel(old, new),
                    migrations.AlterModelTable(new, table),
                )
            ],
            database_operations=[],
        ),
        migrations.AlterField(
            model_name="duedatemove",
            name="milestone",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="moves",
                to="workbench.entrymilestone",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
