"""KPI status and progress (SPEC §3), as pure functions of the figures."""

from __future__ import annotations

import pytest

from stratmap.model.content import Direction
from stratmap.model.status import Status, progress, status_of, worst

UP, DOWN = Direction.UP, Direction.DOWN


@pytest.mark.parametrize("actual, target, baseline, direction, expected", [
    (120, 120, None, UP, Status.ON_TRACK),  # a target met exactly is met
    (130, 120, 100, UP, Status.ON_TRACK),
    (115, 120, 100, UP, Status.AT_RISK),  # 75% of the way from baseline: at the threshold
    (114, 120, 100, UP, Status.OFF_TRACK),  # 70%
    (None, 120, 100, UP, Status.NO_DATA),
    (30, 30, None, DOWN, Status.ON_TRACK),  # lower is better: at or under the target
    (36, 30, None, DOWN, Status.AT_RISK),  # 30/36 = 83%
    (45, 30, None, DOWN, Status.OFF_TRACK),  # 30/45 = 67%
    (0, 30, None, UP, Status.OFF_TRACK),
    (-1, 0, None, UP, Status.OFF_TRACK),  # a zero target missed from below
])
def test_status_of_a_kpi(actual, target, baseline, direction, expected):
    assert status_of(actual, target, baseline, direction, at_risk_below=0.75) is expected


def test_the_threshold_decides_between_at_risk_and_off_track():
    assert status_of(80, 100, None, UP, at_risk_below=0.8) is Status.AT_RISK
    assert status_of(80, 100, None, UP, at_risk_below=0.81) is Status.OFF_TRACK


@pytest.mark.parametrize("actual, target, baseline, direction, expected", [
    (110, 120, 100, UP, 0.5),
    (90, 80, 100, DOWN, 0.5),  # halfway down from 100 to 80
    (50, 100, None, UP, 0.5),
    (40, 20, None, DOWN, 0.5),
    (100, 100, 100, UP, 1.0),  # target equals baseline and is met
    (99, 100, 100, UP, 0.0),
    (0, 20, None, DOWN, 0.0),
    (None, 100, None, UP, None),
])
def test_progress_from_baseline_to_target(actual, target, baseline, direction, expected):
    assert progress(actual, target, baseline, direction) == pytest.approx(expected) \
        if expected is not None else progress(actual, target, baseline, direction) is None


def test_an_objective_takes_the_worst_status_that_has_data():
    assert worst([Status.ON_TRACK, Status.OFF_TRACK, Status.AT_RISK]) is Status.OFF_TRACK
    assert worst([Status.NO_DATA, Status.ON_TRACK]) is Status.ON_TRACK
    assert worst([Status.NO_DATA]) is Status.NO_DATA
    assert worst([]) is Status.NO_DATA


def test_every_status_has_a_label_to_show_beside_its_colour():
    assert [s.label for s in Status] == ["On track", "At risk", "Off track", "No data"]
