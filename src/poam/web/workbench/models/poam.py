"""POA&Ms, their entries, milestones with their date history, evidence, reviews and comments.

Nothing here is ever deleted: entries, milestones and evidence carry ``deleted_at`` (and the
change log says who removed them and why).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from poam.core.model import AssessmentType, ItemStatus, PoamKind
from poam.web.workbench.models.ssp import System

_USER = settings.AUTH_USER_MODEL


class PoamDocument(models.Model):
    """One of the system's POA&Ms: the internal tracker or the assessment (Conditional) one.

    The core's ``Poam``, as stored.
    """

    system = models.ForeignKey(System, on_delete=models.CASCADE, related_name="poams")
    kind = models.CharField(max_length=20, choices=[(k.value, k.value) for k in PoamKind])
    maintainer = models.CharField(max_length=200, blank=True, default="")
    last_reviewed = models.DateField(null=True, blank=True)
    review_cadence_days = models.PositiveIntegerField(null=True, blank=True)
    conditional_assessment = models.CharField(
        max_length=10, choices=[(a.value, a.value) for a in AssessmentType], null=True, blank=True
    )
    conditional_status_date = models.DateField(null=True, blank=True)
    thresholds = models.JSONField(default=dict, blank=True)
    ignore = models.JSONField(default=list, blank=True)
    waivers = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        db_table = "workbench_poam"
        constraints = (
            models.UniqueConstraint(fields=("system", "kind"), name="one_poam_per_kind"),
        )

    def __str__(self) -> str:
        return f"{self.kind} POA&M of system {self.system_id}"


class Entry(models.Model):
    """One POA&M entry (``PoamItem`` in the core)."""

    poam = models.ForeignKey(PoamDocument, on_delete=models.CASCADE, related_name="entries")
    position = models.PositiveIntegerField(default=0)
    item_id = models.CharField(max_length=64)
    requirement = models.CharField(max_length=64)
    gap = models.TextField(blank=True, default="")
    remediation = models.JSONField(default=list, blank=True)
    owner = models.CharField(max_length=200, blank=True, default="")
    assignee = models.ForeignKey(
        _USER,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_entries",
        help_text="The member who may update this entry with the entry-owner role.",
    )
    status = models.CharField(
        max_length=40, choices=[(s.value, s.value) for s in ItemStatus], default="not-started"
    )
    objectives = models.JSONField(default=list, blank=True)
    created = models.DateField(null=True, blank=True)
    updated = models.DateField(null=True, blank=True)
    identified_by = models.TextField(null=True, blank=True)
    resources = models.TextField(null=True, blank=True)
    comments = models.TextField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("position", "id")
        indexes = (models.Index(fields=("poam", "position")),)

    def __str__(self) -> str:
        return self.item_id


class EntryMilestone(models.Model):
    """A milestone of an entry (the core's ``Milestone``); its due date moves only with a
    :class:`DueDateMove`."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveIntegerField(default=0)
    title = models.TextField()
    due = models.DateField(null=True, blank=True)
    completed = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "workbench_milestone"
        ordering = ("position", "id")

    def __str__(self) -> str:
        return self.title


class DueDateMove(models.Model):
    """One move of a milestone's due date (the core's ``MilestoneChange``), never edited."""

    milestone = models.ForeignKey(EntryMilestone, on_delete=models.CASCADE, related_name="moves")
    position = models.PositiveIntegerField(default=0)
    changed = models.DateField()
    from_date = models.DateField(null=True, blank=True)
    to_date = models.DateField()
    by = models.CharField(max_length=200, blank=True, default="")
    justification = models.TextField(blank=True, default="")
    user = models.ForeignKey(_USER, on_delete=models.SET_NULL, null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "workbench_milestonechange"
        ordering = ("position", "id")


class Blob(models.Model):
    """An uploaded file, stored once under the data directory by its SHA-256."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    size = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.sha256


class EntryEvidence(models.Model):
    """An artifact showing an entry is done: an uploaded file (``blob``) or a link (``uri``).

    The core's ``Evidence``, as stored.
    """

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="evidence")
    position = models.PositiveIntegerField(default=0)
    title = models.TextField()
    uri = models.TextField(blank=True, default="")
    sha256 = models.CharField(max_length=64, null=True, blank=True, help_text="As recorded.")
    date = models.DateField(null=True, blank=True)
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, null=True, blank=True)
    filename = models.CharField(max_length=255, null=True, blank=True)
    content_type = models.CharField(max_length=100, blank=True, default="")
    uploaded_by = models.ForeignKey(_USER, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "workbench_evidence"
        ordering = ("position", "id")

    def __str__(self) -> str:
        return self.title


class Review(models.Model):
    """A review of a POA&M: who reviewed it, on which day, with what remark."""

    poam = models.ForeignKey(PoamDocument, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    user = models.ForeignKey(_USER, on_delete=models.SET_NULL, null=True, blank=True)
    user_label = models.CharField(max_length=200, blank=True, default="")
    note = models.TextField(blank=True, default="")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-reviewed_on", "-id")


class Comment(models.Model):
    """A remark on a system, a requirement or an entry (assessors write these)."""

    system = models.ForeignKey(System, on_delete=models.CASCADE, related_name="comments")
    entry = models.ForeignKey(
        Entry, on_delete=models.CASCADE, null=True, blank=True, related_name="remarks"
    )
    requirement = models.CharField(max_length=12, null=True, blank=True)
    user = models.ForeignKey(_USER, on_delete=models.SET_NULL, null=True, blank=True)
    user_label = models.CharField(max_length=200, blank=True, default="")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "id")
