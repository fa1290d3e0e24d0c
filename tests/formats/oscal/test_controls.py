"""Control ids: the form poam writes is an OSCAL token; the forms others write are accepted."""

from __future__ import annotations

import re

import pytest

from poam.core.catalog import Catalog
from poam.formats.oscal.controls import (
    Kind,
    control_id,
    resolve,
    resolve_with_labels,
)

# The TokenDatatype of the OSCAL 1.1.3 schemas, in Python's dialect (\p{L} -> letters).
TOKEN = re.compile(r"^[^\W\d](?:[^\W_]|[.\-_])*$")


def test_poam_writes_valid_tokens_that_read_back(catalog: Catalog) -> None:
    for requirement in catalog:
        written = control_id(requirement.nist_id)
        assert TOKEN.match(written), written
        assert resolve(written, catalog) == resolve(written, catalog)
        assert resolve(written, catalog).nist_id == requirement.nist_id
    assert not TOKEN.match("3.5.3")  # why poam cannot write the bare NIST id


@pytest.mark.parametrize(
    ("text", "kind", "nist_id"),
    [
        ("sp800-171r2-3.5.3", Kind.REV2, "3.5.3"),
        ("SP800-171R2-3.13.11", Kind.REV2, "3.13.11"),
        ("sp_800_171_r2_3.1.1", Kind.REV2, "3.1.1"),
        ("IA.L2-3.5.3", Kind.REV2, "3.5.3"),
        ("ia.l2-3.5.3", Kind.REV2, "3.5.3"),
        ("_03.05.03", Kind.REV2, "3.5.3"),
        ("_3.5.3", Kind.REV2, "3.5.3"),
        ("3.5.3", Kind.REV2, "3.5.3"),
        ("_3.05.003", Kind.REV2, "3.5.3"),
        # Rev 3 is never read as its Rev 2 look-alike, even where the number is the same
        ("03.13.11", Kind.REV3, None),
        ("SP_800_171_03.05.03", Kind.REV3, None),
        ("sp_800_171_03.01.01", Kind.REV3, None),
        ("sp800-171r3-3.13.11", Kind.REV3, None),
        ("SP_800_171_03.12.04", Kind.REV3, None),
        ("SP_800_171_03.13.02", Kind.REV3, None),
        ("SP_800_171_03.15.02", Kind.REV3, None),
        ("SP_800_171_03.04.10", Kind.REV3, None),
        ("SP_800_171_SR-03.01.01", Kind.REV3, None),
        # SP 800-53 and nonsense
        ("ac-2", Kind.SP800_53, None),
        ("AC-2.1", Kind.SP800_53, None),
        ("au-1", Kind.SP800_53, None),
        ("sp800-171r2-3.99.1", Kind.UNKNOWN, None),
        ("IA.L2-3.1.1", Kind.UNKNOWN, None),
        ("hello", Kind.UNKNOWN, None),
    ],
)
def test_control_id_forms(catalog: Catalog, text: str, kind: Kind, nist_id: str | None) -> None:
    assert resolve(text, catalog) == resolve(text, catalog).__class__(text, kind, nist_id)


def test_a_label_prop_names_the_requirement_when_the_id_does_not(catalog: Catalog) -> None:
    props = [{"name": "label", "value": "3.5.3"}]
    found = resolve_with_labels("cmmc-ia-7", props, catalog)
    assert (found.kind, found.nist_id) == (Kind.REV2, "3.5.3")
    nist_ns = [{"name": "label", "ns": "http://csrc.nist.gov/ns/oscal", "value": "IA.L2-3.5.3"}]
    assert resolve_with_labels("x", nist_ns, catalog).nist_id == "3.5.3"
    other_ns = [{"name": "label", "ns": "https://example.com", "value": "3.5.3"}]
    assert resolve_with_labels("x", other_ns, catalog).nist_id is None
    # An 800-53 id with an 800-53 label stays unusable.
    assert resolve_with_labels("ac-2", [{"name": "label", "value": "AC-2"}], catalog).kind is (
        Kind.SP800_53
    )
