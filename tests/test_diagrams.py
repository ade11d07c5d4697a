"""Layouts: one per distinct map, cached across builds; team maps reuse the strategy map."""

from __future__ import annotations

import re

import pytest

from conftest import copy_demo
from stratmap.build import BuildOptions, build_site
from stratmap.diagrams.layout import MapNode, dot_string, map_dot
from stratmap.model.content import Perspective


@pytest.fixture
def demo(tmp_path):
    return copy_demo(tmp_path / "demo")


def _count_objectives(root):
    return len(list((root / "content/objectives").glob("*.md")))


def test_cold_build_lays_out_each_distinct_map_once_and_warm_build_none(demo):
    cold = build_site(BuildOptions(demo, force=True))
    # the strategy map and one neighbourhood per objective; no layout per team
    assert cold.diagrams_rendered == 1 + _count_objectives(demo)
    warm = build_site(BuildOptions(demo, force=True))
    assert warm.diagrams_rendered == 0 and warm.diagrams_from_cache == cold.diagrams_rendered


def test_editing_a_team_lays_out_nothing_new(demo):
    build_site(BuildOptions(demo, force=True))
    team = demo / "content/teams/enterprise-east.md"
    team.write_text(team.read_text().replace("objective: L1", "objective: L2"))
    result = build_site(BuildOptions(demo, force=True))
    assert result.diagrams_rendered == 0
    page = (demo / "output/latest/teams/enterprise-east/index.html").read_text()
    assert "L2 Make CRM data trustworthy" in re.sub(r"<[^>]+>", "", page)


def test_editing_an_objective_lays_out_only_the_maps_it_is_on(demo):
    build_site(BuildOptions(demo, force=True))
    objective = demo / "content/objectives/L3.md"  # L3 drives I1 only
    objective.write_text(objective.read_text().replace("Hire and ramp sellers faster", "Hire faster"))
    result = build_site(BuildOptions(demo, force=True))
    # the strategy map, L3's neighbourhood and I1's neighbourhood
    assert result.diagrams_rendered == 3


def _node_geometry(svg: str) -> dict[str, str]:
    """Each node's shape coordinates, keyed by the objective id in its <title>."""
    nodes = re.findall(r'<g id="[^"]*" class="node[^"]*">\s*<title>([^<]+)</title>(.*?)</g>\s*</g>', svg, re.S)
    return {title: re.search(r'(?:points|d)="([^"]+)"', body).group(1) for title, body in nodes}


def test_team_map_keeps_every_node_where_the_strategy_map_has_it(demo):
    build_site(BuildOptions(demo, force=True))
    site = demo / "output/latest"
    strategy = _node_geometry((site / "index.html").read_text())
    assert len(strategy) == _count_objectives(demo)
    for team in ("enterprise-east", "customer-success", "sales"):
        team_map = _node_geometry((site / f"teams/{team}/index.html").read_text())
        assert team_map == strategy


def test_team_map_highlights_the_path_to_finance(demo):
    build_site(BuildOptions(demo, force=True))
    page = (demo / "output/latest/teams/customer-success/index.html").read_text()
    lit = {title: kind for kind, title in re.findall(r'class="node (lit own|lit)">\s*<title>([^<]+)</title>', page)}
    # own: C3, C4, I5; the paths up: C3 → C4 → F3 → F1
    assert {t for t, k in lit.items() if k == "lit own"} == {"C3", "C4", "I5"}
    assert {t for t, k in lit.items() if k == "lit"} == {"F3", "F1"}


def test_dot_strings_cannot_break_out():
    hostile = 'x"]; node [URL="javascript:alert(1)"] \\'
    quoted = dot_string(hostile)
    assert quoted.startswith('"') and quoted.endswith('"')
    inner = quoted[1:-1]
    # every quote inside is escaped, and the string does not end on an escaping backslash
    assert re.sub(r'\\\\|\\"', "", inner).count('"') == 0
    assert not re.search(r'(?<!\\)(\\\\)*\\$', inner)


def test_a_25_objective_map_has_no_overlapping_nodes():
    import subprocess
    nodes = [MapNode(f"O{i}", list(Perspective)[i % 4], f"A fairly long objective title number {i}",
                     "on-track", "On track") for i in range(25)]
    from stratmap.diagrams.layout import MapEdge
    edges = []
    for cause in range(25):
        above = [j for j in range(25) if j % 4 == cause % 4 - 1]  # the band above
        if not above:
            continue
        edges += [MapEdge(f"O{cause}", f"O{above[(cause + k) % len(above)]}") for k in range(4)]
    edges = edges[:60]
    assert len(edges) == 60
    layout = map_dot("big", "sm", nodes, edges, {p: p.value for p in Perspective})
    svg = subprocess.run(["dot", "-Tsvg"], input=layout.dot, capture_output=True, text=True, check=True).stdout
    boxes = []
    for points in re.findall(r'class="node">.*?<path fill="[^"]*" stroke="[^"]*"[^>]* d="([^"]+)"', svg, re.S):
        numbers = [float(n) for n in re.findall(r"-?\d+\.?\d*", points)]
        xs, ys = numbers[0::2], numbers[1::2]
        boxes.append((min(xs), min(ys), max(xs), max(ys)))
    assert len(boxes) == 25
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)


def test_a_process_that_builds_again_keeps_its_maps_until_what_they_show_changes(demo, monkeypatch):
    """serve keeps the last build's maps with what they read: a plan's text is on no map,
    an objective's title is on several."""
    import stratmap.site.render as render
    build_site(BuildOptions(demo, force=True, serving=True))
    made: list[int] = []
    real = render.version_maps
    monkeypatch.setattr(render, "version_maps", lambda *args: made.append(1) or real(*args))
    team = demo / "content/teams/enterprise-east.md"
    team.write_text(team.read_text().replace("Northeast and Southeast", "Northeast"))
    kept = build_site(BuildOptions(demo, serving=True))
    assert made == [] and kept.diagrams_from_cache == 1 + _count_objectives(demo)
    objective = demo / "content/objectives/I4.md"
    objective.write_text(objective.read_text().replace("Multi-thread every", "Multi-thread each"))
    changed = build_site(BuildOptions(demo, serving=True))
    assert made == [1] and changed.diagrams_rendered >= 1
    assert "Multi&#45;thread each" in (demo / "output/latest/objectives/I4/index.html").read_text()  # its map
