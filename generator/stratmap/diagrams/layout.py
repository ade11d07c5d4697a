"""Diagrams: cause-and-effect maps as DOT, laid out by Graphviz `dot` into SVG.

Layouts are the expensive part, so:
- a team's line-of-sight map reuses the strategy map's layout and only restyles it
  (`highlight`), which also keeps every objective in the same place on every map;
- every SVG is cached by a hash of its DOT source and the Graphviz version, in a folder
  that survives builds; a build with no change runs no Graphviz at all;
- uncached layouts run `--jobs` at a time, one dot process per graph: several graphs
  through one process would save start-up time, but Graphviz (2.43) then lays them out
  differently from run to run, and builds must be reproducible.

Every piece of content that reaches DOT goes through `dot_string`; Graphviz escapes it
again when it writes SVG, so titles cannot inject DOT attributes or markup.
"""

from __future__ import annotations

import itertools
import re
import textwrap
from dataclasses import dataclass, field

from ..model.content import Perspective

ROOT_PLACEHOLDER = "@STRATMAP_ROOT@"  # replaced by the page's relative path to the version root
# Each outline colour means one thing on every map: imperatives take blues, purples and
# teals; green, red and amber outlines are kept for the change map (added, removed, changed).
IMPERATIVE_COLOURS = ["#1d4ed8", "#7e22ce", "#0f766e", "#a21caf", "#0e7490", "#334155"]
STATUS_FILLS = {"on-track": "#c6ecd2", "at-risk": "#ffe4a3", "off-track": "#f8c4c4",
                "no-data": "#e5e7eb"}
MARK_STYLES = {  # change map: outline colour, line style
    "added": ("#15803d", "solid"), "removed": ("#b91c1c", "dashed"),
    "changed": ("#b45309", "solid"), "unchanged": ("#9ca3af", "solid"),
}


_CONTROLS_TO_SPACES = {code: " " for code in range(32) if code != ord("\n")}


def dot_string(text: str) -> str:
    """A DOT double-quoted string that cannot end early or carry escapes into dot."""
    cleaned = text.translate(_CONTROLS_TO_SPACES)
    escaped = cleaned.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


@dataclass(frozen=True)
class MapNode:
    id: str
    perspective: Perspective
    title: str
    status: str  # a Status value: the fill, and a line of the label
    status_label: str
    imperative_colour: str | None = None
    mark: str | None = None  # change maps: added | removed | changed | unchanged
    url: str | None = None  # relative to the version root


@dataclass(frozen=True)
class MapEdge:
    cause: str
    effect: str
    mark: str | None = None
    constraint: bool = True  # False for arrows that point down the perspectives


@dataclass
class MapLayout:
    """A map's DOT source, the SVG ids it gives each objective and arrow, and its bands
    (perspective title → the SVG ids of the objectives in it), drawn after layout."""

    name: str
    dot: str
    node_ids: dict[str, str] = field(default_factory=dict)
    edge_ids: dict[tuple[str, str], str] = field(default_factory=dict)
    bands: dict[str, list[str]] = field(default_factory=dict)


def map_dot(name: str, prefix: str, nodes: list[MapNode], edges: list[MapEdge],
            band_titles: dict[Perspective, str], *, compact: bool = False) -> MapLayout:
    """Perspectives as rows (financial on top), objectives as nodes, arrows cause → effect.
    The rows are plain ranks, not Graphviz clusters: arrows then take the direct way
    instead of detouring around cluster boxes, and `prepare_svg` draws each row as a band
    of the drawing's full width, its title in a margin no arrow reaches."""
    layout = MapLayout(name, "")
    width = 15
    lines = [f"digraph {dot_string(name)} {{",
             f"  graph [id={dot_string(prefix)}, rankdir=BT, newrank=true, splines=true, "
             f"nodesep=0.18, ranksep={0.45 if compact else 0.6}, bgcolor=transparent, "
             "fontname=\"Helvetica\", fontsize=12, tooltip=\" \"];",
             "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=11, "
             "margin=\"0.08,0.05\", penwidth=1.2, color=\"#6b7280\", fontcolor=\"#111827\"];",
             "  edge [color=\"#4b5563\", arrowsize=0.7, penwidth=1.1];"]
    present = [p for p in Perspective if any(n.perspective is p for n in nodes)]
    for perspective in present:
        lines += _band(perspective, band_titles[perspective], prefix,
                       [n for n in nodes if n.perspective is perspective], layout, width)
    for above, below in itertools.pairwise(present):  # keeps the bands in order
        lines.append(f"  {dot_string(f'{prefix} band {below}')} -> "
                     f"{dot_string(f'{prefix} band {above}')} [style=invis];")
    for number, edge in enumerate(edges):
        edge_id = f"{prefix}_e{number}"
        layout.edge_ids[(edge.cause, edge.effect)] = edge_id
        attributes = [f"id={dot_string(edge_id)}", f"tooltip={dot_string(f'{edge.cause} drives {edge.effect}')}"]
        if not edge.constraint:
            attributes.append("constraint=false")
        if edge.mark in MARK_STYLES:
            colour, style = MARK_STYLES[edge.mark]
            attributes += [f"color={dot_string(colour)}", f"style={style}",
                           f"penwidth={2.2 if edge.mark != 'unchanged' else 1}"]
        lines.append(f"  {dot_string(edge.cause)} -> {dot_string(edge.effect)} [{', '.join(attributes)}];")
    lines.append("}")
    layout.dot = "\n".join(lines) + "\n"
    return layout


def _band(perspective: Perspective, title: str, prefix: str, nodes: list[MapNode],
          layout: MapLayout, width: int) -> list[str]:
    anchor = dot_string(f"{prefix} band {perspective}")
    # the title rides on the anchor as a comment: part of the DOT, so a new title is a new map
    lines = [f"  {anchor} [shape=point, style=invis, width=0, label=\"\", comment={dot_string(title)}];"]
    members = [anchor]
    band = layout.bands.setdefault(title, [])
    for node in nodes:
        node_id = f"{prefix}_n_{len(layout.node_ids)}"
        layout.node_ids[node.id] = node_id
        band.append(node_id)
        members.append(dot_string(node.id))
        lines.append(f"  {dot_string(node.id)} [{_node_attributes(node, node_id, width)}];")
    lines.append(f"  {{rank=same; {'; '.join(members)}}}")
    return lines


def _node_attributes(node: MapNode, node_id: str, width: int) -> str:
    title = "\n".join(textwrap.wrap(node.title, width)[:4]) or node.id
    label = f"{node.id} · {node.status_label}\n{title}"
    tooltip = f"{node.id}: {node.title} ({node.status_label})"
    if node.mark in MARK_STYLES:
        tooltip += f" — {node.mark}"
    attributes = [f"id={dot_string(node_id)}", f"label={dot_string(label)}",
                  f"tooltip={dot_string(tooltip)}",
                  f"fillcolor={dot_string(STATUS_FILLS.get(node.status, '#e5e7eb'))}"]
    if node.imperative_colour:
        attributes += [f"color={dot_string(node.imperative_colour)}", "penwidth=2.6"]
    if node.mark in MARK_STYLES:
        colour, style = MARK_STYLES[node.mark]
        attributes += [f"color={dot_string(colour)}", f"style=\"rounded,filled,{style}\"",
                       f"penwidth={3 if node.mark != 'unchanged' else 1}"]
    if node.url:
        attributes += [f"URL={dot_string(ROOT_PLACEHOLDER + node.url)}", "target=\"_top\""]
    return ", ".join(attributes)


# --- from SVG file to inline SVG -------------------------------------------------------

def _svg_id(raw: str) -> str:
    return raw.replace("-", "&#45;")


def highlight(svg: str, layout: MapLayout, own: set[str], on_path: set[str],
              edges: set[tuple[str, str]]) -> str:
    """Restyle a laid-out map: the team's own objectives, the paths up from them, the rest.
    (One pass over the SVG: every team page of a build restyles the same map.)"""
    classes: dict[str, str] = {}
    for objective, node_id in layout.node_ids.items():
        if objective in own:
            classes[_svg_id(node_id)] = "lit own"
        elif objective in on_path:
            classes[_svg_id(node_id)] = "lit"
    for edge in edges:
        if edge in layout.edge_ids:
            classes[_svg_id(layout.edge_ids[edge])] = "lit"

    def restyle(shape: re.Match) -> str:
        more = classes.get(shape[1])
        return shape[0] if more is None else f'id="{shape[1]}" class="{shape[2]} {more}"'
    return _SHAPE.sub(restyle, svg) if classes else svg


# a node's or an edge's group, as Graphviz writes it
_SHAPE = re.compile(r'id="([^"]*)" class="(node|edge)"')
_PROLOGUE = re.compile(r"\A.*?(?=<svg)", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_SIZE = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"\s+viewBox="([-\d. ]+)"')
# the graph's group, to its title: translate(x y) places the drawing within the viewBox
_GRAPH = re.compile(r'<g id="[^"]*" class="graph" transform="[^"]*translate\((-?[\d.]+) (-?[\d.]+)\)">\s*'
                    r'<title>[^<]*</title>', re.S)
_COORDINATES = re.compile(r'(?:\bd|\bpoints)="([^"]+)"')
# a line of an objective's label, as Graphviz writes each one: its style is the map's
# node style (map_dot), said once on the drawing's group and inherited instead (a sixth
# of a map's text, and a team page is mostly its map)
_LABEL_FONT = 'font-family="Helvetica,sans-Serif" font-size="11.00" fill="#111827"'
_LABEL_LINE = re.compile(r'<text text-anchor="middle" (x="[^"]*" y="[^"]*") ' + re.escape(_LABEL_FONT) + ">")
_GRAPH_GROUP = re.compile(r'(<g id="[^"]*" class="graph")')
GUTTER = 30  # points left of the drawing for the bands' titles
BAND_PAD = 12  # points of band above and below its objectives


def prepare_svg(svg: str, layout: MapLayout | None = None) -> str:
    """An SVG file's text made ready to inline: no XML prologue, no comments, px sizes,
    the perspective bands of `layout` drawn behind the objectives, and the labels' common
    style said once."""
    svg = _COMMENT.sub("", _PROLOGUE.sub("", svg, count=1))
    gutter = margin = 0.0
    if layout is not None and layout.bands:
        svg, gutter, margin = _with_bands(svg, layout.bands), GUTTER, BAND_PAD
    svg, labels = _LABEL_LINE.subn(r"<text \1>", svg)
    if labels:
        svg = _GRAPH_GROUP.sub(rf'\1 text-anchor="middle" {_LABEL_FONT}', svg, count=1)

    def size(m: re.Match) -> str:
        width, height = float(m[1]) + gutter, float(m[2]) + 2 * margin
        x, y, w, h = (float(v) for v in m[3].split())
        return (f'<svg class="map-svg" width="{round(width * 4 / 3)}" height="{round(height * 4 / 3)}" '
                f'viewBox="{x - gutter:.2f} {y - margin:.2f} {w + gutter:.2f} {h + 2 * margin:.2f}"')
    return _SIZE.sub(size, svg, count=1)


def _with_bands(svg: str, bands: dict[str, list[str]]) -> str:
    """Full-width bands, one per perspective, from the top of its highest objective to the
    bottom of its lowest, each titled (rotated) in the gutter left of the drawing."""
    extents = {title: _vertical_extent(svg, ids) for title, ids in bands.items()}
    rows = sorted((extent[0], extent[1], title) for title, extent in extents.items() if extent)
    graph = _GRAPH.search(svg)
    size = _SIZE.search(svg)
    if not rows or graph is None or size is None:
        return svg
    viewbox_width = float(size[3].split()[2])
    left = -float(graph[1])  # the drawing's left edge, in the graph's own coordinates
    right = left + viewbox_width
    parts = []
    for index, (top, bottom, title) in enumerate(rows):
        above = rows[index - 1][1] if index else None
        below = rows[index + 1][0] if index + 1 < len(rows) else None
        pad_top = BAND_PAD if above is None else min(BAND_PAD, (top - above) / 2 - 1)
        pad_bottom = BAND_PAD if below is None else min(BAND_PAD, (below - bottom) / 2 - 1)
        y, height = top - pad_top, bottom - top + pad_top + pad_bottom
        middle = y + height / 2
        lines = textwrap.wrap(title, 14)[:2] or [title]
        label_x = left - GUTTER / 2  # the label turns about (label_x, middle), reading upwards
        baseline = middle - (len(lines) - 1) * 6 + 3.5
        tspans = "".join(f'<tspan x="{label_x:.1f}" dy="{0 if n == 0 else 12}">{_text(line)}</tspan>'
                         for n, line in enumerate(lines))
        parts.append(f'<g class="band"><rect x="{left - GUTTER + 2:.1f}" y="{y:.1f}" '
                     f'width="{right - left + GUTTER - 4:.1f}" height="{height:.1f}" rx="6" '
                     f'fill="#f1f5f9" stroke="#cbd5e1"/><text class="band-label" text-anchor="middle" '
                     f'font-family="Helvetica,sans-serif" font-size="10" font-weight="700" fill="#4b5563" '
                     f'x="{label_x:.1f}" y="{baseline:.1f}" transform="rotate(-90 {label_x:.1f} {middle:.1f})">'
                     f'{tspans}</text></g>')
    return svg[:graph.end()] + "".join(parts) + svg[graph.end():]


def _vertical_extent(svg: str, node_ids: list[str]) -> tuple[float, float] | None:
    """The top and bottom (SVG y, which grows downwards) of these objectives' boxes."""
    ys: list[float] = []
    for node_id in node_ids:
        start = svg.find(f'id="{_svg_id(node_id)}" class="node')
        shape = _COORDINATES.search(svg, start) if start >= 0 else None
        if shape:
            numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", shape[1])]
            ys += numbers[1::2]
    return (min(ys), max(ys)) if ys else None


def _text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def inline_svg(svg: str, to_version_root: str, label: str) -> str:
    """The SVG for one page: links made relative to it, and named for screen readers."""
    svg = svg.replace(ROOT_PLACEHOLDER, to_version_root)
    return svg.replace("<svg ", f'<svg role="group" aria-label="{_attribute(label)}" ', 1)


def _attribute(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


