"""Check: every rule of SPEC §3 that spans more than one field or file.

`check()` takes a typed model and returns its findings (validate.py runs load → model →
check for a tree). Per-field problems (types, unknown keys, bad dates) come from the model stage; the rules
here need the whole repository: references, cycles, line of sight, review dates.
"""

from __future__ import annotations

import datetime as dt
import difflib
import posixpath
import re
from collections.abc import Iterable

from ..findings import Finding, Position, error, warning
from ..model.content import Perspective, StrategyModel, Team
from ..model.graph import CauseEffectGraph
from ..site.raw_html import MAX_HTML_DEPTH, nesting_depth


def check(model: StrategyModel, as_of: dt.date) -> list[Finding]:
    rules = (_duplicate_ids, _references, _cycles, _objective_warnings, _team_warnings,
             _guidance_references, _content_links, _deep_html)
    findings: list[Finding] = []
    for rule in rules:
        findings.extend(rule(model, as_of))
    return findings


def _suggest(wrong: str, known: Iterable[str]) -> str:
    guess = difflib.get_close_matches(wrong, list(known), n=1, cutoff=0.5)
    return f"; did you mean `{guess[0]}`?" if guess else ""


def _duplicate_ids(model: StrategyModel, as_of: dt.date) -> Iterable[Finding]:
    strategy = model.strategy
    seen: set[str] = set()
    for index, imperative in enumerate(strategy.imperatives):
        if imperative.id in seen:
            yield error("duplicate-id", f"imperative id `{imperative.id}` is used twice",
                        strategy.file, strategy.source.where("imperatives", index, "id"))
        seen.add(imperative.id)
    for objective in model.objectives.values():
        kpi_ids: set[str] = set()
        for index, kpi in enumerate(objective.kpis):
            if kpi.id in kpi_ids:
                yield error("duplicate-id", f"KPI id `{kpi.id}` is used twice in objective "
                            f"{objective.id}; KPI ids must be unique within an objective",
                            objective.file, objective.source.where("kpis", index, "id"))
            kpi_ids.add(kpi.id)


def _dangling(what: str, wrong: str, known: Iterable[str], item, *path) -> Finding:
    known = list(known)
    return error("dangling-reference", f"no {what} `{wrong}`{_suggest(wrong, known)}",
                 item.file, item.source.where(*path))


def _references(model: StrategyModel, as_of: dt.date) -> Iterable[Finding]:
    imperatives = {i.id for i in model.strategy.imperatives}
    for objective in model.objectives.values():
        if objective.imperative and objective.imperative not in imperatives:
            yield _dangling("imperative", objective.imperative, imperatives, objective, "imperative")
        for index, target in enumerate(objective.drives):
            if target not in model.objectives:
                yield _dangling("objective", target, model.objectives, objective, "drives", index)
    for team in model.teams.values():
        if team.parent and team.parent not in model.teams:
            yield _dangling("team", team.parent, model.teams, team, "parent")
        for p_index, priority in enumerate(team.priorities):
            served = model.objectives.get(priority.objective)
            if served is None:
                yield _dangling("objective", priority.objective, model.objectives, team,
                                "priorities", p_index, "objective")
                continue
            for k_index, team_kpi in enumerate(priority.kpis):
                if served.kpi(team_kpi.kpi) is None:
                    known = [k.id for k in served.kpis]
                    yield _dangling(f"KPI in objective {served.id}", team_kpi.kpi, known,
                                    team, "priorities", p_index, "kpis", k_index, "kpi")
    yield from _parent_cycles(model)


def _parent_cycles(model: StrategyModel) -> Iterable[Finding]:
    reported: set[str] = set()
    for team in model.teams.values():
        chain, current = [team.slug], team.parent
        while current in model.teams and current not in chain:
            chain.append(current)
            current = model.teams[current].parent
        if current == team.slug and team.slug not in reported:
            reported.update(chain)
            yield error("cycle", f"teams are their own parents: {' → '.join([*chain, team.slug])}; "
                        "remove one `parent`", team.file, team.source.where("parent"))


def _guidance_references(model: StrategyModel, as_of: dt.date) -> Iterable[Finding]:
    for topic in model.guidance.values():
        for index, objective_id in enumerate(topic.applies_to.objectives):
            if objective_id not in model.objectives:
                yield _dangling("objective", objective_id, model.objectives, topic,
                                "applies_to", "objectives", index)
        for index, slug in enumerate(topic.applies_to.teams):
            if slug not in model.teams:
                yield _dangling("team", slug, model.teams, topic, "applies_to", "teams", index)
        if not topic.do and not topic.dont:
            yield error("missing-field", "guidance needs at least one of `do` or `dont`",
                        topic.file, topic.source.where())


def _cycles(model: StrategyModel, as_of: dt.date) -> Iterable[Finding]:
    graph = CauseEffectGraph.of(model.objectives.values())
    for cycle in graph.find_cycles():
        first = model.objectives[cycle[0]]
        index = first.drives.index(cycle[1])
        yield error("cycle", f"`drives` makes a cycle: {' → '.join(cycle)}; cause and effect must "
                    "flow one way, so remove one of these arrows", first.file,
                    first.source.where("drives", index))


def _objective_warnings(model: StrategyModel, as_of: dt.date) -> Iterable[Finding]:
    rules = model.settings.rules
    supported = model.supported_objectives()
    driven = {target for o in model.objectives.values() for target in o.drives}
    for objective in model.objectives.values():
        if not objective.kpis:
            yield warning("no-kpi", f"objective {objective.id} has no KPI; add one under `kpis` "
                          "so progress can be measured", objective.file, objective.source.where("id"))
        if objective.id not in supported and model.teams:
            yield warning("no-line-of-sight", f"no team has a priority on objective "
                          f"{objective.id}: nobody is accountable for it", objective.file,
                          objective.source.where("id"))
        if objective.perspective is Perspective.FINANCIAL and objective.id not in driven:
            yield warning("undriven-financial", f"nothing drives financial objective "
                          f"{objective.id}; add it to another objective's `drives`",
                          objective.file, objective.source.where("id"))
        for index, target in enumerate(objective.drives):
            effect = model.objectives.get(target)
            if effect and effect.perspective.rank > objective.perspective.rank:
                yield warning("arrow-down", f"{objective.id} ({objective.perspective}) drives "
                              f"{target} ({effect.perspective}): arrows normally point up the "
                              "perspectives", objective.file, objective.source.where("drives", index))
    if len(model.objectives) > rules.max_objectives:
        yield warning("too-many-objectives", f"{len(model.objectives)} objectives; a strategy "
                      f"people remember has at most {rules.max_objectives} "
                      "(rules.max_objectives)", model.strategy.file, model.strategy.source.where())


def _team_warnings(model: StrategyModel, as_of: dt.date) -> Iterable[Finding]:
    rules = model.settings.rules
    for team in model.teams.values():
        if not team.priorities:
            yield warning("no-priorities", f"team {team.slug} has no priorities: add at least one "
                          "tied to an objective", team.file, team.source.where("name"))
        elif len(team.priorities) > rules.max_priorities_per_team:
            yield warning("too-many-priorities", f"team {team.slug} has {len(team.priorities)} "
                          f"priorities; focus on at most {rules.max_priorities_per_team} "
                          "(rules.max_priorities_per_team)", team.file, team.source.where("priorities"))
        if not team.approved:
            yield warning("not-approved", f"the plan of team {team.slug} is not approved (no "
                          "`approved_by`): it is a draft", team.file, team.source.where("name"))
        else:
            yield from _stale_review(team, as_of, rules.review_every_days)
        if not team.stop_doing:
            yield warning("no-stop-doing", f"team {team.slug} lists nothing under `stop_doing`; "
                          "say what it drops to free capacity", team.file, team.source.where("name"))


def last_review(team: Team) -> dt.date | None:
    return team.reviewed_on or team.approved_on


def review_overdue(team: Team, as_of: dt.date, every_days: int) -> bool:
    last = last_review(team)
    return last is None or (as_of - last).days > every_days


def _stale_review(team: Team, as_of: dt.date, every_days: int) -> Iterable[Finding]:
    if not review_overdue(team, as_of, every_days):
        return
    last = last_review(team)
    field = "reviewed_on" if team.reviewed_on else "approved_on"
    if last is None:
        yield warning("stale-review", f"the plan of team {team.slug} has no `reviewed_on` date",
                      team.file, team.source.where("name"))
    else:
        yield warning("stale-review", f"the plan of team {team.slug} was last reviewed on {last}, "
                      f"{(as_of - last).days} days before {as_of}; plans are reviewed every "
                      f"{every_days} days", team.file, team.source.where(field))


_LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]+\.md)(?:#[^)\s]*)?>?\s*(?:\"[^\"]*\")?\)")


def _content_links(model: StrategyModel, as_of: dt.date) -> Iterable[Finding]:
    """Warn about Markdown links to content files that do not exist."""
    items = model.contents()
    existing = {item.file for item in items}
    for item in items:
        for offset, line in enumerate(item.body.splitlines()):
            for match in _LINK_TARGET.finditer(line):
                target = match.group(1)
                if "://" in target or target.startswith("/"):
                    continue
                resolved = posixpath.normpath(posixpath.join(posixpath.dirname(item.file), target))
                if resolved not in existing:
                    yield warning("broken-link", f"link to `{target}`: no such content file",
                                  item.file, Position(item.source.body_line + offset,
                                                      match.start() + 3))


def _deep_html(model: StrategyModel, as_of: dt.date) -> Iterable[Finding]:
    """Warn about raw HTML nested deeper than any real page: it is shown as text."""
    for item in model.contents():
        depth, offset = nesting_depth(item.body)
        if depth > MAX_HTML_DEPTH:
            before = item.body[:offset]
            yield warning("html-too-deep", f"raw HTML in the body nests {depth:,} elements deep "
                          f"(the limit is {MAX_HTML_DEPTH}); the site shows it as text. Use "
                          "Markdown, or flatten the HTML", item.file,
                          Position(item.source.body_line + before.count("\n"),
                                   offset - (before.rfind("\n") + 1) + 1))
