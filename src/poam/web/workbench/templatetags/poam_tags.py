"""Small template helpers: labels, classes and lookups the pages share."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from django import template
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from poam import __version__
from poam.core import labels
from poam.core.model import EncryptionState, MfaState
from poam.core.verdict import Verdict

register = template.Library()

VERDICT_TONE = {
    "final": "good",
    "conditional": "warn",
    "none": "bad",
    "cannot-assess": "bad",
    "expired": "bad",
}
STATE_LABELS: dict[str, str] = {
    **{status.value: text for status, text in labels.ITEM_STATUS.items()},
    **{status.value: text for status, text in labels.IMPLEMENTATION_STATUS.items()},
    **{result.value: text for result, text in labels.OBJECTIVE_RESULT.items()},
}
"""The words of the states a page shows as text (entry and SSP statuses, objective results),
from ``poam.core.labels``: the same words as the CLI and the report."""


@register.simple_tag
def asset(path: str) -> str:
    """A static file's URL with the version, so browsers refetch after an upgrade."""
    return f"{static(path)}?v={__version__}"


@register.filter
def verdict_tone(value: Any) -> str:
    return VERDICT_TONE.get(str(getattr(value, "value", value)), "bad")


@register.filter
def verdict_label(value: Any) -> str:
    key = str(getattr(value, "value", value))
    return Verdict(key).label if key in Verdict._value2member_map_ else key


@register.filter
def label(value: Any) -> str:
    """A status or result as words ("partially-implemented" -> "Partially implemented"), in
    ``poam.core.labels``'s words; anything else with its dashes as spaces."""
    key = str(getattr(value, "value", value))
    return STATE_LABELS.get(key, key.replace("-", " ").capitalize())


@register.filter
def mfa_label(value: Any) -> str:
    key = str(getattr(value, "value", value))
    return labels.MFA_STATE[MfaState(key)] if key in MfaState._value2member_map_ else key


@register.filter
def encryption_label(value: Any) -> str:
    key = str(getattr(value, "value", value))
    known = EncryptionState._value2member_map_
    return labels.ENCRYPTION_STATE[EncryptionState(key)] if key in known else key


@register.filter
def role_label(value: Any) -> str:
    """A member's role as people say it ("entry-owner" -> "Entry owner"), from ``Role``."""
    from poam.web.workbench.models import Role

    key = str(getattr(value, "value", value))
    return str(Role(key).label) if key in Role.values else key


@register.filter
def get(mapping: Mapping[Any, Any] | None, key: Any) -> Any:
    if mapping is None:
        return None
    return mapping.get(key)


@register.filter
def iso(value: date | None) -> str:
    return "" if value is None else value.isoformat()


@register.filter
def days_phrase(days: int | None) -> str:
    if days is None:
        return ""
    if days < 0:
        return f"{-days} day{'s' if days != -1 else ''} ago"
    if days == 0:
        return "today"
    return f"{days} day{'s' if days != 1 else ''} left"


@register.filter
def plural(count: int, words: str = "") -> str:
    """``{{ n|plural:"entry,entries" }}`` -> "1 entry" / "3 entries"."""
    singular, _, many = words.partition(",")
    return f"{count} {singular if count == 1 else (many or singular + 's')}"


@register.filter
def score_text(value: int | None) -> str:
    return "—" if value is None else str(value)


@register.simple_tag
def pill(text: str, tone: str = "") -> SafeString:
    return format_html('<span class="pill {}">{}</span>', tone, text)


@register.filter
def severity_tone(value: Any) -> str:
    return {"error": "bad", "warning": "warn", "info": "info"}.get(
        str(getattr(value, "value", value)), ""
    )


@register.filter
def req_anchor(nist_id: str) -> str:
    """The id of a requirement's row in the SSP editor (``3.5.3`` -> ``req-3-5-3``)."""
    return "req-" + str(nist_id).replace(".", "-")


VERBS = {
    "create": "created",
    "update": "changed",
    "delete": "removed",
    "comment": "commented on",
    "review": "reviewed",
    "note": "noted on",
}


@register.filter
def verb(action: str) -> str:
    return VERBS.get(action, action)


@register.simple_tag
def deduction_rows(deductions: Any, system_pk: int) -> SafeString:
    """The rows of a score breakdown (up to 110): built here, since a template loop over them
    was most of the dashboard's rendering time."""
    return format_html_join(
        "\n",
        '<tr><td><a href="/systems/{}/ssp/?family={}#{}">{}</a></td><td>{}</td>'
        '<td class="num">−{}</td><td>{}</td><td><cite>{}</cite></td></tr>',
        (
            (
                system_pk,
                r.requirement.family,
                req_anchor(r.nist_id),
                r.requirement.cmmc_id,
                r.requirement.title,
                r.deduction,
                labels.label(r.basis),
                r.rule,
            )
            for r in deductions
        ),
    )


# --- form errors, at the field ----------------------------------------------------------------


def _messages(errors: Mapping[str, Any] | None, field: str) -> list[str]:
    return [str(m) for m in (errors or {}).get(field, ())]


@register.simple_tag
def invalid(errors: Mapping[str, Any] | None, field: str, *id_parts: Any) -> SafeString:
    """``aria-invalid`` and ``aria-describedby`` for an input whose field has errors (its id
    given whole or in parts: ``"to-" m.pk``)."""
    input_id = "".join(str(part) for part in id_parts)
    if not _messages(errors, field):
        return SafeString("")
    return format_html(' aria-invalid="true" aria-describedby="{}-error"', input_id)


@register.simple_tag
def field_errors(errors: Mapping[str, Any] | None, field: str, *id_parts: Any) -> SafeString:
    """The messages of one field, next to its input (read out with it: ``aria-describedby``)."""
    input_id = "".join(str(part) for part in id_parts)
    messages = _messages(errors, field)
    if not messages:
        return SafeString("")
    return format_html(
        '<p class="field-error" id="{}-error">{}</p>',
        input_id,
        format_html_join(" ", "<span>{}</span>", ((m,) for m in messages)),
    )


FIELD_LABELS = {
    "__all__": "",
    "item_id": "Entry id",
    "requirement": "Requirement",
    "gap": "Gap",
    "remediation": "Remediation",
    "owner": "Owner",
    "assignee": "Assigned member",
    "status": "Status",
    "objectives": "Objectives",
    "created": "Created",
    "identified_by": "Identified by",
    "resources": "Resources",
    "comments": "Comments",
    "title": "Title",
    "due": "Due date",
    "completed": "Completed on",
    "to_date": "New due date",
    "justification": "Justification",
    "file": "File",
    "url": "Address",
    "sha256": "SHA-256",
    "date": "Date",
    "text": "Comment",
    "name": "Name",
    "scope": "Scope",
    "cage_codes": "CAGE codes",
    "organization_label": "Organization",
    "description": "Description",
    "ssp_version": "SSP version",
    "ssp_date": "SSP date",
    "narrative": "Narrative",
    "responsible": "Responsible",
    "mfa": "MFA covers",
    "encryption": "Encryption",
    "enduring_exception": "Enduring exception",
    "deficiency_plan": "Temporary deficiency: plan",
    "deficiency_description": "Temporary deficiency: description",
    "maintainer": "Maintainer",
    "review_cadence_days": "Review cadence",
    "conditional_assessment": "Assessment",
    "conditional_status_date": "Conditional status date",
    "role": "Role",
    "email": "Email address",
    "reason": "Reason",
    "version": "Version",
}
"""How each form field is called on the pages (an error names the field as its label does)."""


@register.filter
def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


def _inputs(shown: Any, suffix: str) -> dict[str, str | None]:
    """Field -> the id of its input (None: shown at the field, id unknown); ``shown`` is a
    mapping, or names separated by spaces, each optionally ``name=id-prefix``."""
    if isinstance(shown, Mapping):
        return {name: f"{prefix}{suffix}" if prefix else None for name, prefix in shown.items()}
    tokens = shown.split() if isinstance(shown, str) else list(shown or ())
    inputs: dict[str, str | None] = {}
    for token in tokens:
        name, _, prefix = str(token).partition("=")
        inputs[name] = f"{prefix}{suffix}" if prefix else None
    return inputs


@register.simple_tag
def form_errors(errors: Mapping[str, Any] | None, shown: Any = (), suffix: Any = "") -> SafeString:
    """The summary above a refused form: every problem in words, each naming its field by its
    label and linking to the input when its id is known (``name=id-prefix``, plus ``suffix``);
    the messages are also at their fields (``field_errors``)."""
    if not errors:
        return SafeString("")
    inputs = _inputs(shown, str(suffix))
    items = []
    for field, messages in errors.items():
        name = field_label(field)
        for message in messages:
            text = f"{name}: {message}" if name else str(message)
            target = inputs.get(field)
            if target:
                items.append(format_html('<li><a href="#{}">{}</a></li>', target, text))
            else:
                items.append(format_html("<li>{}</li>", text))
    count = len(items)
    return format_html(
        '<div class="error-summary" role="alert"><p><strong>Not saved.</strong> {}</p>'
        "<ul>{}</ul></div>",
        "Fix this problem:" if count == 1 else f"Fix these {count} problems:",
        SafeString("".join(items)),
    )


# --- the history's differences, word by word ----------------------------------------------------

CONTEXT_WORDS = 6
"""Unchanged words kept on each side of a change; a longer unchanged run is elided."""


def _words(text: str) -> list[str]:
    """Words and the spaces between them, each a token, so that joining them gives the text
    back and a word compares equal whatever follows it."""
    return re.findall(r"\S+|\s+", text)


def _unchanged(words: list[str], *, first: bool, last: bool) -> str:
    """An unchanged run, shortened to its edges next to the changes (the whole text stays in
    the change log; the page shows where it changed)."""
    keep_head = 0 if first else 2 * CONTEXT_WORDS  # a word and its space: two tokens
    keep_tail = 0 if last else 2 * CONTEXT_WORDS
    if len(words) <= keep_head + keep_tail + 1:
        return "".join(words)
    head = "".join(words[:keep_head])
    tail = "".join(words[len(words) - keep_tail :]) if keep_tail else ""
    return f"{head}…{tail}"


@register.simple_tag
def change_diff(old: Any, new: Any, field: str = "") -> SafeString:
    """What a change did to a value, word by word (difflib): removed words in ``<del>``,
    added ones in ``<ins>``, each announced in words (not only by colour or strike-through),
    everything escaped. A role reads as its label."""
    if field == "role":
        old, new = (role_label(v) if v else v for v in (old, new))
    before, after = str(old or ""), str(new or "")
    if not before or not after:
        return format_html(
            '<span class="diff-words">{} → {}</span>',
            _deleted(before) if before else "(empty)",
            _inserted(after) if after else "(empty)",
        )
    old_words, new_words = _words(before), _words(after)
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    opcodes = matcher.get_opcodes()
    parts: list[SafeString] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            text = _unchanged(old_words[i1:i2], first=index == 0, last=index == len(opcodes) - 1)
            parts.append(format_html("{}", text))
            continue
        if i2 > i1:
            parts.append(_deleted("".join(old_words[i1:i2])))
        if j2 > j1:
            parts.append(_inserted("".join(new_words[j1:j2])))
    return format_html('<span class="diff-words">{}</span>', SafeString("".join(parts)))


def _deleted(text: str) -> SafeString:
    return format_html(
        '<del><span class="visually-hidden">[removed: </span>{}'
        '<span class="visually-hidden">]</span></del>',
        text,
    )


def _inserted(text: str) -> SafeString:
    return format_html(
        '<ins><span class="visually-hidden">[added: </span>{}'
        '<span class="visually-hidden">]</span></ins>',
        text,
    )
