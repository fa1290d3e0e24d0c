"""The workbench's tables, split by subject."""

from poam.web.workbench.models.history import AppendOnlyError, Change
from poam.web.workbench.models.poam import (
    Blob,
    Comment,
    Entry,
    Evidence,
    Milestone,
    MilestoneChange,
    Poam,
    Review,
)
from poam.web.workbench.models.ssp import RequirementRecord, System
from poam.web.workbench.models.summary import Summary
from poam.web.workbench.models.tenancy import (
    ApiToken,
    Membership,
    Organization,
    Role,
    TokenScope,
    token_digest,
)

__all__ = [
    "ApiToken",
    "AppendOnlyError",
    "Blob",
    "Change",
    "Comment",
    "Entry",
    "Evidence",
    "Membership",
    "Milestone",
    "MilestoneChange",
    "Organization",
    "Poam",
    "RequirementRecord",
    "Review",
    "Role",
    "Summary",
    "System",
    "TokenScope",
    "token_digest",
]
