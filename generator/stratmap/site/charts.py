"""Charts: small SVG charts drawn without a library (trends).
"""

from __future__ import annotations

from markupsafe import Markup

from .theme import format_number
from .view import TrendPoint


def trend_svg(points: list[TrendPoint], target: float, unit: str) -> Markup:
    """A small line chart of a KPI's values with its target as a dashed line."""
    if len(points) < 2:
        return Markup("")
    width, height, pad = 240, 64, 6
    values = [p.value for p in points] + [target]
    low, high = min(values), max(values)
    span = (high - low) or 1.0

    def x(index: int) -> float:
        return pad + index * (width - 2 * pad) / (len(points) - 1)

    def y(value: float) -> float:
        return height - pad - (value - low) * (height - 2 * pad) / span

    line = " ".join(f"{x(i):.1f},{y(p.value):.1f}" for i, p in enumerate(points))
    dots = "".join(f'<circle cx="{x(i):.1f}" cy="{y(p.value):.1f}" r="2.5"/>' for i, p in enumerate(points))
    label = (f"Trend from {format_number(points[0].value)} to {format_number(points[-1].value)} {unit}; "
             f"target {format_number(target)}")
    return Markup(
        f'<svg class="trend" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{Markup.escape(label)}">'
        f'<line class="trend-target" x1="{pad}" x2="{width - pad}" y1="{y(target):.1f}" y2="{y(target):.1f}"/>'
        f'<polyline class="trend-line" points="{line}"/>{dots}</svg>')


