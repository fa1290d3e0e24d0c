from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Signing in and what protects it: back-off, MFA policy, invitations, security events."""

    name = "poam.web.accounts"
    label = "poam_accounts"
    verbose_name = "poam accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from poam.web.accounts import signals

        signals.connect()
