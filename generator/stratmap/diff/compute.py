"""Diff: what changed between two versions of a strategy, as data.

One structure serves the `changes/` pages, `stratmap diff` in all its formats, and the
tests. Entries come in a fixed order (objectives by id, teams and guidance by slug), and
an unchanged file yields nothing. The JSON shape is the pydantic models below; `stratmap
schema` writes it as diff.schema.json.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, Field, computed_field

from ..findings import Finding
from ..model.approval import ApprovalState, PlanStamp, approval_state
from ..model.content import (
    Change,
    Direction,
    Guidance,
    Imperative,
    Initiative,
    Kpi,
    Milestone,
    Objective,
    StopDoing,
    Strategy,
    StrategyModel,
    Team,
)
from ..model.settings import Settings

Kind = Literal["added", "removed", "changed"]


class FieldChange(BaseModel):
    field: str
    old: Any = None
    new: Any = None


class WordDiff(BaseModel):
    """A text change as segments: (`=`, kept), (`+`, inserted) or (`-`, deleted) words."""

    segments: list[tuple[Literal["=", "+", "-"], str]]

    @classmethod
    def of(cls, old: str, new: str) -> "WordDiff":
        old_words, new_words = re.split(r"(\s+)", old), re.split(r"(\s+)", new)
        segments: list[tuple[Literal["=", "+", "-"], str]] = []
        matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
        for op, a1, a2, b1, b2 in matcher.get_opcodes():
            if op == "equal":
                segments.append(("=", "".join(old_words[a1:a2])))
                continue
            if a2 > a1:
                segments.append(("-", "".join(old_words[a1:a2])))
            if b2 > b1:
                segments.append(("+", "".join(new_words[b1:b2])))
        return cls(segments=segments)


# A KPI's fields that record a measurement rather than define the KPI
MEASUREMENT_FIELDS = frozenset({"actual", "as_of", "history points", "comment", "source"})


class KpiMove(BaseModel):
    objective: str
    kpi: str
    name: str
    unit: str = ""
    field: str  # a field of Kpi
    old: Any = None
    new: Any = None
    better: bool | None = Field(None, description="For an actual's move: is the new value "
                                                  "better by the KPI's direction? (A target "
                                                  "is raised or lowered, never better.)")
    old_as_of: str | None = Field(None, description="For an actual's move: the old actual's date.")
    new_as_of: str | None = Field(None, description="For an actual's move: the new actual's date.")


class KpiTarget(BaseModel):
    """A KPI as it was added: what it measures and what it aims for."""

    id: str
    name: str
    unit: str = ""
    baseline: float | None = None
    target: float
    due: str | None = None


class DiffFinding(BaseModel):
    """A validation finding the change introduces: in the new version, not the old."""

    severity: str
    rule: str
    message: str
    file: str
    line: int | None = None


class InitiativeStatusChange(BaseModel):
    title: str
    old: str
    new: str


class ObjectiveChange(BaseModel):
    id: str
    title: str
    kind: Kind
    perspective: str | None = Field(None, description="For an added objective.")
    owner: str = ""
    renamed_from: str | None = None
    fields: list[FieldChange] = Field(default_factory=list)
    kpi_targets: list[KpiTarget] = Field(default_factory=list, description="The KPIs added.")
    arrows_added: list[str] = Field(default_factory=list)
    arrows_removed: list[str] = Field(default_factory=list)
    kpis_added: list[str] = Field(default_factory=list)
    kpis_removed: list[str] = Field(default_factory=list)
    kpi_moves: list[KpiMove] = Field(default_factory=list)
    initiatives_added: list[str] = Field(default_factory=list)
    initiatives_removed: list[str] = Field(default_factory=list)
    initiative_status: list[InitiativeStatusChange] = Field(default_factory=list)
    initiatives_changed: list[FieldChange] = Field(default_factory=list)
    body: WordDiff | None = None

    @property
    def only_measured(self) -> bool:
        """Changed only in what its KPIs measured (new actuals, their dates and notes), not
        in what the objective is or asks: the change map leaves it unmarked."""
        nothing_else = ObjectiveChange(id=self.id, title=self.title, kind="changed")
        return self.kind == "changed" and \
            all(move.field in MEASUREMENT_FIELDS for move in self.kpi_moves) and \
            self.model_copy(update={"kpi_moves": []}) == nothing_else


class Repointing(BaseModel):
    old: str
    new: str


class PriorityChange(BaseModel):
    objective: str
    plan: WordDiff | None = None
    roles_added: list[str] = Field(default_factory=list)
    roles_removed: list[str] = Field(default_factory=list)
    roles_changed: list[str] = Field(default_factory=list)
    team_kpis: list[FieldChange] = Field(default_factory=list)


class TeamChange(BaseModel):
    slug: str
    name: str
    kind: Kind
    leader: str = ""
    approval: ApprovalState | None = Field(None, description="The plan's approval in the new "
                                           "version: draft, approved, or changed (since its "
                                           "approval, without a new one); null when removed.")
    approved_by: str | None = None
    approved_on: str | None = None
    fields: list[FieldChange] = Field(default_factory=list)
    priorities_added: list[str] = Field(default_factory=list)
    priorities_removed: list[str] = Field(default_factory=list)
    priorities_repointed: list[Repointing] = Field(default_factory=list)
    priorities_changed: list[PriorityChange] = Field(default_factory=list)
    changes_added: list[str] = Field(default_factory=list)
    changes_removed: list[str] = Field(default_factory=list)
    stop_doing_added: list[str] = Field(default_factory=list)
    stop_doing_removed: list[str] = Field(default_factory=list)
    changes_changed: list[FieldChange] = Field(default_factory=list)
    stop_doing_changed: list[FieldChange] = Field(default_factory=list)
    body: WordDiff | None = None

    @property
    def priorities_moved(self) -> bool:
        return bool(self.priorities_added or self.priorities_removed or self.priorities_repointed)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def only_redated(self) -> bool:
        """Changed in nothing but `reviewed_on` / `approved_on`: a review, not a new plan."""
        if self.kind != "changed" or not self.fields or \
                any(f.field not in REDATING_FIELDS for f in self.fields):
            return False
        bare = self.model_copy(update={"fields": []})
        return bare == TeamChange(**bare.model_dump(include=_TEAM_STATE))


# a plan reviewed (or approved again) without a change: dates, and the digest first recorded
REDATING_FIELDS = frozenset({"reviewed_on", "approved_on", "approved_digest"})
# what a TeamChange says of the team as it stands, beside what changed
_TEAM_STATE = {"slug", "name", "kind", "leader", "approval", "approved_by", "approved_on"}


class GuidanceChange(BaseModel):
    slug: str
    title: str
    kind: Kind
    fields: list[FieldChange] = Field(default_factory=list)
    do_added: list[str] = Field(default_factory=list)
    do_removed: list[str] = Field(default_factory=list)
    dont_added: list[str] = Field(default_factory=list)
    dont_removed: list[str] = Field(default_factory=list)
    body: WordDiff | None = None


class StrategyDiff(BaseModel):
    """Everything that changed from `old` to `new`."""

    old: str | None = Field(description="Name of the older version; null: there is none")
    new: str
    strategy: list[FieldChange] = Field(default_factory=list)
    imperatives_added: list[str] = Field(default_factory=list)
    imperatives_removed: list[str] = Field(default_factory=list)
    imperatives_changed: list[FieldChange] = Field(default_factory=list)
    tradeoffs_added: list[str] = Field(default_factory=list)
    tradeoffs_removed: list[str] = Field(default_factory=list)
    interlocks_added: list[str] = Field(default_factory=list)
    interlocks_removed: list[str] = Field(default_factory=list)
    body: WordDiff | None = None
    objectives: list[ObjectiveChange] = Field(default_factory=list)
    teams: list[TeamChange] = Field(default_factory=list)
    guidance: list[GuidanceChange] = Field(default_factory=list)
    objective_titles: dict[str, str] = Field(default_factory=dict, description="Every objective "
                                             "id the diff names → its title (new, else old).")
    imperative_titles: dict[str, str] = Field(default_factory=dict)
    team_names: dict[str, str] = Field(default_factory=dict, description="Every team slug → its "
                                       "name (new, else old).")
    findings: list[DiffFinding] = Field(default_factory=list, description="Validation findings "
                                        "of the new version that the old did not have, errors first.")

    @property
    def empty(self) -> bool:
        ignored = {"old", "new", "objective_titles", "imperative_titles", "team_names", "findings"}
        return self.model_dump(exclude=ignored) == StrategyDiff(old=None, new="").model_dump(
            exclude=ignored)

    def objective_label(self, objective_id: str) -> str:
        """`C2 Be the trusted advisor`: the title beside the id."""
        title = self.objective_titles.get(objective_id)
        return f"{objective_id} {title}" if title else objective_id

    def imperative_label(self, imperative_id: str) -> str:
        return self.imperative_titles.get(imperative_id, imperative_id)

    @property
    def redated_teams(self) -> list[TeamChange]:
        return [t for t in self.teams if t.only_redated]

    @property
    def changed_without_approval(self) -> list[TeamChange]:
        """Team plans changed in this diff that now differ from what was approved."""
        return [t for t in self.teams if t.approval is ApprovalState.CHANGED]

    @property
    def strategy_changed(self) -> bool:
        return bool(self.strategy or self.imperatives_added or self.imperatives_removed or
                    self.imperatives_changed or self.tradeoffs_added or self.tradeoffs_removed or
                    self.interlocks_added or self.interlocks_removed or self.body)

    def objectives_of(self, kind: Kind) -> list[ObjectiveChange]:
        return [o for o in self.objectives if o.kind == kind]

    @property
    def kpi_moves(self) -> list[KpiMove]:
        return [move for o in self.objectives for move in o.kpi_moves]

    def summary(self) -> str:
        """One line: "3 objectives changed, 1 added, 1 removed; 4 KPI targets moved; ..."."""
        if self.old is None:
            return "the first published version: there is nothing earlier to compare with"
        if self.empty:
            return "nothing changed"
        parts = []
        kinds = [(kind, len(self.objectives_of(kind))) for kind in ("changed", "added", "removed")]
        kinds = [(kind, n) for kind, n in kinds if n]
        if kinds:
            (first_kind, first_n), rest = kinds[0], kinds[1:]
            parts.append(", ".join([f"{count(first_n, 'objective')} {first_kind}",
                                    *(f"{n} {kind}" for kind, n in rest)]))
        for field in ("target", "actual"):
            moved = sum(1 for m in self.kpi_moves if m.field == field)
            if moved:
                parts.append(f"{count(moved, 'KPI ' + field)} moved")
        repointed = sum(1 for t in self.teams if t.kind == "changed" and t.priorities_moved)
        if repointed:
            parts.append(f"{count(repointed, 'team')} changed "
                         f"{'their' if repointed != 1 else 'its'} priorities")
        for kind in ("added", "removed"):
            teams = sum(1 for t in self.teams if t.kind == kind)
            if teams:
                parts.append(f"{count(teams, 'team')} {kind}")
        other_teams = sum(1 for t in self.teams if t.kind == "changed" and not t.priorities_moved
                          and not t.only_redated)
        if other_teams:
            parts.append(f"{count(other_teams, 'team plan')} updated")
        if self.changed_without_approval:
            parts.append(f"{count(len(self.changed_without_approval), 'plan')} changed without "
                         "new approval")
        if self.redated_teams:
            parts.append(f"{count(len(self.redated_teams), 'plan')} reviewed with no change")
        if self.guidance:
            parts.append(f"{count(len(self.guidance), 'guidance topic')} changed")
        if self.strategy_changed:
            parts.append("the strategy itself changed")
        return "; ".join(parts)


# The diff walks the fields each model declares. These are compared in a way of their own
# (arrows, KPI moves, word diffs, lists keyed by id); every other field of the model is
# compared as it is, so a field added to a model is reported without a change here.
# test_diff.py fails for a field that no edit of it shows in the diff.
COMPARED_APART: dict[type[BaseModel], set[str]] = {
    Strategy: {"imperatives", "tradeoffs", "interlocks"},
    Objective: {"id", "drives", "kpis", "initiatives"},
    Kpi: {"id"},
    Initiative: {"title", "status"},
    Team: {"priorities", "changes", "stop_doing"},
    Change: {"what"},
    StopDoing: {"what"},
    Imperative: {"id"},
    Guidance: {"do", "dont"},
}
# Not strategy content: how the site is built and which rules validate it.
NOT_DIFFED: set[type[BaseModel]] = {Settings}


def count(n: int, noun: str) -> str:
    """`1 team`, `3 teams`."""
    return f"{n} {noun}{'s' if n != 1 else ''}"


def diff_models(old: StrategyModel | None, new: StrategyModel, old_name: str | None,
                new_name: str) -> StrategyDiff:
    result = StrategyDiff(old=old_name if old is not None else None, new=new_name)
    if old is None:
        return result
    _strategy_changes(result, old, new)
    result.objectives = _keyed_changes(old.objectives, new.objectives, _objective_change)
    result.teams = _keyed_changes(old.teams, new.teams, team_change)
    result.guidance = _keyed_changes(old.guidance, new.guidance, _guidance_change)
    result.objective_titles = {key: o.title for key, o in {**old.objectives, **new.objectives}.items()}
    result.team_names = {slug: t.name for slug, t in {**old.teams, **new.teams}.items()}
    result.imperative_titles = {i.id: i.title for i in [*old.strategy.imperatives,
                                                       *new.strategy.imperatives]}
    return result


def introduced_findings(old: list[Finding], new: list[Finding]) -> list[DiffFinding]:
    """The findings of `new` that `old` did not have, errors first. Two findings are the
    same when rule, file and message agree, numbers aside: a line moved or a day passed
    is no new problem."""
    def key(finding: Finding) -> tuple[str, str, str]:
        return finding.rule, finding.file, re.sub(r"\d+", "#", finding.message)

    known = {key(f) for f in old}
    fresh = [f for f in new if key(f) not in known]
    fresh.sort(key=lambda f: (not f.is_error, f.sort_key()))
    return [DiffFinding(severity=str(f.severity), rule=f.rule, message=f.message, file=f.file,
                        line=f.line) for f in fresh]


def _keyed_changes(old: dict, new: dict, compare) -> list:
    changes = []
    for key in sorted(old.keys() | new.keys()):
        change = compare(key, old.get(key), new.get(key))
        if change is not None:
            changes.append(change)
    return changes


def _added_removed(old: Iterable[str], new: Iterable[str]) -> tuple[list[str], list[str]]:
    old_list, new_list = list(dict.fromkeys(old)), list(dict.fromkeys(new))
    return [x for x in new_list if x not in old_list], [x for x in old_list if x not in new_list]


def _declared_fields(old: BaseModel, new: BaseModel, prefix: str = "") -> list[FieldChange]:
    """Every field the model declares but compares apart, old and new where they differ."""
    names = [n for n in type(new).model_fields if n not in COMPARED_APART.get(type(new), set())]
    changes = _fields(old, new, names)
    for change in changes:
        change.field = prefix + change.field
    return changes


def _keyed_list_changes(old: list, new: list, key: str) -> tuple[list[str], list[str], list[FieldChange]]:
    """Items added and removed (by their `key` field), and the fields of those in both."""
    old_items = {getattr(i, key): i for i in old}
    new_items = {getattr(i, key): i for i in new}
    added, removed = _added_removed(old_items, new_items)
    changed = [change for k in new_items if k in old_items
               for change in _declared_fields(old_items[k], new_items[k], f"“{k}” ")]
    return added, removed, changed + _order_change(list(old_items), list(new_items), key)


def _order_change(old_keys: list, new_keys: list, what: str) -> list[FieldChange]:
    """The same items in another order: the order shows (map colours, table rows)."""
    kept_old = [k for k in old_keys if k in new_keys]
    kept_new = [k for k in new_keys if k in old_keys]
    return [FieldChange(field=f"order of {what}", old=kept_old, new=kept_new)] if kept_old != kept_new else []


def _fields(old: BaseModel, new: BaseModel, names: Iterable[str]) -> list[FieldChange]:
    changes = []
    for name in names:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            changes.append(FieldChange(field=name, old=_plain(before), new=_plain(after)))
    return changes


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return getattr(value, "value", value)


def _text(old: str, new: str) -> WordDiff | None:
    return WordDiff.of(old, new) if old.strip() != new.strip() else None


def _strategy_changes(result: StrategyDiff, old: StrategyModel, new: StrategyModel) -> None:
    before, after = old.strategy, new.strategy
    result.strategy = _declared_fields(before, after)
    old_imperatives = {i.id: i for i in before.imperatives}
    new_imperatives = {i.id: i for i in after.imperatives}
    result.imperatives_added, result.imperatives_removed = _added_removed(old_imperatives, new_imperatives)
    result.strategy += _order_change(list(old_imperatives), list(new_imperatives), "imperatives")
    for key in old_imperatives.keys() & new_imperatives.keys():
        for change in _declared_fields(old_imperatives[key], new_imperatives[key]):
            change.field = f"{key}.{change.field}"
            result.imperatives_changed.append(change)
    result.imperatives_changed.sort(key=lambda c: c.field)
    result.tradeoffs_added, result.tradeoffs_removed = _added_removed(before.tradeoffs, after.tradeoffs)
    result.interlocks_added, result.interlocks_removed = _added_removed(
        (f"{i.function}: {i.commitment}" for i in before.interlocks),
        (f"{i.function}: {i.commitment}" for i in after.interlocks))
    result.body = _text(before.body, after.body)


def _objective_change(key: str, old: Objective | None, new: Objective | None) -> ObjectiveChange | None:
    if new is None:
        return ObjectiveChange(id=key, title=old.title if old else key, kind="removed")
    if old is None:
        return ObjectiveChange(id=key, title=new.title, kind="added", perspective=new.perspective.value,
                               owner=new.owner, arrows_added=list(new.drives),
                               kpis_added=[k.id for k in new.kpis],
                               kpi_targets=[_kpi_target(k) for k in new.kpis],
                               initiatives_added=[i.title for i in new.initiatives])
    change = ObjectiveChange(id=key, title=new.title, kind="changed")
    change.fields = _declared_fields(old, new)
    if old.title != new.title:
        change.renamed_from = old.title
    change.arrows_added, change.arrows_removed = _added_removed(old.drives, new.drives)
    old_kpis, new_kpis = {k.id: k for k in old.kpis}, {k.id: k for k in new.kpis}
    change.kpis_added, change.kpis_removed = _added_removed(old_kpis, new_kpis)
    change.kpi_targets = [_kpi_target(new_kpis[k]) for k in change.kpis_added]
    change.fields += _order_change(list(old_kpis), list(new_kpis), "KPIs")
    for kpi_id in [k for k in new_kpis if k in old_kpis]:
        change.kpi_moves += _kpi_moves(key, old_kpis[kpi_id], new_kpis[kpi_id])
    old_initiatives = {i.title: i for i in old.initiatives}
    new_initiatives = {i.title: i for i in new.initiatives}
    change.initiatives_added, change.initiatives_removed, change.initiatives_changed = \
        _keyed_list_changes(old.initiatives, new.initiatives, "title")
    change.initiative_status = [
        InitiativeStatusChange(title=title, old=old_initiatives[title].status.value,
                               new=new_initiatives[title].status.value)
        for title in new_initiatives
        if title in old_initiatives and old_initiatives[title].status != new_initiatives[title].status]
    change.body = _text(old.body, new.body)
    unchanged = ObjectiveChange(id=key, title=new.title, kind="changed")
    return None if change == unchanged else change


def _kpi_target(kpi: Kpi) -> KpiTarget:
    return KpiTarget(id=kpi.id, name=kpi.name, unit=kpi.unit, baseline=kpi.baseline,
                     target=kpi.target, due=_plain(kpi.due))


def _kpi_moves(objective_id: str, old: Kpi, new: Kpi) -> list[KpiMove]:
    moves = []
    actual_moved = old.actual != new.actual
    for field in [n for n in Kpi.model_fields if n not in COMPARED_APART[Kpi]]:
        before, after = getattr(old, field), getattr(new, field)
        if before == after or (field == "as_of" and actual_moved):  # told with the actual
            continue
        if field == "history":  # pages show moves as figures: the number of points, dated
            field = "history points"
            before, after = len(before), len(after)
        elif field == "milestones":  # as text a reader can compare: "2027-03-31: 26; …"
            before, after = _milestones_text(before), _milestones_text(after)
        better = None
        if field == "actual" and before is not None and after is not None:
            better = after > before if new.direction is Direction.UP else after < before
        dates = {"old_as_of": _plain(old.as_of), "new_as_of": _plain(new.as_of)} if field == "actual" else {}
        moves.append(KpiMove(objective=objective_id, kpi=new.id, name=new.name, unit=new.unit, field=field,
                             old=_plain(before), new=_plain(after), better=better, **dates))
    return moves


def _milestones_text(milestones: list[Milestone]) -> str:
    return "; ".join(f"{m.date}: {m.target:,g}" for m in milestones) or "none"


def team_change(key: str, old: Team | None, new: Team | None) -> TeamChange | None:
    """What changed in one team's plan (None when nothing did)."""
    if old is not None and old == new:  # as most plans are from one version to the next
        return None  # (fields and file compared whole cost a tenth of the walk below)
    if new is None:
        return TeamChange(slug=key, name=old.name if old else key, kind="removed")
    state = {"leader": new.leader, "approval": approval_state(new, PlanStamp.of(old) if old else None),
             "approved_by": new.approved_by, "approved_on": _plain(new.approved_on)}
    if old is None:
        return TeamChange(slug=key, name=new.name, kind="added", **state,
                          priorities_added=[p.objective for p in new.priorities],
                          changes_added=[c.what for c in new.changes],
                          stop_doing_added=[s.what for s in new.stop_doing])
    change = TeamChange(slug=key, name=new.name, kind="changed", **state)
    change.fields = _declared_fields(old, new)
    old_priorities = {p.objective: p for p in old.priorities}
    new_priorities = {p.objective: p for p in new.priorities}
    added, removed = _added_removed(old_priorities, new_priorities)
    # A priority dropped and another taken up in the same plan reads as re-pointed.
    pairs = list(zip(removed, added, strict=False))  # the rest are plain adds or removals
    change.priorities_repointed = [Repointing(old=a, new=b) for a, b in pairs]
    change.priorities_removed, change.priorities_added = removed[len(pairs):], added[len(pairs):]
    for objective in [o for o in new_priorities if o in old_priorities]:
        priority_change = _priority_change(old_priorities[objective], new_priorities[objective])
        if priority_change is not None:
            change.priorities_changed.append(priority_change)
    change.changes_added, change.changes_removed, change.changes_changed = \
        _keyed_list_changes(old.changes, new.changes, "what")
    change.stop_doing_added, change.stop_doing_removed, change.stop_doing_changed = \
        _keyed_list_changes(old.stop_doing, new.stop_doing, "what")
    change.body = _text(old.body, new.body)
    return None if change == TeamChange(slug=key, name=new.name, kind="changed", **state) else change


def _priority_change(old, new) -> PriorityChange | None:
    change = PriorityChange(objective=new.objective, plan=_text(old.plan, new.plan))
    change.roles_added, change.roles_removed = _added_removed(old.roles, new.roles)
    change.roles_changed = [r for r in new.roles if r in old.roles and old.roles[r] != new.roles[r]]
    old_kpis, new_kpis = {k.kpi: k for k in old.kpis}, {k.kpi: k for k in new.kpis}
    for kpi in sorted(old_kpis.keys() | new_kpis.keys()):
        before, after = old_kpis.get(kpi), new_kpis.get(kpi)
        if before != after:
            change.team_kpis.append(FieldChange(field=kpi, old=_plain(before), new=_plain(after)))
    return None if change == PriorityChange(objective=new.objective) else change


def _guidance_change(key: str, old, new) -> GuidanceChange | None:
    if old is None or new is None:
        present = new or old
        return GuidanceChange(slug=key, title=present.title, kind="added" if new else "removed")
    change = GuidanceChange(slug=key, title=new.title, kind="changed")
    change.fields = _declared_fields(old, new)
    change.do_added, change.do_removed = _added_removed(old.do, new.do)
    change.dont_added, change.dont_removed = _added_removed(old.dont, new.dont)
    change.body = _text(old.body, new.body)
    return None if change == GuidanceChange(slug=key, title=new.title, kind="changed") else change
