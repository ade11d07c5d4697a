"""Model: typed objects for everything SPEC §2 lets a strategy repository say.

The pydantic classes below *are* the content format: the JSON Schemas that `stratmap
schema` writes are generated from them, and a field added here is a field users may write.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    field_validator,
)

from ..source.load import Source
from .settings import Settings

if TYPE_CHECKING:
    from .approval import PlanStamp
    from .roles import Role
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
    """The amount, e.g. 48000000."""
    currency: Title = "USD"
    """A currency code, e.g. USD."""


class Imperative(Strict):
    id: Id
    """Unique among imperatives; objectives name it in `imperative`."""
    title: Title
    """The imperative in a few words, e.g. `Win in enterprise accounts`."""
    description: Text = ""
    """What it means, in a sentence or two."""


class Interlock(Strict):
    function: Title
    """The other function, e.g. `Marketing`."""
    commitment: Text
    """What sales needs from it, e.g. `1,200 enterprise MQLs per quarter`."""


class Content(Strict):
    """Front matter of a Markdown file; the body and source come from the file itself."""

    _source: Source | None = PrivateAttr(None)

    # Private attributes are read from pydantic's own dict: `self._source` goes through
    # pydantic's __getattr__, which raised and caught an exception on every read — a
    # tenth of a one-edit build, since every page and digest asks for bodies and slugs.
    @property
    def source(self) -> Source:
        source = self.__pydantic_private__["_source"]  # type: ignore[index]
        assert source is not None, "content objects are made by to_model()"
        return source

    def to_data(self) -> dict[str, Any]:
        """This item as JSON-ready data, its body included: its part of strategy.json."""
        return {**self.model_dump(mode="json"), "body": self.body}

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
        return self.__pydantic_private__["_slug"]  # type: ignore[index]

    def to_data(self) -> dict[str, Any]:
        return {"slug": self.slug, **super().to_data()}


class Strategy(Content):
    title: Title
    """The strategy's name, e.g. `FY2027 Sales Strategy`."""
    organization: Title = ""
    """Who the strategy is for, e.g. `Acme Corp`."""
    period: Title = ""
    """The period in words, e.g. `FY2027`."""
    starts: dt.date | None = Field(None, description="The first day of the period the targets are for.")
    ends: dt.date | None = Field(None, description="The last day: a KPI's target is due then unless it says otherwise.")
    vision: Text = ""
    """Where the strategy leads, in one sentence."""
    revenue_target: Money | None = None
    """The annual quota target: `{amount: 48000000, currency: USD}`."""
    imperatives: list[Imperative] = Field(default_factory=list)
    """The few strategic themes objectives belong to."""
    tradeoffs: list[Text] = Field(default_factory=list)
    """What this strategy chooses not to do."""
    interlocks: list[Interlock] = Field(default_factory=list)
    """What sales needs from other functions."""
    perspectives: dict[PerspectiveName, Title] = Field(default_factory=dict,
                                                  description="Titles of the perspectives.")

    def perspective_title(self, perspective: Perspective) -> str:
        return self.perspectives.get(perspective) or DEFAULT_PERSPECTIVE_TITLES[perspective]


# --- content/objectives/*.md ---------------------------------------------------------

class HistoryPoint(Strict):
    date: dt.date
    """When the value was measured (YYYY-MM-DD)."""
    value: float
    """The actual then."""


class Milestone(Strict):
    date: dt.date
    """When this target is due (YYYY-MM-DD)."""
    target: float
    """The target by that date."""


class Kpi(Strict):
    id: Id
    """Unique within the objective: a letter, then letters, digits, - or _."""
    name: Title
    """What is measured, e.g. `Enterprise NPS`."""
    unit: Title = ""
    """Free text shown after numbers: `%`, `USD`, `days`, `pts`."""
    baseline: float | None = None
    """Where the measure started; progress is counted from here."""
    target: float
    """The value aimed for by `due`."""
    actual: float | None = None
    """The latest measured value; without it the KPI has no data."""
    as_of: dt.date | None = Field(None, description="The date of `actual`.")
    direction: Direction = Direction.UP
    """`up`: higher is better (default); `down`: lower is better."""
    due: dt.date | None = Field(None, description="When `target` is due (default: the strategy's `ends`).")
    milestones: list[Milestone] = Field(default_factory=list,
                                        description="The target along the way, in date order.")
    at_risk_below: float | None = Field(None, ge=0, le=1, description="This KPI's own threshold.")
    comment: Text = Field("", description="Why it stands where it does, and what is being done (Markdown).")
    source: Title = Field("", description="Where the actual comes from.")
    history: list[HistoryPoint] = Field(default_factory=list)
    """Earlier actuals, oldest first: `{date: 2026-06-30, value: 27}`."""

    @field_validator("milestones")
    @classmethod
    def _milestones_in_date_order(cls, milestones: list[Milestone]) -> list[Milestone]:
        dates = [m.date for m in milestones]
        if dates != sorted(set(dates)):
            raise rule_error("bad-value", "milestones must have different dates, oldest first")
        return milestones


class Initiative(Strict):
    title: Title
    """The initiative, e.g. `Executive sponsor programme`."""
    owner: Title = ""
    """Who drives it."""
    due: dt.date | None = None
    """When it should be done (YYYY-MM-DD)."""
    status: InitiativeStatus = InitiativeStatus.PLANNED
    """planned | in-progress | done | blocked | dropped."""


class Objective(Content):
    id: Id
    """Unique across objectives, e.g. `C2`; the page's address."""
    title: Title
    """The objective as a short sentence, e.g. `Be the trusted advisor of enterprise buyers`."""
    perspective: PerspectiveName
    """financial | customer | internal | learning: the band on the map."""
    imperative: Id | None = None
    """The id of the imperative it serves."""
    owner: Title = ""
    """Who is accountable for it."""
    drives: list[Id] = Field(default_factory=list)
    """Ids of the objectives this one causes: the arrows of the map."""
    kpis: list[Kpi] = Field(default_factory=list)
    """How progress is measured."""
    initiatives: list[Initiative] = Field(default_factory=list)
    """The projects that move it."""

    def kpi(self, kpi_id: str) -> Kpi | None:
        return next((k for k in self.kpis if k.id == kpi_id), None)


# --- content/teams/<slug>.md ---------------------------------------------------------

class TeamKpi(Strict):
    kpi: Id
    """The id of a KPI of the priority's objective."""
    target: float
    """The team's share of the target."""
    actual: float | None = None
    """The team's latest value."""
    as_of: dt.date | None = Field(None, description="The date of `actual`.")


class Priority(Strict):
    objective: Id
    """The id of the objective this priority serves."""
    plan: Text = ""
    """What the team does for it, in a sentence or two."""
    kpis: list[TeamKpi] = Field(default_factory=list)
    """The team's own targets for the objective's KPIs."""
    roles: dict[Title, Text] = Field(default_factory=dict,
                                   description="What each role does for this priority.")


class Change(Strict):
    kind: ChangeKind = ChangeKind.OTHER
    """skills | process | technology | projects | values | other."""
    what: Text
    """What must change, e.g. `Value-selling certification for all AEs`."""
    owner: Title = ""
    """Who makes it happen."""
    due: dt.date | None = None
    """By when (YYYY-MM-DD)."""


class StopDoing(Strict):
    what: Text
    """What the team stops doing."""
    why: Text = ""
    """Why: what it frees or protects."""


Digest = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{4,64}$"),
                   names_its_rule("string_pattern_mismatch", "bad-value", lambda given: (
                       f"`{given}` is no approval digest; let `stratmap approve` write it"))]


class Team(SlugNamed):
    name: Title
    """The team's name, e.g. `Enterprise East`."""
    leader: Title = ""
    """Who leads the team."""
    parent: Slug | None = None
    """The slug (file name) of the team above this one."""
    approved_by: Title | None = None
    """Who approved the plan; without it the plan is a draft. Set with `stratmap approve`."""
    approved_on: dt.date | None = None
    """When the plan was approved (YYYY-MM-DD)."""
    approved_digest: Digest | None = Field(
        None, description="Written by `stratmap approve`: a digest of the priorities, changes "
        "and stop-doing as approved. When the plan no longer matches it, the plan shows as "
        "changed since approval.")
    reviewed_on: dt.date | None = None
    """When the plan was last reviewed (YYYY-MM-DD)."""
    priorities: list[Priority] = Field(default_factory=list)
    """The objectives the team works on, most important first."""
    changes: list[Change] = Field(default_factory=list)
    """What must change for the team to execute."""
    stop_doing: list[StopDoing] = Field(default_factory=list)
    """What the team drops to free the capacity."""

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
    """Ids of the objectives it applies to."""
    teams: list[Slug] = Field(default_factory=list)
    """Slugs of the teams it applies to."""

    @property
    def everyone(self) -> bool:
        return not self.objectives and not self.teams


class Guidance(SlugNamed):
    title: Title
    """The topic, e.g. `Discovery calls`."""
    applies_to: AppliesTo = Field(default_factory=AppliesTo)
    """Objectives and teams it is for; none: everyone."""
    do: list[Text] = Field(default_factory=list)
    """What to do."""
    dont: list[Text] = Field(default_factory=list)
    """What not to do."""


# --- the whole repository ------------------------------------------------------------

@dataclasses.dataclass
class GuidanceAudiences:
    """The guidance topics by whom they are for, each named by its place in file order."""

    topics: dict[int, Guidance] = dataclasses.field(default_factory=dict)
    everyone: list[int] = dataclasses.field(default_factory=list)
    by_team: dict[str, list[int]] = dataclasses.field(default_factory=dict)
    by_objective: dict[str, list[int]] = dataclasses.field(default_factory=dict)


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
    # team plans' digests by their file's digest, kept by a process that builds again and
    # again (serve): a plan's digest is worked out once per text of its file
    _plan_digests_by_file: dict[str, str] | None = PrivateAttr(None)

    def contents(self) -> list[Content]:
        """Every object that came from a Markdown file."""
        return [self.strategy, *self.objectives.values(), *self.teams.values(), *self.guidance.values()]

    def objectives_in(self, perspective: Perspective) -> list[Objective]:
        return [o for o in self.objectives.values() if o.perspective is perspective]

    def supported_objectives(self) -> set[str]:
        """Ids of the objectives some team has a priority on."""
        return {p.objective for team in self.teams.values() for p in team.priorities}

    def teams_on(self, objective_id: str) -> list[tuple[Team, Priority]]:
        return list(self.priorities_by_objective.get(objective_id, ()))

    def guidance_for_objective(self, objective_id: str) -> list[Guidance]:
        audiences = self.guidance_audiences
        return self._guidance_at({*audiences.everyone, *audiences.by_objective.get(objective_id, ())})

    def guidance_for_team(self, team: Team) -> list[Guidance]:
        audiences = self.guidance_audiences
        chosen = {*audiences.everyone, *audiences.by_team.get(team.slug, ())}
        for priority in team.priorities:
            chosen.update(audiences.by_objective.get(priority.objective, ()))
        return self._guidance_at(chosen)

    def _guidance_at(self, positions: set[int]) -> list[Guidance]:
        """The guidance topics at these places, in file order."""
        topics = self.guidance_audiences.topics
        return [topics[position] for position in sorted(positions)]

    def subteams(self, slug: str) -> list[Team]:
        return list(self.teams_by_parent.get(slug, ()))

    # The model is never changed once made, so what is derived from all of it is worked
    # out once: every team page asks for its subteams, and role pages for every role.
    @functools.cached_property
    def teams_by_parent(self) -> dict[str, list[Team]]:
        children: dict[str, list[Team]] = {}
        for team in self.teams.values():
            if team.parent:
                children.setdefault(team.parent, []).append(team)
        return children

    @functools.cached_property
    def content_files(self) -> frozenset[str]:
        """The file of every object that came from a Markdown file."""
        return frozenset(item.file for item in self.contents())

    @functools.cached_property
    def priorities_by_objective(self) -> dict[str, list[tuple[Team, Priority]]]:
        """Every team's priorities by objective, in team order."""
        serving: dict[str, list[tuple[Team, Priority]]] = {}
        for team in self.teams.values():
            for priority in team.priorities:
                serving.setdefault(priority.objective, []).append((team, priority))
        return serving

    @functools.cached_property
    def guidance_audiences(self) -> GuidanceAudiences:
        """Whom each guidance topic is for: every team page asks which are its team's (a walk
        through every topic for each of 1,000 teams took 20 ms, and 0.2 s more through the
        proxy that notes what a query reads)."""
        audiences = GuidanceAudiences()
        for position, topic in enumerate(self.guidance.values()):
            audiences.topics[position] = topic
            applies_to = topic.applies_to
            if applies_to.everyone:
                audiences.everyone.append(position)
            for slug in applies_to.teams:
                audiences.by_team.setdefault(slug, []).append(position)
            for objective_id in applies_to.objectives:
                audiences.by_objective.setdefault(objective_id, []).append(position)
        return audiences

    @functools.cached_property
    def resolved_roles(self) -> dict[str, Role]:
        """Every role, keyed by slug (see roles.resolve_roles)."""
        from .roles import resolve_roles
        return resolve_roles(self)

    @functools.cached_property
    def role_names(self) -> dict[str, str]:
        """Every role's name, keyed by slug, in resolved_roles' order (see roles.role_names):
        what lists the roles' pages needs, without what each is asked."""
        from .roles import role_names
        return role_names(self)

    @functools.cached_property
    def plan_digests(self) -> dict[str, str]:
        """Every team's plan digest (see approval.py): the checks and the version after
        this one each ask for all of them."""
        from .approval import plan_digest
        by_file = self.__pydantic_private__["_plan_digests_by_file"]  # type: ignore[index]
        if by_file is None:
            return {slug: plan_digest(team) for slug, team in self.teams.items()}
        digests = {}
        for slug, team in self.teams.items():
            file_digest = team.source.digest
            digest = by_file.get(file_digest) if file_digest else None
            if digest is None:
                digest = plan_digest(team)
                if file_digest:
                    by_file[file_digest] = digest
            digests[slug] = digest
        return digests

    def plan_stamps(self) -> dict[str, PlanStamp]:
        """Every team's plan stamp (see approval.py), for the version after this one."""
        from .approval import PlanStamp
        return {slug: PlanStamp.of(team, self.plan_digests[slug]) for slug, team in self.teams.items()}

    def approval_of(self, slug: str, previous_digest: str = "", previous_approved_on: str = "") -> str:
        """A query: a plan's approval state ("draft", "approved", "changed"), given its stamp
        in the version before ("" when none). Pages showing it depend on the state alone,
        not on every field of the plan."""
        from .approval import PlanStamp, approval_state
        previous = PlanStamp(previous_digest, previous_approved_on or None) if previous_digest else None
        # the model itself knows every plan's digest (the checks asked for them all); a query
        # whose reads are being noted works it out through the fields it reads
        known = self.plan_digests.get(slug) if isinstance(self, StrategyModel) else None
        return approval_state(self.teams[slug], previous, known).value

    def role_index(self) -> list[tuple[str, str, str, list[str], int, int]]:
        """(slug, name, description, aliases, asks, teams) of every role: a query, so a page
        listing the roles depends on these, not on every field of every plan."""
        return [(r.slug, r.name, r.description, r.aliases, len(r.asks), len(r.teams))
                for r in self.resolved_roles.values()]

    def role_asks(self, slug: str) -> tuple[str, str, list[str], list[tuple[Team, Objective, str]]] | None:
        """(name, description, aliases, [(team, objective, what it asks)]) of one role."""
        role = self.resolved_roles.get(slug)
        if role is None:
            return None
        return role.name, role.description, role.aliases, [(a.team, a.objective, a.does) for a in role.asks]

    def team_tree(self) -> list[tuple[Team, int]]:
        """Every team with its depth, in the order of the hierarchy: each team right
        before the teams within it, the top teams in file order."""
        rows: list[tuple[Team, int]] = []

        def visit(team: Team, depth: int) -> None:
            rows.append((team, depth))
            for child in self.subteams(team.slug):
                visit(child, depth + 1)
        for top in (t for t in self.teams.values() if not t.parent or t.parent not in self.teams):
            visit(top, 0)
        return rows

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
        return {
            "settings": self.settings.model_dump(mode="json"),
            "strategy": self.strategy.to_data(),
            "objectives": [o.to_data() for o in self.objectives.values()],
            "teams": [t.to_data() for t in self.teams.values()],
            "guidance": [g.to_data() for g in self.guidance.values()],
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

