"""Model: typed objects for everything SPEC §2 lets a strategy repository say.

The pydantic classes below *are* the content format: the JSON Schemas that `stratmap
schema` writes are generated from them, and a field added here is a field users may write.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    field_validator,
)

from ..source.load import (
    Document,
)
from .settings import Settings
from .types import Id, Slug, Strict, Text, Title, names_its_rule, rule_error


class Perspective(StrEnum):
    FINANCIAL = "financial"
    CUSTOMER = "customer"
    INTERNAL = "internal"
    LEARNING = "learning"

    @property
    def rank(self) -> int:
        """0 for the top band (financial) to 3 for the bottom (learning)."""
        return list(Perspective).index(self)


PerspectiveName = Annotated[Perspective, names_its_rule("enum", "dangling-reference", lambda given: (
    f"no perspective `{given}`; use one of financial, customer, internal, learning"))]

DEFAULT_PERSPECTIVE_TITLES = {
    Perspective.FINANCIAL: "Financial",
    Perspective.CUSTOMER: "Customer",
    Perspective.INTERNAL: "Internal processes",
    Perspective.LEARNING: "Learning & growth",
}


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"


class InitiativeStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in-progress"
    DONE = "done"
    BLOCKED = "blocked"
    DROPPED = "dropped"


class ChangeKind(StrEnum):
    SKILLS = "skills"
    PROCESS = "process"
    TECHNOLOGY = "technology"
    PROJECTS = "projects"
    VALUES = "values"
    OTHER = "other"


# --- content/strategy.md -------------------------------------------------------------

class Money(Strict):
    amount: float
    currency: Title = "USD"


class Imperative(Strict):
    id: Id
    title: Title
    description: Text = ""


class Interlock(Strict):
    function: Title
    commitment: Text


class Content(Strict):
    """Front matter of a Markdown file; the body and source come from the file itself."""

    _source: Document | None = PrivateAttr(None)

    @property
    def source(self) -> Document:
        assert self._source is not None, "content objects are made by to_model()"
        return self._source

    @property
    def body(self) -> str:
        return self.source.body

    @property
    def file(self) -> str:
        return self.source.file


class SlugNamed(Content):
    """Content named by its file's stem: teams and guidance topics."""

    _slug: str = PrivateAttr("")

    @property
    def slug(self) -> str:
        return self._slug


class Strategy(Content):
    title: Title
    organization: Title = ""
    period: Title = ""
    starts: dt.date | None = Field(None, description="The first day of the period the targets are for.")
    ends: dt.date | None = Field(None, description="The last day: a KPI's target is due then unless it says otherwise.")
    vision: Text = ""
    revenue_target: Money | None = None
    imperatives: list[Imperative] = Field(default_factory=list)
    tradeoffs: list[Text] = Field(default_factory=list)
    interlocks: list[Interlock] = Field(default_factory=list)
    perspectives: dict[PerspectiveName, Title] = Field(default_factory=dict,
                                                  description="Titles of the perspectives.")

    def perspective_title(self, perspective: Perspective) -> str:
        return self.perspectives.get(perspective) or DEFAULT_PERSPECTIVE_TITLES[perspective]


# --- content/objectives/*.md ---------------------------------------------------------

class HistoryPoint(Strict):
    date: dt.date
    value: float


class Milestone(Strict):
    date: dt.date
    target: float


class Kpi(Strict):
    id: Id
    name: Title
    unit: Title = ""
    baseline: float | None = None
    target: float
    actual: float | None = None
    as_of: dt.date | None = Field(None, description="The date of `actual`.")
    direction: Direction = Direction.UP
    due: dt.date | None = Field(None, description="When `target` is due (default: the strategy's `ends`).")
    milestones: list[Milestone] = Field(default_factory=list,
                                        description="The target along the way, in date order.")
    at_risk_below: float | None = Field(None, ge=0, le=1, description="This KPI's own threshold.")
    comment: Text = Field("", description="Why it stands where it does, and what is being done (Markdown).")
    source: Title = Field("", description="Where the actual comes from.")
    history: list[HistoryPoint] = Field(default_factory=list)

    @field_validator("milestones")
    @classmethod
    def _milestones_in_date_order(cls, milestones: list[Milestone]) -> list[Milestone]:
        dates = [m.date for m in milestones]
        if dates != sorted(set(dates)):
            raise rule_error("bad-value", "milestones must have different dates, oldest first")
        return milestones


class Initiative(Strict):
    title: Title
    owner: Title = ""
    due: dt.date | None = None
    status: InitiativeStatus = InitiativeStatus.PLANNED


class Objective(Content):
    id: Id
    title: Title
    perspective: PerspectiveName
    imperative: Id | None = None
    owner: Title = ""
    drives: list[Id] = Field(default_factory=list)
    kpis: list[Kpi] = Field(default_factory=list)
    initiatives: list[Initiative] = Field(default_factory=list)

    def kpi(self, kpi_id: str) -> Kpi | None:
        return next((k for k in self.kpis if k.id == kpi_id), None)


# --- content/teams/<slug>.md ---------------------------------------------------------

class TeamKpi(Strict):
    kpi: Id
    target: float
    actual: float | None = None
    as_of: dt.date | None = Field(None, description="The date of `actual`.")


class Priority(Strict):
    objective: Id
    plan: Text = ""
    kpis: list[TeamKpi] = Field(default_factory=list)
    roles: dict[Title, Text] = Field(default_factory=dict,
                                   description="What each role does for this priority.")


class Change(Strict):
    kind: ChangeKind = ChangeKind.OTHER
    what: Text
    owner: Title = ""
    due: dt.date | None = None


class StopDoing(Strict):
    what: Text
    why: Text = ""


Digest = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{4,64}$"),
                   names_its_rule("string_pattern_mismatch", "bad-value", lambda given: (
                       f"`{given}` is no approval digest; let `stratmap approve` write it"))]


class Team(SlugNamed):
    name: Title
    leader: Title = ""
    parent: Slug | None = None
    approved_by: Title | None = None
    approved_on: dt.date | None = None
    approved_digest: Digest | None = Field(
        None, description="Written by `stratmap approve`: a digest of the priorities, changes "
        "and stop-doing as approved. When the plan no longer matches it, the plan shows as "
        "changed since approval.")
    reviewed_on: dt.date | None = None
    priorities: list[Priority] = Field(default_factory=list)
    changes: list[Change] = Field(default_factory=list)
    stop_doing: list[StopDoing] = Field(default_factory=list)

    @property
    def approved(self) -> bool:
        return bool(self.approved_by)

    @property
    def roles(self) -> list[str]:
        """Every role named in any priority, in order of first mention."""
        return list(dict.fromkeys(role for p in self.priorities for role in p.roles))


# --- content/guidance/<slug>.md ------------------------------------------------------

class AppliesTo(Strict):
    objectives: list[Id] = Field(default_factory=list)
    teams: list[Slug] = Field(default_factory=list)

    @property
    def everyone(self) -> bool:
        return not self.objectives and not self.teams


class Guidance(SlugNamed):
    title: Title
    applies_to: AppliesTo = Field(default_factory=AppliesTo)
    do: list[Text] = Field(default_factory=list)
    dont: list[Text] = Field(default_factory=list)


# --- the whole repository ------------------------------------------------------------

# series (see kpi_series) → (actual, target, the actual's date as YYYY-MM-DD or None)
KpiValues = dict[str, tuple[float | None, float, str | None]]


def kpi_series(objective_id: str, kpi_id: str, team: str | None = None) -> str:
    """The key of one KPI's values across versions: `C2/nps`, or `east@C2/nps` for a team's
    share (ids and slugs hold neither `/` nor `@`)."""
    return f"{team}@{objective_id}/{kpi_id}" if team else f"{objective_id}/{kpi_id}"


class StrategyModel(BaseModel):
    """A validated strategy repository: what every later stage works from."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    settings: Settings
    strategy: Strategy
    objectives: dict[str, Objective]
    teams: dict[str, Team]
    guidance: dict[str, Guidance]

    def contents(self) -> list[Content]:
        """Every object that came from a Markdown file."""
        return [self.strategy, *self.objectives.values(), *self.teams.values(), *self.guidance.values()]

    def objectives_in(self, perspective: Perspective) -> list[Objective]:
        return [o for o in self.objectives.values() if o.perspective is perspective]

    def supported_objectives(self) -> set[str]:
        """Ids of the objectives some team has a priority on."""
        return {p.objective for team in self.teams.values() for p in team.priorities}

    def teams_on(self, objective_id: str) -> list[tuple[Team, Priority]]:
        return [(team, priority) for team in self.teams.values()
                for priority in team.priorities if priority.objective == objective_id]

    def guidance_for_objective(self, objective_id: str) -> list[Guidance]:
        return [g for g in self.guidance.values()
                if g.applies_to.everyone or objective_id in g.applies_to.objectives]

    def guidance_for_team(self, team: Team) -> list[Guidance]:
        served, slug = {p.objective for p in team.priorities}, team.slug
        return [g for g in self.guidance.values()
                if g.applies_to.everyone or slug in g.applies_to.teams
                or not served.isdisjoint(g.applies_to.objectives)]

    def ancestors(self, team: Team) -> list[Team]:
        """The teams above this one, nearest first (validation rules out parent cycles;
        the walk stops at a repeat all the same)."""
        chain: list[Team] = []
        parent = self.teams.get(team.parent or "")
        while parent is not None and parent is not team and parent not in chain:
            chain.append(parent)
            parent = self.teams.get(parent.parent or "")
        return chain

    def subteams(self, slug: str) -> list[Team]:
        return [t for t in self.teams.values() if t.parent == slug]

    def kpi_values(self) -> KpiValues:
        """Every KPI's and team KPI's actual, target and date: what a later version's trends
        need of this one."""
        values: KpiValues = {kpi_series(o.id, k.id): (k.actual, k.target, _iso(k.as_of))
                             for o in self.objectives.values() for k in o.kpis}
        values |= {kpi_series(p.objective, k.kpi, t.slug): (k.actual, k.target, _iso(k.as_of))
                   for t in self.teams.values() for p in t.priorities for k in p.kpis}
        return values

    def to_data(self) -> dict[str, Any]:
        """Everything, as JSON-ready data: the body of strategy.json."""
        def with_body(item: Content, **extra: Any) -> dict[str, Any]:
            return {**extra, **item.model_dump(mode="json"), "body": item.body}
        return {
            "settings": self.settings.model_dump(mode="json"),
            "strategy": with_body(self.strategy),
            "objectives": [with_body(o) for o in self.objectives.values()],
            "teams": [with_body(t, slug=t.slug) for t in self.teams.values()],
            "guidance": [with_body(g, slug=g.slug) for g in self.guidance.values()],
        }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


FILE_KINDS: dict[str, type[BaseModel]] = {
    "stratmap.yaml": Settings,
    "strategy": Strategy,
    "objective": Objective,
    "team": Team,
    "guidance": Guidance,
}

