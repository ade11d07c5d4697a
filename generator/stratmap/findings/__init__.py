"""What every stage reports: a finding names a rule, a file and a place in it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from .rules import Severity, declared


class Position(NamedTuple):
    """A tuple, not a dataclass: cheap to make and compared by value."""

    line: int  # 1-based
    column: int  # 1-based


@dataclass(frozen=True)
class Finding:
    severity: Severity
    rule: str
    message: str
    file: str
    line: int | None = None
    column: int | None = None

    @classmethod
    def at(cls, severity: Severity, rule: str, message: str, file: str,
           position: Position | None = None) -> "Finding":
        return cls(severity, rule, message, file,
                   position.line if position else None,
                   position.column if position else None)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple:
        return (self.file, self.line or 0, self.column or 0, self.rule, self.message)

    def to_dict(self) -> dict:
        # by hand: dataclasses.asdict deep-copies every field, and a build of a large
        # organisation records thousands of findings
        return {"severity": self.severity, "rule": self.rule, "message": self.message,
                "file": self.file, "line": self.line, "column": self.column}

    @classmethod
    def from_dict(cls, data: dict) -> "Finding":
        return cls(Severity(data["severity"]), data["rule"], data["message"], data["file"],
                   data["line"], data["column"])


def error(rule: str, message: str, file: str, position: Position | None = None) -> Finding:
    declared(rule, Severity.ERROR)
    return Finding.at(Severity.ERROR, rule, message, file, position)


def warning(rule: str, message: str, file: str, position: Position | None = None) -> Finding:
    declared(rule, Severity.WARNING)
    return Finding.at(Severity.WARNING, rule, message, file, position)


def has_errors(findings: list[Finding]) -> bool:
    return any(f.is_error for f in findings)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Text from content or git, safe to print on a terminal: no escape sequences, no
    bidirectional overrides, and a name that is not UTF-8 shown with replacement marks."""
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return _CONTROL.sub("\N{REPLACEMENT CHARACTER}", text)
