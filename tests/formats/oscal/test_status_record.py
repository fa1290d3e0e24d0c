"""The CMMC status record in an OSCAL SSP: carried exactly, and bad props named at their place."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from poam.core.model import (
    Affirmation,
    AffirmationKind,
    AssessmentOfRecord,
    AssessmentResult,
    AssessmentType,
    Closeout,
    CloseoutResult,
    CmmcRecord,
)
from poam.formats.errors import InputError
from poam.formats.oscal import ssp_to_oscal
from poam.formats.oscal.detect import parse_document
from poam.formats.oscal.mapping import NS
from poam.formats.oscal.ssp_reader import ssp_from_document
from tests.core.builders import not_met

RECORD = CmmcRecord(
    (
        AssessmentOfRecord(
            AssessmentType.C3PAO,
            date(2026, 1, 28),
            date(2026, 2, 1),
            AssessmentResult.CONDITIONAL,
            score=104,
            uid="L2C3-1",
            closeout=Closeout(date(2026, 7, 20), CloseoutResult.MET),
        ),
    ),
    (Affirmation(AffirmationKind.INITIAL, date(2026, 2, 2), "Pat Lee", "Chief Executive"),),
)


def _read(data: dict[str, Any]):  # type: ignore[no-untyped-def]
    text = json.dumps(data)
    return ssp_from_document(parse_document("ssp.json", text.encode()))[0]


def test_the_record_travels_in_grouped_props() -> None:
    ssp = replace(not_met("3.1.3"), cmmc=RECORD)
    data = ssp_to_oscal(ssp)
    props = data["system-security-plan"]["system-characteristics"]["props"]
    groups = {p["group"] for p in props if p.get("group")}
    assert groups == {"assessment-1", "affirmation-1"}
    assert all(p["ns"] == NS for p in props)
    assert _read(data).cmmc == RECORD


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("status-date", None, "the group has no poam prop 'status-date'"),
        ("assessment-result", "provisional", "'provisional' is not a known assessment-result"),
        ("assessment-score", "111", "'111' is not a score (-203 to 110)"),
        ("closeout-date", "2026-02-30", "'2026-02-30' is not a date"),
    ],
)
def test_a_bad_record_prop_is_named_at_its_place(
    name: str, value: str | None, message: str
) -> None:
    data = ssp_to_oscal(replace(not_met("3.1.3"), cmmc=RECORD))
    props = data["system-security-plan"]["system-characteristics"]["props"]
    index = next(i for i, p in enumerate(props) if p["name"] == name)
    if value is None:
        del props[index]
    else:
        props[index]["value"] = value
    with pytest.raises(InputError) as caught:
        _read(data)
    text = str(caught.value)
    assert message in text
    assert "system-characteristics.props[" in text
