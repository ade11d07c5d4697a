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
from .settings import Settings
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


def resolve_roles(model: StrategyModel) -> dict[str, Role]:
    """Every role: the catalog's, in its order, then those plans name outside it, in order
    of first mention (spelt as first written); keyed by slug. Asks are in team order,
    then priority order."""
    roles: dict[str, Role] = {}
    for entry in model.settings.roles:
        slug = role_slug(entry.name)
        roles.setdefault(slug, Role(entry.name, slug, entry.description, list(entry.aliases)))
    resolved: dict[str, tuple[str, str]] = {}  # plans name a few roles, thousands of times
    for team in model.teams.values():
        for priority in team.priorities:
            objective = model.objectives.get(priority.objective)
            for named, does in priority.roles.items():
                found = resolved.get(named)
                if found is None:
                    found = resolved[named] = role_named(model.settings, named)
                name, slug = found
                role = roles.get(slug)
                if role is None:  # (not setdefault: that makes a Role for every ask)
                    role = roles[slug] = Role(name, slug)
                if objective is not None:
                    role.asks.append(RoleAsk(team, objective, does))
    return roles
