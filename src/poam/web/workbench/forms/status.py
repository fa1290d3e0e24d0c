"""The CMMC status record's forms: an assessment of record (with its POA&M closeout) and an
affirmation. They check what the record must say (32 CFR 170.16-170.22) and refuse a fact dated
after today: the record holds what happened; plans have due dates elsewhere."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from poam.core.model import (
    Affirmation,
    AffirmationKind,
    AssessmentOfRecord,
    AssessmentResult,
    AssessmentType,
    Closeout,
    CloseoutResult,
)
from poam.core.verdict import CONDITIONAL_MIN_SCORE, closeout_deadline
from poam.web.workbench.forms.fields import EnumField, IsoDateField, TextField


class _Dated(forms.Form):
    """A form whose dates record facts: none may be after ``today``."""

    def __init__(self, data: Any, *, today: date) -> None:
        super().__init__(data)
        self.today = today

    def _not_after_today(self, name: str) -> None:
        value = self.cleaned_data.get(name)
        if isinstance(value, date) and value > self.today:
            self.add_error(
                name,
                f"{value.isoformat()} is after today ({self.today.isoformat()}): record what "
                "has happened",
            )


class AssessmentForm(_Dated):
    """An assessment whose result was entered in SPRS (self) or eMASS (C3PAO)."""

    type = EnumField(
        AssessmentType, "the assessment is self or c3pao", required_message="self or c3pao?"
    )
    date = IsoDateField(error_messages={"required": "the day the assessment was completed"})
    status_date = IsoDateField(error_messages={"required": "the CMMC Status Date is required"})
    result = EnumField(
        AssessmentResult,
        "the status awarded is conditional or final",
        required_message="conditional or final?",
    )
    score = forms.IntegerField(
        required=False,
        min_value=-203,
        max_value=110,
        error_messages={
            "invalid": "a score is a whole number from -203 to 110",
            "min_value": "a score is at least -203",
            "max_value": "a score is at most 110",
        },
    )
    uid = TextField(empty_none=True, max_length=64)
    closeout_date = IsoDateField(required=False)
    closeout_result = EnumField(
        CloseoutResult, "the closeout's result is met or not-met", required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("date", "status_date", "closeout_date"):
            self._not_after_today(name)
        when, status_date = data.get("date"), data.get("status_date")
        if when and status_date and status_date < when:
            self.add_error("status_date", "the status date comes on or after the assessment")
        result, score = data.get("result"), data.get("score")
        if result == AssessmentResult.FINAL.value and score not in (None, 110):
            self.add_error("score", "a Final status from an assessment needs 110 (32 CFR 170.24)")
        if (
            result == AssessmentResult.CONDITIONAL.value
            and score is not None
            and score < CONDITIONAL_MIN_SCORE
        ):
            self.add_error(
                "score",
                f"a Conditional status needs at least {CONDITIONAL_MIN_SCORE} (32 CFR "
                "170.21(a)(2)(i))",
            )
        closed, closeout_result = data.get("closeout_date"), data.get("closeout_result")
        if (closed is None) != (closeout_result is None):
            self.add_error(
                "closeout_result" if closed else "closeout_date",
                "a closeout has both a date and a result",
            )
        if closed is not None and result == AssessmentResult.FINAL.value:
            self.add_error("closeout_date", "only a Conditional status has a POA&M closeout")
        if closed is not None and status_date is not None and closed < status_date:
            self.add_error("closeout_date", "the closeout comes after the status date")
        return data

    def record(self) -> AssessmentOfRecord:
        data = self.cleaned_data
        closed = data.get("closeout_date")
        return AssessmentOfRecord(
            type=AssessmentType(data["type"]),
            date=data["date"],
            status_date=data["status_date"],
            result=AssessmentResult(data["result"]),
            score=data.get("score"),
            uid=data.get("uid"),
            closeout=None
            if closed is None
            else Closeout(closed, CloseoutResult(data["closeout_result"])),
        )

    @staticmethod
    def late_closeout(record: AssessmentOfRecord) -> bool:
        """A closeout with result MET after day 180 keeps nothing: worth telling the person."""
        return (
            record.closeout is not None
            and record.closeout.result is CloseoutResult.MET
            and record.closeout.date > closeout_deadline(record.status_date)
        )


class AffirmationForm(_Dated):
    """An affirmation of continuing compliance by the Affirming Official (32 CFR 170.22)."""

    kind = EnumField(
        AffirmationKind,
        "the affirmation is initial, post-closeout or annual",
        required_message="initial, post-closeout or annual?",
    )
    date = IsoDateField(error_messages={"required": "the day it was submitted in SPRS"})
    official = TextField(
        required=True,
        max_length=200,
        error_messages={"required": "the Affirming Official's name"},
    )
    title = TextField(
        required=True,
        max_length=200,
        error_messages={"required": "the Affirming Official's title"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._not_after_today("date")
        return data

    def affirmation(self) -> Affirmation:
        data = self.cleaned_data
        return Affirmation(
            AffirmationKind(data["kind"]), data["date"], data["official"], data["title"]
        )


_NOT_FIELDS = frozenset({"csrfmiddlewaretoken", "version", "reason"})


def refuse_unknown(data: Any, form: type[forms.Form]) -> None:
    """An API or page sending a field the form does not have is told so, not ignored."""
    unknown = sorted(
        set(data) - set(form.base_fields) - {"csrfmiddlewaretoken", "version", "reason"}
    )
    if unknown:
        raise ValidationError(f"unknown fields: {', '.join(unknown)}")
