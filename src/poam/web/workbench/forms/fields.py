"""Form fields for what poam's forms share: ISO dates, lists typed one per line, objective
letters, optional text. Each accepts the HTML form's text and the API's JSON alike, and says
what is wrong in poam's words."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Any

from django import forms
from django.core.exceptions import ValidationError


class IsoDateField(forms.Field):
    """A date as ``YYYY-MM-DD`` (or a date already parsed by the API)."""

    def to_python(self, value: Any) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValidationError(
                "%(value)r is not a date (YYYY-MM-DD)", code="invalid", params={"value": value}
            ) from None


class TextField(forms.CharField):
    """Text, trimmed; empty is ``""`` (or ``None`` with ``empty_none=True``)."""

    def __init__(self, *, empty_none: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.empty_none = empty_none

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        return None if self.empty_none and not text else text


class LinesField(forms.Field):
    """A list typed one item per line (list markers dropped), or a JSON list."""

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, str):
            return [line.strip(" -*\t") for line in value.splitlines() if line.strip(" -*\t")]
        return [str(item).strip() for item in value or () if str(item).strip()]


class LettersField(forms.Field):
    """Assessment objective letters: ``a, c`` typed, or a JSON list."""

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, str):
            return re.findall(r"[a-z]+", value.lower())
        return [str(letter) for letter in value or ()]


class EnumField(forms.ChoiceField):
    """One value of a core enumeration, with poam's message for anything else."""

    def __init__(self, enum: type[StrEnum], message: str, **kwargs: Any) -> None:
        self.enum = enum
        super().__init__(
            choices=[(member.value, member.value) for member in enum],
            error_messages={
                "invalid_choice": message,
                "required": kwargs.pop("required_message", "this field is required"),
            },
            **kwargs,
        )

    def to_python(self, value: Any) -> str:
        return "" if value in self.empty_values else str(getattr(value, "value", value)).strip()

    def clean(self, value: Any) -> str | None:
        cleaned = super().clean(value)
        return cleaned or None


class RequirementField(forms.CharField):
    """A NIST SP 800-171 requirement, as ``3.5.3`` or ``IA.L2-3.5.3``; cleaned to ``3.5.3``."""

    default_error_messages = {  # noqa: RUF012 -- Django's convention
        "invalid": "%(value)r is not a NIST SP 800-171 requirement",
    }

    def to_python(self, value: Any) -> str:
        text = str(super().to_python(value) or "")
        if not text:
            return text
        from poam.core.catalog import is_rev3_id, load_catalog, rev3_message

        catalog = load_catalog()
        found = catalog.find(text)
        if found is None:
            if is_rev3_id(text):  # Rev 3 is not Rev 2: say so (32 CFR 170.14(c)(3))
                raise ValidationError(rev3_message(text), "rev3")
            raise ValidationError(self.error_messages["invalid"], "invalid", {"value": text})
        return found.nist_id
