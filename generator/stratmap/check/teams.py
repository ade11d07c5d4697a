"""Team plans: focused, approved, reviewed, and saying what they stop doing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from ..model.content import StrategyModel, Team
from .problem import Problem


def without_priorities(model: StrategyModel, as_of: dt.date) -> Iterable[Problem]:
    for team in model.teams.values():
        if not team.priorities:
            yield Problem(f"team {team.slug} has no priorities: add at least one tied to an "
                          "objective", team.file, team.source.where("name"))


def too_many_priorities(model: StrategyModel, as_of: dt.date) -> Iterable[Problem]:
    limit = model.settings.rules.max_priorities_per_team
    for team in model.teams.values():
        if len(team.priorities) > limit:
            yield Problem(f"team {team.slug} has {len(team.priorities)} priorities; focus on at "
                          f"most {limit} (rules.max_priorities_per_team)", team.file,
                          team.source.where("priorities"))


def not_approved(model: StrategyModel, as_of: dt.date) -> Iterable[Problem]:
    for team in model.teams.values():
        if not team.approved:
            yield Problem(f"the plan of team {team.slug} is not approved (no `approved_by`): "
                          "it is a draft", team.file, team.source.where("name"))


def without_stop_doing(model: StrategyModel, as_of: dt.date) -> Iterable[Problem]:
    for team in model.teams.values():
        if not team.stop_doing:
            yield Problem(f"team {team.slug} lists nothing under `stop_doing`; say what it "
                          "drops to free capacity", team.file, team.source.where("name"))


def last_review(team: Team) -> dt.date | None:
    return team.reviewed_on or team.approved_on


def review_overdue(team: Team, as_of: dt.date, every_days: int) -> bool:
    last = last_review(team)
    return last is None or (as_of - last).days > every_days


def stale_reviews(model: StrategyModel, as_of: dt.date) -> Iterable[Problem]:
    """Approved plans not reviewed within `rules.review_every_days` of `as_of` (a draft is
    reported as not approved instead)."""
    every_days = model.settings.rules.review_every_days
    for team in model.teams.values():
        if not team.approved or not review_overdue(team, as_of, every_days):
            continue
        last = last_review(team)
        if last is None:
            yield Problem(f"the plan of team {team.slug} has no `reviewed_on` date", team.file,
                          team.source.where("name"))
        else:
            field = "reviewed_on" if team.reviewed_on else "approved_on"
            yield Problem(f"the plan of team {team.slug} was last reviewed on {last}, "
                          f"{(as_of - last).days} days before {as_of}; plans are reviewed every "
                          f"{every_days} days", team.file, team.source.where(field))
