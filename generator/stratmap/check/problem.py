"""What a check is given and what it yields: the registry adds the rule and severity."""

from __future__ import annotations

import datetime as dt
import difflib
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import NamedTuple

from ..findings import Position
from ..model.approval import PlanStamp
from ..model.content import StrategyModel


class Problem(NamedTuple):
    message: str
    file: str
    position: Position | None


def _no_previous() -> dict[str, PlanStamp]:
    return {}


@dataclass(frozen=True)
class CheckContext:
    as_of: dt.date  # the date reviews are due by and actuals are aged against
    # the plans of the version before, for the rule that compares two; read when needed
    load_previous_plans: Callable[[], dict[str, PlanStamp]] = _no_previous

    @functools.cached_property
    def previous_plans(self) -> dict[str, PlanStamp]:
        return self.load_previous_plans()


Check = Callable[[StrategyModel, CheckContext], Iterable[Problem]]


def did_you_mean(wrong: str, known: Iterable[str]) -> str:
    """A suggestion that ignores case first (`c1` → `C1`), then spelling."""
    by_folded = {name.casefold(): name for name in known}
    guess = by_folded.get(wrong.casefold())
    if guess is None:
        close = difflib.get_close_matches(wrong.casefold(), list(by_folded), n=1, cutoff=0.5)
        guess = by_folded[close[0]] if close else None
    return f"; did you mean `{guess}`?" if guess else ""
