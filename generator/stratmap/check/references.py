"""Ids and the references between them: duplicates, dangling references, cycles."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

from ..model.content import StrategyModel, Team
from ..model.graph import CauseEffectGraph
from .problem import CheckContext, Problem, did_you_mean


def duplicate_ids(model: StrategyModel, context: CheckContext) -> Iterable[Problem]:
    """Imperative ids, and KPI ids within an objective (objective ids are checked as the
    model is built, where a duplicate has to be dropped)."""
    strategy = model.strategy
    seen: set[str] = set()
    for index, imperative in enumerate(strategy.imperatives):
        if imperative.id in seen:
            yield Problem(f"imperative id `{imperative.id}` is used twice",
                          strategy.file, strategy.source.where("imperatives", index, "id"))
        seen.add(imperative.id)
    for objective in model.objectives.values():
        kpi_ids: set[str] = set()
        for index, kpi in enumerate(objective.kpis):
            if kpi.id in kpi_ids:
                yield Problem(f"KPI id `{kpi.id}` is used twice in objective {objective.id}; "
                              "KPI ids must be unique within an objective",
                              objective.file, objective.source.where("kpis", index, "id"))
            kpi_ids.add(kpi.id)


def _dangling(what: str, wrong: str, known: Iterable[str], item: Any, *path: str | int) -> Problem:
    return Problem(f"no {what} `{wrong}`{did_you_mean(wrong, known)}", item.file,
                   item.source.where_value(*path))


def ids_a_plan_names(model: StrategyModel, context: CheckContext) -> Hashable:
    """What a plan's references are checked against: the teams, and the objectives with
    their KPIs (in order: a suggestion picks the first close one)."""
    return tuple(model.teams), tuple((key, tuple(kpi.id for kpi in objective.kpis))
                                     for key, objective in model.objectives.items())


def dangling_in_plan(team: Team, model: StrategyModel, context: CheckContext) -> Iterable[Problem]:
    if team.parent and team.parent not in model.teams:
        yield _dangling("team", team.parent, model.teams, team, "parent")
    for p_index, priority in enumerate(team.priorities):
        served = model.objectives.get(priority.objective)
        if served is None:
            yield _dangling("objective", priority.objective, model.objectives, team,
                            "priorities", p_index, "objective")
            continue
        kpi_ids = [kpi.id for kpi in served.kpis] if priority.kpis else []
        for k_index, team_kpi in enumerate(priority.kpis):
            if team_kpi.kpi not in kpi_ids:
                yield _dangling(f"KPI in objective {served.id}", team_kpi.kpi, kpi_ids, team,
                                "priorities", p_index, "kpis", k_index, "kpi")


def dangling_beyond_plans(model: StrategyModel, context: CheckContext) -> Iterable[Problem]:
    imperatives = {i.id for i in model.strategy.imperatives}
    for objective in model.objectives.values():
        if objective.imperative and objective.imperative not in imperatives:
            yield _dangling("imperative", objective.imperative, imperatives, objective, "imperative")
        for index, target in enumerate(objective.drives):
            if target not in model.objectives:
                yield _dangling("objective", target, model.objectives, objective, "drives", index)
    for topic in model.guidance.values():
        for index, objective_id in enumerate(topic.applies_to.objectives):
            if objective_id not in model.objectives:
                yield _dangling("objective", objective_id, model.objectives, topic,
                                "applies_to", "objectives", index)
        for index, slug in enumerate(topic.applies_to.teams):
            if slug not in model.teams:
                yield _dangling("team", slug, model.teams, topic, "applies_to", "teams", index)


def cycles(model: StrategyModel, context: CheckContext) -> Iterable[Problem]:
    """Cause and effect (`drives`) and team parents must each flow one way."""
    graph = CauseEffectGraph.of(model.objectives.values())
    for cycle in graph.find_cycles():
        first = model.objectives[cycle[0]]
        index = first.drives.index(cycle[1])
        yield Problem(f"`drives` makes a cycle: {' → '.join(cycle)}; cause and effect must flow "
                      "one way, so remove one of these arrows", first.file,
                      first.source.where("drives", index))
    reported: set[str] = set()
    for team in model.teams.values():
        chain, current = [team.slug], team.parent
        while current in model.teams and current not in chain:
            chain.append(current)
            current = model.teams[current].parent
        if current == team.slug and team.slug not in reported:
            reported.update(chain)
            yield Problem(f"teams are their own parents: {' → '.join([*chain, team.slug])}; "
                          "remove one `parent`", team.file, team.source.where("parent"))


def guidance_without_advice(model: StrategyModel, context: CheckContext) -> Iterable[Problem]:
    for topic in model.guidance.values():
        if not topic.do and not topic.dont:
            yield Problem("guidance needs at least one of `do` or `dont`", topic.file,
                          topic.source.where())


def case_clashes(model: StrategyModel, context: CheckContext) -> Iterable[Problem]:
    """Ids that differ only by case: objective ids name folders of the site, and on a
    case-insensitive disk (macOS, Windows) `C2/` and `c2/` are one folder."""
    first: dict[str, str] = {}
    for objective in model.objectives.values():
        clash = first.setdefault(objective.id.casefold(), objective.id)
        if clash != objective.id:
            yield Problem(f"objective id `{objective.id}` differs from `{clash}` "
                          f"({model.objectives[clash].file}) only by case; their pages would "
                          "collide on case-insensitive disks: rename one", objective.file,
                          objective.source.where("id"))
    strategy = model.strategy
    yield from _clashes_within("imperative id", [i.id for i in strategy.imperatives], strategy,
                               "imperatives")
    for objective in model.objectives.values():
        yield from _clashes_within(f"KPI id in objective {objective.id}",
                                   [k.id for k in objective.kpis], objective, "kpis")


def _clashes_within(what: str, ids: list[str], item: Any, field: str) -> Iterable[Problem]:
    first: dict[str, str] = {}
    for index, given in enumerate(ids):
        clash = first.setdefault(given.casefold(), given)
        if clash != given:
            yield Problem(f"{what} `{given}` differs from `{clash}` only by case: rename one",
                          item.file, item.source.where(field, index, "id"))
