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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .. import __version__
from ..diff.compute import StrategyDiff
from ..markdown.render import MarkdownRenderer
from ..model.content import Content, Kpi, Objective, StrategyModel
from ..model.roles import role_headings
from ..model.status import Standing, progress
from .routes import SECTIONS, objective_path, team_path
from .theme import Theme, format_number
from .view import SiteInfo, VersionView


@dataclass
class MadePerFile:
    """What the data files made of each item's file text, to be made again only for a new
    text. A process that builds again (serve) keeps one between builds (`KEPT_BY_PROCESS`);
    a single build's goes with the build: at 3,000 teams it holds 6 MB."""

    item_json: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, file digest) → JSON
    # an item's digest → its search entry as JSON, and its words
    search_entries: dict[str, tuple[str, str]] = field(default_factory=dict)
    # the search entries of roles, people and sections: (title, page, kind, words) → JSON,
    # those of the last build only (thousands of people at a few thousand teams)
    other_entries: dict[tuple[str, str, str, str], str] = field(default_factory=dict)

    def trim(self, model: StrategyModel) -> None:
        """When the files have been edited many times over, start again, to hold about one
        of each file."""
        files = 1 + len(model.objectives) + len(model.teams) + len(model.guidance)
        for made in (self.item_json, self.search_entries):
            if len(made) > 2 * files:
                made.clear()


KEPT_BY_PROCESS = MadePerFile()


def strategy_json(view: VersionView, made: MadePerFile) -> list[str]:
    """Everything, as one JSON object in pieces: what `model.to_data()` holds, with the
    version, each objective's status and the generator. Each item's part is its file's
    alone, so it is encoded once per file text (serve encodes only the edited one again),
    and the whole text, megabytes at a few thousand teams, is never made at once."""
    model = view.whole_view().model
    made.trim(model)
    status = {o.id: {"status": view.objective_status(o.id).value,
                     "kpis": {k.id: view.kpi_status(k).value for k in o.kpis}}
              for o in view.model.objectives.values()}
    parts = {"settings": [_json(model.settings.model_dump(mode="json"))],
             "strategy": [_item_json(model.strategy, made)],
             "objectives": _json_list(_item_json(o, made) for o in model.objectives.values()),
             "teams": _json_list(_item_json(t, made) for t in model.teams.values()),
             "guidance": _json_list(_item_json(g, made) for g in model.guidance.values()),
             "version": [_json(view.info.identity())], "status": [_json(status)],
             "generator": [_json(f"stratmap {__version__}")]}
    # what json.dumps(dict of them) writes: ", " and ": " between, no indent
    pieces = ["{"]
    for number, (key, value) in enumerate(parts.items()):
        pieces += [", " if number else "", _json(key), ": ", *value]
    return [*pieces, "}\n"]


def _json(data: Any) -> str:
    # no indent: it would make json use its pure-Python encoder, ten times slower
    return _TEXT_JSON.encode(data)


_TEXT_JSON = json.JSONEncoder(ensure_ascii=False)  # made once: json.dumps makes one per call


def _json_list(encoded: Iterable[str]) -> list[str]:
    """What json.dumps writes for a list of values already encoded, in pieces."""
    pieces = ["["]
    for number, value in enumerate(encoded):
        pieces += [", ", value] if number else [value]
    return [*pieces, "]"]


def _item_json(item: Content, made: MadePerFile) -> str:
    """An item's part of strategy.json, encoded once per text of its file."""
    key = (type(item).__name__, item.source.digest)
    if not key[1]:
        return _json(item.to_data())
    found = made.item_json.get(key)
    if found is None:
        found = made.item_json[key] = _json(item.to_data())
    return found


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
            for share in view.team_kpi_shares(objective.id, priority.kpis):
                team_kpi = share.team_kpi
                writer.writerow(row(objective, share.kpi, team_kpi.target, team_kpi.actual,
                                    team_kpi.as_of, share.standing, team.slug))
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
    return f"{_assignment_to(variable, key)}{_json_for_script(data)};\n"


def _assignment_to(variable: str, key: str) -> str:
    return f"(window.{variable} = window.{variable} || {{}})[{_json_for_script(key)}] = "


def build_date() -> str:
    """The day of the build (a day, not a time: pages are reused within it)."""
    return dt.datetime.now(dt.UTC).date().isoformat()


class SearchIndex:
    """search.js: every page's title and words, for the search box (loaded by script tag,
    so it works from plain files too). An item's entry comes from its own file alone, so
    it is made once per text of the file: between builds of one process (serve), its JSON
    (`made`); across processes, its words (`known`, by the item's digest): turning every
    body's Markdown into text was most of the cost."""

    def __init__(self, markdown: MarkdownRenderer, known: dict[str, str],
                 item_digest: Callable[[str, str], str], made: MadePerFile):
        self.markdown = markdown
        self.made = made
        self.known = known
        self.item_digest = item_digest  # (kind, key) → digest of the whole item
        self.words: dict[str, str] = {}

    def script(self, view: VersionView) -> list[str]:
        """Every page's whole text, in pieces: bodies, plans, what each role is asked, KPI
        comments."""
        whole = view.whole_view()  # every item, read untracked: one read of the whole model
        model = whole.model
        self.made.trim(model)
        entries = [self._entry(whole, "strategy", "", model.strategy, lambda s: (
            s.title, "index.html", "Strategy",
            [s.vision, *s.tradeoffs, *(f"{i.title} {i.description}" for i in s.imperatives),
             *(f"{i.function}: {i.commitment}" for i in s.interlocks)]))]
        entries += [self._entry(whole, "objective", key, o, lambda o: (
            f"{o.id} {o.title}", objective_path(o.id), "Objective",
            [o.owner, *(f"{k.name} {k.comment} {k.source}" for k in o.kpis),
             *(f"{i.title} {i.owner}" for i in o.initiatives)]))
            for key, o in model.objectives.items()]
        entries += [self._entry(whole, "team", slug, t, lambda t: (
            t.name, team_path(t.slug), "Team",
            [t.leader, *(p.plan for p in t.priorities),
             *(f"{role}: {does}" for p in t.priorities for role, does in p.roles.items()),
             *(c.what for c in t.changes), *(f"{s.what} {s.why}" for s in t.stop_doing)]))
            for slug, t in model.teams.items()]
        entries += [self._entry(whole, "guidance", slug, g, lambda g: (
            g.title, f"guidance/index.html#topic-{g.slug}", "Guidance", [*g.do, *g.dont]))
            for slug, g in model.guidance.items()]
        # (the roles' headings, not whole.roles(): that gathers every ask of every plan)
        others = [(role.name, f"roles/{role.slug}/index.html", "Role",
                   _search_text(role.description, *role.aliases))
                  for role in role_headings(model.settings, model.role_names)]
        others += [(person.name, f"people/index.html#person-{person.slug}", "Person", "")
                   for person in whole.people()]
        others += [(label, path, "Page", "") for label, path in SECTIONS[1:]]
        listed = _json_list([*entries, *self._other_entries(others)])
        return [_assignment_to("STRATMAP_SEARCH", view.info.path), *listed, ";\n"]

    def _other_entries(self, others: list[tuple[str, str, str, str]]) -> list[str]:
        """Each (title, page, kind, words) as its entry's JSON, encoded again only when new."""
        known, self.made.other_entries = self.made.other_entries, {}
        encoded = []
        for entry in others:
            found = known.get(entry)
            if found is None:
                found = _search_entry(*entry)
            encoded.append(found)
            self.made.other_entries[entry] = found
        return encoded

    def _entry(self, view: VersionView, kind: str, key: str, item: Any,
               describe: Callable[[Any], tuple[str, str, str, list[str]]]) -> str:
        """An item's entry as JSON, from the item alone (`describe(item)`: its title, page,
        kind and texts besides the body), made again only when its file's text is new to
        `made`."""
        digest = self.item_digest(kind, key)
        found = self.made.search_entries.get(digest)
        if found is None:
            title, url, label, parts = describe(item)
            words = self.known.get(digest)
            if words is None:
                body = self.markdown.render(item.body, source_file=item.file,
                                            page_for=view.page_for, to_version_root="")
                words = _search_text(*parts, body.striptags())
            found = self.made.search_entries[digest] = (_search_entry(title, url, label, words), words)
        self.words[digest] = found[1]
        return found[0]


def _search_entry(title: str, page: str, kind: str, words: str) -> str:
    """One entry of search.js, as JSON."""
    return _json_for_script({"t": title, "u": page, "k": kind, "x": words})


def _search_text(*parts: str) -> str:
    """The words, as one line: what a search looks in and quotes its snippets from."""
    return " ".join(" ".join(p.split()) for p in parts if p and p.strip())
