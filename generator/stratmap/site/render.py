"""Render: one validated version → its pages, diagrams and data files (SPEC §5).

`VersionRenderer.render` returns the files of `output/<version>/` (rendered text, plus the
unchanged pages of the last build to reuse); the build writes them. Links are relative everywhere, so a site works from any base_url and
from plain files; only 404.html, which is served from any depth, uses base_url.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from .. import __version__
from ..cache.pages import Fingerprints, PreviousPages
from ..diagrams.graphviz import DiagramRenderer
from ..diagrams.layout import (
    MapEdge,
    MapLayout,
    MapNode,
    highlight,
    inline_svg,
    map_dot,
    prepare_svg,
)
from ..diagrams.maps import VersionMaps
from ..model.content import Objective, Perspective
from ..model.status import Status
from .charts import trend_svg
from .data import _script_assignment, scorecard_csv, strategy_json
from .markdown import MarkdownRenderer
from .routes import CHANGE_DETAILS, SECTIONS, Deferred, Page, objective_path, team_path
from .theme import Theme
from .view import SiteInfo, VersionView


@dataclass
class RenderedVersion:
    files: dict[str, str]  # rendered now
    pages: list[str]  # HTML pages, relative to the version root (for the switcher)
    reused: dict[str, Path] = field(default_factory=dict)  # unchanged pages of the last build
    fingerprints: dict[str, str] = field(default_factory=dict)
    words: dict[str, str] = field(default_factory=dict)  # each item's words in search.js


PARALLEL_FROM = 64
_FORKED: tuple | None = None  # (renderer, view, pages), inherited by forked workers


def _render_in_worker(index: int) -> str:
    renderer, view, pages = _FORKED
    return renderer._render_page(view, pages[index])


class VersionRenderer:
    def __init__(self, theme: Theme, diagrams: DiagramRenderer, site: SiteInfo, jobs: int = 1):
        self.theme = theme
        self.diagrams = diagrams
        self.site = site
        self.jobs = jobs
        self.markdown = MarkdownRenderer()

    def render(self, view: VersionView, previous: PreviousPages | None = None) -> RenderedVersion:
        """Every file of the version; with `previous`, unchanged pages are reused, not rendered."""
        maps = self._maps(view)
        pages = self._pages(view, maps)
        fingerprints = Fingerprints(view, self.theme.key, self.site, maps.sources,
                                    self.theme.opaque({p.template for p in pages}))
        result = RenderedVersion({}, [p.path for p in pages])

        def reusable(path: str, fingerprint: str) -> bool:
            result.fingerprints[path] = fingerprint
            existing = previous.reusable(path, fingerprint) if previous else None
            if existing is not None:
                result.reused[path] = existing
            return existing is not None

        changed = [p for p in pages if not reusable(p.path, fingerprints.of(p.template, p.context))]
        result.files |= dict(zip((p.path for p in changed), self._render_pages(view, changed), strict=True))
        for name, make in (("strategy.json", strategy_json), ("scorecard.csv", scorecard_csv)):
            if not reusable(name, fingerprints.of(name, {})):
                result.files[name] = make(view)
        known_words = previous.words if previous else {}
        if reusable("search.js", fingerprints.of("search.js", {})):
            result.words = known_words
        else:
            result.files["search.js"], result.words = self._search_index(view, fingerprints, known_words)
        result.files["pages.js"] = _script_assignment("STRATMAP_PAGES", view.info.path, result.pages)
        return result

    def _render_pages(self, view: VersionView, pages: list[Page]) -> list[str]:
        """Render pages, in forked worker processes when there are many: they inherit the
        view and the compiled templates, and send back only the HTML."""
        if self.jobs <= 1 or len(pages) < PARALLEL_FROM or \
                "fork" not in multiprocessing.get_all_start_methods():
            return [self._render_page(view, page) for page in pages]
        global _FORKED
        for template in {page.template for page in pages}:
            self.theme.environment.get_template(template)  # compile once, before forking
        _FORKED = (self, view, pages)
        try:
            with multiprocessing.get_context("fork").Pool(self.jobs) as pool:
                return pool.map(_render_in_worker, range(len(pages)),
                                chunksize=max(1, len(pages) // (self.jobs * 8)))
        finally:
            _FORKED = None

    def _search_index(self, view: VersionView, fingerprints: Fingerprints,
                      known: dict[str, str]) -> tuple[str, dict[str, str]]:
        """Every page's title and words, for the search box (loaded by script tag, so it
        works from plain files too). An item's words come from its own file alone, so those
        of an item unchanged since the last build (`known`, by fingerprint) are reused:
        turning every body's Markdown into text was most of the cost."""
        words: dict[str, str] = {}

        def text(key: str, item, *parts: str) -> str:
            fingerprint = fingerprints.of_item(key)
            if fingerprint in known:
                words[fingerprint] = known[fingerprint]
            else:
                body = self.markdown.render(item.body, source_file=item.file,
                                            page_for=view.page_for, to_version_root="")
                words[fingerprint] = _search_text(*parts, body.striptags())
            return words[fingerprint]

        model, strategy = view.model, view.model.strategy
        entries = [{"t": strategy.title, "u": "index.html", "k": "Strategy",
                    "x": text("strategy", strategy, strategy.vision,
                              *(i.title for i in strategy.imperatives))}]
        entries += [{"t": f"{o.id} {o.title}", "u": objective_path(o.id), "k": "Objective",
                     "x": text(f"o:{o.id}", o, o.owner, *(k.name for k in o.kpis),
                               *(i.title for i in o.initiatives))} for o in model.objectives.values()]
        entries += [{"t": t.name, "u": team_path(slug), "k": "Team",
                     "x": text(f"t:{slug}", t, t.leader, *(p.plan for p in t.priorities), *t.roles,
                               *(s.what for s in t.stop_doing))} for slug, t in model.teams.items()]
        entries += [{"t": g.title, "u": f"guidance/index.html#topic-{g.slug}", "k": "Guidance",
                     "x": _search_text(*g.do, *g.dont)} for g in model.guidance.values()]
        entries += [{"t": label, "u": path, "k": "Page", "x": ""} for label, path in SECTIONS[1:]]
        return _script_assignment("STRATMAP_SEARCH", view.info.path, entries), words

    # diagrams
    def _maps(self, view: VersionView) -> VersionMaps:
        model = view.model
        strategy_layout = self._layout(view, "Strategy map", "sm", model.objectives.values(),
                                       view.graph.edges, compact=False)
        neighbourhoods = {o.id: self._neighbourhood_layout(view, o.id) for o in model.objectives.values()}
        change_layout = self._change_layout(view)
        layouts = [strategy_layout, *neighbourhoods.values(), *([change_layout] if change_layout else [])]
        svgs = [prepare_svg(svg) for svg in self.diagrams.render([layout.dot for layout in layouts])]
        return VersionMaps((strategy_layout, svgs[0]),
                           {oid: (layout, svg) for (oid, layout), svg in zip(neighbourhoods.items(), svgs[1:len(neighbourhoods) + 1], strict=True)},
                           svgs[-1] if change_layout else None)

    def _change_layout(self, view: VersionView) -> MapLayout | None:
        """Both versions' objectives and arrows, each marked added, removed, changed or not."""
        if view.previous is None:
            return None
        old_info, old_model = view.previous
        old_view = VersionView(old_model, old_info)
        marks = {change.id: change.kind for change in view.changes.objectives}
        nodes = [self.map_node(view, o, marks.get(o.id, "unchanged")) for o in view.model.objectives.values()]
        nodes += [dataclasses.replace(self.map_node(old_view, o, "removed"),
                                      url=f"../{old_info.path}/{objective_path(o.id)}")
                  for o in old_model.objectives.values() if o.id not in view.model.objectives]
        old_edges, new_edges = old_view.graph.edges, view.graph.edges
        edges = [MapEdge(c, e, "unchanged" if (c, e) in old_edges else "added",
                         constraint=not view.graph.points_down((c, e))) for c, e in new_edges]
        edges += [MapEdge(c, e, "removed", constraint=False) for c, e in old_edges if (c, e) not in new_edges]
        return map_dot(f"Changes since {old_info.name}", "cm", nodes, edges, self._band_titles(view))

    def _neighbourhood_layout(self, view: VersionView, objective_id: str) -> MapLayout:
        near = view.graph.neighbourhood(objective_id)
        objectives = [o for o in view.model.objectives.values() if o.id in near]
        edges = [e for e in view.graph.edges if objective_id in e]
        return self._layout(view, f"{objective_id} and its neighbours", "nb", objectives, edges,
                            compact=True)

    def _layout(self, view: VersionView, name: str, prefix: str, objectives: Iterable[Objective],
                edges: Iterable[tuple[str, str]], compact: bool) -> MapLayout:
        nodes = [self.map_node(view, o) for o in objectives]
        map_edges = [MapEdge(c, e, constraint=not view.graph.points_down((c, e))) for c, e in edges]
        return map_dot(name, prefix, nodes, map_edges, self._band_titles(view), compact=compact)

    @staticmethod
    def _band_titles(view: VersionView) -> dict[Perspective, str]:
        return {p: view.model.strategy.perspective_title(p) for p in Perspective}

    @staticmethod
    def map_node(view: VersionView, objective: Objective, mark: str | None = None) -> MapNode:
        status = view.objective_status(objective.id)
        return MapNode(objective.id, objective.perspective, objective.title, status.value,
                       status.label, view.imperative_colour(objective.imperative), mark,
                       objective_path(objective.id))

    # pages
    def _pages(self, view: VersionView, maps: VersionMaps) -> list[Page]:
        model = view.model
        strategy_layout, strategy_svg = maps.strategy
        home = Page("index.html", "home.html", model.strategy.title,
                    {"map_svg": strategy_svg})
        pages = [home,
                 Page("scorecard/index.html", "scorecard.html", "Scorecard",
                      breadcrumbs=[("Scorecard", "scorecard/index.html")]),
                 Page("alignment/index.html", "alignment.html", "Alignment",
                      breadcrumbs=[("Alignment", "alignment/index.html")]),
                 Page("guidance/index.html", "guidance.html", "Guidance",
                      breadcrumbs=[("Guidance", "guidance/index.html")]),
                 Page("teams/index.html", "teams.html", "Teams",
                      breadcrumbs=[("Teams", "teams/index.html")]),
                 Page("roles/index.html", "roles.html", "Roles",
                      breadcrumbs=[("Roles", "roles/index.html")]),
                 Page("changes/index.html", "changes.html", "What changed",
                      {"map_svg": maps.changes},
                      breadcrumbs=[("What changed", "changes/index.html")])]
        for objective in model.objectives.values():
            _, svg = maps.neighbourhoods[objective.id]
            pages.append(Page(objective_path(objective.id), "objective.html",
                              f"{objective.id} · {objective.title}",
                              {"objective": objective, "map_svg": svg},
                              [("Strategy", "index.html"), (objective.id, objective_path(objective.id))]))
        for team in model.teams.values():
            own, on_path, edges = view.team_line_of_sight(team)
            svg = Deferred(lambda own=own, on_path=on_path, edges=edges:
                           highlight(strategy_svg, strategy_layout, own, on_path, edges))
            trail = [("Teams", "teams/index.html"),
                     *((a.name, team_path(a.slug)) for a in reversed(model.ancestors(team))),
                     (team.name, team_path(team.slug))]
            pages.append(Page(team_path(team.slug), "team.html", team.name,
                              {"team": team, "map_svg": svg, "on_path": on_path}, trail))
        return pages

    def _render_page(self, view: VersionView, page: Page) -> str:
        to_root = page.to_root
        context = {key: value.value if isinstance(value, Deferred) else value
                   for key, value in page.context.items()}

        def url(path: str) -> str:
            return to_root + path

        def markdown(item) -> Markup:
            return self.markdown.render(item.body, source_file=item.file,
                                        page_for=view.page_for, to_version_root=to_root)

        def map_figure(svg: str, label: str) -> Markup:
            return Markup(inline_svg(svg, to_root, label))

        return self.theme.render(
            page.template, page=page, v=view, model=view.model, site=self.site, version=view.info,
            url=url, to_site=to_root + "../", markdown=markdown, inline=self.markdown.render_inline,
            map_figure=map_figure, sections=SECTIONS, Status=Status, Perspective=Perspective,
            trend_svg=trend_svg, objective_path=objective_path, team_path=team_path,
            details=CHANGE_DETAILS,
            stratmap_version=__version__, **context)


def _search_text(*parts: str) -> str:
    return " ".join(p for p in parts if p)[:600]


