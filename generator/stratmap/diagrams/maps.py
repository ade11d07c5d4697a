"""Maps: the diagrams of one version (strategy map, neighbourhoods, changes), laid out once.

A team's line-of-sight map is the strategy map restyled (`highlight`), so it needs no
layout of its own. Pages take their maps through `VersionMaps.svg`, which notes the map's
DOT source as something the page read: a page is rendered again when its map changes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model.content import Objective, Perspective
from .graphviz import DiagramRenderer
from .layout import MapEdge, MapLayout, MapNode, highlight, map_dot, prepare_svg

if TYPE_CHECKING:
    from ..site.reads import ReadLog
    from ..site.view import VersionView

STRATEGY_MAP = "sm"
CHANGE_MAP = "cm"


def neighbourhood_map(objective_id: str) -> str:
    return f"nb:{objective_id}"


@dataclass
class VersionMaps:
    layouts: dict[str, MapLayout]  # map name → layout (its DOT source)
    svgs: dict[str, str]  # map name → SVG, as Graphviz drew it

    @property
    def sources(self) -> dict[str, str]:
        """Map name → DOT source: what a page that shows the map depends on."""
        return {name: layout.dot for name, layout in self.layouts.items()}

    def svg(self, name: str, log: ReadLog) -> str | None:
        log.note("map", name)
        return self.svgs.get(name)

    def line_of_sight(self, log: ReadLog, own: set[str], on_path: set[str],
                      edges: set[tuple[str, str]]) -> str:
        """The strategy map with a team's objectives and their paths to finance marked."""
        log.note("map", STRATEGY_MAP)
        return highlight(self.svgs[STRATEGY_MAP], self.layouts[STRATEGY_MAP], own, on_path, edges)


def version_maps(view: VersionView, diagrams: DiagramRenderer) -> VersionMaps:
    model = view.model
    layouts = {STRATEGY_MAP: _layout(view, "Strategy map", STRATEGY_MAP, model.objectives.values(),
                                     view.graph.edges, compact=False)}
    for objective in model.objectives.values():
        layouts[neighbourhood_map(objective.id)] = _neighbourhood_layout(view, objective.id)
    change_layout = _change_layout(view)
    if change_layout is not None:
        layouts[CHANGE_MAP] = change_layout
    svgs = diagrams.render([layout.dot for layout in layouts.values()])
    return VersionMaps(layouts, {name: prepare_svg(svg, layout)
                                 for (name, layout), svg in zip(layouts.items(), svgs, strict=True)})


def _change_layout(view: VersionView) -> MapLayout | None:
    """Both versions' objectives and arrows, each marked added, removed, changed or not."""
    from ..site.routes import objective_path
    from ..site.view import VersionView

    if view.previous is None:
        return None
    old_info, old_model = view.previous
    old_view = VersionView(old_model, old_info)
    marks = {change.id: change.kind for change in view.changes.objectives if not change.only_measured}
    nodes = [map_node(view, o, marks.get(o.id, "unchanged")) for o in view.model.objectives.values()]
    nodes += [dataclasses.replace(map_node(old_view, o, "removed"),
                                  url=f"../{old_info.path}/{objective_path(o.id)}")
              for o in old_model.objectives.values() if o.id not in view.model.objectives]
    old_edges, new_edges = old_view.graph.edges, view.graph.edges
    edges = [MapEdge(c, e, "unchanged" if (c, e) in old_edges else "added",
                     constraint=not view.graph.points_down((c, e))) for c, e in new_edges]
    edges += [MapEdge(c, e, "removed", constraint=False) for c, e in old_edges if (c, e) not in new_edges]
    return map_dot(f"Changes since {old_info.name}", CHANGE_MAP, nodes, edges, _band_titles(view))


def _neighbourhood_layout(view: VersionView, objective_id: str) -> MapLayout:
    near = view.graph.neighbourhood(objective_id)
    objectives = [o for o in view.model.objectives.values() if o.id in near]
    edges = [e for e in view.graph.edges if objective_id in e]
    return _layout(view, f"{objective_id} and its neighbours", "nb", objectives, edges, compact=True)


def _layout(view: VersionView, name: str, prefix: str, objectives: Iterable[Objective],
            edges: Iterable[tuple[str, str]], compact: bool) -> MapLayout:
    nodes = [map_node(view, o) for o in objectives]
    map_edges = [MapEdge(c, e, constraint=not view.graph.points_down((c, e))) for c, e in edges]
    return map_dot(name, prefix, nodes, map_edges, _band_titles(view), compact=compact)


def _band_titles(view: VersionView) -> dict[Perspective, str]:
    return {p: view.model.strategy.perspective_title(p) for p in Perspective}


def map_node(view: VersionView, objective: Objective, mark: str | None = None) -> MapNode:
    from ..site.routes import objective_path

    status = view.objective_status(objective.id)
    return MapNode(objective.id, objective.perspective, objective.title, status.value,
                   status.label, view.imperative_colour(objective.imperative), mark,
                   objective_path(objective.id))
