"""Validate: load → model → check, for one tree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .check import check
from .findings import Finding, has_errors
from .model.content import StrategyModel
from .model.convert import to_model
from .source.load import load_repository
from .source.parse_cache import ParseCache
from .source.trees import SourceTree


@dataclass
class Validation:
    model: StrategyModel | None
    findings: list[Finding]

    @property
    def ok(self) -> bool:
        return self.model is not None and not has_errors(self.findings)

    def failed(self, strict: bool) -> bool:
        return not self.ok or (strict and bool(self.findings))

    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]


def validate(tree: SourceTree, as_of: dt.date, cache: ParseCache | None = None) -> Validation:
    """Load, type and check a strategy repository; `as_of` is the date reviews are due by."""
    result = to_model(load_repository(tree, cache))
    findings = result.findings
    if result.model is not None:
        findings += check(result.model, as_of)
    findings.sort(key=Finding.sort_key)
    return Validation(result.model if not has_errors(findings) else None, findings)


