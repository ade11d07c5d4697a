"""KPI actuals: a number is only as good as its date."""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from ..model.content import StrategyModel, Team
from ..model.status import age_if_stale
from .problem import CheckContext, Problem


def actual_age_limit(model: StrategyModel, context: CheckContext) -> Hashable:
    return model.settings.rules.actual_max_age_days, context.as_of


def stale_objective_actuals(model: StrategyModel, context: CheckContext) -> Iterable[Problem]:
    """Actuals dated more than `rules.actual_max_age_days` before the version's date."""
    limit, as_of = model.settings.rules.actual_max_age_days, context.as_of
    for objective in model.objectives.values():
        for index, kpi in enumerate(objective.kpis):
            age = age_if_stale(kpi.as_of, as_of, limit) if kpi.actual is not None else None
            if age is not None:
                yield Problem(f"the actual of KPI {objective.id}/{kpi.id} is from {kpi.as_of}, "
                              f"{age} days before {as_of} (the limit is {limit}, "
                              "rules.actual_max_age_days): update it, or say why in `comment`",
                              objective.file, objective.source.where("kpis", index, "as_of"))


def stale_team_actuals(team: Team, model: StrategyModel, context: CheckContext) -> Iterable[Problem]:
    """A team's own actuals, by the same limit."""
    limit, as_of = model.settings.rules.actual_max_age_days, context.as_of
    for p_index, priority in enumerate(team.priorities):
        for k_index, team_kpi in enumerate(priority.kpis):
            age = age_if_stale(team_kpi.as_of, as_of, limit) if team_kpi.actual is not None else None
            if age is not None:
                yield Problem(f"team {team.slug}'s actual for {priority.objective}/{team_kpi.kpi} "
                              f"is from {team_kpi.as_of}, {age} days before {as_of} (the "
                              f"limit is {limit}, rules.actual_max_age_days)", team.file,
                              team.source.where("priorities", p_index, "kpis", k_index, "as_of"))
