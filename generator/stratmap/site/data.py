"""Data files: strategy.json, scorecard.csv, search.js and the files at the site's root.

The files of a version are functions of its (tracked) view, like its pages: what they
read is recorded, and they are written again only when that changes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import urllib.parse
from collections.abc import Callable
from typing import Any

from .. import __version__
from ..diff.compute import StrategyDiff
from ..markdown.render import MarkdownRenderer
from ..model.content import Kpi, Objective
from ..model.status import Standing, progress
from .routes import SECTIONS, objective_path, team_path
from .theme import Theme, format_number
from .view import SiteInfo, VersionView


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


def changes_json(view: VersionView) -> str:
    """What changed since the version before, in one line: the feed's entry for it."""
    previous = view.previous
    # a first version has nothing to compare: reading the changes would make this file
    # depend on the whole model for a summary that cannot change
    summary = view.changes.summary() if previous else StrategyDiff(old=None, new="").summary()
    return json.dumps({"old": previous[0].name if previous else None, "new": view.info.name,
                       "summary": summary}, ensure_ascii=False) + "\n"


SCORECARD_COLUMNS = ["objective", "objective_title", "perspective", "kpi", "kpi_name", "unit",
                     "direction", "baseline", "target", "actual", "status", "progress", "team",
                     "as_of", "target_by_now"]


def scorecard_csv(view: VersionView) -> str:
    """One row per KPI, then one per team target (with `team` set)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(SCORECARD_COLUMNS)

    def row(objective: Objective, kpi: Kpi, target: float, actual: float | None,
            as_of: dt.date | None, standing: Standing, team: str) -> list[str]:
        ratio = progress(actual, target, kpi.baseline, kpi.direction)
        cells = [objective.id, objective.title, objective.perspective.value, kpi.id, kpi.name,
                 kpi.unit, kpi.direction.value, _number_cell(kpi.baseline), _number_cell(target),
                 _number_cell(actual), standing.status.value, "" if ratio is None else f"{ratio:.3f}",
                 team, as_of.isoformat() if as_of and actual is not None else "",
                 _number_cell(standing.target_now)]
        return [_no_formula(cell) for cell in cells]

    for objective in view.model.objectives.values():
        for kpi in objective.kpis:
            writer.writerow(row(objective, kpi, kpi.target, kpi.actual, kpi.as_of,
                                view.kpi_standing(kpi), ""))
    for team in view.model.teams.values():
        for priority in team.priorities:
            objective = view.model.objectives[priority.objective]
            for team_kpi in priority.kpis:
                writer.writerow(row(objective, view.team_kpi(objective.id, team_kpi), team_kpi.target,
                                    team_kpi.actual, team_kpi.as_of,
                                    view.team_kpi_standing(objective.id, team_kpi), team.slug))
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


def script_assignment(variable: str, key: str, data: Any) -> str:
    return (f"(window.{variable} = window.{variable} || {{}})[{_json_for_script(key)}] = "
            f"{_json_for_script(data)};\n")


def build_date() -> str:
    """The day of the build (a day, not a time: pages are reused within it)."""
    return dt.datetime.now(dt.UTC).date().isoformat()


class SearchIndex:
    """search.js: every page's title and words, for the search box (loaded by script tag,
    so it works from plain files too). An item's words come from its own file alone, so
    those of an item unchanged since the last build (`known`, by the item's digest) are
    reused: turning every body's Markdown into text was most of the cost."""

    def __init__(self, markdown: MarkdownRenderer, known: dict[str, str],
                 item_digest: Callable[[str, str], str]):
        self.markdown = markdown
        self.known = known
        self.item_digest = item_digest  # (kind, key) → digest of the whole item
        self.words: dict[str, str] = {}

    def script(self, view: VersionView) -> str:
        """Every page's whole text: bodies, plans, what each role is asked, KPI comments."""
        model, strategy = view.model, view.model.strategy
        entries = [{"t": strategy.title, "u": "index.html", "k": "Strategy",
                    "x": self._text(view, "strategy", "", strategy, strategy.vision, *strategy.tradeoffs,
                                    *(f"{i.title} {i.description}" for i in strategy.imperatives),
                                    *(f"{i.function}: {i.commitment}" for i in strategy.interlocks))}]
        entries += [{"t": f"{o.id} {o.title}", "u": objective_path(o.id), "k": "Objective",
                     "x": self._text(view, "objective", o.id, o, o.owner,
                                     *(f"{k.name} {k.comment} {k.source}" for k in o.kpis),
                                     *(f"{i.title} {i.owner}" for i in o.initiatives))}
                     for o in model.objectives.values()]
        entries += [{"t": t.name, "u": team_path(slug), "k": "Team",
                     "x": self._text(view, "team", slug, t, t.leader,
                                     *(p.plan for p in t.priorities),
                                     *(f"{role}: {does}" for p in t.priorities for role, does in p.roles.items()),
                                     *(c.what for c in t.changes),
                                     *(f"{s.what} {s.why}" for s in t.stop_doing))}
                    for slug, t in model.teams.items()]
        entries += [{"t": g.title, "u": f"guidance/index.html#topic-{g.slug}", "k": "Guidance",
                     "x": self._text(view, "guidance", g.slug, g, *g.do, *g.dont)}
                    for g in model.guidance.values()]
        entries += [{"t": role.name, "u": f"roles/{role.slug}/index.html", "k": "Role",
                     "x": _search_text(role.description, *role.aliases)} for role in view.roles()]
        entries += [{"t": person.name, "u": f"people/index.html#person-{person.slug}", "k": "Person",
                     "x": ""} for person in view.people()]
        entries += [{"t": label, "u": path, "k": "Page", "x": ""} for label, path in SECTIONS[1:]]
        return script_assignment("STRATMAP_SEARCH", view.info.path, entries)

    def _text(self, view: VersionView, kind: str, key: str, item: Any, *parts: str) -> str:
        digest = self.item_digest(kind, key)
        words = self.known.get(digest)
        # read the body (and file) even when its words are known: search.js records what it
        # read, and a later edit of this body must render it again
        text, source_file = item.body, item.file
        if words is None:
            body = self.markdown.render(text, source_file=source_file,
                                        page_for=view.page_for, to_version_root="")
            words = _search_text(*parts, body.striptags())
        self.words[digest] = words
        return words


def _search_text(*parts: str) -> str:
    """The words, as one line: what a search looks in and quotes its snippets from."""
    return " ".join(" ".join(p.split()) for p in parts if p and p.strip())
