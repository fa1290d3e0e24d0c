"""Fixtures for the workbook tests: the sample systems, and paths to the real templates."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from poam.core.catalog import load_catalog
from poam.core.model import Poam, Ssp
from poam.formats.native import load_poam, load_ssp
from tests.conftest import EXAMPLES


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "big: builds a large file at test time (deselect with -m 'not big')"
    )


def _known_only(poam: Poam) -> Poam:
    """The sample POA&M without its deliberately unknown requirement (3.15.3)."""
    catalog = load_catalog()
    items = tuple(item for item in poam.items if catalog.find(item.requirement) is not None)
    return dataclasses.replace(poam, items=items)


@pytest.fixture(params=["acme-enclave", "summit-conditional"])
def example(request: pytest.FixtureRequest) -> tuple[Ssp, Poam]:
    folder = EXAMPLES / request.param
    return load_ssp(folder / "ssp.yaml"), _known_only(load_poam(folder / "poam.yaml"))


@pytest.fixture(scope="session")
def acme() -> tuple[Ssp, Poam]:
    """One sample system, for the slower tests that need only one."""
    folder = EXAMPLES / "acme-enclave"
    return load_ssp(folder / "ssp.yaml"), _known_only(load_poam(folder / "poam.yaml"))


@pytest.fixture(scope="session")
def templates(shared: Path) -> Path:
    return shared / "formats"
