"""Model: typed objects for everything SPEC §2 lets a strategy repository say.

The pydantic classes below *are* the content format: the JSON Schemas that `stratmap
schema` writes are generated from them, and a field added here is a field users may write.
"""

from __future__ import annotations

import datetime as dt
import difflib
import posixpath
import re
import typing
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from .findings import Finding, error, has_errors
from .load import (
    MAX_ID_LENGTH,
    Document,
    LoadedRepository,
    LoadError,
    SourceTree,
    folder_in_repository,
    load_settings_document,
)

ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]*$"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"

MAX_TITLE_LENGTH = 200  # titles and names label map nodes, tabs and table cells

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=MAX_ID_LENGTH)]
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=MAX_ID_LENGTH)]
Text = Annotated[str, StringConstraints(strip_whitespace=True)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_TITLE_LENGTH)]


class Perspective(StrEnum):
    FINANCIAL = "financial"
    CUSTOMER = "customer"
    INTERNAL = "internal"
    LEARNING = "learning"

    @property
    def rank(self) -> int:
        """0 for the top band (financial) to 3 for the bottom (learning)."""
        return list(Perspective).index(self)


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


class Strict(BaseModel):
    # Numbers where text is expected are fine ("period: 2027"); unknown keys are not.
    # NaN and infinity are no figures: JSON, browsers and spreadsheets cannot read them.
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True,
                              use_enum_values=False, frozen=False, allow_inf_nan=False)


# --- stratmap.yaml -----------------------------------------------------------------

class VersionSettings(Strict):
    tags: str = Field("strategy/*", description="Glob of git tags that are published versions.")
    draft: str | None = Field(None, description="Label of the working tree as a draft version; "
                                                "null: the draft is not published.")


class RuleSettings(Strict):
    max_priorities_per_team: int = Field(3, ge=0)
    max_objectives: int = Field(25, ge=0)
    review_every_days: int = Field(92, ge=1)
    at_risk_below: float = Field(0.7, ge=0, le=1,
                                 description="KPI progress ratio below which a KPI is off track.")


RULE_ERROR = "stratmap_rule"


def rule_error(rule: str, message: str) -> PydanticCustomError:
    """A validation error that names our rule id; `_describe` reports it as it is."""
    return PydanticCustomError(RULE_ERROR, "{message}", {"rule": rule, "message": message})


# a path the site is served from: `/`, `/strategy/`; or a web address, used in links only
_BASE_PATH = re.compile(r"/(?!/)[A-Za-z0-9._~!$&'()*+,;=:@%/-]*\Z")
_BASE_ADDRESS = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?\Z")


def _folder_in_repository(value: str) -> str:
    try:
        return folder_in_repository(value)
    except ValueError as problem:
        raise rule_error("unsafe-path", str(problem)) from None


class Settings(Strict):
    title: Title = "Sales Strategy"
    base_url: str = Field("/", description="Path prefix where the site is served (`/`, "
                                           "`/strategy/`), or an http(s) address used in links.")
    content_dir: str = "content"
    theme: str = Field("default", description="A built-in theme name or a folder.")
    output_dir: str = "output"
    versions: VersionSettings = Field(default_factory=VersionSettings)
    rules: RuleSettings = Field(default_factory=RuleSettings)

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        if _BASE_PATH.match(value) or _BASE_ADDRESS.match(value):
            return value
        raise rule_error("bad-url", f"`{value}` is neither a path that starts with `/` (e.g. "
                         "`/strategy/`) nor an http(s) address")

    @field_validator("content_dir")
    @classmethod
    def _content_dir(cls, value: str) -> str:
        normal = _folder_in_repository(value)
        if normal == ".":
            raise rule_error("unsafe-path", "the content must be a folder of its own, e.g. `content`")
        return normal

    @field_validator("theme")
    @classmethod
    def _theme(cls, value: str) -> str:
        return _folder_in_repository(value)

    @field_validator("output_dir")
    @classmethod
    def _output_dir(cls, value: str, info: ValidationInfo) -> str:
        """What can be told from the text alone; the build checks the real folders."""
        normal = posixpath.normpath(value.strip()) if value.strip() else "."
        if normal == "." or normal == "/" or set(normal.split("/")) <= {".."}:
            raise rule_error("unsafe-path", f"`{value}` is the strategy repository or a folder "
                             "above it; a build replaces its output whole and would delete it. "
                             "Use a folder of its own, e.g. `output`")
        for name, folder in (("content_dir", info.data.get("content_dir")), ("theme", info.data.get("theme")),
                             ("cache", ".stratmap-cache"), ("git folder", ".git")):
            if folder and folder != "default" and (
                    normal == folder or normal.startswith(folder + "/") or folder.startswith(normal + "/")):
                raise rule_error("unsafe-path", f"`{value}` overlaps the {name} `{folder}`; a build "
                                 "replaces its output whole. Use a folder of its own, e.g. `output`")
        return value


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
    vision: Text = ""
    revenue_target: Money | None = None
    imperatives: list[Imperative] = Field(default_factory=list)
    tradeoffs: list[Text] = Field(default_factory=list)
    interlocks: list[Interlock] = Field(default_factory=list)
    perspectives: dict[Perspective, Title] = Field(default_factory=dict,
                                                  description="Titles of the perspectives.")

    def perspective_title(self, perspective: Perspective) -> str:
        return self.perspectives.get(perspective) or DEFAULT_PERSPECTIVE_TITLES[perspective]


# --- content/objectives/*.md ---------------------------------------------------------

class HistoryPoint(Strict):
    date: dt.date
    value: float


class Kpi(Strict):
    id: Id
    name: Title
    unit: Title = ""
    baseline: float | None = None
    target: float
    actual: float | None = None
    direction: Direction = Direction.UP
    history: list[HistoryPoint] = Field(default_factory=list)


class Initiative(Strict):
    title: Title
    owner: Title = ""
    due: dt.date | None = None
    status: InitiativeStatus = InitiativeStatus.PLANNED


class Objective(Content):
    id: Id
    title: Title
    perspective: Perspective
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


class Team(SlugNamed):
    name: Title
    leader: Title = ""
    parent: Slug | None = None
    approved_by: Title | None = None
    approved_on: dt.date | None = None
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

KpiValues = dict[str, dict[str, tuple[float | None, float]]]  # objective → KPI → (actual, target)


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
        return {o.id: {k.id: (k.actual, k.target) for k in o.kpis} for o in self.objectives.values()}

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


FILE_KINDS: dict[str, type[BaseModel]] = {
    "stratmap.yaml": Settings,
    "strategy": Strategy,
    "objective": Objective,
    "team": Team,
    "guidance": Guidance,
}


# --- documents → model ---------------------------------------------------------------

@dataclass
class ModelResult:
    model: StrategyModel | None  # None when any file failed to type-check
    findings: list[Finding]


def to_model(loaded: LoadedRepository) -> ModelResult:
    findings = list(loaded.findings)
    settings = Settings()
    if loaded.settings is not None:
        settings = _typed(Settings, loaded.settings, findings) or settings
    strategy = _typed(Strategy, loaded.strategy, findings) if loaded.strategy else None
    objectives: dict[str, Objective] = {}
    for document in loaded.objectives:
        objective = _typed(Objective, document, findings)
        if objective is None:
            continue
        if objective.id in objectives:
            findings.append(error("duplicate-id", f"objective id `{objective.id}` is already used "
                                  f"by {objectives[objective.id].file}; give each objective its "
                                  "own id", document.file, document.where("id")))
            continue
        objectives[objective.id] = objective
    teams = _typed_by_slug(Team, loaded.teams, findings)
    guidance = _typed_by_slug(Guidance, loaded.guidance, findings)
    if strategy is None or has_errors(findings):
        return ModelResult(None, findings)
    model = StrategyModel(settings=settings, strategy=strategy, objectives=objectives,
                          teams=teams, guidance=guidance)
    return ModelResult(model, findings)


def load_settings(tree: SourceTree) -> tuple[Settings | None, list[Finding]]:
    """The typed stratmap.yaml of a tree, or None with the findings that say why not."""
    try:
        document = load_settings_document(tree)
    except LoadError as problem:
        return None, [problem.finding]
    findings: list[Finding] = []
    return _typed(Settings, document, findings), findings


def _typed_by_slug(kind: type[SlugNamed], documents: list[Document],
                   findings: list[Finding]) -> dict:
    by_slug = {}
    for document in documents:
        item = _typed(kind, document, findings)
        if item is not None:
            item._slug = document.stem
            by_slug[document.stem] = item
    return by_slug


def _typed(kind: type[BaseModel], document: Document, findings: list[Finding]):
    try:
        item = kind.model_validate(document.data)
    except ValidationError as invalid:
        findings.extend(_findings_from(invalid, kind, document))
        return None
    if isinstance(item, Content):
        item._source = document
    return item


def _findings_from(invalid: ValidationError, kind: type[BaseModel],
                   document: Document) -> list[Finding]:
    findings, seen = [], set()
    for problem in invalid.errors(include_url=False):
        location = tuple(part for part in problem["loc"] if part != "[key]")
        if location in seen:  # a union reports one problem per member: say it once
            continue
        seen.add(location)
        rule, message = _describe(problem, location, kind)
        anchor = location[:-1] if problem["type"] == "missing" else location
        findings.append(error(rule, message, document.file, document.where(*anchor)))
    return findings


def _describe(problem: dict, location: tuple, kind: type[BaseModel]) -> tuple[str, str]:
    kind_of_error = problem["type"]
    name = dotted(location)
    given = problem.get("input")
    if kind_of_error == "extra_forbidden":
        known = _known_fields(kind, location[:-1])
        guess = difflib.get_close_matches(str(location[-1]), known, n=1, cutoff=0.6)
        hint = f"did you mean `{guess[0]}`?" if guess else \
            f"known fields here: {', '.join(f'`{k}`' for k in known)}"
        return "unknown-field", f"unknown field `{name}`; {hint}"
    if kind_of_error == RULE_ERROR:
        return problem["ctx"]["rule"], f"`{name}`: {problem['ctx']['message']}"
    if kind_of_error == "string_too_long":
        return "too-long", (f"`{name}` is {len(str(given)):,} characters long; the limit is "
                            f"{problem['ctx']['max_length']}: shorten it (a long text belongs in "
                            "the Markdown body)")
    if kind_of_error == "finite_number":
        return "bad-number", f"`{name}`: `{given}` is not a finite number"
    if kind_of_error == "missing":
        return "missing-field", f"missing required field `{name}`; add `{location[-1]}: ...`"
    if kind_of_error.startswith(("date_", "datetime_")):
        return "bad-date", (f"`{name}`: `{given}` is not a date; write it as YYYY-MM-DD, "
                            "e.g. 2027-03-31")
    if kind_of_error == "string_pattern_mismatch":
        if "parent" in location or "teams" in location:
            return "bad-slug", (f"`{name}`: `{given}` is not a valid team slug; use lower-case "
                                "letters, digits and hyphens (the team file's name)")
        return "bad-id", (f"`{name}`: `{given}` is not a valid id; start with a letter, then "
                          "letters, digits, `-` or `_` (e.g. `C2`)")
    if kind_of_error == "enum" and {"perspective", "perspectives"} & set(map(str, location)):
        return "dangling-reference", (f"`{name}`: no perspective `{given}`; use one of "
                                      "financial, customer, internal, learning")
    if kind_of_error == "enum":
        return "bad-value", f"`{name}`: {problem['msg']} (got `{given}`)"
    shown = given if isinstance(given, (str, int, float, bool)) or given is None \
        else type(given).__name__
    return "wrong-type", f"`{name}`: {problem['msg']} (got `{shown}`)"


def dotted(location: tuple) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(front matter)"


def _known_fields(kind: type[BaseModel], location: tuple) -> list[str]:
    """The field names allowed at `location` inside `kind`, found by walking its types."""
    current: Any = kind
    for part in location:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = current.model_fields.get(str(part))
        if field is None:
            return []
        current = _element_type(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _element_type(annotation: Any) -> Any:
    """list[X] → X, X | None → X; the model type a nested mapping is checked against."""
    while True:
        arguments = [a for a in typing.get_args(annotation) if a is not type(None)]
        if typing.get_origin(annotation) in (list, typing.Union) or \
                type(annotation).__name__ == "UnionType":
            if not arguments:
                return annotation
            annotation = arguments[0]
            continue
        return annotation
