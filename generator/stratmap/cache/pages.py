"""Incremental: reuse the pages of the last build that cannot have changed.

Every page gets a fingerprint of everything it shows: the theme, the version, and the
content objects it draws on (a team page: its team, the teams around it, the objectives
on its line of sight, the guidance that applies, the map). A page whose fingerprint
matches the last build's is linked from the previous output instead of rendered again.
Overview pages show every team but not all of it: none shows a plan's text, so editing
it re-renders only the team's page and the files that hold every word (the changes page,
strategy.json, search.js); and teams, roles, alignment and guidance show who serves what
but no KPI or target, so a new target leaves them as they were.

A missed dependency would show a stale page, so tests compare incremental builds with
clean ones byte for byte after edits of every kind of file.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..cache.digests import digest
from ..write import write_atomically
from .digests import code_digest, folder_key

EVERYTHING = "*"
OVERVIEW = "*-but-plan-text"  # everything except the bodies of team plans
# pages that show all of a version but none of its plans' text
OVERVIEW_PAGES = {"home.html", "scorecard.html", "scorecard.csv"}
# pages that show who serves what: the teams, their hierarchy, the objectives of their
# priorities and what each role does, but no KPI, target, date or plan text
WHO_SERVES_WHAT = "who-serves-what"
WHO_SERVES_WHAT_PAGES = {"teams.html", "roles.html", "alignment.html", "guidance.html"}


def content_digest(item) -> str:
    """A content object's own file: its front matter and body."""
    return digest(item.source.data, item.body)


@dataclass
class PreviousPages:
    """The last build's pages of one version: where they are and their fingerprints."""

    folder: Path
    fingerprints: dict[str, str]
    words: dict[str, str]  # search.js: each content object's words, by its fingerprint

    def reusable(self, path: str, fingerprint: str) -> Path | None:
        if self.fingerprints.get(path) != fingerprint:
            return None
        existing = self.folder / path
        return existing if existing.is_file() else None


class Manifest:
    """Fingerprints of the pages in an output folder, kept in the cache folder."""

    def __init__(self, cache: Path, version_folder: Path):
        self.path = cache / "pages" / f"{folder_key(version_folder)}.json"
        self.version_folder = version_folder

    def load(self) -> PreviousPages | None:
        try:
            data = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return None
        return PreviousPages(self.version_folder, data.get("pages", {}), data.get("words", {}))

    def save(self, fingerprints: dict[str, str], words: dict[str, str]) -> None:
        write_atomically(self.path, json.dumps({"folder": str(self.version_folder),
                                                "pages": fingerprints, "words": words}))


class Fingerprints:
    """What each page of one version depends on, hashed."""

    def __init__(self, view, theme_key: str, site, map_sources: dict[str, str],
                 opaque: set[str] | frozenset[str] = frozenset()):
        """`opaque`: templates whose pages depend on everything (a user theme's own)."""
        self.view = view
        self.opaque = opaque
        model = view.model
        self.items: dict[str, str] = {
            "strategy": digest(content_digest(model.strategy), model.settings.model_dump(mode="json")),
            "earlier": digest([(e.info.name, e.info.commit) for e in view.earlier]),
            "graph": digest(view.graph.edges),
        }
        self.items |= {f"o:{o.id}": content_digest(o) for o in model.objectives.values()}
        for slug, team in model.teams.items():
            front = team.source.data
            self.items[f"t:{slug}"] = content_digest(team)
            self.items[f"t-front:{slug}"] = digest(front)
            # what other pages show of a team: its name (hierarchy, breadcrumbs), and on an
            # objective's page its priorities on that objective
            self.items[f"t-name:{slug}"] = digest(team.name, team.approved)
            by_objective: dict[str, list] = defaultdict(list)
            for typed, written in zip(team.priorities, front.get("priorities") or [], strict=True):
                by_objective[typed.objective].append(written)
            for objective_id, priorities in by_objective.items():
                self.items[f"t-on:{slug}:{objective_id}"] = digest(team.name, priorities)
        self.items |= {f"g:{g.slug}": content_digest(g) for g in model.guidance.values()}
        self.items[WHO_SERVES_WHAT] = digest(
            [(slug, t.name, t.approved, t.parent, [(p.objective, p.roles) for p in t.priorities])
             for slug, t in model.teams.items()],
            [(o.id, o.title) for o in model.objectives.values()])
        self.items |= {f"map:{name}": digest(source) for name, source in map_sources.items()}
        self.items[OVERVIEW] = digest(sorted((k, v) for k, v in self.items.items() if not k.startswith("t:")))
        self.items[EVERYTHING] = digest(sorted(self.items.items()))
        self.base = digest(theme_key, code_digest(), view.info.identity(),
                           site.title, site.base_url, site.built_on)
        # who is whose sub-team, and which teams serve an objective: asked once per page
        self.subteams: dict[str, list[str]] = defaultdict(list)
        self.serving: dict[str, set[str]] = defaultdict(set)
        for slug, team in model.teams.items():
            self.subteams[team.parent or ""].append(slug)
            for priority in team.priorities:
                self.serving[priority.objective].add(slug)

    def of_item(self, key: str) -> str:
        """One content object's own fingerprint (e.g. `t:enterprise-east`)."""
        return hashlib.sha256(f"{self.base}\0{key}\0{self.items[key]}".encode()).hexdigest()

    def of(self, template: str, context: dict[str, Any]) -> str:
        hasher = hashlib.sha256(f"{self.base}\0{template}".encode())
        for key in self._dependencies(template, context):
            hasher.update(f"\0{key}\0{self.items[key]}".encode())
        return hasher.hexdigest()

    def _dependencies(self, template: str, context: dict[str, Any]) -> Iterable[str]:
        view, model = self.view, self.view.model
        if template in self.opaque:
            yield EVERYTHING
        elif template == "objective.html":
            objective = context["objective"]
            yield from ("strategy", "earlier", f"map:nb:{objective.id}")
            yield from (f"o:{o}" for o in sorted(view.graph.neighbourhood(objective.id)))
            yield from (f"t-on:{slug}:{objective.id}" for slug in sorted(self.serving[objective.id]))
            yield from (f"g:{g.slug}" for g in model.guidance_for_objective(objective.id))
        elif template == "team.html":
            team = context["team"]
            yield from ("strategy", "graph", "map:sm", f"t:{team.slug}")
            yield from (f"t-name:{slug}" for slug in self._teams_around(team))
            own, on_path, _ = view.team_line_of_sight(team)
            yield from (f"o:{o}" for o in sorted(own | on_path))
            yield from (f"g:{g.slug}" for g in model.guidance_for_team(team))
        elif template == "changes.html" and not view.previous:
            yield "strategy"  # the first version: nothing to compare, only its title
        elif template in WHO_SERVES_WHAT_PAGES:
            yield from ("strategy", WHO_SERVES_WHAT)
            yield from (f"g:{slug}" for slug in model.guidance)  # (only guidance.html shows them)
        elif template in OVERVIEW_PAGES and not (template == "home.html" and view.previous):
            yield OVERVIEW  # (home's summary of changes counts edits of plan text)
        else:
            yield EVERYTHING

    def _teams_around(self, team) -> list[str]:
        """Its ancestors (breadcrumbs) and its sub-teams: the page names them."""
        model = self.view.model
        return [*(t.slug for t in model.ancestors(team)), *self.subteams[team.slug]]
