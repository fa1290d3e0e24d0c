"""Cell values as people type them: headers, text, dates, requirement ids, numbered steps.

Workbooks are filled in by hand, so every parser here accepts the common spellings (a date typed
as text or stored as a real Excel date, ``AC-3.1.1`` or ``3.1.1 `` for a requirement) and raises
:class:`CellError` with a message that says what was expected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from poam.core.catalog import Catalog, is_rev3_id, rev3_message


class CellError(ValueError):
    """A cell whose value cannot be used; the message says what was expected."""


_SPACE = re.compile(r"\s+")


def normalize_header(value: object) -> str:
    """A header as compared: trimmed, whitespace (line breaks too) folded, case folded."""
    if value is None:
        return ""
    return _SPACE.sub(" ", str(value)).strip().casefold()


_WHOLE = re.compile(r"[0-9]{1,15}")


def whole_number(text: str) -> int | None:
    """The number written in ASCII digits (at most 15), or None: ``str.isdigit`` is true of
    "²" and "٣", which ``int`` refuses or reads as another digit."""
    return int(text) if _WHOLE.fullmatch(text) else None


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: object) -> str:
    """The text of a cell: numbers without a spurious ``.0``, dates as MM/DD/YYYY."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return us_date(value)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


# --- dates -----------------------------------------------------------------------------------


def us_date(value: date) -> str:
    """MM/DD/YYYY, as eMASS and US templates write dates."""
    return f"{value.month:02d}/{value.day:02d}/{value.year:04d}"


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + ")"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
US_DATE = r"\d{1,2}/\d{1,2}/\d{4}"
ISO_DATE = r"\d{4}[-/]\d{1,2}[-/]\d{1,2}"
NAMED_DATE = (
    rf"(?i:{_MONTH}\.?\s+{_DAY},?\s+\d{{4}}"  # Mar 1, 2026 / March 1st 2026
    rf"|{_DAY}\s+{_MONTH}\.?,?\s+\d{{4}}"  # 1 March 2026
    rf"|\d{{1,2}}-{_MONTH}-\d{{4}})"  # 01-Mar-2026
)
ANY_DATE = rf"(?:{US_DATE}|{ISO_DATE}|{NAMED_DATE})"
"""A date as people type it: MM/DD/YYYY, YYYY-MM-DD (or with slashes), or with the month's name
(``Mar 1, 2026``, ``1 March 2026``, ``01-Mar-2026``), month names in any case."""
_US = re.compile(rf"^{US_DATE}$")
_ISO = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")
_NAMED = re.compile(rf"^{NAMED_DATE}$")
_NUMBER = re.compile(r"\d+")
_WORD = re.compile(r"[a-z]+", re.IGNORECASE)
_EXCEL_EPOCH = date(1899, 12, 30)
_FIRST_SERIAL = 18264  # 1950-01-01: smaller numbers in a date column are not dates


def _named(text: str) -> date:
    month = next(_MONTHS[w.casefold()] for w in _WORD.findall(text) if w.casefold() in _MONTHS)
    numbers = [int(n) for n in _NUMBER.findall(text)]  # the day, then the year, in every form
    return date(numbers[-1], month, numbers[0])


def parse_text_date(text: str, expected: str = "MM/DD/YYYY") -> date:
    """A date typed as text (any spelling of :data:`ANY_DATE`); the message names ``expected``,
    the one format a layout asks for."""
    text = text.strip()
    try:
        if _US.match(text):
            month, day, year = (int(part) for part in text.split("/"))
            return date(year, month, day)
        iso = _ISO.match(text)
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        if _NAMED.match(text):
            return _named(text)
    except ValueError:
        pass
    raise CellError(f"{text!r} is not a date ({expected})")


def parse_date(value: object, expected: str = "MM/DD/YYYY") -> date | None:
    """A date cell: a real Excel date, an Excel serial number, or text; None when blank."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if _FIRST_SERIAL <= value < 2958466 and float(value).is_integer():
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise CellError(f"{cell_text(value)!r} is not a date ({expected})")
    return parse_text_date(str(value), expected)


# --- requirement ids -------------------------------------------------------------------------

_REFERENCE = re.compile(
    r"""^(?:NIST\s*(?:SP\s*)?800-171\s*(?:r(?:ev)?\.?\s*2)?\s*)?   # optional "NIST SP 800-171"
    (?:(?P<family>[A-Za-z]{2})(?:[\s.\-]*L2)?[\s.\-]+)?            # AC.L2- / AC- / AC.
    (?P<id>0*3\.0*\d{1,2}\.0*\d{1,3})\.?                          # 3.1.1 (03.01.01: Rev 3)
    \s*(?:[\[(](?P<objective>[A-Za-z])[\])])?$                    # [a] or (a)
    """,
    re.VERBOSE | re.IGNORECASE,
)


def parse_requirement(text: str, catalog: Catalog) -> tuple[str, str | None]:
    """The NIST id and objective letter (or None) of one reference such as ``AC.L2-3.1.1[a]``.

    Accepts ``3.5.3``, ``IA.L2-3.5.3``, ``IA-3.5.3``, ``3.5.3[d]``; the family, when given, must
    be the requirement's; the objective letter must be one of its objectives. NIST SP 800-171
    Rev 3 numbering (``03.05.03``) is refused with a message that says so.
    """
    match = _REFERENCE.match(text.strip())
    nist_id = None
    if match:
        if is_rev3_id(match["id"]):
            raise CellError(rev3_message(text))
        family = match["family"]
        candidate = f"{family.upper()}.L2-{match['id']}" if family else match["id"]
        nist_id = catalog.normalize(candidate)
    if nist_id is None:
        raise CellError(
            f"{text.strip()!r} is not a NIST SP 800-171 Rev 2 requirement "
            "(write it as 3.1.1 or AC.L2-3.1.1)"
        )
    letter = match["objective"].lower() if match and match["objective"] else None
    if letter is not None:
        letters = catalog.get(nist_id).objective_letters
        if letter not in letters:
            raise CellError(
                f"{text.strip()!r}: {nist_id} has no objective [{letter}] "
                f"(its objectives are {', '.join(letters)})"
            )
    return nist_id, letter


_SEPARATORS = re.compile(r"[;,\n]+")


def parse_requirement_list(text: str, catalog: Catalog) -> tuple[str, tuple[str, ...]]:
    """One requirement and its objectives from ``IA.L2-3.5.3`` or ``3.5.3[a]; 3.5.3[d]``.

    A POA&M entry covers exactly one requirement, so two different requirements are an error.
    """
    parts = [part.strip() for part in _SEPARATORS.split(text) if part.strip()]
    if not parts:
        raise CellError("is empty; each entry names its requirement (e.g. AC.L2-3.1.1)")
    requirements: list[str] = []
    letters: list[str] = []
    for part in parts:
        nist_id, letter = parse_requirement(part, catalog)
        if nist_id not in requirements:
            requirements.append(nist_id)
        if letter is not None and letter not in letters:
            letters.append(letter)
    if len(requirements) > 1:
        raise CellError(
            f"{text.strip()!r} names {len(requirements)} requirements ({', '.join(requirements)}); "
            "poam keeps one requirement per entry: split it into one entry per requirement"
        )
    return requirements[0], tuple(letters)


def requirement_reference(nist_id: str, objectives: Iterable[str], catalog: Catalog) -> str:
    """``IA.L2-3.5.3``, or ``IA.L2-3.5.3[a]; IA.L2-3.5.3[d]`` for objectives (800-171A style)."""
    requirement = catalog.find(nist_id)
    name = requirement.cmmc_id if requirement is not None else nist_id
    letters = list(objectives)
    if not letters:
        return name
    return "; ".join(f"{name}[{letter}]" for letter in letters)


# --- numbered steps --------------------------------------------------------------------------

_STEP = re.compile(r"^\s*(?:(?P<number>\d{1,3})[.)]|[-*•])\s+(?P<text>.*)$")


def steps_text(steps: Iterable[str]) -> str:
    """Steps as a numbered list, one per line: ``1. ...``."""
    return "\n".join(f"{index}. {step}" for index, step in enumerate(steps, start=1))


def parse_steps(text: str) -> tuple[str, ...]:
    """Steps from a numbered or bulleted list; unnumbered lines continue the step above them.

    Text with no list markers at all is one step per line.
    """
    lines = [line for line in text.split("\n") if line.strip()]
    if not any(_STEP.match(line) for line in lines):
        return tuple(line.strip() for line in lines)
    steps: list[str] = []
    for line in lines:
        match = _STEP.match(line)
        number = match["number"] if match else None
        starts = match is not None and (number is None or int(number) == len(steps) + 1)
        if starts and match is not None:
            steps.append(match["text"].strip())
        elif steps:
            steps[-1] += "\n" + line.strip()
        else:
            steps.append(line.strip())
    return tuple(steps)


def choice(value: str, choices: dict[str, str], expected: Iterable[str]) -> str:
    """The canonical value for ``value`` (matched like a header), or CellError listing choices."""
    found = choices.get(normalize_header(value))
    if found is None:
        raise CellError(f"{value!r} is not one of {', '.join(expected)}")
    return found
