"""Team plans: focused, approved, reviewed, and saying what they stop doing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable

from ..model.approval import ApprovalState, approval_state
from ..model.content import StrategyModel, Team
from .problem import CheckContext, Problem, did_you_mean


def without_priorities(team: Team, model: StrategyModel, context: CheckContext) -> Iterable[Problem]:
    if not team.priorities:
        yield Problem(f"team {team.slug} has no priorities: add at least one tied to an "
                      "objective", team.file, team.source.where("name"))


def too_many_priorities(team: Team, model: StrategyModel, context: CheckContext) -> Iterable[Problem]:
    limit = model.settings.rules.max_priorities_per_team
    if len(team.priorities) > limit:
        yield Problem(f"team {team.slug} has {len(team.priorities)} priorities; focus on at "
                      f"most {limit} (rules.max_priorities_per_team)", team.file,
                      team.source.where("priorities"))


def priority_limit(model: StrategyModel, context: CheckContext) -> Hashable:
    return model.settings.rules.max_priorities_per_team


def not_approved(team: Team, model: StrategyModel, context: CheckContext) -> Iterable[Problem]:
    if not team.approved:
        yield Problem(f"the plan of team {team.slug} is not approved (no `approved_by`): "
                      "it is a draft", team.file, team.source.where("name"))


def without_stop_doing(team: Team, model: StrategyModel, context: CheckContext) -> Iterable[Problem]:
    if not team.stop_doing:
        yield Problem(f"team {team.slug} lists nothing under `stop_doing`; say what it "
                      "drops to free capacity", team.file, team.source.where("name"))


def last_review(team: Team) -> dt.date | None:
    """An approval is a review too: the later of the two dates."""
    dates = [d for d in (team.reviewed_on, team.approved_on) if d]
    return max(dates) if dates else None


def review_overdue(team: Team, as_of: dt.date, every_days: int) -> bool:
    last = last_review(team)
    return last is None or (as_of - last).days > every_days


def stale_review(team: Team, model: StrategyModel, context: CheckContext) -> Iterable[Problem]:
    """An approved plan not reviewed within `rules.review_every_days` of `as_of` (a draft
    is reported as not approved instead)."""
    every_days, as_of = model.settings.rules.review_every_days, context.as_of
    if not team.approved or not review_overdue(team, as_of, every_days):
        return
    last = last_review(team)
    if last is None:
        yield Problem(f"the plan of team {team.slug} has no `reviewed_on` date", team.file,
                      team.source.where("name"))
    else:
        field = "reviewed_on" if team.reviewed_on == last else "approved_on"
        yield Problem(f"the plan of team {team.slug} was last reviewed on {last}, "
                      f"{(as_of - last).days} days before {as_of}; plans are reviewed every "
                      f"{every_days} days", team.file, team.source.where(field))


def review_period(model: StrategyModel, context: CheckContext) -> Hashable:
    return context.as_of, model.settings.rules.review_every_days


def changed_after_approval(team: Team, model: StrategyModel, context: CheckContext) -> Iterable[Problem]:
    """An approved plan that changed since: against `approved_digest`, else against the
    version before."""
    # only an approved plan without a digest is judged against the version before:
    # asking for it otherwise would read that version for nothing
    previous = context.previous_plans.get(team.slug) if team.approved and not team.approved_digest else None
    if approval_state(team, previous, model.plan_digests[team.slug]) is not ApprovalState.CHANGED:
        return
    since = "since its `approved_digest`" if team.approved_digest else \
        "since the last version while `approved_on` stayed"
    yield Problem(f"the plan of team {team.slug} changed {since}: it is no longer what "
                  f"{team.approved_by} approved on {team.approved_on or 'an unknown date'}; "
                  f"have it approved again (`stratmap approve {team.slug} --by NAME`)",
                  team.file, team.source.where("approved_digest" if team.approved_digest
                                               else "approved_by"))


def duplicate_priorities(team: Team, model: StrategyModel, context: CheckContext) -> Iterable[Problem]:
    first: dict[str, int] = {}
    for index, priority in enumerate(team.priorities):
        if priority.objective in first:
            yield Problem(f"team {team.slug} has objective {priority.objective} in two "
                          f"priorities (#{first[priority.objective] + 1} and #{index + 1}); "
                          "merge them into one", team.file,
                          team.source.where("priorities", index, "objective"))
        first.setdefault(priority.objective, index)


def unknown_roles(team: Team, model: StrategyModel, context: CheckContext) -> Iterable[Problem]:
    """Roles a plan names that the settings' `roles` catalog lacks (no catalog: any role)."""
    if not model.settings.roles:
        return
    for index, priority in enumerate(team.priorities):
        for role in priority.roles:
            if model.settings.role_named(role) is None:
                yield Problem(f"no role `{role}` in the `roles` catalog of stratmap.yaml"
                              f"{did_you_mean(role, role_catalog(model, context))} (or add it "
                              "there)", team.file, team.source.where("priorities", index, "roles", role))


def role_catalog(model: StrategyModel, context: CheckContext) -> tuple[str, ...]:
    """Every name and alias of the settings' roles: all that unknown_roles reads of them."""
    return tuple(name for role in model.settings.roles for name in role.names())
