"""The seam: both samples imported and exported unchanged, and assessed exactly as the CLI does."""

from __future__ import annotations

from typing import Any

import pytest

from poam.core.assess import assess
from poam.core.serialize import assessment_to_data
from poam.formats.native import load_poam, load_ssp, poam_to_data, ssp_to_data
from poam.formats.native.evidence import FileEvidenceStore
from poam.web.workbench.assessment import assess_snapshot
from poam.web.workbench.models import Organization
from poam.web.workbench.seam import read
from tests.web.conftest import AS_OF, EXAMPLES, import_example

SAMPLES = ("acme-enclave", "summit-conditional")


@pytest.mark.parametrize("folder", SAMPLES)
def test_native_files_import_and_export_unchanged(db: Any, folder: str) -> None:
    org = Organization.objects.create(name="Org", slug="org")
    system = import_example(org, folder)
    snapshot = read.load(system)
    ssp = load_ssp(EXAMPLES / folder / "ssp.yaml")
    poam = load_poam(EXAMPLES / folder / "poam.yaml")
    assert ssp_to_data(snapshot.ssp) == ssp_to_data(ssp)
    assert poam_to_data(snapshot.poam(poam.kind.value)) == poam_to_data(poam)  # type: ignore[arg-type]
    assert snapshot.ssp.unknown == ssp.unknown


def test_many_ids_are_read_in_slices_with_nothing_lost_or_reordered(
    db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = Organization.objects.create(name="Org", slug="org")
    systems = [import_example(org, folder) for folder in SAMPLES]
    whole = read.load_many(systems)
    monkeypatch.setattr(read, "IDS_PER_QUERY", 2)  # two entries or milestones per query
    sliced = read.load_many(systems)
    for system in systems:
        for kind, poam in whole[system.pk].poams.items():
            assert poam_to_data(sliced[system.pk].poams[kind]) == poam_to_data(poam)


@pytest.mark.parametrize("folder", SAMPLES)
def test_web_assessment_equals_the_cli_assessment(db: Any, folder: str) -> None:
    """Same score, verdict and findings (evidence checks included) as `poam check`."""
    org = Organization.objects.create(name="Org", slug="org")
    system = import_example(org, folder)
    web = assessment_to_data(assess_snapshot(read.load(system), AS_OF).assessment)
    cli = assessment_to_data(
        assess(
            load_ssp(EXAMPLES / folder / "ssp.yaml"),
            load_poam(EXAMPLES / folder / "poam.yaml"),
            as_of=AS_OF,
            evidence=FileEvidenceStore(EXAMPLES / folder),
        )
    )
    assert web == cli
    assert web["findings"], "the samples have findings on purpose"


def test_evidence_without_stored_file_is_missing_like_the_cli(db: Any) -> None:
    org = Organization.objects.create(name="Org", slug="org")
    system = import_example(org, "acme-enclave", with_files=False)
    codes = {f.code for f in assess_snapshot(read.load(system), AS_OF).assessment.findings}
    assert "evidence-file-missing" in codes


def test_reimport_keeps_the_replaced_entries_as_deleted(db: Any) -> None:
    from poam.web.workbench.history import Actor
    from poam.web.workbench.models import Change, Entry
    from poam.web.workbench.services.systems import replace_documents

    org = Organization.objects.create(name="Org", slug="org")
    system = import_example(org, "summit-conditional")
    before = Entry.objects.filter(poam__system=system).count()
    replace_documents(
        Actor(None, "t"), system, poam=load_poam(EXAMPLES / "summit-conditional" / "poam.yaml")
    )
    assert Entry.objects.filter(poam__system=system).count() == 2 * before
    assert Entry.objects.filter(poam__system=system, deleted_at__isnull=True).count() == before
    assert (
        Change.objects.filter(system=system, object_type="entry", action="delete").count() == before
    )
