"""The shape of the strategy map: measured, owned, driven, pointing up."""

from __future__ import annotations

from collections.abc import Iterable

from ..model.content import Perspective, StrategyModel
from .problem import CheckContext, Problem


def without_kpi(model: StrategyModel, context: CheckContext) -> Iterable[Problem]:
    for objective in model.objectives.values():
        if not objective.kpis:
            yield Problem(f"objective {objective.id} has no KPI; add one under `kpis` so "
                          "progress can be measured", objective.file, objective.source.where("id"))


def without_line_of_sight(model: StrategyModel, context: CheckContext) -> Iterable[Problem]:
    if not model.teams:
        return
    supported = model.supported_objectives()
    for objective in model.objectives.values():
        if objective.id not in supported:
            yield Problem(f"no team has a priority on objective {objective.id}: nobody is "
                          "accountable for it", objective.file, objective.source.where("id"))


def undriven_financial(model: StrategyModel, context: CheckContext) -> Iterable[Problem]:
    driven = {target for o in model.objectives.values() for target in o.drives}
    for objective in model.objectives.values():
        if objective.perspective is Perspective.FINANCIAL and objective.id not in driven:
            yield Problem(f"nothing drives financial objective {objective.id}; add it to "
                          "another objective's `drives`", objective.file,
                          objective.source.where("id"))


def arrows_down(model: StrategyModel, context: CheckContext) -> Iterable[Problem]:
    for objective in model.objectives.values():
        for index, target in enumerate(objective.drives):
            effect = model.objectives.get(target)
            if effect and effect.perspective.rank > objective.perspective.rank:
                yield Problem(f"{objective.id} ({objective.perspective}) drives {target} "
                              f"({effect.perspective}): arrows normally point up the "
                              "perspectives", objective.file, objective.source.where("drives", index))


def too_many(model: StrategyModel, context: CheckContext) -> Iterable[Problem]:
    limit = model.settings.rules.max_objectives
    if len(model.objectives) > limit:
        yield Problem(f"{len(model.objectives)} objectives; a strategy people remember has at "
                      f"most {limit} (rules.max_objectives)", model.strategy.file,
                      model.strategy.source.where())
