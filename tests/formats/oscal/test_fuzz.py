"""Whatever is wrong with a document, the import answers with an InputError, never a crash.

Random damage to exported documents (a field removed, a value of another type, a truncated
file) must give either a model or an error naming the file: no other exception.
"""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from poam.formats.errors import InputError
from poam.formats.native import load_poam, load_ssp
from poam.formats.oscal import poam_to_oscal, ssp_to_oscal
from poam.formats.oscal.detect import parse_document
from poam.formats.oscal.files import read_document
from tests.conftest import EXAMPLES

ACME = EXAMPLES / "acme-enclave"
SSP = ssp_to_oscal(load_ssp(ACME / "ssp.yaml"))
POAM = poam_to_oscal(load_poam(ACME / "poam.yaml"), load_ssp(ACME / "ssp.yaml"))

Path = tuple[str | int, ...]


def _paths(node: Any, path: Path = ()) -> list[Path]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend(_paths(value, (*path, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(_paths(value, (*path, index)))
    return found


SSP_PATHS = _paths(SSP)[1:]
POAM_PATHS = _paths(POAM)[1:]

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.text(max_size=12),
    st.sampled_from(
        [
            "",
            "2026-02-30T00:00:00Z",
            "2026-13-01",
            "not-a-status",
            "#nowhere",
            "ac-2",
            "SP_800_171_03.12.04",
            "sp800-171r2-3.99.9",
        ]
    ),
    st.just([]),
    st.just({}),
    st.lists(st.text(max_size=4), max_size=2),
)


def _damage(document: dict[str, Any], path: Path, value: Any, delete: bool) -> dict[str, Any]:
    damaged = copy.deepcopy(document)
    parent: Any = damaged
    for part in path[:-1]:
        parent = parent[part]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return damaged


def _damage_all(document: dict[str, Any], damage: list[tuple[Path, Any, bool]]) -> dict[str, Any]:
    for path, value, delete in damage:
        try:
            document = _damage(document, path, value, delete)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed that place
    return document


def _read(data: bytes) -> None:
    try:
        read_document(parse_document("doc.json", data))
    except InputError as error:
        assert error.problems
        assert all(problem.file == "doc.json" for problem in error.problems)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(POAM_PATHS), values, st.booleans()), min_size=1, max_size=3)
)
def test_damaged_poam_never_crashes(damage: list[tuple[Path, Any, bool]]) -> None:
    _read(orjson.dumps(_damage_all(POAM, damage)))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(SSP_PATHS), values, st.booleans()), min_size=1, max_size=3)
)
def test_damaged_ssp_never_crashes(damage: list[tuple[Path, Any, bool]]) -> None:
    _read(orjson.dumps(_damage_all(SSP, damage)))


@pytest.mark.parametrize("document", [SSP, POAM], ids=["ssp", "poam"])
@settings(max_examples=40, deadline=None)
@given(cut=st.floats(0, 1))
def test_truncated_files_are_input_errors(document: dict[str, Any], cut: float) -> None:
    data = orjson.dumps(document, option=orjson.OPT_INDENT_2)
    with pytest.raises(InputError):
        read_document(parse_document("doc.json", data[: int(len(data) * cut * 0.999)]))
