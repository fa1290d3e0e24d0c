"""Imports into a system: what was read and previewed (:mod:`poam.web.workbench.importing`)
written in one unit of work."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from poam.core.model import Poam, Ssp
from poam.web.workbench.history import Actor, UnitOfWork
from poam.web.workbench.importing import Parsed, Slot, Summary, Upload, read_uploads, summarize
from poam.web.workbench.models import System
from poam.web.workbench.seam import write
from poam.web.workbench.storage import Stored


def apply(
    actor: Actor,
    system: System,
    parsed: Parsed,
    *,
    rename: bool = False,
    files: Mapping[str, Stored] | None = None,
) -> None:
    """Write what was read, in one unit of work (reason ``import: <file names>``).

    The system keeps its name unless ``rename``: a file's name for the system is the file's
    opinion, and the people who track the system by its name decide whether to follow it.
    """
    ssp = poam = None
    if parsed.ssp is not None:
        assert isinstance(parsed.ssp.document, Ssp)
        ssp = parsed.ssp.document
        if not rename or not ssp.system.name:
            ssp = replace(ssp, system=replace(ssp.system, name=system.name))
    if parsed.poam is not None:
        assert isinstance(parsed.poam.document, Poam)
        poam = parsed.poam.document
    with UnitOfWork(actor, system=system, reason=f"import: {parsed.names}"[:500]) as work:
        if ssp is not None:
            write.replace_ssp(work, system, ssp)
        if poam is not None:
            write.replace_poam(work, system, poam, files=files)


def import_documents(
    actor: Actor,
    system: System,
    *,
    ssp: tuple[str, bytes] | None = None,
    poam: tuple[str, bytes] | None = None,
    rename: bool = False,
    files: Mapping[str, Stored] | None = None,
) -> Summary:
    """Read, summarize and apply in one step (the API's import): never renames unless asked."""
    given: tuple[tuple[Slot, tuple[str, bytes] | None], ...] = (("ssp", ssp), ("poam", poam))
    uploads = [Upload(slot, *file) for slot, file in given if file]
    parsed = read_uploads(uploads)  # outside the transaction: parsing never holds the lock
    summary = summarize(system, parsed)
    apply(actor, system, parsed, rename=rename, files=files)
    return summary
