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


# --- phased targets: the target by now (SPEC §3) ---------------------------------------

import datetime as dt  # noqa: E402

from stratmap.model.content import Kpi, Milestone, TeamKpi  # noqa: E402
from stratmap.model.status import Period, kpi_standing, target_by_now, team_share  # noqa: E402

YEAR = Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
D = dt.date.fromisoformat


def kpi(**fields) -> Kpi:
    return Kpi.model_validate({"id": "k", "name": "K", **fields})


@pytest.mark.parametrize("on, expected", [
    ("2025-12-01", 0),  # before the first point: its value
    ("2026-01-01", 0),
    ("2026-03-31", 20),  # on a milestone
    ("2026-02-14", 20 * 44 / 89),  # between two points: on the line, by days
    ("2026-06-30", 50),
    ("2026-09-30", 50 + 20 * 92 / 184),  # between the last milestone and the end
    ("2026-12-31", 70),
    ("2027-03-01", 70),  # after the last: the target
])
def test_the_target_by_now_follows_the_milestones(on, expected):
    milestones = [Milestone(date=D("2026-03-31"), target=20), Milestone(date=D("2026-06-30"), target=50)]
    assert target_by_now(D(on), 70, 0, milestones, None, YEAR) == pytest.approx(expected)


def test_a_kpi_is_phased_only_with_milestones_or_a_baseline_in_a_period_that_starts():
    assert target_by_now(D("2026-06-30"), 70, None, [], None, YEAR) is None
    assert target_by_now(D("2026-06-30"), 70, 10, [], None, Period()) is None
    assert target_by_now(D("2026-07-02"), 70, 10, [], None, YEAR) == pytest.approx(10 + 60 * 182 / 364)


def test_due_ends_the_line_before_the_strategy_does():
    assert target_by_now(D("2026-07-01"), 100, 0, [], D("2026-07-01"), YEAR) == 100
    assert target_by_now(D("2026-12-01"), 100, 0, [], D("2026-07-01"), YEAR) == 100


# The demo's C1 "New mid-market logos (year to date)": 21 of 70 at the end of Q3 was off
# track against the full-year target; against its pace it is a different story.
C1_LOGOS = dict(baseline=0, target=70, actual=21, as_of="2026-06-30")


@pytest.mark.parametrize("fields, period, version_date, expected, target_now", [
    # the old rule, linear to the year's end: 21/70 = 30% → off track
    (C1_LOGOS, Period(), "2026-09-30", Status.OFF_TRACK, None),
    # phased over the year, judged on the actual's date: 21 of 34.8 expected = 60% → off track
    (C1_LOGOS, YEAR, "2026-09-30", Status.OFF_TRACK, 70 * 180 / 364),
    # the same actual, at 0.6 threshold for this KPI → at risk
    ({**C1_LOGOS, "at_risk_below": 0.6}, YEAR, "2026-09-30", Status.AT_RISK, 70 * 180 / 364),
    # with milestones: 21 against 18 planned by the end of Q2 → on track
    ({**C1_LOGOS, "milestones": [{"date": "2026-06-30", "target": 18}]}, YEAR, "2026-09-30",
     Status.ON_TRACK, 18),
    # no `as_of`: judged on the version's date
    ({"baseline": 0, "target": 70, "actual": 40}, YEAR, "2026-09-30", Status.AT_RISK, 70 * 272 / 364),
    # the final target met early: on track whatever the pace
    ({"baseline": 0, "target": 70, "actual": 71, "as_of": "2026-02-01"}, YEAR, "2026-09-30",
     Status.ON_TRACK, 70 * 31 / 364),
    # lower is better: churn from 8% to 4%; 6.5% at mid-year against 6% expected
    ({"baseline": 8, "target": 4, "actual": 6.5, "direction": "down", "as_of": "2026-07-02"}, YEAR,
     "2026-09-30", Status.AT_RISK, 8 - 4 * 182 / 364),
    # no baseline, milestones only: progress is actual ÷ target by now (30 of 40 = 75%)
    ({"target": 100, "actual": 30, "as_of": "2026-06-30",
      "milestones": [{"date": "2026-06-30", "target": 40}]}, Period(), "2026-09-30", Status.AT_RISK, 40),
    # after `due`: the target by now is the target itself (60 of 70 = 86%)
    ({"baseline": 0, "target": 70, "actual": 60, "due": "2026-06-30", "as_of": "2026-08-31"}, YEAR,
     "2026-09-30", Status.AT_RISK, 70),
    # before the period starts: the baseline is the target by now, and the actual meets it
    ({"baseline": 0, "target": 70, "actual": 0, "as_of": "2025-12-15"}, YEAR, "2026-09-30",
     Status.ON_TRACK, 0),
])
def test_status_is_judged_against_the_target_by_now(fields, period, version_date, expected, target_now):
    standing = kpi_standing(kpi(**fields), period, D(version_date), at_risk_below=0.7)
    assert standing.status is expected
    if target_now is None:
        assert standing.target_now is None
    else:
        assert standing.target_now == pytest.approx(target_now)


def test_a_team_target_is_phased_from_the_kpis_baseline():
    objective_kpi = kpi(baseline=0, target=70)
    team = TeamKpi(kpi="k", target=20, actual=9, as_of=D("2026-07-02"))
    standing = kpi_standing(team_share(objective_kpi, team), YEAR, D("2026-09-30"), at_risk_below=0.7)
    assert standing.target_now == pytest.approx(10)
    assert standing.status is Status.AT_RISK


def test_a_team_kpi_share_is_what_the_methods_one_by_one_say(tmp_path):
    """Pages take a team's KPIs on an objective in one call (each KPI, its share and its
    standing worked out once); a theme may still ask for each alone: both agree."""
    from conftest import copy_demo
    from stratmap.site.view import VersionView
    from stratmap.source.trees import WorkingTree
    from stratmap.validate import validate
    from stratmap.versions import VersionInfo

    model = validate(WorkingTree(copy_demo(tmp_path / "demo")), dt.date(2026, 11, 1)).model
    view = VersionView(model, VersionInfo("Next", "Next", "next", None, False, True))
    seen = 0
    for team in model.teams.values():
        for priority in team.priorities:
            shares = view.team_kpi_shares(priority.objective, priority.kpis)
            assert [s.team_kpi for s in shares] == priority.kpis
            for share, team_kpi in zip(shares, priority.kpis, strict=True):
                assert share.kpi is view.team_kpi(priority.objective, team_kpi)
                assert share.as_kpi == view.team_kpi_as_kpi(priority.objective, team_kpi)
                assert share.standing == view.team_kpi_standing(priority.objective, team_kpi)
                seen += 1
    assert seen >= 5
