"""Everything the CLI prints for people, with Rich: one module, so the look stays consistent.

Colour appears only where the terminal supports it (Rich detects it, and honours NO_COLOR);
piped output is plain text. JSON output does not come through here.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from poam.core.assess import Assessment
from poam.core.catalog import Catalog, Requirement, load_catalog
from poam.core.checks.base import Check, Finding, Severity
from poam.core.labels import PHASE, SEVERITY_TITLE, VERDICT_SHORT
from poam.core.lifecycle import affirmations_due
from poam.core.plan import Plan, describe_full_score
from poam.core.scoring import MAX_SCORE, Score
from poam.core.verdict import Verdict, VerdictResult

SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
VERDICT_STYLE = {
    Verdict.FINAL: "bold green",
    Verdict.CONDITIONAL: "bold yellow",
    Verdict.NONE: "bold red",
    Verdict.CANNOT_ASSESS: "bold red",
    Verdict.EXPIRED: "bold red",
}


def console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def error_console() -> Console:
    """Errors are never wrapped: a path or a field name must stay on one line."""
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def _score_text(score: Score) -> Text:
    if score.value is None:
        return Text.assemble(
            ("no score", "bold red"),
            (f"  (the other requirements would give {score.provisional} / {MAX_SCORE})", "dim"),
        )
    style = "bold green" if score.value == MAX_SCORE else "bold"
    deducted = MAX_SCORE - score.value
    return Text.assemble(
        (f"{score.value}", style),
        f" / {MAX_SCORE}",
        (
            f"   {_plural(deducted, 'point')} deducted for "
            f"{_plural(len(score.deductions), 'requirement')}",
            "dim",
        ),
    )


def verdict_block(verdict: VerdictResult) -> Group:
    head = Text(verdict.verdict.label, style=VERDICT_STYLE[verdict.verdict])
    lines: list[Text] = [head]
    good = verdict.verdict in (Verdict.FINAL, Verdict.CONDITIONAL)
    for reason in verdict.reasons:
        mark = ("✓ ", "green") if good else ("✗ ", "red")
        lines.append(Text.assemble(mark, reason.message, (f"  [{reason.rule}]", "dim")))
    return Group(*lines)


def _closeout(verdict: VerdictResult) -> Text | None:
    if verdict.closeout_deadline is None or verdict.days_left is None:
        return None
    days = verdict.days_left
    when = verdict.closeout_deadline.isoformat()
    if days < 0:
        return Text(f"{when}, passed {_plural(-days, 'day')} ago", style="bold red")
    style = "bold red" if days <= 30 else "yellow" if days <= 60 else ""
    return Text(f"{when}, {_plural(days, 'day')} left", style=style)


def _readiness(assessment: Assessment) -> Group:
    """What a new assessment today would award, shown beside a standing of record."""
    ready = assessment.ready
    head = Text.assemble(
        (ready.verdict.label, VERDICT_STYLE[ready.verdict]),
        ("  (what a new assessment today would award)", "dim"),
    )
    good = ready.verdict in (Verdict.FINAL, Verdict.CONDITIONAL)
    lines: list[Text] = [head]
    for reason in ready.reasons:
        mark = ("✓ ", "green") if good else ("✗ ", "red")
        lines.append(Text.assemble(mark, reason.message, (f"  [{reason.rule}]", "dim")))
    return Group(*lines)


def _affirmation(assessment: Assessment) -> Text | None:
    due = affirmations_due(assessment.verdict, assessment.ssp.cmmc, assessment.as_of)
    if not due:
        return None
    owed = [d for d in due if d.done is None]
    done = [d.done for d in due if d.done is not None]
    parts: list[tuple[str, str] | str] = []
    if done:
        last = max(done, key=lambda a: a.date)
        parts.append(f"last {last.date.isoformat()} by {last.official}, {last.title}")
    for item in owed:
        late = item.due < assessment.as_of
        text = f"{item.kind.value} due {item.due.isoformat()}" + (" (overdue)" if late else "")
        parts.append((("; " if parts else "") + text, "bold red" if late else ""))
    return Text.assemble(*parts)


def summary(assessment: Assessment) -> Table:
    ssp, poam = assessment.ssp, assessment.poam
    system = ssp.system
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    details = [system.scope.value]
    if system.cage_codes:
        details.append("CAGE " + ", ".join(system.cage_codes))
    details.append(f"SSP {ssp.info.version} of {ssp.info.date.isoformat()}")
    grid.add_row("System", Text.assemble((system.name, "bold"), "  ", (" · ".join(details), "dim")))
    grid.add_row("As of", assessment.as_of.isoformat())
    grid.add_row("SPRS score", _score_text(assessment.score))
    grid.add_row("Verdict", verdict_block(assessment.verdict))
    closeout = _closeout(assessment.verdict)
    if closeout is not None:
        grid.add_row("Closeout", closeout)
    if assessment.verdict.valid_until is not None:
        until = assessment.verdict.valid_until.isoformat()
        grid.add_row(
            "Current until",
            Text(until, style="bold red" if assessment.verdict.verdict is Verdict.EXPIRED else ""),
        )
    affirmation = _affirmation(assessment)
    if affirmation is not None:
        grid.add_row("Affirmation", affirmation)
    if assessment.verdict.of_record is not None:
        grid.add_row("Readiness", _readiness(assessment))
    if poam is None:
        grid.add_row("POA&M", Text("none given", style="dim"))
    else:
        parts = [
            poam.kind.value,
            f"{_plural(len(poam.items), 'entry', 'entries')}, {len(poam.open_items)} open",
        ]
        if poam.maintainer:
            parts.append(f"maintained by {poam.maintainer}")
        reviewed = poam.last_reviewed.isoformat() if poam.last_reviewed else "never"
        parts.append(f"reviewed {reviewed}")
        grid.add_row("POA&M", " · ".join(parts))
    labels = {
        Severity.ERROR: ("error", "errors"),
        Severity.WARNING: ("warning", "warnings"),
        Severity.INFO: ("info", "info"),
    }
    counts = [
        Text(
            _plural(assessment.count(s), *labels[s]),
            style=SEVERITY_STYLE[s] if assessment.count(s) else "dim",
        )
        for s in Severity
    ]
    findings = Text(" · ").join(counts)
    if assessment.waived:
        findings.append(f"   ({len(assessment.waived)} waived)", style="dim")
    grid.add_row("Findings", findings)
    return grid


def _where(finding: Finding) -> str:
    parts = [part for part in (finding.requirement, finding.item) if part]
    return " · ".join(parts)


def findings_block(findings: Iterable[Finding]) -> Group:
    """Findings grouped by severity, then by code: the hint and rule once per code, then each
    place with its message."""
    parts: list[RenderableType] = []
    grouped: dict[Severity, dict[str, list[Finding]]] = {s: {} for s in Severity}
    for finding in findings:
        grouped[finding.severity].setdefault(finding.code, []).append(finding)
    for severity, by_code in grouped.items():
        if not by_code:
            continue
        style = SEVERITY_STYLE[severity]
        total = sum(len(group) for group in by_code.values())
        parts.append(Text(f"\n{SEVERITY_TITLE[severity]} ({total})", style=style + " underline"))
        for code, group in by_code.items():
            first = group[0]
            count = f" ×{len(group)}" if len(group) > 1 else ""
            parts.append(Text.assemble(("  " + code, style), (count, "bold")))
            for finding in group:
                where = _where(finding)
                parts.append(
                    Padding(
                        Text.assemble((f"{where}: " if where else "", "bold"), finding.message),
                        (0, 0, 0, 4),
                    )
                )
            parts.append(
                Padding(
                    Group(
                        Text.assemble(("→ ", "dim"), (first.hint, "italic dim")),
                        Text(first.rule, style="dim"),
                    ),
                    (0, 0, 0, 4),
                )
            )
    if not parts:
        parts.append(Text("\nNo findings.", style="green"))
    return Group(*parts)


def print_check(assessment: Assessment) -> None:
    out = console()
    out.print(summary(assessment))
    out.print(findings_block(assessment.findings))


def score_table(score: Score) -> Table:
    table = Table(title=None, show_edge=False, header_style="bold")
    table.add_column("Requirement", no_wrap=True)
    table.add_column("Title")
    table.add_column("Points", justify="right")
    table.add_column("Why")
    table.add_column("Rule", style="dim")
    for result in score.not_met:
        req = result.requirement
        why = result.basis.value
        if result.not_met_objectives:
            why += " [" + ", ".join(result.not_met_objectives) + "]"
        if result.state is not None:
            why += f" ({result.state.value})"
        points = f"-{result.deduction}" if result.deduction else "no value"
        table.add_row(req.cmmc_id, req.title, points, why, result.rule)
    return table


def print_score(assessment: Assessment) -> None:
    out = console()
    out.print(summary(assessment))
    out.print()
    if assessment.score.not_met:
        out.print(score_table(assessment.score))
    else:
        out.print(Text("Every requirement is MET.", style="green"))


def print_plan(assessment: Assessment, plan: Plan) -> None:
    out = console()
    out.print(summary(assessment))
    out.print()
    if not plan.steps:
        out.print(Text("Nothing to close: every requirement is MET.", style="green"))
        return
    table = Table(show_edge=False, header_style="bold")
    table.add_column("#", justify="right")
    table.add_column("Phase", no_wrap=True)
    table.add_column("Req.", no_wrap=True)
    table.add_column("Title", ratio=1)
    table.add_column("Points", justify="right", no_wrap=True)
    table.add_column("Entries")
    table.add_column("Due", no_wrap=True)
    table.add_column("Score", justify="right", no_wrap=True)
    table.add_column("Status after", no_wrap=True)
    for index, step in enumerate(plan.steps, 1):
        req = step.result.requirement
        table.add_row(
            str(index),
            PHASE[step.phase],
            req.nist_id,
            req.title,
            f"+{step.points}" if step.points else "-",
            ", ".join(item.id for item in step.items) or Text("no open entry", style="red"),
            step.due.isoformat() if step.due else Text("undated", style="yellow"),
            str(step.score_after),
            Text(VERDICT_SHORT[step.verdict_after], style=VERDICT_STYLE[step.verdict_after]),
        )
    out.print(table)
    out.print(
        Text(
            "Blocks Conditional: must be MET for a Conditional status (32 CFR "
            "170.21(a)(2)(ii)-(iii)); Reach 88: the fewest points that reach 88 "
            "(170.21(a)(2)(i)); Then: the rest by date. "
            "Score and status: after closing that row and every row above it.",
            style="dim",
        )
    )
    out.print()
    full = plan.full_score
    style = "green" if not full.required else "bold" if full.determined else "yellow"
    out.print(
        Text.assemble(
            ("Score of 110 expected  ", "bold"),
            (describe_full_score(full, load_catalog()), style),
        )
    )


def print_what_if(
    before: Assessment, after_score: Score, after: VerdictResult, closing: list[str]
) -> None:
    out = console()
    out.print(summary(before))
    out.print()
    out.print(Text(f"Assuming closed: {', '.join(closing)}", style="bold"))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    grid.add_row("SPRS score", _score_text(after_score))
    grid.add_row("Verdict", verdict_block(after))
    out.print(grid)


def _eligibility(req: Requirement) -> str:
    if req.poam_eligible_only_in_state:
        return f"only when {req.poam_eligible_only_in_state}"
    return "yes" if req.poam_eligible else "no"


def catalog_table(requirements: Iterable[Requirement]) -> Table:
    table = Table(show_edge=False, header_style="bold")
    table.add_column("CMMC id", no_wrap=True)
    table.add_column("Title")
    table.add_column("Kind")
    table.add_column("Points", justify="right")
    table.add_column("POA&M", no_wrap=True)
    table.add_column("Objectives", justify="right")
    for req in requirements:
        points = "-" if req.points is None else str(req.points)
        if req.partial_credit:
            points = "3-5"
        table.add_row(
            req.cmmc_id, req.title, req.kind, points, _eligibility(req), str(len(req.objectives))
        )
    return table


def requirement_detail(req: Requirement, catalog: Catalog) -> Group:
    lines: list[RenderableType] = [
        Text.assemble(
            (req.cmmc_id, "bold"),
            "  ",
            (req.title, "bold"),
            "  ",
            (f"NIST SP 800-171 Rev 2 {req.nist_id}", "dim"),
        ),
        Text(f"{catalog.families[req.family]} ({req.family}) · {req.kind}"),
        Text(req.statement),
        Text(""),
    ]
    if req.points is None:
        lines.append(
            Text(
                "Points: no value; without it no assessment can be completed "
                "(32 CFR 170.24(c)(2)(i)(B)(5))"
            )
        )
    else:
        lines.append(Text(f"Points: {req.points}"))
    if req.partial_credit:
        states = ", ".join(
            f"{state}: -{points}" if points else f"{state}: MET"
            for state, points in req.partial_credit.deductions.items()
        )
        lines.append(
            Text(
                f"Partial credit ({req.partial_credit.field}): {states}  "
                f"[{req.partial_credit.citation}]"
            )
        )
    lines.append(
        Text(
            f"Conditional POA&M: {_eligibility(req)}"
            + (
                "  (excluded by name, 32 CFR 170.21(a)(2)(iii))"
                if req.poam_excluded_by_name
                else ""
            )
        )
    )
    lines.append(Text(""))
    lines.append(
        Text(f"Assessment objectives ({len(req.objectives)}), determine if:", style="bold")
    )
    for objective in req.objectives:
        lines.append(Text.assemble((f"  [{objective.letter}] ", "bold"), objective.statement))
    return Group(*lines)


def checks_table(checks: Iterable[Check]) -> Table:
    table = Table(show_edge=False, header_style="bold")
    table.add_column("Code", no_wrap=True)
    table.add_column("Severity")
    table.add_column("What it finds")
    table.add_column("Rule", style="dim")
    for item in checks:
        table.add_row(
            item.code,
            Text(item.severity.value, style=SEVERITY_STYLE[item.severity]),
            item.summary,
            item.rule,
        )
    return table
