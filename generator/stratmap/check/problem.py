"""What a check yields: a message and a place; the registry adds the rule and severity."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable
from typing import NamedTuple

from ..findings import Position
from ..model.content import StrategyModel


class Problem(NamedTuple):
    message: str
    file: str
    position: Position | None


Check = Callable[[StrategyModel, dt.date], Iterable[Problem]]


def did_you_mean(wrong: str, known: Iterable[str]) -> str:
    guess = difflib.get_close_matches(wrong, list(known), n=1, cutoff=0.5)
    return f"; did you mean `{guess[0]}`?" if guess else ""
