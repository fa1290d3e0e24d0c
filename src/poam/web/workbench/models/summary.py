"""A system's assessment in brief, cached so the portfolio need not assess every system.

Refreshed whenever the system's SSP or POA&M changes (``revision``) and when the day changes
(``as_of``): days left and overdue milestones depend on today.
"""

from __future__ import annotations

from django.db import models

from poam.web.workbench.models.ssp import System


class Summary(models.Model):
    system = models.OneToOneField(
        System, on_delete=models.CASCADE, primary_key=True, related_name="summary"
    )
    revision = models.PositiveIntegerField()
    as_of = models.DateField()
    score = models.IntegerField(null=True, blank=True)
    provisional = models.IntegerField()
    verdict = models.CharField(max_length=20)
    """The standing today (poam.core.lifecycle)."""
    readiness = models.CharField(max_length=20, default="", blank=True)
    """What a new assessment today would award."""
    valid_until = models.DateField(null=True, blank=True)
    """The last day a Final status is current (3 years, DFARS 204.7501)."""
    affirmation_due = models.DateField(null=True, blank=True)
    """The earliest affirmation the status owes and does not have (32 CFR 170.22)."""
    closeout_deadline = models.DateField(null=True, blank=True)
    days_left = models.IntegerField(null=True, blank=True)
    errors = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    infos = models.PositiveIntegerField(default=0)
    entries = models.PositiveIntegerField(default=0)
    open_entries = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = (
            models.Index(fields=("score",)),
            models.Index(fields=("days_left",)),
            models.Index(fields=("affirmation_due",)),
        )
