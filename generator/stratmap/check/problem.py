"""What a check is given and what it yields: the registry adds the rule and severity."""

from __future__ import annotations

import datetime as dt
import difflib
import functools
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

from ..findings import Position
from ..markdown.links import ContentLink, content_links
from ..model.approval import PlanStamp
from ..model.content import StrategyModel, Team


class Problem(NamedTuple):
    message: str
    file: str
    position: Position | None


@dataclass(frozen=True)
class CheckContext:
    as_of: dt.date  # the date reviews are due by and actuals are aged against
    # the plans of the version before, for the rule that compares two; read when needed
    load_previous_plans: Callable[[], dict[str, PlanStamp]] | None = None  # None: no version before
    # the links to content files in a body (its text, its file): a parse cache's, kept
    content_links: Callable[[str, str], list[ContentLink]] = content_links

    @functools.cached_property
    def previous_plans(self) -> dict[str, PlanStamp]:
        return self.load_previous_plans() if self.load_previous_plans else {}


Check = Callable[[StrategyModel, CheckContext], Iterable[Problem]]


def _nothing_more(model: StrategyModel, context: CheckContext) -> Hashable:
    return None


@dataclass(frozen=True)
class PerTeam:
    """A rule that looks at one team's plan at a time. What it finds in a plan depends on
    nothing but that plan's file, what `scope` gives (what the rule reads of the rest: a
    setting, the date, the ids a plan may name) and, with `previous_plan`, the plan's stamp
    in the version before. A process that checks again and again (serve) looks again only
    at the plans whose file changed, or at every plan when one of those did (see
    check.check). `beyond_plans`: what the rule looks at in the other files, every time."""

    look_at: Callable[[Team, StrategyModel, CheckContext], Iterable[Problem]]
    scope: Callable[[StrategyModel, CheckContext], Hashable] = _nothing_more
    previous_plan: bool = False
    beyond_plans: Check | None = None

    def __call__(self, model: StrategyModel, context: CheckContext) -> Iterable[Problem]:
        """Every problem of the rule: a rule like any other (a Check)."""
        if self.beyond_plans is not None:
            yield from self.beyond_plans(model, context)
        for team in model.teams.values():
            yield from self.look_at(team, model, context)


def did_you_mean(wrong: str, known: Iterable[str]) -> str:
    """A suggestion that ignores case first (`c1` → `C1`), then spelling."""
    by_folded = {name.casefold(): name for name in known}
    guess = by_folded.get(wrong.casefold())
    if guess is None:
        close = difflib.get_close_matches(wrong.casefold(), list(by_folded), n=1, cutoff=0.5)
        guess = by_folded[close[0]] if close else None
    return f"; did you mean `{guess}`?" if guess else ""
