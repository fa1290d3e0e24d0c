"""The one entry point that the CLI, the file formats, the web pages and the API all call.

``assess`` scores the SSP, decides what a new assessment would award (``readiness``) and the
standing today (``verdict``, from the assessments of record), runs every check and applies the
selection, for a given day. Nothing else in poam computes a score, a verdict or a finding.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from poam.core.catalog import Catalog, load_catalog
from poam.core.checks import REGISTRY, run_checks
from poam.core.checks.base import CheckContext, Finding, Severity
from poam.core.lifecycle import standing
from poam.core.model import Poam, Ssp, Thresholds
from poam.core.scoring import Score, score
from poam.core.selection import Waived, select
from poam.core.states import EvidenceStore
from poam.core.verdict import VerdictResult, readiness


@dataclass(frozen=True, slots=True)
class Assessment:
    as_of: date
    ssp: Ssp
    poam: Poam | None
    score: Score
    verdict: VerdictResult
    """The standing today: from the assessments of record, else equal to ``readiness``."""
    findings: tuple[Finding, ...]
    waived: tuple[Waived, ...] = ()
    readiness: VerdictResult | None = None
    """What a new assessment today would award (final, conditional, none, cannot-assess)."""

    @property
    def ready(self) -> VerdictResult:
        return self.readiness or self.verdict

    def count(self, severity: Severity) -> int:
        return sum(1 for finding in self.findings if finding.severity is severity)


def assess(
    ssp: Ssp,
    poam: Poam | None,
    *,
    as_of: date,
    catalog: Catalog | None = None,
    evidence: EvidenceStore | None = None,
    ignore: Iterable[str] = (),
) -> Assessment:
    """Score, verdict and findings of one system on ``as_of``.

    ``ignore`` adds to the codes the POA&M itself ignores; waivers come from the POA&M.
    """
    catalog = catalog or load_catalog()
    result = score(ssp, catalog)
    ready = readiness(result)
    verdict = standing(ready, ssp, poam, as_of)
    thresholds = poam.thresholds if poam is not None else Thresholds()
    context = CheckContext(
        catalog, ssp, poam, as_of, result, verdict, evidence, thresholds, readiness=ready
    )
    findings = run_checks(context, REGISTRY)
    reported, waived = select(
        findings,
        as_of=as_of,
        ignore=(*ignore, *(poam.ignore if poam else ())),
        waivers=poam.waivers if poam else (),
    )
    return Assessment(as_of, ssp, poam, result, verdict, tuple(reported), tuple(waived), ready)
