"""The 110 requirements of NIST SP 800-171 Rev 2, as CMMC Level 2 assesses them.

CMMC Level 2 assesses exactly these (32 CFR 170.14(c)(3)).

The data lives in ``requirements.json`` beside this module (wording written for poam, facts
checked against the reference in tests); this module loads it once and answers lookups by any
common form of a Rev 2 id: ``3.5.3``, ``IA.L2-3.5.3``, ``ia.l2-3.5.3``. NIST SP 800-171 Rev 3
numbering (``03.05.03``) is refused, never read as its look-alike: :func:`rev3_message` says why.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from poam.core.model import EncryptionState, MfaState


@dataclass(frozen=True, slots=True)
class Objective:
    """One NIST SP 800-171A assessment objective: its letter and determination statement."""

    letter: str
    statement: str


@dataclass(frozen=True, slots=True)
class PartialCredit:
    """The deduction for each state of a partial-credit requirement (170.24(c)(2)(i)(B)(4))."""

    field: str
    """The SSP field that records the state: ``mfa`` or ``encryption``."""
    deductions: dict[str, int]
    citation: str


@dataclass(frozen=True, slots=True)
class Requirement:
    nist_id: str
    cmmc_id: str
    family: str
    family_name: str
    title: str
    statement: str
    kind: str
    points: int | None
    """The value subtracted when NOT MET; None for 3.12.4, which has no value."""
    partial_credit: PartialCredit | None
    poam_eligible: bool
    """Eligible for a Conditional POA&M (32 CFR 170.21(a)(2)(ii)-(iii)); see ``eligible_in``."""
    poam_eligible_only_in_state: str | None
    poam_excluded_by_name: bool
    level1: bool
    objectives: tuple[Objective, ...]
    objective_letters: tuple[str, ...] = ()
    """The objectives' letters in order (derived from ``objectives`` when not given)."""

    def __post_init__(self) -> None:
        if not self.objective_letters:
            letters = tuple(objective.letter for objective in self.objectives)
            object.__setattr__(self, "objective_letters", letters)

    @property
    def max_deduction(self) -> int:
        return self.points or 0

    def eligible_in(self, state: MfaState | EncryptionState | None) -> bool:
        """Whether this requirement, NOT MET in ``state``, may sit on a Conditional POA&M.

        32 CFR 170.21(a)(2)(ii): 1-point requirements, and SC.L2-3.13.11 only while encryption
        is employed but not FIPS-validated; (a)(2)(iii) excludes six requirements by name.
        """
        if not self.poam_eligible:
            return False
        if self.poam_eligible_only_in_state is None:
            return True
        return state is not None and state.value == self.poam_eligible_only_in_state

    def sort_key(self) -> tuple[int, int, int]:
        return _sort_key(self.nist_id)


def _sort_key(nist_id: str) -> tuple[int, int, int]:
    a, b, c = (int(part) for part in nist_id.split("."))
    return (a, b, c)


_ID = re.compile(
    r"""^\s*
    (?:(?P<family>[A-Z]{2})\.L2-)?             # optional CMMC prefix, e.g. IA.L2-
    3\.(?P<fam>[1-9]\d?)\.(?P<num>[1-9]\d{0,2})  # 3.5.3: Rev 2 numbers have no leading zeros
    \s*$""",
    re.VERBOSE,
)
_REV3 = re.compile(r"^\s*(?:[A-Z]{2}\.L2-)?0\d\.\d\d\.\d\d\s*$", re.IGNORECASE)
"""NIST SP 800-171 Rev 3 numbering (``03.01.01``): not Rev 2, whatever it looks like."""


def is_rev3_id(text: str) -> bool:
    """Whether ``text`` is written the way NIST SP 800-171 Rev 3 numbers its requirements."""
    return _REV3.match(text) is not None


def rev3_message(text: str) -> str:
    """Why a Rev 3 id is refused: CMMC Level 2 assesses Rev 2 (32 CFR 170.14(c)(3)), and Rev 3
    renumbered, merged and withdrew requirements, so no id can be carried across safely."""
    return (
        f"{text.strip()!r} is NIST SP 800-171 Rev 3 numbering; CMMC Level 2 assesses the 110 "
        "requirements of Rev 2 (ids such as 3.1.1 or AC.L2-3.1.1). Rev 3 renumbered, merged and "
        "withdrew requirements, so poam does not translate Rev 3 ids: map each one to its Rev 2 "
        "requirement (see `poam catalog`)"
    )


class Catalog:
    """All requirements, with lookups by NIST or CMMC id in any case."""

    def __init__(self, families: dict[str, str], requirements: list[Requirement]) -> None:
        self.families = families
        self.requirements: tuple[Requirement, ...] = tuple(
            sorted(requirements, key=Requirement.sort_key)
        )
        self._by_nist = {req.nist_id: req for req in self.requirements}
        self.total_objectives = sum(len(req.objectives) for req in self.requirements)

    def __iter__(self) -> Iterator[Requirement]:
        return iter(self.requirements)

    def __len__(self) -> int:
        return len(self.requirements)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.normalize(key) is not None

    def normalize(self, text: str) -> str | None:
        """The NIST id (``3.5.3``) for any accepted spelling of a known requirement, else None."""
        if text in self._by_nist:
            return text
        match = _ID.match(text.upper())
        if match is None:
            return None
        nist_id = f"3.{int(match['fam'])}.{int(match['num'])}"
        requirement = self._by_nist.get(nist_id)
        if requirement is None:
            return None
        family = match["family"]
        if family is not None and family != requirement.family:
            return None
        return nist_id

    def find(self, text: str) -> Requirement | None:
        known = self._by_nist.get(text)
        if known is not None:
            return known
        nist_id = self.normalize(text)
        return None if nist_id is None else self._by_nist[nist_id]

    def get(self, text: str) -> Requirement:
        """The requirement for an id, or KeyError naming what was asked."""
        requirement = self.find(text)
        if requirement is None:
            raise KeyError(self.why_unknown(text))
        return requirement

    def why_unknown(self, text: str) -> str:
        """Why ``text`` names no requirement, in a sentence (a Rev 3 id says so)."""
        if is_rev3_id(text):
            return rev3_message(text)
        return f"no NIST SP 800-171 Rev 2 requirement {text!r}"

    def family(self, code: str) -> tuple[Requirement, ...]:
        code = code.upper()
        return tuple(req for req in self.requirements if req.family == code)


def _requirement(raw: dict[str, Any], families: dict[str, str]) -> Requirement:
    partial = raw.get("partial_credit")
    return Requirement(
        nist_id=raw["nist_id"],
        cmmc_id=raw["cmmc_id"],
        family=raw["family"],
        family_name=families[raw["family"]],
        title=raw["title"],
        statement=raw["statement"],
        kind=raw["kind"],
        points=raw["points"],
        partial_credit=None
        if partial is None
        else PartialCredit(partial["field"], dict(partial["deductions"]), partial["citation"]),
        poam_eligible=raw["poam_eligible"],
        poam_eligible_only_in_state=raw.get("poam_eligible_only_in_state"),
        poam_excluded_by_name=raw["poam_excluded_by_name"],
        level1=raw.get("level1", False),
        objectives=tuple(Objective(o["letter"], o["statement"]) for o in raw["objectives"]),
    )


@cache
def load_catalog() -> Catalog:
    """The catalog shipped with poam (loaded once per process)."""
    text = (Path(__file__).parent / "requirements.json").read_text("utf-8")
    data = json.loads(text)
    families: dict[str, str] = data["families"]
    return Catalog(families, [_requirement(raw, families) for raw in data["requirements"]])
