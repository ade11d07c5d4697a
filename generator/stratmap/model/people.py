"""People: everyone the strategy names as an owner, a leader or an approver, and what
each of them owns. Names are free text; the same name written in another case is one
person."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from .content import Change, Initiative, Objective, StrategyModel, Team
from .types import slug_of


@dataclass
class Person:
    name: str
    slug: str
    objectives: list[Objective] = field(default_factory=list)  # owns them, and their KPIs
    initiatives: list[tuple[Objective, Initiative]] = field(default_factory=list)
    leads: list[Team] = field(default_factory=list)
    approved: list[Team] = field(default_factory=list)
    changes: list[tuple[Team, Change]] = field(default_factory=list)


def people_of(model: StrategyModel) -> list[Person]:
    """Everyone named, in alphabetical order."""
    people: dict[str, Person] = {}

    def person(name: str) -> Person:
        key, shown, slug = _named(name)
        found = people.get(key)
        if found is None:
            found = people[key] = Person(shown, slug)
        return found

    for objective in model.objectives.values():
        if objective.owner:
            person(objective.owner).objectives.append(objective)
        for initiative in objective.initiatives:
            if initiative.owner:
                person(initiative.owner).initiatives.append((objective, initiative))
    for team in model.teams.values():
        if team.leader:
            person(team.leader).leads.append(team)
        if team.approved_by:
            person(team.approved_by).approved.append(team)
        for change in team.changes:
            if change.owner:
                person(change.owner).changes.append((team, change))
    ordered = sorted(people.values(), key=lambda p: p.name.casefold())
    slugs: dict[str, int] = {}
    for found in ordered:  # two names with one slug ("A. Lee", "A Lee") stay apart
        slugs[found.slug] = slugs.get(found.slug, 0) + 1
        if slugs[found.slug] > 1:
            found.slug = f"{found.slug}-{slugs[found.slug]}"
    return ordered


@functools.lru_cache(maxsize=1 << 16)
def _named(name: str) -> tuple[str, str, str]:
    """A name as one person: the key the same name in another case or spacing shares, how
    it is shown, its slug. Kept: serve asks it of thousands of the same names every build."""
    shown = " ".join(name.split())
    return shown.casefold(), shown, slug_of(name)
