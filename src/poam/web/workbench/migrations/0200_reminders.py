# Each user's reminder settings (poam.web.workbench.reminders): the email digest, the calendar
# feed's token digest, and the day of the last digest.
# ruff: noqa: RUF012

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workbench", "0100_api_token_expiry_scope"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ReminderSettings",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "email",
                    models.BooleanField(default=False, help_text="Send a daily digest by email."),
                ),
                (
                    "days_ahead",
                    models.PositiveSmallIntegerField(
                        default=14, validators=[django.core.validators.MaxValueValidator(90)]
                    ),
                ),
                ("kinds", models.JSONField(blank=True, default=list)),
                (
                    "feed_digest",
                    models.CharField(blank=True, max_length=64, null=True, unique=True),
                ),
                ("feed_created_at", models.DateTimeField(blank=True, null=True)),
                (
                    "last_sent_on",
                    models.DateField(
                        blank=True,
                        help_text="The day of the last digest: never two the same day.",
                        null=True,
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "organizations",
                    models.ManyToManyField(
                        blank=True, related_name="+", to="workbench.organization"
                    ),
                ),
                (
                    "systems",
                    models.ManyToManyField(blank=True, related_name="+", to="workbench.system"),
                ),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reminder_settings",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "reminder settings",
            },
        ),
    ]
