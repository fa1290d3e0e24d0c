"""Fixtures shared by every test: the catalog, the shared reference folder, sample paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from poam.core.catalog import Catalog, load_catalog

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="session")
def shared() -> Path:
    """The read-only reference folder beside the project; tests that need it skip without it."""
    if not SHARED.is_dir():
        pytest.skip("../shared is absent (as on a user's machine)")
    return SHARED
