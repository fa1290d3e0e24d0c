"""Systems (assessment scopes) and what their SSP says of each requirement."""

from __future__ import annotations

from django.db import models

from poam.core.model import EncryptionState, ImplementationStatus, MfaState, Scope
from poam.web.workbench.models.tenancy import Organization


def choices(
    enum: type[ImplementationStatus | Scope | MfaState | EncryptionState],
) -> list[tuple[str, str]]:
    return [(member.value, member.value.replace("-", " ")) for member in enum]


class System(models.Model):
    """One assessment scope (what SPRS calls a system) and the header of its SSP."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="systems")
    name = models.CharField(max_length=200)
    scope = models.CharField(max_length=20, choices=choices(Scope), default=Scope.ENCLAVE.value)
    cage_codes = models.JSONField(default=list, blank=True)
    organization_label = models.CharField(
        max_length=200, null=True, blank=True, help_text="The organization named in the SSP."
    )
    description = models.TextField(null=True, blank=True)
    ssp_version = models.CharField(max_length=50, default="0.1")
    ssp_date = models.DateField()
    ssp_update_cadence_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="How often the SSP is to be updated (3.12.4[g])."
    )
    ssp_changed_on = models.DateField(
        null=True,
        blank=True,
        help_text="The day a requirement record was last edited here (an import: none).",
    )
    cmmc = models.JSONField(
        default=dict,
        blank=True,
        help_text="The CMMC status record: assessments of record and affirmations, as "
        "poam.core.serialize.cmmc_to_data writes them (services/status.py changes it).",
    )
    unknown_requirements = models.JSONField(default=list, blank=True)
    revision = models.PositiveIntegerField(
        default=0, help_text="Bumped by every change of the SSP or a POA&M: keys the caches."
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("organization__name", "name")

    def __str__(self) -> str:
        return self.name


class SspRequirement(models.Model):
    """What the SSP says of one requirement (absent row: not yet assessed).

    The core's ``RequirementRecord``; named apart so that neither hides the other.
    """

    system = models.ForeignKey(System, on_delete=models.CASCADE, related_name="requirements")
    requirement = models.CharField(max_length=12, help_text="NIST SP 800-171 id, e.g. 3.5.3")
    status = models.CharField(max_length=30, choices=choices(ImplementationStatus))
    narrative = models.TextField(blank=True, default="")
    objectives = models.JSONField(default=dict, blank=True)
    mfa = models.CharField(max_length=30, choices=choices(MfaState), null=True, blank=True)
    encryption = models.CharField(
        max_length=30, choices=choices(EncryptionState), null=True, blank=True
    )
    enduring_exception = models.TextField(null=True, blank=True)
    deficiency_plan = models.TextField(
        null=True, blank=True, help_text="Operational plan of action reference (3.12.2)."
    )
    deficiency_description = models.TextField(blank=True, default="")
    responsible = models.CharField(max_length=200, null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "workbench_requirementrecord"
        constraints = (
            models.UniqueConstraint(
                fields=("system", "requirement"), name="one_record_per_requirement"
            ),
        )

    def __str__(self) -> str:
        return f"{self.requirement} of system {self.system_id}"
