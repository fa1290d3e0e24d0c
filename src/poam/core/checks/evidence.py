"""Checks of evidence: present where it says, and unchanged since it was recorded (SHA-256).

The state of each artifact comes from :func:`poam.core.states.evidence_state`, the function the
report and the web pages use too.
"""

from __future__ import annotations

from collections.abc import Iterator

from poam.core import rules
from poam.core.checks.base import CheckContext, Group, Hit, Severity, check
from poam.core.checks.entries import _label
from poam.core.model import Evidence, PoamItem
from poam.core.states import EvidenceCheck, EvidenceState, evidence_state


def _states(
    ctx: CheckContext, wanted: EvidenceState
) -> Iterator[tuple[PoamItem, Evidence, EvidenceCheck]]:
    """Each (item, evidence, what was found) in state ``wanted``; nothing without a store."""
    if ctx.evidence is None:
        return
    for item in ctx.items:
        for evidence in item.evidence:
            found = evidence_state(evidence, ctx.evidence)
            if found.state is wanted:
                yield item, evidence, found


@check(
    "evidence-file-missing",
    Severity.ERROR,
    group=Group.EVIDENCE,
    rule=rules.EVIDENCE_FOR_COMPLETION,
    summary="An evidence file named by an entry does not exist.",
    hint="Restore the file at that path (relative to the POA&M file) or correct the `uri`.",
)
def evidence_file_missing(ctx: CheckContext) -> Iterator[Hit]:
    for item, evidence, found in _states(ctx, EvidenceState.MISSING):
        assert found.local is not None
        yield Hit(
            f"{_label(ctx, item.id, item.requirement)}: evidence '{evidence.title}' is "
            f"missing ({found.local.path}).",
            requirement=item.requirement,
            item=item.id,
        )


@check(
    "evidence-hash-mismatch",
    Severity.ERROR,
    group=Group.EVIDENCE,
    rule=rules.EVIDENCE_INTEGRITY,
    summary="A local evidence file's SHA-256 differs from the one recorded: it changed since.",
    hint="Find out why the file changed; if the new version is right, record its new SHA-256.",
)
def evidence_hash_mismatch(ctx: CheckContext) -> Iterator[Hit]:
    for item, evidence, found in _states(ctx, EvidenceState.MISMATCH):
        assert found.local is not None
        yield Hit(
            f"{_label(ctx, item.id, item.requirement)}: evidence '{evidence.title}' "
            f"({found.local.path}) has SHA-256 {found.actual}, not the recorded "
            f"{found.recorded}.",
            requirement=item.requirement,
            item=item.id,
        )


@check(
    "evidence-without-hash",
    Severity.WARNING,
    group=Group.EVIDENCE,
    rule=rules.EVIDENCE_INTEGRITY,
    summary="A local evidence file has no recorded SHA-256, so a later change would go unseen.",
    hint="Record the file's SHA-256 in `sha256` (poam prints it in the message).",
)
def evidence_without_hash(ctx: CheckContext) -> Iterator[Hit]:
    for item, evidence, found in _states(ctx, EvidenceState.NO_HASH):
        assert found.local is not None
        yield Hit(
            f"{_label(ctx, item.id, item.requirement)}: evidence '{evidence.title}' "
            f"({found.local.path}) has no recorded SHA-256; it is {found.actual}.",
            requirement=item.requirement,
            item=item.id,
        )


CHECKS = (evidence_file_missing, evidence_hash_mismatch, evidence_without_hash)
