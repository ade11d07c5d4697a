"""Roles: the seller roles plans name, resolved to one name each.

With a `roles` catalog in stratmap.yaml, a role a plan names is the catalog's role whose
name or alias it matches, ignoring case ("AE" → Account Executive). Without one, names
with the same slug (they differ only by case or punctuation) are one role, spelt as
first written. The slug, made from the name, is the role's page address: it stays when
other roles come and go, and team pages find it without reading other teams.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .content import Objective, StrategyModel, Team
from .settings import RoleDefinition, Settings
from .types import slug_of as role_slug


@dataclass
class RoleAsk:
    team: Team
    objective: Objective
    does: str


@dataclass
class Role:
    name: str
    slug: str
    description: str = ""
    aliases: list[str] = field(default_factory=list)
    asks: list[RoleAsk] = field(default_factory=list)

    @property
    def teams(self) -> list[Team]:
        return list({id(a.team): a.team for a in self.asks}.values())


@dataclass(frozen=True)
class RoleSummary:
    slug: str
    name: str
    description: str
    aliases: list[str]
    asks: int
    teams: int


def role_named(settings: Settings, named: str) -> tuple[str, str]:
    """(name, slug) of the role a plan's name stands for: the catalog's role it names or
    aliases, else the name as written. The slug ignores case and punctuation, so names
    written differently (`account executive`) are one role with one address."""
    entry = settings.role_named(named)
    name = entry.name if entry else named
    return name, role_slug(name)


def role_names(model: StrategyModel) -> dict[str, str]:
    """Every role's name by slug, in resolve_roles' order, without gathering what each is
    asked: the catalog's roles, then those plans name outside it, spelt as first written."""
    return _role_names(model.settings, _plan_names(model))


def resolve_roles(model: StrategyModel) -> dict[str, Role]:
    """Every role: the catalog's, in its order, then those plans name outside it, in order
    of first mention (spelt as first written); keyed by slug. Asks are in team order,
    then priority order. (Not from the model's role_names: an index made from another
    would hide what that one read.)"""
    plan_names = _plan_names(model)
    roles = {role.slug: role for role in role_headings(model.settings, _role_names(model.settings, plan_names))}
    for team in model.teams.values():
        for priority in team.priorities:
            objective = model.objectives.get(priority.objective)
            if objective is not None:
                for named, does in priority.roles.items():
                    roles[plan_names[named][1]].asks.append(RoleAsk(team, objective, does))
    return roles


def role_headings(settings: Settings, names: dict[str, str]) -> list[Role]:
    """The roles of role_names (`names`), as resolve_roles makes them but without asks:
    a catalog role with its description and aliases."""
    catalog = _catalog(settings)
    return [Role(name, slug, catalog[slug].description, list(catalog[slug].aliases))
            if slug in catalog else Role(name, slug) for slug, name in names.items()]


def _plan_names(model: StrategyModel) -> dict[str, tuple[str, str]]:
    """Every role name the plans write → (name, slug) of the role it stands for, in order
    of first mention: plans name a few roles, thousands of times."""
    written = dict.fromkeys(named for team in model.teams.values()
                            for priority in team.priorities for named in priority.roles)
    return {named: role_named(model.settings, named) for named in written}


def _role_names(settings: Settings, plan_names: dict[str, tuple[str, str]]) -> dict[str, str]:
    names = {slug: entry.name for slug, entry in _catalog(settings).items()}
    for name, slug in plan_names.values():
        names.setdefault(slug, name)
    return names


def _catalog(settings: Settings) -> dict[str, RoleDefinition]:
    """The settings' roles by slug, in their order; of two with one slug, the first."""
    catalog: dict[str, RoleDefinition] = {}
    for entry in settings.roles:
        catalog.setdefault(role_slug(entry.name), entry)
    return catalog
