"""Roles: the seller roles plans name, resolved to one name each.

With a `roles` catalog in stratmap.yaml, a role a plan names is the catalog's role whose
name or alias it matches, ignoring case ("AE" → Account Executive). Without one, names
that differ only by case are one role, spelt as first written. Each role has a slug made
from its name, so its page keeps its address when other roles come and go.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .content import Objective, StrategyModel, Team
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


def resolve_roles(model: StrategyModel) -> dict[str, Role]:
    """Every role: the catalog's, in its order, then those plans name outside it, in order
    of first mention; keyed by slug. Asks are in team order, then priority order."""
    roles: dict[str, Role] = {}
    by_folded: dict[str, Role] = {}
    for entry in model.settings.roles:
        role = _add(roles, entry.name, entry.description, list(entry.aliases))
        for name in entry.names():
            by_folded.setdefault(name.casefold(), role)
    for team in model.teams.values():
        for priority in team.priorities:
            objective = model.objectives.get(priority.objective)
            for named, does in priority.roles.items():
                known = by_folded.get(named.casefold())
                if known is None:
                    known = by_folded[named.casefold()] = _add(roles, named)
                if objective is not None:
                    known.asks.append(RoleAsk(team, objective, does))
    return roles


def _add(roles: dict[str, Role], name: str, description: str = "",
         aliases: list[str] | None = None) -> Role:
    slug, n = role_slug(name), 2
    while slug in roles:  # two names with one slug ("R&D", "R/D"): the later gets a number
        slug = f"{role_slug(name)}-{n}"
        n += 1
    roles[slug] = Role(name, slug, description, aliases or [])
    return roles[slug]
