# API tokens get an expiry, a scope and a revocation reason (poam.web.accounts.tokens).
# Numbered 0100 to stay apart from the workbench's own sequence of migrations.
# ruff: noqa: RUF012

from datetime import timedelta
from typing import Any

from django.db import migrations, models
from django.utils import timezone


def existing_tokens_keep_writing_for_90_days(apps: Any, schema_editor: Any) -> None:
    """Tokens issued before scopes could write: they keep doing so, and now expire in 90 days."""
    token = apps.get_model("workbench", "ApiToken")
    token.objects.all().update(scope="write", expires_at=timezone.now() + timedelta(days=90))


class Migration(migrations.Migration):
    dependencies = [
        ("workbench", "0004_cmmc_record"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="revoked_reason",
            field=models.CharField(blank=True, default="", max_length=60),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[("read", "Read only"), ("write", "Read and write")],
                default="read",
                max_length=5,
            ),
        ),
        migrations.RunPython(existing_tokens_keep_writing_for_90_days, migrations.RunPython.noop),
    ]
