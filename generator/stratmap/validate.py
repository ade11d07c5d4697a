"""Validate: load → model → check, for one tree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .check import KeptFindings, check
from .check.problem import CheckContext
from .findings import Finding, has_errors
from .markdown.links import content_links
from .model.approval import PlanStamp
from .model.content import StrategyModel
from .model.convert import ModelResult, to_model
from .source.load import load_repository
from .source.parse_cache import ParseCache
from .source.trees import SourceTree

PreviousPlans = Callable[[], dict[str, PlanStamp]]  # the plans of the version before

CROSS_FILE_CHECKS = "references, cycles, line of sight, priorities, approvals, KPI dates, links"


@dataclass
class Validation:
    model: StrategyModel | None
    findings: list[Finding]
    checked: bool = True  # False: a file did not type-check, so the cross-file rules did not run

    @property
    def ok(self) -> bool:
        return self.model is not None and not has_errors(self.findings)

    @property
    def checks_skipped(self) -> str | None:
        """Why the rules across files did not run, when they did not: they need every
        file typed, so a file with errors hides what they would find."""
        if self.checked:
            return None
        return (f"checks across files ({CROSS_FILE_CHECKS}) were skipped because of the errors "
                "above; fix them and run again to see the rest")

    def failed(self, strict: bool) -> bool:
        return not self.ok or (strict and bool(self.findings))

    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]


def validate(tree: SourceTree, as_of: dt.date, cache: ParseCache | None = None,
             previous: PreviousPlans | None = None) -> Validation:
    """Load, type and check a strategy repository; `as_of` is the date reviews are due by,
    `previous` reads the version before (for the rules that compare two)."""
    result = _typed(tree, cache)
    findings = result.findings
    if result.model is not None:
        context = CheckContext(as_of, previous, cache.content_links if cache else content_links)
        findings += check(result.model, context, _kept_findings(cache) if cache else None)
    findings.sort(key=Finding.sort_key)
    return Validation(result.model if not has_errors(findings) else None, findings,
                      checked=result.model is not None)


def _kept_findings(cache: ParseCache) -> KeptFindings:
    """What the checks found in each plan, kept with the cache for the next validation."""
    if cache.checked is None:
        cache.checked = KeptFindings()
    return cache.checked


def typed_model(tree: SourceTree, cache: ParseCache | None = None) -> StrategyModel | None:
    """The model of a version that validated before, loaded and typed again: the checks
    only add findings, and its were kept, so they are not run again."""
    return _typed(tree, cache).model


def _typed(tree: SourceTree, cache: ParseCache | None) -> ModelResult:
    loaded = load_repository(tree, cache)
    return to_model(loaded, cache.made, cache.plan_digests) if cache else to_model(loaded)


def errors_after_edits(root: Path, texts: dict[str, str], as_of: dt.date,
                       cache: ParseCache | None = None) -> list[str]:
    """The errors the repository would have with these files rewritten (`file:line:
    message [rule]`), checked before a command writes them: an edit that breaks the
    strategy is never written."""
    from .source.trees import EditedTree, WorkingTree

    after = validate(EditedTree(WorkingTree(root), {p: t.encode() for p, t in texts.items()}), as_of, cache)
    return [f"{f.file}:{f.line or 1}: {f.message} [{f.rule}]" for f in after.errors()] if not after.ok else []


def newest_published_plans(root: Path, cache: ParseCache | None = None) -> PreviousPlans:
    """Reads, when called, the plans of the newest published version: what the working
    tree changes. None outside git, with nothing published, or when it does not type-check.
    (Typed, not checked: its own checks would read the version before it, and so on.)
    `cache`: the working tree's parse cache, which holds most of that version's files."""
    def load() -> dict[str, PlanStamp]:
        from .model.convert import load_settings
        from .source.git import GitError
        from .source.trees import WorkingTree
        from .versions import newest_published

        settings, _ = load_settings(WorkingTree(root), cache)
        try:
            version = newest_published(root, settings.versions) if settings else None
        except GitError:
            return {}
        model = typed_model(version.tree, cache) if version else None
        return model.plan_stamps() if model else {}
    return load
