"""Generate realistic systems (SSP + POA&M as core objects) for benchmarks, reproducibly.

Proportions follow what small contractors' SSPs look like: most requirements implemented, some
partial or planned, a few N/A, objective results on a fifth, partial-credit states, an exception
or a deficiency now and then; POA&M entries for most gaps, with milestones, moves and evidence.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from poam.core.catalog import load_catalog
from poam.core.model import (
    AssessmentType,
    ConditionalInfo,
    EncryptionState,
    Evidence,
    ImplementationStatus,
    ItemStatus,
    MfaState,
    Milestone,
    MilestoneChange,
    ObjectiveResult,
    Poam,
    PoamItem,
    PoamKind,
    RequirementRecord,
    Scope,
    Ssp,
    SspInfo,
    SystemInfo,
    TemporaryDeficiency,
)

CATALOG = load_catalog()
START = date(2026, 1, 1)
STATUS_WEIGHTS = [
    (ImplementationStatus.IMPLEMENTED, 78),
    (ImplementationStatus.PARTIALLY_IMPLEMENTED, 9),
    (ImplementationStatus.PLANNED, 5),
    (ImplementationStatus.NOT_IMPLEMENTED, 4),
    (ImplementationStatus.NOT_APPLICABLE, 4),
]


def _status(rnd: random.Random) -> ImplementationStatus:
    statuses, weights = zip(*STATUS_WEIGHTS, strict=True)
    return rnd.choices(statuses, weights)[0]


def make_ssp(rnd: random.Random, index: int) -> Ssp:
    records = {}
    for req in CATALOG.requirements:
        status = ImplementationStatus.IMPLEMENTED if req.nist_id == "3.12.4" else _status(rnd)
        objectives = {}
        if rnd.random() < 0.2:
            met = status in (ImplementationStatus.IMPLEMENTED, ImplementationStatus.NOT_APPLICABLE)
            objectives = {
                letter: ObjectiveResult.MET
                if met or rnd.random() < 0.6
                else ObjectiveResult.NOT_MET
                for letter in req.objective_letters
            }
        records[req.nist_id] = RequirementRecord(
            requirement=req.nist_id,
            status=status,
            narrative=f"{req.title}: see procedure {index}-{req.nist_id}.",
            objectives=objectives,
            mfa=rnd.choice(list(MfaState)) if req.nist_id == "3.5.3" else None,
            encryption=rnd.choice(list(EncryptionState)) if req.nist_id == "3.13.11" else None,
            enduring_exception="Legacy controller; isolated VLAN" if rnd.random() < 0.01 else None,
            temporary_deficiency=TemporaryDeficiency("OPA-1", "patch slipped")
            if rnd.random() < 0.01
            else None,
            responsible="IT Manager",
        )
    return Ssp(
        SystemInfo(f"System {index}", Scope.ENCLAVE, (f"{index % 100000:05d}",)),
        SspInfo("2026.1", START),
        records,
    )


def make_poam(rnd: random.Random, ssp: Ssp, index: int = 0) -> Poam:
    gaps = [
        nist_id
        for nist_id, record in ssp.requirements.items()
        if record.status
        in (
            ImplementationStatus.PARTIALLY_IMPLEMENTED,
            ImplementationStatus.PLANNED,
            ImplementationStatus.NOT_IMPLEMENTED,
        )
    ]
    items = []
    for number, nist_id in enumerate(gaps, 1):
        if rnd.random() < 0.1:
            continue  # a gap without an entry
        milestones = []
        for step in range(rnd.randint(1, 3)):
            due = START + timedelta(days=rnd.randint(30, 400))
            history: tuple[MilestoneChange, ...] = ()
            if rnd.random() < 0.2:
                before = due - timedelta(days=rnd.randint(10, 60))
                history = (
                    MilestoneChange(
                        START, before, due, "Jane Doe", "" if rnd.random() < 0.3 else "Vendor delay"
                    ),
                )
            completed = due if rnd.random() < 0.2 else None
            milestones.append(Milestone(f"Step {step + 1}", due, completed, history))
        status = rnd.choice(list(ItemStatus))
        evidence = ()
        if (
            status in (ItemStatus.CLOSED, ItemStatus.COMPLETED_PENDING_VERIFICATION)
            and rnd.random() < 0.8
        ):
            evidence = (
                Evidence(
                    "Configuration export", f"https://evidence.example/{number}", "a" * 64, START
                ),
            )
        items.append(
            PoamItem(
                id=f"POAM-{number:03d}",
                requirement=nist_id,
                gap=f"The control is enforced on servers but not yet on the {number} engineering "
                f"workstations of site {index} that process CUI in the enclave.",
                remediation=("Deploy the policy to the workstation OU", "Verify and export"),
                owner=rnd.choice(["Jane Doe, ISSO", "IT Manager", "IT Department"]),
                status=status,
                created=START,
                updated=START,
                milestones=tuple(milestones),
                evidence=evidence,
            )
        )
    conditional = rnd.random() < 0.2
    return Poam(
        kind=PoamKind.CONDITIONAL if conditional else PoamKind.INTERNAL,
        maintainer="Jane Doe, ISSO",
        last_reviewed=START,
        review_cadence_days=90,
        conditional=ConditionalInfo(AssessmentType.C3PAO, START) if conditional else None,
        items=tuple(items),
    )


def systems(count: int, seed: int = 171) -> list[tuple[Ssp, Poam]]:
    rnd = random.Random(seed)
    result = []
    for index in range(count):
        ssp = make_ssp(rnd, index)
        result.append((ssp, make_poam(rnd, ssp, index)))
    return result
