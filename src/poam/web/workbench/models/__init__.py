"""The workbench's tables, split by subject.

The Django models that store a core object are named apart from the core's class
(``SspRequirement`` stores a ``RequirementRecord``, ``PoamDocument`` a ``Poam``,
``EntryMilestone`` a ``Milestone``, ``DueDateMove`` a ``MilestoneChange``, ``EntryEvidence`` an
``Evidence``), so that a module using both never hides one behind the other. Their tables kept
their first names (``Meta.db_table``).
"""

from poam.web.workbench.models.history import (
    SYSTEM_OBJECTS,
    AppendOnlyError,
    Change,
    ChangeLogHead,
    ChangePurge,
    ObjectType,
)
from poam.web.workbench.models.poam import (
    Blob,
    Comment,
    DueDateMove,
    Entry,
    EntryEvidence,
    EntryMilestone,
    PoamDocument,
    Review,
)
from poam.web.workbench.models.reminders import ReminderSettings
from poam.web.workbench.models.ssp import SspRequirement, System
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
    "SYSTEM_OBJECTS",
    "ApiToken",
    "AppendOnlyError",
    "Blob",
    "Change",
    "ChangeLogHead",
    "ChangePurge",
    "Comment",
    "DueDateMove",
    "Entry",
    "EntryEvidence",
    "EntryMilestone",
    "Membership",
    "ObjectType",
    "Organization",
    "PoamDocument",
    "ReminderSettings",
    "Review",
    "Role",
    "SspRequirement",
    "Summary",
    "System",
    "TokenScope",
    "token_digest",
]
