"""Charts: small SVG charts drawn without a library (a KPI's trend).

A trend is drawn on a time axis: each point sits at its date, so a quarter's gap looks
like a quarter. The first and last values are labelled with their dates, the final target
is a labelled dashed line, a phased KPI's expected pace is drawn through its milestones
(named in the legend under the chart, with the target by now), and the last point carries
the KPI's status. The page puts a table of the same points beside it for screen readers
and print.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from markupsafe import Markup, escape

from ..model.content import Kpi
from ..model.status import Period, Standing, target_by_now
from .theme import format_number
from .view import TrendPoint

WIDTH, HEIGHT = 360, 132
LEFT, RIGHT, TOP, BOTTOM = 10, 12, 20, 22  # room for the labels


@dataclass(frozen=True)
class _Axes:
    first_day: dt.date
    last_day: dt.date
    low: float
    high: float

    def x(self, day: dt.date) -> float:
        span = (self.last_day - self.first_day).days or 1
        return LEFT + (day - self.first_day).days * (WIDTH - LEFT - RIGHT) / span

    def y(self, value: float) -> float:
        span = (self.high - self.low) or 1.0
        return HEIGHT - BOTTOM - (value - self.low) * (HEIGHT - TOP - BOTTOM) / span


def pace_line(kpi: Kpi, period: Period, first_day: dt.date, last_day: dt.date) -> list[tuple[dt.date, float]]:
    """The target by now from `first_day` to `last_day`, as the corners of its line; empty
    for a KPI that is not phased."""
    if target_by_now(first_day, kpi.target, kpi.baseline, kpi.milestones, kpi.due, period) is None:
        return []
    corners = {first_day, last_day, *(m.date for m in kpi.milestones),
               *(d for d in (period.starts, kpi.due or period.ends) if d)}
    return [(day, value) for day in sorted(d for d in corners if first_day <= d <= last_day)
            if (value := target_by_now(day, kpi.target, kpi.baseline, kpi.milestones, kpi.due,
                                       period)) is not None]


def trend_svg(points: list[TrendPoint], kpi: Kpi, standing: Standing, period: Period) -> Markup:
    """A KPI's trend on a time axis; nothing for fewer than two points."""
    if len(points) < 2:
        return Markup("")
    first_day = points[0].date
    end = kpi.due or period.ends
    last_day = max(points[-1].date, end) if end and standing.target_now is not None else points[-1].date
    pace = pace_line(kpi, period, first_day, last_day)
    values = [p.value for p in points] + [kpi.target] + [value for _, value in pace]
    axes = _Axes(first_day, last_day, min(values), max(values))
    unit = f" {kpi.unit}" if kpi.unit else ""

    def at(day: dt.date, value: float) -> str:
        return f"{axes.x(day):.1f},{axes.y(value):.1f}"

    parts: list[str] = [_target_line(axes, kpi.target, unit)]
    if pace:
        parts.append(f'<polyline class="trend-pace" points="{" ".join(at(d, v) for d, v in pace)}"/>')
    parts.append(f'<polyline class="trend-line" points="{" ".join(at(p.date, p.value) for p in points)}"/>')
    parts += [f'<circle cx="{axes.x(p.date):.1f}" cy="{axes.y(p.value):.1f}" r="2.5"/>' for p in points[:-1]]
    last = points[-1]
    parts.append(f'<circle class="trend-last status-{standing.status.value}" cx="{axes.x(last.date):.1f}" '
                 f'cy="{axes.y(last.value):.1f}" r="4.5"><title>{standing.status.label}</title></circle>')
    parts.append(_point_label(axes, points[0], unit, anchor="start"))
    parts.append(_point_label(axes, last, unit, anchor="end" if last_day == last.date else "middle"))
    label = (f"{kpi.name}: from {format_number(points[0].value)}{unit} on {points[0].date} to "
             f"{format_number(last.value)}{unit} on {last.date}, {standing.status.label.lower()}; "
             f"target {format_number(kpi.target)}{unit}")
    if standing.target_now is not None:
        label += f", target by now {format_number(standing.target_now)}{unit}"
    svg = Markup(f'<svg class="trend" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
                 f'role="img" aria-label="{escape(label)}">{"".join(map(str, parts))}</svg>')
    return svg + _legend(kpi, standing, unit, bool(pace), end)


def _legend(kpi: Kpi, standing: Standing, unit: str, paced: bool, due: dt.date | None) -> Markup:
    """What the three lines are, in words (the chart itself is hidden from screen readers
    behind its label; the legend is for sighted readers)."""
    items = [Markup('<span class="key key-actual"></span> actual')]
    if paced and standing.target_now is not None:
        items.append(Markup('<span class="key key-pace"></span> pace: {} by {}').format(
            f"{format_number(round(standing.target_now, 1))}{unit}", standing.judged_on.isoformat()))
    items.append(Markup('<span class="key key-target"></span> target {}{}').format(
        f"{format_number(kpi.target)}{unit}", f" by {due}" if due else ""))
    return Markup('<p class="trend-legend" aria-hidden="true">{}</p>').format(Markup(" · ").join(items))


def _target_line(axes: _Axes, target: float, unit: str) -> Markup:
    y = axes.y(target)
    return Markup(f'<line class="trend-target" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
                  f'<text class="trend-note" x="{LEFT}" y="{y - 5:.1f}">target '
                  '{}</text>').format(f"{format_number(target)}{unit}")


def _point_label(axes: _Axes, point: TrendPoint, unit: str, anchor: str) -> Markup:
    x, y = axes.x(point.date), axes.y(point.value)
    above = y - 8 if y - 8 > TOP - 6 else y + 16
    return Markup('<text class="trend-value" x="{:.1f}" y="{:.1f}" text-anchor="{}">{}</text>'
                  '<text class="trend-date" x="{:.1f}" y="{}" text-anchor="{}">{}</text>').format(
        x, above, anchor, f"{format_number(point.value)}{unit}", x, HEIGHT - 6, anchor, point.date.isoformat())
