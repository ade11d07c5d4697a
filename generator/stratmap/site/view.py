"""View: a version's model with everything pages compute from it.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..check.teams import review_overdue
from ..diagrams.layout import (
    IMPERATIVE_COLOURS,
)
from ..diff.compute import StrategyDiff, diff_models, team_change
from ..model.approval import ApprovalState, PlanStamp
from ..model.content import (
    HistoryPoint,
    Imperative,
    Initiative,
    InitiativeStatus,
    Kpi,
    KpiValues,
    Objective,
    Perspective,
    StrategyModel,
    Team,
    TeamKpi,
    kpi_series,
)
from ..model.graph import CauseEffectGraph
from ..model.people import Person, people_of
from ..model.roles import Role, RoleAsk, RoleSummary, role_named
from ..model.status import Period, Standing, Status, age_if_stale, kpi_standing, progress, team_share, worst
from ..versions import VersionInfo
from .reads import whole
from .routes import objective_path, team_path


@dataclass(frozen=True)
class SiteInfo:
    title: str
    base_url: str
    versions: tuple[VersionInfo, ...]
    built_on: str
    repository_prefix: str = ""  # the strategy's folder inside its git repository


@dataclass(frozen=True)
class TeamKpiShare:
    """A team's share of one KPI of an objective: the KPI, the share as a KPI of its own
    (judged and drawn as any KPI is: see status.team_share) and where its actual stands."""

    team_kpi: TeamKpi
    kpi: Kpi
    as_kpi: Kpi
    standing: Standing


@dataclass(frozen=True)
class TrendPoint:
    date: dt.date
    value: float
    source: str  # "history", a version name, or "now"
    target: float | None = None  # as published in that version (none for history points)


# --- what the templates read -------------------------------------------------------------

@dataclass
class EarlierVersion:
    """A published version before the one being rendered: its KPI values for the trends,
    and its model, loaded only when a page needs it (the change since that version)."""

    info: VersionInfo
    kpis: KpiValues
    load_model: Callable[[], StrategyModel]
    plans: dict[str, PlanStamp] = field(default_factory=dict)  # its teams' plans, for approvals

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

    # Pages read the view through site/reads.py's TrackedView, which runs these methods
    # with `self` tracked: whatever they compute must come from `self.model`, `self.graph`
    # or another entry of VIEW_READS, never from a value kept aside (it would go unrecorded).
    @property
    def at_risk_below(self) -> float:
        return self.model.settings.rules.at_risk_below

    @property
    def imperatives(self) -> dict[str, Imperative]:
        return {i.id: i for i in self.model.strategy.imperatives}

    @property
    def version_date(self) -> dt.date:
        """The date actuals without one are judged on: the tag's date, else today."""
        return dt.date.fromisoformat(self.info.date) if self.info.date else dt.date.today()

    @property
    def period(self) -> Period:
        return Period.of(self.model.strategy)

    # statuses
    def kpi_standing(self, kpi: Kpi) -> Standing:
        return kpi_standing(kpi, self.period, self.version_date, self.at_risk_below)

    def kpi_status(self, kpi: Kpi) -> Status:
        return self.kpi_standing(kpi).status

    def kpi_progress(self, kpi: Kpi) -> float | None:
        return progress(kpi.actual, kpi.target, kpi.baseline, kpi.direction)

    def team_kpi(self, objective_id: str, team_kpi: TeamKpi) -> Kpi:
        kpi = self.model.objectives[objective_id].kpi(team_kpi.kpi)
        assert kpi is not None, "validation guarantees a team KPI names a KPI of its objective"
        return kpi

    def team_kpi_share(self, objective_id: str, team_kpi: TeamKpi) -> TeamKpiShare:
        """A team's KPI with its share and standing, worked out once for a page or file that
        shows all three (a scorecard row per team KPI of the org)."""
        kpi = self.team_kpi(objective_id, team_kpi)
        as_kpi = team_share(kpi, team_kpi)
        return TeamKpiShare(team_kpi, kpi, as_kpi, self.kpi_standing(as_kpi))

    def team_kpi_shares(self, objective_id: str, team_kpis: Iterable[TeamKpi]) -> list[TeamKpiShare]:
        return [self.team_kpi_share(objective_id, team_kpi) for team_kpi in team_kpis]

    def team_kpi_standing(self, objective_id: str, team_kpi: TeamKpi) -> Standing:
        return self.team_kpi_share(objective_id, team_kpi).standing

    def team_kpi_status(self, objective_id: str, team_kpi: TeamKpi) -> Status:
        return self.team_kpi_standing(objective_id, team_kpi).status

    def actual_stale(self, as_of: dt.date | None) -> bool:
        """An actual dated more than `rules.actual_max_age_days` before the version's date."""
        return age_if_stale(as_of, self.version_date,
                            self.model.settings.rules.actual_max_age_days) is not None

    def objective_status(self, objective_id: str) -> Status:
        objective = self.model.objectives[objective_id]
        return worst(s for s in map(self.kpi_status, objective.kpis) if s is not Status.NO_DATA)

    def status_counts(self, objectives: Iterable[Objective] | None = None) -> dict[Status, int]:
        counts = {status: 0 for status in Status}
        for objective in objectives if objectives is not None else self.model.objectives.values():
            counts[self.objective_status(objective.id)] += 1
        return counts

    def approval(self, team: Team) -> ApprovalState:
        """Draft, approved, or changed since approval (by its digest, else against the
        version before)."""
        earlier = self.earlier[-1].plans.get(team.slug) if self.earlier else None
        return ApprovalState(self.model.approval_of(team.slug, earlier.digest if earlier else "",
                                                    (earlier.approved_on or "") if earlier else ""))

    def review_overdue(self, team: Team) -> bool:
        return team.approved and review_overdue(team, self.version_date,
                                                self.model.settings.rules.review_every_days)

    # relations
    def imperative_of(self, objective: Objective) -> Imperative | None:
        return self.imperatives.get(objective.imperative or "")

    def imperative_colour(self, imperative_id: str | None) -> str | None:
        ids = [i.id for i in self.model.strategy.imperatives]
        if imperative_id not in ids:
            return None
        return IMPERATIVE_COLOURS[ids.index(imperative_id) % len(IMPERATIVE_COLOURS)]

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

    def roles(self) -> list[RoleSummary]:
        """Every role, the catalog's first, with how much the plans ask of it."""
        return [RoleSummary(*entry) for entry in self.model.role_index()]

    def role(self, slug: str) -> Role | None:
        """One role and what every team asks of it."""
        found = self.model.role_asks(slug)
        if found is None:
            return None
        name, description, aliases, asks = found
        return Role(name, slug, description, list(aliases),
                    [RoleAsk(team, objective, does) for team, objective, does in asks])

    def people(self) -> list[Person]:
        return people_of(self.model)

    def initiatives(self) -> list[tuple[Objective, Initiative]]:
        """Every initiative with its objective, the ones due soonest first (undated last)."""
        found = [(o, i) for o in self.model.objectives.values() for i in o.initiatives]
        return sorted(found, key=lambda pair: (pair[1].due is None, pair[1].due or dt.date.max))

    def overdue(self, initiative: Initiative) -> bool:
        """Due before the version's date (a tag's, not today) and neither done nor dropped."""
        return initiative.due is not None and initiative.due < self.version_date and \
            initiative.status not in (InitiativeStatus.DONE, InitiativeStatus.DROPPED)

    def team_roles(self, team: Team) -> list[tuple[str, str, list[tuple[Objective, str]]]]:
        """(name, slug, [(objective, what it asks)]) for each role the team's plan names,
        merged by the catalog's aliases and by case. Reads this team and the settings
        only, so a team's page does not depend on the other teams."""
        found: dict[str, tuple[str, str, list[tuple[Objective, str]]]] = {}
        for priority in team.priorities:
            for named, does in priority.roles.items():
                name, slug = role_named(self.model.settings, named)
                found.setdefault(slug, (name, slug, []))[2].append(
                    (self.model.objectives[priority.objective], does))
        return list(found.values())

    def team_line_of_sight(self, team: Team) -> tuple[set[str], set[str], set[tuple[str, str]]]:
        """(its own objectives, the others on their paths to finance, the arrows between)."""
        own = {p.objective for p in team.priorities}
        nodes, edges = self.graph.line_of_sight(frozenset(own))
        return own, nodes - own, edges

    def sight_paths(self, team: Team) -> list[tuple[Objective, list[list[Objective]]]]:
        """For each of the team's objectives, in priority order, its paths up to the
        financial perspective: the line of sight in words, beside the map."""
        objectives = self.model.objectives
        return [(objectives[p.objective],
                 [[objectives[step] for step in path]
                  for path in self.graph.paths_to_finance(p.objective)])
                for p in team.priorities if p.objective in objectives]

    def team_change(self, team: Team) -> StrategyDiff | None:
        """What changed in this team's plan since the version before: a diff holding the
        team alone (empty when nothing did); None for the first version. Computed for the
        team only, so its page depends on this team, not on the whole model."""
        previous = self.previous
        if previous is None:
            return None
        old_info, old_model = previous
        change = team_change(team.slug, old_model.teams.get(team.slug), whole(team))
        diff = StrategyDiff(old=old_info.name, new=self.info.name, teams=[change] if change else [])
        if change is not None:
            mentioned = {*change.priorities_added, *change.priorities_removed,
                         *(r.old for r in change.priorities_repointed),
                         *(r.new for r in change.priorities_repointed),
                         *(p.objective for p in change.priorities_changed)}
            diff.objective_titles = {i: self._objective_title(i, old_model) for i in sorted(mentioned)}
            parents = {team.parent, old_model.teams[team.slug].parent if team.slug in old_model.teams else None}
            diff.team_names = {slug: self._team_name(slug, old_model) for slug in parents if slug}
        return diff

    def _objective_title(self, objective_id: str, old_model: StrategyModel) -> str:
        found = self.model.objectives.get(objective_id) or old_model.objectives.get(objective_id)
        return found.title if found else objective_id

    def _team_name(self, slug: str, old_model: StrategyModel) -> str:
        found = self.model.teams.get(slug) or old_model.teams.get(slug)
        return found.name if found else slug

    def trend(self, objective: Objective, kpi: Kpi) -> list[TrendPoint]:
        """One point per date, in date order (SPEC §5): the KPI's history, its actual in every
        earlier published version (dated by its `as_of`, else the version's date) and the
        actual shown. A later source wins a date they share: the newest version, then now."""
        return self._series(kpi_series(objective.id, kpi.id), kpi.history, kpi.actual, kpi.as_of,
                            kpi.target)

    def team_trend(self, team: Team, objective_id: str, team_kpi: TeamKpi) -> list[TrendPoint]:
        """A team's actuals for one KPI across the published versions and now."""
        return self._series(kpi_series(objective_id, team_kpi.kpi, team.slug), [], team_kpi.actual,
                            team_kpi.as_of, team_kpi.target)

    def _series(self, series: str, history: list[HistoryPoint], actual: float | None,
                as_of: dt.date | None, target: float) -> list[TrendPoint]:
        by_date = {p.date: TrendPoint(p.date, p.value, "history") for p in history}
        for version in self.earlier:
            then, target_then, dated = version.kpis.get(series, (None, None, None))
            dated = dated or version.info.date
            if then is not None and dated:
                day = dt.date.fromisoformat(dated)
                by_date[day] = TrendPoint(day, then, version.info.name, target_then)
        if actual is not None:
            day = as_of or self.version_date
            by_date[day] = TrendPoint(day, actual, "now", target)
        return [by_date[day] for day in sorted(by_date)]

    def team_kpi_as_kpi(self, objective_id: str, team_kpi: TeamKpi) -> Kpi:
        """The team's share of the objective's KPI (see status.team_share)."""
        return team_share(self.team_kpi(objective_id, team_kpi), team_kpi)

    def page_for(self, content_file: str) -> str | None:
        """Content file → its page, for links between content files in Markdown bodies."""
        return self.pages_by_file.get(content_file)

    @functools.cached_property
    def pages_by_file(self) -> dict[str, str]:
        model = self.model
        pages = {model.strategy.file: "index.html"}
        pages |= {o.file: objective_path(o.id) for o in model.objectives.values()}
        pages |= {t.file: team_path(t.slug) for t in model.teams.values()}
        pages |= {g.file: f"guidance/index.html#topic-{g.slug}" for g in model.guidance.values()}
        return pages

    def whole_view(self) -> VersionView:
        """This view, for a file that shows all of the model (a tracked view notes that as
        one read, and hands out the view untracked)."""
        return self

    # change since the version before
    @property
    def previous(self) -> tuple[VersionInfo, StrategyModel] | None:
        return (self.earlier[-1].info, self.earlier[-1].model) if self.earlier else None

    @functools.cached_property
    def changes(self) -> StrategyDiff:
        previous = self.previous
        return diff_models(previous[1] if previous else None, self.model,
                           previous[0].name if previous else None, self.info.name)


