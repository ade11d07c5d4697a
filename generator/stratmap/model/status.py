"""KPI status (SPEC §3): on track, at risk, off track or no data — always shown with text.

A KPI with milestones, or with a baseline in a strategy that says when it `starts`, is
judged against its **target by now**: the value on the line through (starts, baseline),
each milestone and (due, target) on the date of its actual. A full-year target judged in
September is not missed; being behind the pace to it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise

from .content import Direction, Kpi, Milestone, Strategy, TeamKpi


class Status(StrEnum):
    ON_TRACK = "on-track"
    AT_RISK = "at-risk"
    OFF_TRACK = "off-track"
    NO_DATA = "no-data"

    @property
    def label(self) -> str:
        return {"on-track": "On track", "at-risk": "At risk",
                "off-track": "Off track", "no-data": "No data"}[self.value]

    @property
    def severity(self) -> int:
        """Higher is worse; no data ranks below every status that has data."""
        return {"no-data": -1, "on-track": 0, "at-risk": 1, "off-track": 2}[self.value]


@dataclass(frozen=True)
class Period:
    """The dates a strategy's targets are phased over (`starts` and `ends` in strategy.md)."""

    starts: dt.date | None = None
    ends: dt.date | None = None

    @classmethod
    def of(cls, strategy: Strategy) -> Period:
        return cls(strategy.starts, strategy.ends)


@dataclass(frozen=True)
class Standing:
    """Where one actual stands: its status, and what it was judged against."""

    status: Status
    target_now: float | None  # the target by now, for a phased KPI; None when not phased
    judged_on: dt.date  # the actual's date, else the version's


def progress(actual: float | None, target: float, baseline: float | None,
             direction: Direction) -> float | None:
    """How far from baseline to target the actual has come (1.0 = target met)."""
    if actual is None:
        return None
    if baseline is not None:
        if target == baseline:
            return 1.0 if _met(actual, target, direction) else 0.0
        return (actual - baseline) / (target - baseline)
    if direction is Direction.DOWN:
        return target / actual if actual else 0.0
    return actual / target if target else (1.0 if actual >= 0 else 0.0)


def _met(actual: float, target: float, direction: Direction) -> bool:
    return actual <= target if direction is Direction.DOWN else actual >= target


def target_by_now(on: dt.date, target: float, baseline: float | None,
                  milestones: Sequence[Milestone], due: dt.date | None,
                  period: Period) -> float | None:
    """The target on date `on`, read off the line through the known points; None for a KPI
    that is not phased (no milestones, and no baseline in a period that starts)."""
    starts_from_baseline = period.starts is not None and baseline is not None
    if not milestones and not starts_from_baseline:
        return None
    points: list[tuple[dt.date, float]] = []
    if period.starts is not None and baseline is not None:
        points.append((period.starts, baseline))
    points += [(m.date, m.target) for m in milestones]
    end = due or period.ends
    if end is not None:
        points.append((end, target))
    points.sort(key=lambda point: point[0])
    if on <= points[0][0]:
        return points[0][1]
    for (start, low), (stop, high) in pairwise(points):
        if start <= on <= stop:
            span = (stop - start).days
            return high if span == 0 else low + (high - low) * (on - start).days / span
    return target  # after the last point


def status_of(actual: float | None, target: float, baseline: float | None,
              direction: Direction, at_risk_below: float, target_now: float | None = None) -> Status:
    """Met (the final target, or the target by now) → on track; else at risk when progress
    toward the target by now (the final target, when not phased) reaches `at_risk_below`."""
    if actual is None:
        return Status.NO_DATA
    goal = target if target_now is None else target_now
    if _met(actual, target, direction) or _met(actual, goal, direction):
        return Status.ON_TRACK
    ratio = progress(actual, goal, baseline, direction)
    return Status.AT_RISK if ratio is not None and ratio >= at_risk_below else Status.OFF_TRACK


def kpi_standing(kpi: Kpi, period: Period, version_date: dt.date, at_risk_below: float) -> Standing:
    """An objective's KPI; its own `at_risk_below` wins over the rule's."""
    on = kpi.as_of or version_date
    now = target_by_now(on, kpi.target, kpi.baseline, kpi.milestones, kpi.due, period)
    threshold = kpi.at_risk_below if kpi.at_risk_below is not None else at_risk_below
    return Standing(status_of(kpi.actual, kpi.target, kpi.baseline, kpi.direction, threshold, now),
                    now, on)


def team_share(kpi: Kpi, team_kpi: TeamKpi) -> Kpi:
    """A team's share of a KPI, as a KPI of its own: the team's target, actual and date,
    phased from the KPI's baseline over the period (the objective's milestones and history
    are for the objective's target, not the team's). Judged and drawn as any KPI is."""
    return kpi.model_copy(update={"target": team_kpi.target, "actual": team_kpi.actual,
                                  "as_of": team_kpi.as_of, "milestones": [], "history": []})


def age_if_stale(as_of: dt.date | None, on: dt.date, max_age_days: int) -> int | None:
    """How many days before `on` an actual dated `as_of` was taken, when that is more than
    `max_age_days` (SPEC §3, `stale-actual`); None for a fresh or undated actual."""
    if as_of is None:
        return None
    age = (on - as_of).days
    return age if age > max_age_days else None


def worst(statuses: Iterable[Status]) -> Status:
    """An objective's status: the worst of its KPIs that have data."""
    return max(statuses, key=lambda s: s.severity, default=Status.NO_DATA)
