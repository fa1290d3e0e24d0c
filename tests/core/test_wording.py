"""The free-text heuristics, including the seed article's own examples."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from poam.core.wording import is_group, vagueness


@pytest.mark.parametrize(
    ("text", "vague"),
    [
        ("MFA not fully deployed", True),
        ("implement MFA", True),
        (
            "Multi-factor authentication is implemented for remote access but not yet enforced for "
            "privileged local accounts on systems that process CUI",
            False,
        ),
        ("", True),
        ("TBD", True),
        ("n/a", True),
        ("Security controls are not fully implemented across various systems as needed", True),
        (
            "The FortiGate does not log denied outbound connections from the CUI VLAN to Sentinel",
            False,
        ),
    ],
)
def test_vagueness(text: str, vague: bool) -> None:
    assert (vagueness(text, 8) is not None) is vague


@pytest.mark.parametrize(
    ("name", "group"),
    [
        ("IT Department", True),
        ("Security Team", True),
        ("CMMC Steering Committee", True),
        ("IT", True),
        ("Facilities", True),
        ("the MSP", True),
        ("HR and Finance", True),
        ("IT Manager", False),
        ("Jane Doe, ISSO", False),
        ("Security Team Lead", False),
        ("Maria Kowalski", False),
        ("Office Manager", False),
        ("Facilities Supervisor", False),
        ("", False),
    ],
)
def test_is_group(name: str, group: bool) -> None:
    assert is_group(name) is group


@given(st.text(max_size=300), st.integers(1, 40))
def test_vagueness_never_crashes_and_empty_is_vague(text: str, minimum: int) -> None:
    reason = vagueness(text, minimum)
    if not text.strip():
        assert reason == "it is empty"
