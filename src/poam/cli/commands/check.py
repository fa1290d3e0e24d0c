"""``poam check``, ``poam score`` and ``poam plan``: the core's verdict on one system."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from poam.cli.inputs import EXIT_FINDINGS, Pair, fail, load_pair, parse_date

if TYPE_CHECKING:
    from poam.core.assess import Assessment

DirArg = Annotated[Path, typer.Argument(help="Folder holding ssp.yaml and, optionally, poam.yaml.")]
SspOpt = Annotated[Path | None, typer.Option("--ssp", help="The SSP file (default DIR/ssp.yaml).")]
PoamOpt = Annotated[
    Path | None, typer.Option("--poam", help="The POA&M file (default DIR/poam.yaml if present).")
]
AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", help="Assess as of this date, YYYY-MM-DD (default today).")
]


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


def _assess(pair: Pair, as_of: str | None, ignore: list[str] | None = None) -> Assessment:
    from poam.core.assess import assess
    from poam.formats.native.evidence import FileEvidenceStore

    base = (pair.poam_path or pair.ssp_path).parent
    return assess(
        pair.ssp,
        pair.poam,
        as_of=parse_date(as_of),
        evidence=FileEvidenceStore(base),
        ignore=ignore or (),
    )


def _json(data: object) -> None:
    from poam.cli.output import write

    write(json.dumps(data, indent=2, ensure_ascii=False))


def register(app: typer.Typer) -> None:
    @app.command()
    def check(
        directory: DirArg = Path(),
        ssp: SspOpt = None,
        poam: PoamOpt = None,
        as_of: AsOfOpt = None,
        output_format: FormatOpt = Format.TEXT,
        fail_on: Annotated[
            str,
            typer.Option("--fail-on", help="Lowest severity that exits 1: error, warning, never."),
        ] = "error",
        ignore: Annotated[
            list[str] | None,
            typer.Option("--ignore", help="A finding code not to report (repeatable)."),
        ] = None,
    ) -> None:
        """Score the SSP, give the verdict, and report every deficiency an assessor would raise.

        Exit status: 0 when nothing at or above --fail-on is found, 1 when something is,
        2 when the input cannot be used.
        """
        from poam.core.selection import FailOn, fails

        try:
            threshold = FailOn(fail_on)
        except ValueError:
            raise fail(f"--fail-on: {fail_on!r} is not one of error, warning, never") from None
        from poam.core.checks import REGISTRY

        unknown = [code for code in ignore or () if REGISTRY.canonical(code) is None]
        if unknown:
            raise fail(f"--ignore: no check {', '.join(map(repr, unknown))} (see `poam checks`)")
        assessment = _assess(load_pair(directory, ssp, poam), as_of, ignore)
        if output_format is Format.JSON:
            from poam.core.serialize import assessment_to_data

            _json(assessment_to_data(assessment))
        else:
            from poam.cli.render import print_check

            print_check(assessment)
        if fails(assessment.findings, threshold):
            raise typer.Exit(EXIT_FINDINGS)

    @app.command()
    def score(
        directory: DirArg = Path(),
        ssp: SspOpt = None,
        poam: PoamOpt = None,
        as_of: AsOfOpt = None,
        output_format: FormatOpt = Format.TEXT,
    ) -> None:
        """The SPRS score and each deduction, with the rule behind it."""
        assessment = _assess(load_pair(directory, ssp, poam), as_of)
        if output_format is Format.JSON:
            from poam.core.serialize import score_to_data, verdict_to_data

            data = {"as_of": assessment.as_of.isoformat()}
            data.update(score_to_data(assessment.score))
            data.update(verdict_to_data(assessment.verdict))
            _json(data)
        else:
            from poam.cli.render import print_score

            print_score(assessment)

    @app.command()
    def plan(
        directory: DirArg = Path(),
        ssp: SspOpt = None,
        poam: PoamOpt = None,
        as_of: AsOfOpt = None,
        assume_closed: Annotated[
            str | None,
            typer.Option(
                "--assume-closed",
                help="Comma-separated requirement or entry ids to treat as closed (what-if).",
            ),
        ] = None,
        output_format: FormatOpt = Format.TEXT,
    ) -> None:
        """The order in which to close gaps, and when a score of 110 is expected.

        First what blocks a Conditional status, then the fewest points needed to reach 88, then
        the rest by date. --assume-closed shows the score and verdict after closing some.
        """
        from poam.core.catalog import load_catalog
        from poam.core.plan import assume_met, resolve_targets
        from poam.core.plan import plan as make_plan
        from poam.core.verdict import readiness

        pair = load_pair(directory, ssp, poam)
        assessment = _assess(pair, as_of)
        if assume_closed is not None:
            try:
                closing = resolve_targets(assume_closed.split(","), load_catalog(), pair.poam)
            except KeyError as error:
                raise fail(
                    f"--assume-closed: {error.args[0]!r} is neither a requirement nor an entry id"
                ) from None
            after = assume_met(assessment.score, closing)
            verdict = readiness(after)
            if output_format is Format.JSON:
                from poam.core.serialize import score_to_data, verdict_to_data

                data: dict[str, object] = {
                    "as_of": assessment.as_of.isoformat(),
                    "assumed_closed": closing,
                }
                data.update(score_to_data(after))
                data.update(verdict_to_data(verdict))
                _json(data)
            else:
                from poam.cli.render import print_what_if

                print_what_if(assessment, after, verdict, closing)
            return
        result = make_plan(assessment.score, pair.poam, assessment.as_of)
        if output_format is Format.JSON:
            from poam.core.serialize import plan_to_data, score_to_data, verdict_to_data

            data = {"as_of": assessment.as_of.isoformat()}
            data.update(score_to_data(assessment.score))
            data.update(verdict_to_data(assessment.verdict))
            data.update(plan_to_data(result))
            _json(data)
        else:
            from poam.cli.render import print_plan

            print_plan(assessment, result)
