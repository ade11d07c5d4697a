"""Markdown bodies: links to content files that exist, raw HTML the site can show."""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from ..findings import Position
from ..markdown.raw_html import MAX_HTML_DEPTH, nesting_depth
from ..model.content import Content, StrategyModel, Team
from .problem import CheckContext, Problem


def content_files(model: StrategyModel, context: CheckContext) -> Hashable:
    """The files a body's links may lead to."""
    return model.content_files


def broken_links_in_plan(team: Team, model: StrategyModel, context: CheckContext) -> Iterable[Problem]:
    """Links to content files that do not exist, in any Markdown form the site renders
    (inline, reference-style, in tables and lists)."""
    return _broken_links(team, model.content_files, context)


def broken_links_beyond_plans(model: StrategyModel, context: CheckContext) -> Iterable[Problem]:
    for item in _beyond_plans(model):
        yield from _broken_links(item, model.content_files, context)


def _broken_links(item: Content, existing: frozenset[str], context: CheckContext) -> Iterable[Problem]:
    for link in context.content_links(item.body, item.file):
        if link.target.content_file not in existing:
            target = link.href.partition("#")[0]
            yield Problem(f"link to `{target}`: no such content file", item.file,
                          Position(item.source.body_line + link.line, link.column))


def html_too_deep_in_plan(team: Team, model: StrategyModel, context: CheckContext) -> Iterable[Problem]:
    """Raw HTML nested deeper than any real page: the site shows it as text."""
    return _too_deep(team)


def html_too_deep_beyond_plans(model: StrategyModel, context: CheckContext) -> Iterable[Problem]:
    for item in _beyond_plans(model):
        yield from _too_deep(item)


def _beyond_plans(model: StrategyModel) -> list[Content]:
    """The Markdown files that are not team plans."""
    return [model.strategy, *model.objectives.values(), *model.guidance.values()]


def _too_deep(item: Content) -> Iterable[Problem]:
    depth, offset = nesting_depth(item.body)
    if depth > MAX_HTML_DEPTH:
        before = item.body[:offset]
        yield Problem(f"raw HTML in the body nests {depth:,} elements deep (the limit is "
                      f"{MAX_HTML_DEPTH}); the site shows it as text. Use Markdown, or "
                      "flatten the HTML", item.file,
                      Position(item.source.body_line + before.count("\n"),
                               offset - (before.rfind("\n") + 1) + 1))
