"""Render: one validated version → its pages, diagrams and data files (SPEC §5).

`VersionRenderer.render` returns the files of `output/<version>/` (rendered text, plus the
unchanged pages of the last build to reuse); the build writes them. Links are relative everywhere, so a site works from any base_url and
from plain files; only 404.html, which is served from any depth, uses base_url.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import functools
import io
import json
import multiprocessing
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    meta,
    select_autoescape,
)
from markupsafe import Markup

from . import __version__
from .bytecode_cache import signed_bytecode_cache
from .check import review_overdue
from .diagrams import (
    IMPERATIVE_COLOURS,
    DiagramRenderer,
    MapEdge,
    MapLayout,
    MapNode,
    highlight,
    inline_svg,
    map_dot,
    prepare_svg,
)
from .diff import StrategyDiff, diff_models
from .diff_format import guidance_details, objective_details, strategy_details, team_details
from .graph import CauseEffectGraph
from .incremental import Fingerprints, PreviousPages
from .markdown import MarkdownRenderer
from .model import Imperative, Kpi, KpiValues, Objective, Perspective, StrategyModel, Team, TeamKpi
from .status import Status, kpi_status, progress, status_of, worst
from .versions import VersionInfo


@dataclass(frozen=True)
class SiteInfo:
    title: str
    base_url: str
    versions: tuple[VersionInfo, ...]
    built_on: str


@dataclass(frozen=True)
class TrendPoint:
    label: str
    value: float
    source: str  # "history", a version name, or "now"
    target: float | None = None  # as published in that version (none for history points)


class Theme:
    """The default theme, with a user folder's templates and static files on top."""

    def __init__(self, folders: list[Path], key: str, compiled: Path | None = None):
        """`compiled`: a folder that keeps compiled templates between builds (Jinja checks
        each against its source), which spares an incremental build compiling them again."""
        self.folders = folders
        self.key = key  # theme_key(folders): every file's digest, computed by the caller
        if compiled is not None:
            compiled.mkdir(parents=True, exist_ok=True)
        self.environment = Environment(
            loader=ChoiceLoader([FileSystemLoader(str(f / "templates")) for f in self.folders]),
            autoescape=select_autoescape(default_for_string=True, default=True),
            undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
            bytecode_cache=signed_bytecode_cache(compiled) if compiled else None)
        self.environment.filters["number"] = format_number

    def static_files(self) -> dict[str, Path]:
        """Relative path → file; a user theme's file replaces the default's of the same name."""
        files: dict[str, Path] = {}
        for folder in reversed(self.folders):
            files |= _files_in(folder / "static")
        return files

    def render(self, template: str, **context: Any) -> str:
        return self.environment.get_template(template).render(**context)

    @functools.cached_property
    def overridden(self) -> frozenset[str]:
        """The templates a user's theme replaces."""
        return frozenset(name for folder in self.folders[:-1] for name in _files_in(folder / "templates"))

    def opaque(self, templates: Iterable[str]) -> set[str]:
        """Those of these page templates that use a template of the user's theme, itself
        or through extends, include or import. We cannot know what such a page shows, so
        it depends on everything (the default theme's pages depend on what they show)."""
        if not self.overridden:
            return set()
        return {t for t in templates if (uses := self._uses(t)) & self.overridden or None in uses}

    def _uses(self, template: str) -> set[str | None]:
        """The template and every one it refers to, transitively; None for a name only
        known when it renders."""
        seen: set[str | None] = set()
        waiting: list[str | None] = [template]
        while waiting:
            name = waiting.pop()
            if name in seen:
                continue
            seen.add(name)
            if name is not None:
                source, _, _ = self.environment.loader.get_source(self.environment, name)
                waiting += meta.find_referenced_templates(self.environment.parse(source))
        return seen


def _files_in(folder: Path) -> dict[str, Path]:
    """Relative path → file, for every file below `folder` (none when it is missing)."""
    if not folder.is_dir():
        return {}
    return {path.relative_to(folder).as_posix(): path for path in sorted(folder.rglob("*"))
            if path.is_file()}


def format_number(value: float | None) -> str:
    if value is None:
        return "—"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


# --- what the templates read -------------------------------------------------------------

@dataclass
class EarlierVersion:
    """A published version before the one being rendered: its KPI values for the trends,
    and its model, loaded only when a page needs it (the change since that version)."""

    info: VersionInfo
    kpis: KpiValues
    load_model: Callable[[], StrategyModel]

    @functools.cached_property
    def model(self) -> StrategyModel:
        return self.load_model()


@dataclass
class VersionView:
    """A version's model with everything pages compute from it: statuses, graph, links."""

    model: StrategyModel
    info: VersionInfo
    earlier: list[EarlierVersion] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.graph = CauseEffectGraph.of(self.model.objectives.values())
        self._line_of_sight: dict[str, tuple[set[str], set[str], set[tuple[str, str]]]] = {}
        self.at_risk_below = self.model.settings.rules.at_risk_below
        self.imperatives = {i.id: i for i in self.model.strategy.imperatives}
        self._colours = {i.id: IMPERATIVE_COLOURS[n % len(IMPERATIVE_COLOURS)]
                         for n, i in enumerate(self.model.strategy.imperatives)}

    # statuses
    def kpi_status(self, kpi: Kpi) -> Status:
        return kpi_status(kpi, self.at_risk_below)

    def kpi_progress(self, kpi: Kpi) -> float | None:
        return progress(kpi.actual, kpi.target, kpi.baseline, kpi.direction)

    def team_kpi(self, objective_id: str, team_kpi: TeamKpi) -> Kpi:
        kpi = self.model.objectives[objective_id].kpi(team_kpi.kpi)
        assert kpi is not None, "validation guarantees a team KPI names a KPI of its objective"
        return kpi

    def team_kpi_status(self, objective_id: str, team_kpi: TeamKpi) -> Status:
        kpi = self.team_kpi(objective_id, team_kpi)
        return status_of(team_kpi.actual, team_kpi.target, kpi.baseline, kpi.direction,
                         self.at_risk_below)

    def objective_status(self, objective_id: str) -> Status:
        objective = self.model.objectives[objective_id]
        return worst(s for s in map(self.kpi_status, objective.kpis) if s is not Status.NO_DATA)

    def status_counts(self, objectives: Iterable[Objective] | None = None) -> dict[Status, int]:
        counts = {status: 0 for status in Status}
        for objective in objectives if objectives is not None else self.model.objectives.values():
            counts[self.objective_status(objective.id)] += 1
        return counts

    def review_overdue(self, team: Team) -> bool:
        as_of = dt.date.fromisoformat(self.info.date) if self.info.date else dt.date.today()
        return team.approved and review_overdue(team, as_of, self.model.settings.rules.review_every_days)

    # relations
    def imperative_of(self, objective: Objective) -> Imperative | None:
        return self.imperatives.get(objective.imperative or "")

    def imperative_colour(self, imperative_id: str | None) -> str | None:
        return self._colours.get(imperative_id or "")

    def drives(self, objective_id: str) -> list[Objective]:
        return [self.model.objectives[o] for o in self.graph.effects.get(objective_id, [])]

    def driven_by(self, objective_id: str) -> list[Objective]:
        return [self.model.objectives[o] for o in self.graph.causes.get(objective_id, [])]

    def perspectives(self) -> list[tuple[Perspective, str, list[Objective]]]:
        strategy = self.model.strategy
        return [(p, strategy.perspective_title(p), self.model.objectives_in(p)) for p in Perspective]

    def unsupported_objectives(self) -> list[Objective]:
        supported = self.model.supported_objectives()
        return [o for o in self.model.objectives.values() if o.id not in supported]

    def teams_off_the_map(self) -> list[Team]:
        """Teams with no priority (validation makes every priority name a real objective)."""
        return [t for t in self.model.teams.values() if not t.priorities]

    def role_view(self, team: Team) -> list[tuple[str, list[tuple[Objective, str]]]]:
        """For each role: what the team's priorities ask of it, objective by objective."""
        return [(role, [(self.model.objectives[p.objective], p.roles[role])
                        for p in team.priorities if role in p.roles])
                for role in team.roles]

    def roles_across_teams(self) -> list[tuple[str, list[tuple[Team, Objective, str]]]]:
        """Each role named in any plan, with every team's ask of it, most-asked first."""
        asks: dict[str, list[tuple[Team, Objective, str]]] = {}
        for team in self.model.teams.values():
            for priority in team.priorities:
                for role, does in priority.roles.items():
                    asks.setdefault(role, []).append((team, self.model.objectives[priority.objective], does))
        return sorted(asks.items(), key=lambda item: (-len(item[1]), item[0].lower()))

    def team_line_of_sight(self, team: Team) -> tuple[set[str], set[str], set[tuple[str, str]]]:
        """(its own objectives, the others on their paths to finance, the arrows between)."""
        if team.slug not in self._line_of_sight:  # asked by its page and by its fingerprint
            own = {p.objective for p in team.priorities}
            nodes, edges = self.graph.line_of_sight(own)
            self._line_of_sight[team.slug] = own, nodes - own, edges
        return self._line_of_sight[team.slug]

    def trend(self, objective: Objective, kpi: Kpi) -> list[TrendPoint]:
        """history, then the actual in every earlier published version, then now."""
        points = [TrendPoint(p.date.isoformat(), p.value, "history") for p in kpi.history]
        for version in self.earlier:
            actual, target = version.kpis.get(objective.id, {}).get(kpi.id, (None, None))
            if actual is not None:
                points.append(TrendPoint(version.info.name, actual, version.info.name, target))
        if kpi.actual is not None:
            points.append(TrendPoint(self.info.name, kpi.actual, "now", kpi.target))
        return points

    def page_for(self, content_file: str) -> str | None:
        """Content file → its page, for links between content files in Markdown bodies."""
        return self._pages_by_file.get(content_file)

    @functools.cached_property
    def _pages_by_file(self) -> dict[str, str]:
        model = self.model
        pages = {model.strategy.file: "index.html"}
        pages |= {o.file: objective_path(o.id) for o in model.objectives.values()}
        pages |= {t.file: team_path(t.slug) for t in model.teams.values()}
        pages |= {g.file: f"guidance/index.html#topic-{g.slug}" for g in model.guidance.values()}
        return pages

    # change since the version before
    @property
    def previous(self) -> tuple[VersionInfo, StrategyModel] | None:
        return (self.earlier[-1].info, self.earlier[-1].model) if self.earlier else None

    @functools.cached_property
    def changes(self) -> StrategyDiff:
        previous = self.previous
        return diff_models(previous[1] if previous else None, self.model,
                           previous[0].name if previous else None, self.info.name)


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


# --- pages ---------------------------------------------------------------------------------

class Deferred:
    """A page value worth computing only when the page is rendered (not reused)."""

    def __init__(self, compute: Callable[[], Any]):
        self._compute = compute

    @functools.cached_property
    def value(self) -> Any:
        return self._compute()


@dataclass
class Page:
    path: str  # relative to the version root, e.g. "teams/east/index.html"
    template: str
    title: str
    context: dict[str, Any] = field(default_factory=dict)
    breadcrumbs: list[tuple[str, str]] = field(default_factory=list)  # (label, path)

    @property
    def to_root(self) -> str:
        """From this page to the version root."""
        return "../" * self.path.count("/")


def objective_path(objective_id: str) -> str:
    return f"objectives/{objective_id}/index.html"


def team_path(slug: str) -> str:
    return f"teams/{slug}/index.html"


CHANGE_DETAILS = {"objective": objective_details, "team": team_details,
                  "guidance": guidance_details, "strategy": strategy_details}

SECTIONS = [("Strategy", "index.html"), ("Scorecard", "scorecard/index.html"),
            ("Alignment", "alignment/index.html"), ("Teams", "teams/index.html"),
            ("Roles", "roles/index.html"),
            ("Guidance", "guidance/index.html"), ("Changes", "changes/index.html")]


@dataclass
class RenderedVersion:
    files: dict[str, str]  # rendered now
    pages: list[str]  # HTML pages, relative to the version root (for the switcher)
    reused: dict[str, Path] = field(default_factory=dict)  # unchanged pages of the last build
    fingerprints: dict[str, str] = field(default_factory=dict)
    words: dict[str, str] = field(default_factory=dict)  # each item's words in search.js


@dataclass
class VersionMaps:
    strategy: tuple[MapLayout, str]
    neighbourhoods: dict[str, tuple[MapLayout, str]]
    changes: str | None

    @property
    def sources(self) -> dict[str, str]:
        """Map name → DOT source: what a page's map depends on."""
        return {"sm": self.strategy[0].dot,
                **{f"nb:{oid}": layout.dot for oid, (layout, _) in self.neighbourhoods.items()}}


# Below this many pages a pool of processes costs more than it saves.
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


# --- data files ----------------------------------------------------------------------------

def strategy_json(view: VersionView) -> str:
    data = view.model.to_data()
    data["version"] = view.info.identity()
    data["status"] = {
        o.id: {"status": view.objective_status(o.id).value,
               "kpis": {k.id: view.kpi_status(k).value for k in o.kpis}}
        for o in view.model.objectives.values()}
    data["generator"] = f"stratmap {__version__}"
    # no indent: it would make json use its pure-Python encoder, ten times slower
    return json.dumps(data, ensure_ascii=False) + "\n"


SCORECARD_COLUMNS = ["objective", "objective_title", "perspective", "kpi", "kpi_name", "unit",
                     "direction", "baseline", "target", "actual", "status", "progress", "team"]


def scorecard_csv(view: VersionView) -> str:
    """One row per KPI, then one per team target (with `team` set)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(SCORECARD_COLUMNS)

    def row(objective: Objective, kpi: Kpi, target: float, actual: float | None,
            status: Status, team: str) -> list[str]:
        ratio = progress(actual, target, kpi.baseline, kpi.direction)
        cells = [objective.id, objective.title, objective.perspective.value, kpi.id, kpi.name,
                 kpi.unit, kpi.direction.value, _number_cell(kpi.baseline), _number_cell(target),
                 _number_cell(actual), status.value, "" if ratio is None else f"{ratio:.3f}", team]
        return [_no_formula(cell) for cell in cells]

    for objective in view.model.objectives.values():
        for kpi in objective.kpis:
            writer.writerow(row(objective, kpi, kpi.target, kpi.actual, view.kpi_status(kpi), ""))
    for team in view.model.teams.values():
        for priority in team.priorities:
            objective = view.model.objectives[priority.objective]
            for team_kpi in priority.kpis:
                writer.writerow(row(objective, view.team_kpi(objective.id, team_kpi), team_kpi.target,
                                    team_kpi.actual, view.team_kpi_status(objective.id, team_kpi),
                                    team.slug))
    return buffer.getvalue()


def _number_cell(value: float | None) -> str:
    return "" if value is None else format_number(value).replace(",", "")


def _no_formula(cell: str) -> str:
    """Spreadsheets run cells that start with = + - @, and content is untrusted."""
    if cell[:1] in ("=", "+", "@") or (cell[:1] == "-" and not cell[1:].replace(".", "", 1).isdigit()):
        return "'" + cell
    return cell


def site_root_files(site: SiteInfo, theme: Theme) -> dict[str, str]:
    """index.html (to latest/), 404.html and versions.json at the top of the output."""
    versions = [v.to_json() for v in site.versions]
    return {
        "versions.json": json.dumps(versions, indent=2) + "\n",
        "versions.js": f"window.STRATMAP_VERSIONS = {_json_for_script(versions)};\n",
        "index.html": theme.render("redirect.html", site=site, target="latest/index.html", to_site=""),
        # an http(s) base_url serves links only: the stylesheet is always this site's own
        "404.html": theme.render("404.html", site=site,
                                 base=urllib.parse.urlsplit(site.base_url).path.rstrip("/") + "/",
                                 to_site=site.base_url.rstrip("/") + "/"),
    }


def _json_for_script(data: Any) -> str:
    """JSON that is safe inside a script: no `</script>` or `<!--` can close it early."""
    return json.dumps(data).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _script_assignment(variable: str, key: str, data: Any) -> str:
    return (f"(window.{variable} = window.{variable} || {{}})[{_json_for_script(key)}] = "
            f"{_json_for_script(data)};\n")


def build_date() -> str:
    """The day of the build (a day, not a time: pages are reused within it)."""
    return dt.datetime.now(dt.UTC).date().isoformat()
