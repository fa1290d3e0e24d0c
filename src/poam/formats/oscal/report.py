"""What an import used and what it skipped, with counts, for the user to read.

An OSCAL document from another tool holds much that poam has no place for (SP 800-53 control
ids, FedRAMP props, inventories); the import says so instead of dropping it silently.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

EXAMPLES = 5


@dataclass
class Skipped:
    """Things of one kind poam did not use, for one reason."""

    count: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, example: str) -> None:
        self.count += 1
        if len(self.examples) < EXAMPLES and example not in self.examples:
            self.examples.append(example)


@dataclass
class Report:
    """The outcome of reading one OSCAL document: counts of what was used, and warnings."""

    file: str
    model: str
    used: Counter[str] = field(default_factory=Counter)
    skipped: dict[tuple[str, str], Skipped] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    ignored_props: Counter[str] = field(default_factory=Counter)

    def use(self, what: str, count: int = 1) -> None:
        self.used[what] += count

    def skip(self, reason: str, example: str, verb: str = "skipped") -> None:
        """Count one thing not used (or, with ``verb``, used in a way worth telling)."""
        self.skipped.setdefault((verb, reason), Skipped()).add(example)

    def note(self, message: str) -> None:
        if message not in self.notes:
            self.notes.append(message)

    def ignore_prop(self, name: str, ns: str | None) -> None:
        self.ignored_props[f"{name} ({ns})" if ns else name] += 1

    def lines(self) -> list[str]:
        """The report as lines of text: what was used, then each warning."""
        used = ", ".join(f"{what}: {count}" for what, count in self.used.items())
        result = [f"{self.file}: {self.model}: used {used or 'nothing'}"]
        for (verb, reason), skipped in self.skipped.items():
            more = ", ..." if skipped.count > len(skipped.examples) else ""
            result.append(
                f"{self.file}: {verb} {skipped.count} {reason} "
                f"({', '.join(skipped.examples)}{more})"
            )
        result.extend(f"{self.file}: {note}" for note in self.notes)
        if self.ignored_props:
            names = ", ".join(
                f"{name} x{count}" for name, count in self.ignored_props.most_common(8)
            )
            more = ", ..." if len(self.ignored_props) > 8 else ""
            total = sum(self.ignored_props.values())
            result.append(f"{self.file}: ignored {total} props poam does not read: {names}{more}")
        return result

    @property
    def warnings(self) -> int:
        return len(self.skipped) + len(self.notes) + (1 if self.ignored_props else 0)
