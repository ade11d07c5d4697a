"""The trend chart: points placed by date, values and target labelled, status on the last."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from stratmap.model.content import Kpi
from stratmap.model.status import Period, kpi_standing
from stratmap.site.charts import trend_svg
from stratmap.site.view import TrendPoint

D = dt.date.fromisoformat


NO_PERIOD = Period()


def chart(dates_values, period=NO_PERIOD, **kpi_fields):
    kpi = Kpi.model_validate({"id": "k", "name": "Logos", "unit": "logos", "target": 70, **kpi_fields})
    points = [TrendPoint(D(d), v, "history") for d, v in dates_values]
    return str(trend_svg(points, kpi, kpi_standing(kpi, period, points[-1].date, 0.7), period))


def circles(svg: str) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in re.findall(r'<circle[^>]* cx="([\d.]+)" cy="([\d.]+)"', svg)]


def test_points_sit_at_their_dates_not_evenly_spaced():
    dates = ["2026-01-31", "2026-02-28", "2026-06-30", "2026-09-30"]
    svg = chart(list(zip(dates, [5, 9, 30, 44], strict=True)))
    xs = [x for x, _ in circles(svg)]
    days = [(D(d) - D(dates[0])).days for d in dates]
    per_day = (xs[-1] - xs[0]) / days[-1]
    for x, day in zip(xs, days, strict=True):
        assert x - xs[0] == pytest.approx(day * per_day, abs=0.11)
    assert xs[1] - xs[0] < (xs[2] - xs[1]) / 3  # a month's gap is narrower than four months'


def test_the_first_and_last_values_and_the_target_are_labelled():
    svg = chart([("2026-03-31", 12), ("2026-09-30", 40)])
    assert ">12 logos</text>" in svg and ">2026-03-31</text>" in svg
    assert ">40 logos</text>" in svg and ">2026-09-30</text>" in svg
    assert ">target 70 logos</text>" in svg


def test_the_last_point_shows_the_status_and_the_pace_line_is_drawn_when_phased():
    year = Period(D("2026-01-01"), D("2026-12-31"))
    svg = chart([("2026-03-31", 12), ("2026-09-30", 40)], year, baseline=0, actual=40,
                milestones=[{"date": "2026-06-30", "target": 30}])
    assert re.search(r'<circle class="trend-last status-at-risk"[^>]*><title>At risk</title>', svg)
    assert 'class="trend-pace"' in svg
    assert "pace: 50 logos by 2026-09-30" in svg and "target 70 logos by 2026-12-31" in svg  # the legend
    assert "target by now" in svg  # in the chart's text alternative


def test_content_in_the_unit_is_escaped():
    svg = chart([("2026-03-31", 1), ("2026-06-30", 2)], unit="<script>x</script>")
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_one_point_draws_no_chart():
    assert chart([("2026-03-31", 1)]) == ""
