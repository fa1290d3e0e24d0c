"""Heuristics over free text: is an owner a group, is a gap or a remediation vague?

An assessor wants a named owner ("a role or a person, not a department") and a specific gap
and remediation. These heuristics are deliberately simple, documented, and tuned so that the
examples of the POA&M guidance come out right: "MFA not fully deployed" and "implement MFA" are
vague; "Multi-factor authentication is implemented for remote access but not yet enforced for
privileged local accounts on systems that process CUI" is specific.
"""

from __future__ import annotations

import re
from functools import lru_cache


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'&/.-]*")

ROLE_WORDS = _words(
    """
    manager officer director administrator admin engineer analyst lead isso issm ciso cio
    cto ceo coo cfo cso fso owner specialist coordinator architect president vp supervisor
    technician consultant auditor head chief controller custodian steward representative
    superintendent principal partner founder secretary treasurer counsel generalist planner
    scientist developer programmer operator
    """
)
GROUP_WORDS = _words(
    """
    department dept depts team teams committee group groups division board unit section
    council staff personnel office offices helpdesk everyone organization org company
    management employees users msp mssp vendor vendors workforce
    """
)
DEPARTMENT_NAMES = _words(
    """
    it is it/security infosec security facilities hr finance engineering legal operations
    ops compliance procurement purchasing accounting admin administration shipping quality
    maintenance networking network infrastructure cybersecurity help desk support
    """
)

PLACEHOLDERS = frozenset(
    {
        "tbd",
        "todo",
        "tba",
        "n/a",
        "na",
        "none",
        "-",
        "?",
        "see above",
        "same as above",
        "various",
        "misc",
        "pending",
        "fix",
        "fix it",
        "remediate",
        "as needed",
        "x",
    }
)
_GENERIC = re.compile(
    r"\b(as needed|as appropriate|as required|tbd|etc\.?|various|some (controls|systems|things)|"
    r"not fully|improve security|address (the )?gap|fix (the )?issue|remediate (the )?(gap|issue)|"
    r"in progress|work in progress)\b",
    re.IGNORECASE,
)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


@lru_cache(maxsize=4096)
def is_group(name: str) -> bool:
    """Whether an owner or maintainer names a department, team or committee, not one role or
    person: "IT Department", "Security Team", "CMMC Committee", "IT" (but "IT Manager" and
    "Jane Doe, ISSO" are fine)."""
    tokens = [token.lower().strip(".,;:()") for token in words(name)]
    tokens = [token for token in tokens if token]
    if not tokens:
        return False
    if any(token in ROLE_WORDS for token in tokens):
        return False
    if any(token in GROUP_WORDS for token in tokens):
        return True
    return all(token in DEPARTMENT_NAMES or token in {"the", "and", "&", "of"} for token in tokens)


@lru_cache(maxsize=8192)
def vagueness(text: str, min_words: int) -> str | None:
    """Why ``text`` is too vague to act on, or None when it is specific enough.

    Vague when empty, a placeholder, shorter than ``min_words`` words, or generic wording
    ("as needed", "not fully", "etc.") in fewer than twice ``min_words`` words.
    """
    stripped = " ".join(text.split())
    if not stripped:
        return "it is empty"
    if stripped.lower().strip(".") in PLACEHOLDERS:
        return f"{stripped!r} is a placeholder"
    count = len(words(stripped))
    if count < min_words:
        return f"it has {count} word{'s' if count != 1 else ''}, fewer than {min_words}"
    generic = _GENERIC.search(stripped) if count < 2 * min_words else None
    if generic:
        return f"it relies on generic wording ({generic.group(0)!r}) without specifics"
    return None
