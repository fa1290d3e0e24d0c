"""The forms of the workbench: every input a person (page) or a program (API) sends is
validated here, once, with poam's own messages, field by field.

A service builds the form for what it was given and raises :class:`Invalid` when it does not
validate; a page catches it and shows the bound form again, each message at its field; the API
answers 422 with the same messages by field. The model forms (entries, SSP requirements,
systems, POA&M settings) take their fields from the model, so the list of an entry's fields is
written once, in :class:`~.poam.EntryForm`.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

F = TypeVar("F", bound=forms.BaseForm)


class Invalid(ValidationError):
    """A form that did not validate; carries it, so a page can show each error at its field."""

    def __init__(self, form: forms.BaseForm) -> None:
        self.form = form
        super().__init__({name: list(errors) for name, errors in form.errors.as_data().items()})


def validated(form: F) -> F:
    """The form, once valid; :class:`Invalid` otherwise."""
    if not form.is_valid():
        raise Invalid(form)
    return form


def errors_of(error: ValidationError) -> dict[str, list[str]]:
    """Messages by field (``__all__`` for the form as a whole), as the API returns them."""
    if hasattr(error, "error_dict"):
        return {
            key: [str(m) for m in ValidationError(value).messages]
            for key, value in error.error_dict.items()
        }
    return {NON_FIELD_ERRORS: [str(m) for m in error.messages]}


class PartialModelForm(forms.ModelForm):  # type: ignore[type-arg]
    """A model form that validates only the fields it is given.

    A page sends the fields of the form it shows (an entry owner's form has fewer), the API
    the fields of a PATCH: ``only`` names them (default: the form's fields present in
    ``data``); a name the form does not know is refused.
    """

    def __init__(
        self,
        data: Any,
        *,
        instance: Any = None,
        only: Any = None,
        files: Any = None,
    ) -> None:
        super().__init__(data, files, instance=instance)
        chosen = [name for name in self.fields if name in data] if only is None else list(only)
        self.unknown = sorted(set(chosen) - set(self.fields))
        for name in list(self.fields):
            if name not in chosen:
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        if self.unknown:
            raise ValidationError(f"unknown fields: {', '.join(self.unknown)}")
        return cleaned

    def values(self) -> dict[str, Any]:
        """The cleaned values by column (``assignee_id`` for ``assignee``), ready to save."""
        model = self._meta.model
        assert model is not None
        out: dict[str, Any] = {}
        for name in self.fields:
            field = model._meta.get_field(name)
            value = self.cleaned_data[name]
            if field.is_relation:
                out[field.attname] = None if value is None else value.pk
            else:
                out[name] = value
        return out
