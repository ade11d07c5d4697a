"""KPI status (SPEC §3): on track, at risk, off track or no data — always shown with text."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from .content import Direction, Kpi


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


def status_of(actual: float | None, target: float, baseline: float | None,
              direction: Direction, at_risk_below: float) -> Status:
    if actual is None:
        return Status.NO_DATA
    if _met(actual, target, direction):
        return Status.ON_TRACK
    ratio = progress(actual, target, baseline, direction)
    return Status.AT_RISK if ratio is not None and ratio >= at_risk_below else Status.OFF_TRACK


def kpi_status(kpi: Kpi, at_risk_below: float) -> Status:
    return status_of(kpi.actual, kpi.target, kpi.baseline, kpi.direction, at_risk_below)


def worst(statuses: Iterable[Status]) -> Status:
    """An objective's status: the worst of its KPIs that have data."""
    return max(statuses, key=lambda s: s.severity, default=Status.NO_DATA)
