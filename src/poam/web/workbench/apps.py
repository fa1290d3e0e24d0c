from __future__ import annotations

from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    name = "poam.web.workbench"
    label = "workbench"
    verbose_name = "poam workbench"
    default_auto_field = "django.db.models.BigAutoField"
