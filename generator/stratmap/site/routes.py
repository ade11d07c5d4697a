"""Routes: the page table of a version — every page's path, template, title and breadcrumbs.

A page's subject (its objective or team) and anything it computes for its template
(`extras`) are handed to the template only when the page is rendered, through the tracked
view, so that whatever they read is recorded with the page (see reads.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..diagrams.maps import CHANGE_MAP, STRATEGY_MAP, VersionMaps, neighbourhood_map
from ..diff.format import (
    guidance_details,
    move_verdict,
    objective_details,
    strategy_details,
    team_details,
)

if TYPE_CHECKING:
    from ..model.content import StrategyModel, Team
    from .reads import TrackedItem, TrackedView
    from .view import VersionView

Extras = Callable[["TrackedView", "TrackedItem | None"], dict[str, Any]]


@dataclass
class Page:
    path: str  # relative to the version root, e.g. "teams/east/index.html"
    template: str
    title: str
    breadcrumbs: list[tuple[str, str]] = field(default_factory=list)  # (label, path)
    subject: tuple[str, Any] | None = None  # ("objective", it) or ("team", it)
    extras: Extras | None = None

    @property
    def to_root(self) -> str:
        """From this page to the version root."""
        return "../" * self.path.count("/")

    @property
    def to_site(self) -> str:
        """From this page to the top of the site, where every version's folder is."""
        return self.to_root + "../"


def objective_path(objective_id: str) -> str:
    return f"objectives/{objective_id}/index.html"


def team_path(slug: str) -> str:
    return f"teams/{slug}/index.html"


CHANGE_DETAILS = {"objective": objective_details, "team": team_details,
                  "guidance": guidance_details, "strategy": strategy_details,
                  "verdict": move_verdict}

SECTIONS = [("Strategy", "index.html"), ("Scorecard", "scorecard/index.html"),
            ("Alignment", "alignment/index.html"), ("Teams", "teams/index.html"),
            ("Roles", "roles/index.html"), ("People", "people/index.html"),
            ("Initiatives", "initiatives/index.html"),
            ("Guidance", "guidance/index.html"), ("Changes", "changes/index.html")]

# the pages every version has besides the home page: (path, template, title)
OVERVIEWS = [("scorecard/index.html", "scorecard.html", "Scorecard"),
             ("alignment/index.html", "alignment.html", "Alignment"),
             ("guidance/index.html", "guidance.html", "Guidance"),
             ("teams/index.html", "teams.html", "Teams"),
             ("roles/index.html", "roles.html", "Roles"),
             ("people/index.html", "people.html", "People"),
             ("initiatives/index.html", "initiatives.html", "Initiatives"),
             ("changes/index.html", "changes.html", "What changed")]


def page_table(view: VersionView, maps: VersionMaps) -> list[Page]:
    """Every HTML page of a version, in the order the switcher lists them."""
    model = view.model

    def map_of(name: str) -> Extras:
        return lambda tracked, _: {"map_svg": maps.svg(name, tracked.log)}

    pages = [Page("index.html", "home.html", model.strategy.title, extras=map_of(STRATEGY_MAP))]
    for path, template, title in OVERVIEWS:
        pages.append(Page(path, template, title, [(title, path)],
                          extras=map_of(CHANGE_MAP) if template == "changes.html" else None))
    for objective in model.objectives.values():
        path = objective_path(objective.id)
        pages.append(Page(path, "objective.html", f"{objective.id} · {objective.title}",
                          [("Strategy", "index.html"), (objective.id, path)],
                          ("objective", objective), map_of(neighbourhood_map(objective.id))))
    for slug, name in model.role_names.items():
        path = f"roles/{slug}/index.html"
        pages.append(Page(path, "role.html", name, [("Roles", "roles/index.html"), (name, path)],
                          extras=_role_page(slug)))
    trails = _team_trails(model)
    for team in model.teams.values():
        pages.append(Page(team_path(team.slug), "team.html", team.name,
                          [("Teams", "teams/index.html"), *trails[team.slug]], ("team", team),
                          lambda tracked, team: _line_of_sight(maps, tracked, team)))
    return pages


Crumb = tuple[str, str]  # (label, path)


def _team_trails(model: StrategyModel) -> dict[str, tuple[Crumb, ...]]:
    """Each team's breadcrumbs from the top of its hierarchy down to itself, each made once
    from its parent's: walking up from every team was most of the page table's time at
    3,000 teams. (A walk stops at a team it already passed: validation rules out cycles.)"""
    trails: dict[str, tuple[Crumb, ...]] = {}
    for team in model.teams.values():
        chain: list[Team] = []  # the team and the teams above it whose trail is not known yet
        passed: set[str] = set()
        current: Team | None = team
        while current is not None and current.slug not in trails and current.slug not in passed:
            chain.append(current)
            passed.add(current.slug)
            current = model.teams.get(current.parent or "")
        trail = trails.get(current.slug, ()) if current is not None else ()
        for member in reversed(chain):
            trail = trails[member.slug] = (*trail, (member.name, team_path(member.slug)))
    return trails


def _role_page(slug: str) -> Extras:
    return lambda tracked, _: {"role": tracked.role(slug)}


def _line_of_sight(maps: VersionMaps, view: TrackedView, team: TrackedItem | None) -> dict[str, Any]:
    own, on_path, edges = view.team_line_of_sight(team)
    return {"map_svg": maps.line_of_sight(view.log, own, on_path, edges), "on_path": on_path}
