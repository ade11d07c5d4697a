"""How readable a strategy map is, in numbers: edge crossings and total edge length.

    python bench/map_metrics.py SITE_VERSION_FOLDER [...]

Reads the strategy map from each folder's index.html (as `stratmap build` wrote it) and
prints, per map: objectives, arrows, crossings (pairs of arrows whose drawn curves cross,
not counting arrows that share an end) and the total drawn length of the arrows in
points. Curves are Graphviz's cubic Béziers, sampled into 24 segments each.
"""

from __future__ import annotations

import re
import sys
from itertools import combinations, pairwise
from pathlib import Path

Point = tuple[float, float]
_SVG = re.compile(r'<svg[^>]*class="map-svg".*?</svg>', re.S)
_EDGE = re.compile(r'<g id="[^"]*" class="edge[^"]*">\s*<title>(.*?)</title>(.*?)</g>', re.S)
_PATH = re.compile(r'<path[^>]* d="([^"]+)"')
_NODE = re.compile(r'class="node[^"]*"')


def _numbers(d: str) -> list[float]:
    return [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d)]


def _curve(d: str, samples: int = 24) -> list[Point]:
    """Graphviz edge paths are `M x,y C x1,y1 x2,y2 x3,y3 …`: one start, then triples."""
    values = _numbers(d)
    points = list(zip(values[::2], values[1::2], strict=False))
    line, start = [points[0]], points[0]
    for i in range(1, len(points) - 2, 3):
        p1, p2, p3 = points[i], points[i + 1], points[i + 2]
        for step in range(1, samples + 1):
            t = step / samples
            u = 1 - t
            line.append((u**3 * start[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t**3 * p3[0],
                         u**3 * start[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t**3 * p3[1]))
        start = p3
    return line


def _crosses(a: Point, b: Point, c: Point, d: Point) -> bool:
    def side(p: Point, q: Point, r: Point) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
    return side(a, b, c) * side(a, b, d) < 0 and side(c, d, a) * side(c, d, b) < 0


def _length(line: list[Point]) -> float:
    return sum(((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5 for (x1, y1), (x2, y2) in pairwise(line))


def metrics(svg: str) -> dict[str, float]:
    edges = []
    for title, body in _EDGE.findall(svg):
        path = _PATH.search(body)
        if path:
            ends = set(re.split(r"&#45;&gt;|->", title.replace("&#45;", "-")))
            edges.append((ends, _curve(path[1])))
    crossings = 0
    for (ends_a, line_a), (ends_b, line_b) in combinations(edges, 2):
        if ends_a & ends_b:
            continue
        if any(_crosses(a1, a2, b1, b2) for a1, a2 in pairwise(line_a)
               for b1, b2 in pairwise(line_b)):
            crossings += 1
    return {"objectives": len(_NODE.findall(svg)), "arrows": len(edges), "crossings": crossings,
            "length": round(sum(_length(line) for _, line in edges))}


def main() -> None:
    for folder in map(Path, sys.argv[1:]):
        page = (folder / "index.html").read_text()
        svg = _SVG.search(page)
        if svg is None:
            print(f"{folder}: no strategy map")
            continue
        print(f"{folder}: {metrics(svg[0])}")


if __name__ == "__main__":
    main()
