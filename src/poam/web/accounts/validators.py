"""Password strength beyond Django's validators: zxcvbn's estimate of guesses.

Django's validators refuse short passwords, the 20,000 most common ones, all-digit ones and
ones close to the user's attributes. zxcvbn adds what NIST SP 800-63B 5.1.1.2 asks verifiers to
check against: passwords from breach corpora (its list of 30,000), dictionary words and names,
repetitive or sequential characters, keyboard patterns, dates, and context-specific words (the
service's name, the user's name and email). A password must be estimated to take at least 10^10
guesses (zxcvbn score 4 is 10^10 and up, 3 is 10^8 and up; we ask for 3 by default).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from zxcvbn import zxcvbn

CONTEXT = ["poam", "cmmc", "sprs", "nist", "cui", "password", "passw0rd"]
LONGEST_CHECKED = 100
"""zxcvbn's work grows with length; a longer password is judged by its first 100 characters."""


class GuessabilityValidator:
    def __init__(self, min_score: int = 3) -> None:
        self.min_score = min_score

    def validate(self, password: str, user: Any = None) -> None:
        inputs = list(CONTEXT)
        if user is not None:
            for field in ("username", "email", "first_name", "last_name"):
                value = str(getattr(user, field, "") or "")
                inputs.extend(
                    part for part in value.replace("@", " ").replace(".", " ").split() if part
                )
        result = zxcvbn(password[:LONGEST_CHECKED], user_inputs=inputs)
        if result["score"] >= self.min_score:
            return
        feedback = result.get("feedback", {})
        hint = feedback.get("warning") or ""
        suggestions = " ".join(feedback.get("suggestions") or [])
        message = "This password is too easy to guess."
        if hint:
            message += f" {hint.rstrip('.')}."
        if suggestions:
            message += f" {suggestions}"
        raise ValidationError(message, code="password_too_guessable")

    def get_help_text(self) -> str:
        return (
            "Your password must not be easy to guess: avoid common passwords, words, names, "
            "dates and patterns (several unrelated words make a good one)."
        )
