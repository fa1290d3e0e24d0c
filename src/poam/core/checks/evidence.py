"""Checks of evidence: present where it says, and unchanged since it was recorded (SHA-256)."""

from __future__ import annotations

from collections.abc import Iterator

from poam.core import rules
from poam.core.checks.base import CheckContext, Hit, LocalFile, Severity, check
from poam.core.checks.entries import _label
from poam.core.model import Evidence, PoamItem


def _local(ctx: CheckContext) -> Iterator[tuple[PoamItem, Evidence, LocalFile]]:
    """Each (item, evidence, local file) whose URI the evidence store resolves."""
    if ctx.evidence is None:
        return
    for item in ctx.items:
        for evidence in item.evidence:
            if not evidence.uri.strip():
                continue
            local = ctx.evidence.locate(evidence.uri)
            if local is not None:
                yield item, evidence, local


@check(
    "evidence-file-missing",
    Severity.ERROR,
    rule=rules.EVIDENCE_FOR_COMPLETION,
    summary="An evidence file named by an entry does not exist.",
    hint="Restore the file at that path (relative to the POA&M file) or correct the `uri`.",
)
def evidence_file_missing(ctx: CheckContext) -> Iterator[Hit]:
    for item, evidence, local in _local(ctx):
        if not local.exists:
            yield Hit(
                f"{_label(ctx, item.id, item.requirement)}: evidence '{evidence.title}' is "
                f"missing ({local.path}).",
                requirement=item.requirement,
                item=item.id,
            )


@check(
    "evidence-hash-mismatch",
    Severity.ERROR,
    rule=rules.EVIDENCE_INTEGRITY,
    summary="A local evidence file's SHA-256 differs from the one recorded: it changed since.",
    hint="Find out why the file changed; if the new version is right, record its new SHA-256.",
)
def evidence_hash_mismatch(ctx: CheckContext) -> Iterator[Hit]:
    for item, evidence, local in _local(ctx):
        recorded = (evidence.sha256 or "").strip().lower()
        if local.exists and recorded and local.sha256 != recorded:
            yield Hit(
                f"{_label(ctx, item.id, item.requirement)}: evidence '{evidence.title}' "
                f"({local.path}) has SHA-256 {local.sha256}, not the recorded {recorded}.",
                requirement=item.requirement,
                item=item.id,
            )


@check(
    "evidence-without-hash",
    Severity.WARNING,
    rule=rules.EVIDENCE_INTEGRITY,
    summary="A local evidence file has no recorded SHA-256, so a later change would go unseen.",
    hint="Record the file's SHA-256 in `sha256` (poam prints it in the message).",
)
def evidence_without_hash(ctx: CheckContext) -> Iterator[Hit]:
    for item, evidence, local in _local(ctx):
        if local.exists and not (evidence.sha256 or "").strip():
            yield Hit(
                f"{_label(ctx, item.id, item.requirement)}: evidence '{evidence.title}' "
                f"({local.path}) has no recorded SHA-256; it is {local.sha256}.",
                requirement=item.requirement,
                item=item.id,
            )


CHECKS = (evidence_file_missing, evidence_hash_mismatch, evidence_without_hash)
