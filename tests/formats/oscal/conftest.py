"""Fixtures for the OSCAL tests: NIST's official 1.1.3 schemas (from ../shared) and helpers."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from poam.formats.oscal.mapping import POAM_ROOT, SSP_ROOT

SCHEMA_FILES = {
    SSP_ROOT: "oscal_ssp_schema.json",
    POAM_ROOT: "oscal_poam_schema.json",
    "catalog": "oscal_catalog_schema.json",
    "profile": "oscal_profile_schema.json",
}

Validate = Callable[[dict[str, Any]], list[str]]


@pytest.fixture(scope="session")
def official(shared: Path) -> Validate:
    """Every error of a document against NIST's official OSCAL 1.1.3 JSON Schema."""
    folder = shared / "oscal" / "schema" / "1.1.3"
    validators = {
        root: jsonschema_rs.validator_for(
            json.loads((folder / name).read_text("utf-8")), validate_formats=True
        )
        for root, name in SCHEMA_FILES.items()
    }

    def validate(document: dict[str, Any]) -> list[str]:
        (root,) = document
        return [
            f"{'/'.join(map(str, error.instance_path))}: {error.message}"
            for error in validators[root].iter_errors(document)
        ]

    return validate


@pytest.fixture(scope="session")
def examples(shared: Path) -> Path:
    return shared / "oscal" / "examples"


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, indent=2), "utf-8")
    return path
