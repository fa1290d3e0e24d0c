"""``poam catalog``: the 110 requirements and their objectives; ``poam checks``: the checks."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from poam.cli.commands.check import Format, FormatOpt
from poam.cli.inputs import fail

if TYPE_CHECKING:
    from poam.core.catalog import Requirement

catalog_app = typer.Typer(help="The 110 requirements of CMMC Level 2 (NIST SP 800-171 Rev 2).")


def _data(req: Requirement) -> dict[str, Any]:
    return {
        "nist_id": req.nist_id,
        "cmmc_id": req.cmmc_id,
        "family": req.family,
        "family_name": req.family_name,
        "title": req.title,
        "statement": req.statement,
        "kind": req.kind,
        "points": req.points,
        "partial_credit": None
        if req.partial_credit is None
        else {
            "field": req.partial_credit.field,
            "deductions": req.partial_credit.deductions,
            "rule": req.partial_credit.citation,
        },
        "poam_eligible": req.poam_eligible,
        "poam_eligible_only_in_state": req.poam_eligible_only_in_state,
        "poam_excluded_by_name": req.poam_excluded_by_name,
        "objectives": [{"letter": o.letter, "statement": o.statement} for o in req.objectives],
    }


@catalog_app.callback(invoke_without_command=True)
def catalog(
    ctx: typer.Context,
    family: Annotated[str | None, typer.Option("--family", help="A family code, e.g. AC.")] = None,
    points: Annotated[
        int | None, typer.Option("--points", help="Only requirements worth this many points.")
    ] = None,
    eligible: Annotated[
        bool | None,
        typer.Option(
            "--eligible/--not-eligible", help="Only those (not) allowed on a Conditional POA&M."
        ),
    ] = None,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """List and filter the requirements (`poam catalog show ID` for one)."""
    if ctx.invoked_subcommand is not None:
        return
    from poam.core.catalog import load_catalog

    cat = load_catalog()
    selected = list(cat.requirements)
    if family is not None:
        if family.upper() not in cat.families:
            raise fail(f"--family: no family {family!r}; there are {', '.join(cat.families)}")
        selected = [r for r in selected if r.family == family.upper()]
    if points is not None:
        selected = [r for r in selected if (r.points or 0) == points]
    if eligible is not None:
        selected = [r for r in selected if r.poam_eligible is eligible]
    if output_format is Format.JSON:
        from poam.cli.output import write

        write(json.dumps([_data(r) for r in selected], indent=2, ensure_ascii=False))
        return
    from poam.cli.render import catalog_table, console

    console().print(catalog_table(selected))
    console().print(f"{len(selected)} of {len(cat)} requirements", style="dim")


@catalog_app.command("show")
def show(
    requirement: Annotated[str, typer.Argument(help="3.5.3, IA.L2-3.5.3, any case.")],
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """One requirement with its statement, points, eligibility and assessment objectives."""
    from poam.core.catalog import load_catalog

    cat = load_catalog()
    req = cat.find(requirement)
    if req is None:
        raise fail(f"no NIST SP 800-171 Rev 2 requirement {requirement!r} (try `poam catalog`)")
    if output_format is Format.JSON:
        from poam.cli.output import write

        write(json.dumps(_data(req), indent=2, ensure_ascii=False))
        return
    from poam.cli.render import console, requirement_detail

    console().print(requirement_detail(req, cat))


def register(app: typer.Typer) -> None:
    app.add_typer(catalog_app, name="catalog")

    @app.command("checks")
    def checks(output_format: FormatOpt = Format.TEXT) -> None:
        """Every check poam runs: code, severity, what it finds, the rule it enforces."""
        from poam.core.checks import REGISTRY

        if output_format is Format.JSON:
            from poam.cli.output import write

            write(
                json.dumps(
                    [
                        {
                            "code": c.code,
                            "severity": c.severity.value,
                            "summary": c.summary,
                            "rule": c.rule,
                            "hint": c.hint,
                        }
                        for c in REGISTRY.values()
                    ],
                    indent=2,
                )
            )
            return
        from poam.cli.render import checks_table, console

        console().print(checks_table(REGISTRY.values()))
