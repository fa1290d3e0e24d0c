"""Control ids: the form poam writes, and the forms other tools write that poam accepts.

OSCAL control ids are tokens (XML NCNames: ``^(\\p{L}|_)(\\p{L}|\\p{N}|[.\\-_])*$``), so a bare
NIST id such as ``3.5.3`` is not one. poam writes ``sp800-171r2-3.5.3`` (it names the revision
that CMMC Level 2 assesses, 32 CFR 170.14(c)(3)) and carries ``3.5.3`` in a ``label`` prop.

On import it accepts ``sp800-171r2-3.5.3``, CMMC ids (``IA.L2-3.5.3``), ``_03.05.03`` and
``_3.5.3`` (third-party Rev 2 catalogs: the prefix says Rev 2), a bare ``3.5.3``, and an id in a
``label`` prop. NIST SP 800-171 **Rev 3** ids (``SP_800_171_03.05.03``, a bare ``03.05.03``)
name a different revision, which renumbered, merged and withdrew requirements: poam never reads
one as its Rev 2 look-alike, and reports each, as it reports SP 800-53 ids (``ac-2``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from poam.core.catalog import Catalog, is_rev3_id

PREFIX = "sp800-171r2-"


def control_id(nist_id: str) -> str:
    """The OSCAL control id poam writes for a Rev 2 requirement: ``sp800-171r2-3.5.3``."""
    return PREFIX + nist_id


class Kind(StrEnum):
    REV2 = "rev2"
    REV3 = "rev3"
    SP800_53 = "sp800-53"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class ControlRef:
    """What a control id names: a Rev 2 requirement (``nist_id``), or why it is unusable."""

    text: str
    kind: Kind
    nist_id: str | None = None


_REV2_PREFIX = re.compile(r"^(?:sp[-_ ]?800[-_ ]?171[-_ ]?r(?:ev)?[-_ ]?2[-_ ]?|_)", re.IGNORECASE)
_REV3 = re.compile(
    r"^sp[-_ ]?800[-_ ]?171[-_ ]?(?:r(?:ev)?[-_ ]?3[-_ ]?)?(?:sr-)?0*3\.(\d{1,2})\.(\d{1,3})$",
    re.IGNORECASE,
)
_PADDED = re.compile(r"^0*3\.0*(\d{1,2})\.0*(\d{1,3})$")
_SP800_53 = re.compile(r"^[a-z]{2}-\d{1,2}(?:\.\d{1,2})?$", re.IGNORECASE)


def resolve(text: str, catalog: Catalog) -> ControlRef:
    """What one control id (or label) names."""
    cleaned = text.strip()
    if _REV2_PREFIX.match(cleaned):  # the prefix says Rev 2, so zero padding is only padding
        bare = _REV2_PREFIX.sub("", cleaned, count=1)
        padded = _PADDED.match(bare)
        if padded is not None:
            bare = f"3.{int(padded[1])}.{int(padded[2])}"
        nist_id = catalog.normalize(bare)
        if nist_id is not None:
            return ControlRef(text, Kind.REV2, nist_id)
    elif _REV3.match(cleaned) or is_rev3_id(cleaned):
        return ControlRef(text, Kind.REV3)
    nist_id = catalog.normalize(cleaned)
    if nist_id is not None:
        return ControlRef(text, Kind.REV2, nist_id)
    if _SP800_53.match(cleaned):
        return ControlRef(text, Kind.SP800_53)
    return ControlRef(text, Kind.UNKNOWN)


def labels(props: Iterable[Mapping[str, Any]] | None) -> list[str]:
    """The values of the ``label`` props (OSCAL core props carry no namespace, or NIST's)."""
    return [
        str(found.get("value", ""))
        for found in props or ()
        if found.get("name") == "label"
        and found.get("ns") in (None, "http://csrc.nist.gov/ns/oscal")
    ]


def resolve_with_labels(
    text: str, props: Iterable[Mapping[str, Any]] | None, catalog: Catalog
) -> ControlRef:
    """The control id if it names a Rev 2 requirement, else the first label that does."""
    ref = resolve(text, catalog)
    if ref.kind is Kind.REV2:
        return ref
    for label in labels(props):
        by_label = resolve(label, catalog)
        if by_label.kind is Kind.REV2:
            return ControlRef(text, Kind.REV2, by_label.nist_id)
    return ref


def describe(kind: Kind) -> str:
    """Why a control id was not used, or how it was mapped, in a user's words."""
    return {
        Kind.REV2: "NIST SP 800-171 Rev 2 requirement",
        Kind.REV3: "NIST SP 800-171 Rev 3 id, not Rev 2 (CMMC Level 2 assesses Rev 2; Rev 3 "
        "renumbered, merged and withdrew requirements, so poam does not translate its ids)",
        Kind.SP800_53: "NIST SP 800-53 control id, not a NIST SP 800-171 Rev 2 requirement",
        Kind.UNKNOWN: "not a NIST SP 800-171 Rev 2 requirement",
    }[kind]
