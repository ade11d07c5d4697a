"""What every stage reports: a finding names a rule, a file and a place in it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import NamedTuple


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Position(NamedTuple):
    """A tuple, not a dataclass: the parse cache holds tens of thousands, and tuples
    unpickle three times faster."""

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
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Finding":
        return cls(Severity(data["severity"]), data["rule"], data["message"], data["file"],
                   data["line"], data["column"])


def error(rule: str, message: str, file: str, position: Position | None = None) -> Finding:
    return Finding.at(Severity.ERROR, rule, message, file, position)


def warning(rule: str, message: str, file: str, position: Position | None = None) -> Finding:
    return Finding.at(Severity.WARNING, rule, message, file, position)


def has_errors(findings: list[Finding]) -> bool:
    return any(f.is_error for f in findings)
