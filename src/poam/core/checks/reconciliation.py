"""Checks that the SSP and the POA&M tell the same story, and that entries are identifiable."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from poam.core import rules
from poam.core.checks.base import CheckContext, Group, Hit, Severity, check
from poam.core.model import ItemStatus, PoamKind
from poam.core.scoring import SSP_REQUIREMENT, Basis


@check(
    "ssp-gap-without-poam",
    Severity.ERROR,
    group=Group.RECONCILIATION,
    rule=rules.POAM_FOR_EACH_GAP,
    summary="A requirement is NOT MET and no open POA&M entry (not-started or in-progress) "
    "covers it.",
    hint="Add a POA&M entry with a specific gap, remediation steps, an owner and dated "
    "milestones, or correct the SSP.",
)
def ssp_gap_without_poam(ctx: CheckContext) -> Iterator[Hit]:
    for result in ctx.score.not_met:
        nist_id = result.nist_id
        # 3.12.4 has its own check; an unassessed requirement has to be assessed first.
        if nist_id == SSP_REQUIREMENT or result.basis is Basis.NOT_ASSESSED:
            continue
        items = ctx.items_by_requirement.get(nist_id, ())
        if any(item.is_open for item in items):
            continue
        req = result.requirement
        message = f"{req.cmmc_id} ({req.title}) is NOT MET and has no open POA&M entry"
        pending = [i.id for i in items if i.status is ItemStatus.COMPLETED_PENDING_VERIFICATION]
        closed = [i.id for i in items if i.status is ItemStatus.CLOSED]
        hint = None
        if pending:
            message += f" ({', '.join(pending)} completed, pending verification)"
            hint = "Once the work is verified, update the SSP; if it is not done, reopen the entry."
        elif closed:
            message += f" ({', '.join(closed)} closed)"
            hint = "The SSP still calls it NOT MET: update the SSP, or reopen the entry."
        related = pending or closed
        yield Hit(
            message + ".", requirement=nist_id, item=related[0] if related else None, hint=hint
        )


@check(
    "poam-contradicts-ssp",
    Severity.ERROR,
    group=Group.RECONCILIATION,
    rule=rules.POAM_RECONCILED,
    summary="An open POA&M entry covers a requirement that the SSP calls implemented or not "
    "applicable.",
    hint="Close the entry with its evidence, or correct the SSP's status.",
)
def poam_contradicts_ssp(ctx: CheckContext) -> Iterator[Hit]:
    conditional = ctx.poam is not None and ctx.poam.kind is PoamKind.CONDITIONAL
    for item in ctx.items:
        req = ctx.requirement(item)
        if not item.is_open or req is None or req.nist_id not in ctx.ssp.requirements:
            continue
        result = ctx.score.result(req.nist_id)
        if not result.met:
            continue
        # An internal entry may be the operational plan of action of a temporary deficiency.
        if result.basis is Basis.TEMPORARY_DEFICIENCY and not conditional:
            continue
        record = ctx.ssp.requirements[req.nist_id]
        said = record.status.value
        if result.basis is Basis.ENDURING_EXCEPTION:
            said = "met by an enduring exception"
        elif result.basis is Basis.TEMPORARY_DEFICIENCY:
            said = "met through a temporary deficiency"
        yield Hit(
            f"Entry {item.id} is {item.status.value} for {req.cmmc_id}, which the SSP calls "
            f"{said}.",
            requirement=req.nist_id,
            item=item.id,
        )


@check(
    "unknown-requirement",
    Severity.ERROR,
    group=Group.RECONCILIATION,
    rule=rules.SSP_DESCRIBES_EACH,
    summary="An SSP key or a POA&M entry names a requirement that NIST SP 800-171 Rev 2 does "
    "not have.",
    hint="Use a NIST SP 800-171 Rev 2 id such as 3.5.3 or IA.L2-3.5.3 (`poam catalog`).",
)
def unknown_requirement(ctx: CheckContext) -> Iterator[Hit]:
    for key in ctx.ssp.unknown:
        yield Hit(f"The SSP lists {key!r}, which is not a Level 2 requirement.", requirement=key)
    for item in ctx.items:
        if ctx.requirement(item) is None:
            yield Hit(
                f"Entry {item.id} names {item.requirement!r}, which is not a Level 2 requirement.",
                requirement=item.requirement or None,
                item=item.id,
            )


@check(
    "duplicate-item-id",
    Severity.ERROR,
    group=Group.RECONCILIATION,
    rule=rules.POAM_ENTRY_CONTENT,
    summary="Two POA&M entries share an id, so neither can be referenced unambiguously.",
    hint="Give every entry its own id.",
)
def duplicate_item_id(ctx: CheckContext) -> Iterator[Hit]:
    counts = Counter(item.id for item in ctx.items)
    for item_id, count in counts.items():
        if count > 1:
            yield Hit(f"{count} entries have the id {item_id}.", item=item_id)


CHECKS = (ssp_gap_without_poam, poam_contradicts_ssp, unknown_requirement, duplicate_item_id)
