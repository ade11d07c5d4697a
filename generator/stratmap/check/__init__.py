"""Check: the rules of SPEC §3 that span more than one field or file.

`check()` takes a typed model and returns its findings (validate.py runs load → model →
check for a tree). Per-field problems (types, unknown keys, bad dates) come from the model
stage; the rules here need the whole repository: references, cycles, line of sight,
review dates, links between files.

`CHECKS` is the registry: one function per rule id. A function yields `Problem`s and
cannot choose its rule; the severity comes from the rule's declaration in
findings/rules.py. A rule that looks at one team's plan at a time (besides, maybe, the
other files) is a `PerTeam`, so that a process that checks again and again need not look
again at plans that did not change.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from ..findings import Finding
from ..findings.rules import RULES
from ..model.content import StrategyModel
from . import bodies, kpis, objectives, references, teams
from .problem import Check, CheckContext, PerTeam, Problem

CHECKS: dict[str, Check] = {
    "duplicate-id": references.duplicate_ids,
    "dangling-reference": PerTeam(references.dangling_in_plan, references.ids_a_plan_names,
                                  beyond_plans=references.dangling_beyond_plans),
    "cycle": references.cycles,
    "case-clash": references.case_clashes,
    "missing-field": references.guidance_without_advice,
    "no-kpi": objectives.without_kpi,
    "no-line-of-sight": objectives.without_line_of_sight,
    "undriven-financial": objectives.undriven_financial,
    "arrow-down": objectives.arrows_down,
    "too-many-objectives": objectives.too_many,
    "stale-actual": PerTeam(kpis.stale_team_actuals, kpis.actual_age_limit,
                            beyond_plans=kpis.stale_objective_actuals),
    "no-priorities": PerTeam(teams.without_priorities),
    "too-many-priorities": PerTeam(teams.too_many_priorities, teams.priority_limit),
    "not-approved": PerTeam(teams.not_approved),
    "stale-review": PerTeam(teams.stale_review, teams.review_period),
    "changed-after-approval": PerTeam(teams.changed_after_approval, previous_plan=True),
    "duplicate-priority": PerTeam(teams.duplicate_priorities),
    "unknown-role": PerTeam(teams.unknown_roles, teams.role_catalog),
    "no-stop-doing": PerTeam(teams.without_stop_doing),
    "broken-link": PerTeam(bodies.broken_links_in_plan, bodies.content_files,
                           beyond_plans=bodies.broken_links_beyond_plans),
    "html-too-deep": PerTeam(bodies.html_too_deep_in_plan, beyond_plans=bodies.html_too_deep_beyond_plans),
}


PER_TEAM = {rule_id: rule for rule_id, rule in CHECKS.items() if isinstance(rule, PerTeam)}


@dataclass
class KeptFindings:
    """What the PerTeam rules found in each plan, by the plan file's digest and its stamp
    in the version before, under one scope (what the rules read of the rest): kept by a
    process that checks again and again."""

    scope: Hashable = None
    by_plan: dict[tuple[str, Hashable], tuple[Finding, ...]] = field(default_factory=dict)


def check(model: StrategyModel, context: CheckContext, kept: KeptFindings | None = None) -> list[Finding]:
    """The findings of every rule in `CHECKS`. With `kept` (what the last check found in
    each plan), the plans whose file and whose rules' scope are the same are not looked
    at again; `kept` then holds this check's."""
    findings: list[Finding] = []
    for rule_id, look_for in CHECKS.items():
        if kept is None or rule_id not in PER_TEAM:
            findings.extend(_findings(rule_id, look_for(model, context)))
        elif (beyond_plans := PER_TEAM[rule_id].beyond_plans) is not None:
            findings.extend(_findings(rule_id, beyond_plans(model, context)))
    if kept is not None:
        findings.extend(_plan_by_plan(model, context, kept))
    return findings


def _findings(rule_id: str, problems: Iterable[Problem]) -> Iterable[Finding]:
    severity = RULES[rule_id].severity
    return (Finding.at(severity, rule_id, problem.message, problem.file, problem.position)
            for problem in problems)


def _plan_by_plan(model: StrategyModel, context: CheckContext, kept: KeptFindings) -> list[Finding]:
    scope = tuple(rule.scope(model, context) for rule in PER_TEAM.values())
    if scope != kept.scope:
        kept.scope, kept.by_plan = scope, {}
    previous = context.previous_plans if any(rule.previous_plan for rule in PER_TEAM.values()) else {}
    findings: list[Finding] = []
    now: dict[tuple[str, Hashable], tuple[Finding, ...]] = {}
    for slug, team in model.teams.items():
        key = (team.source.digest, previous.get(slug))
        found = kept.by_plan.get(key) if team.source.digest else None
        if found is None:
            found = tuple(finding for rule_id, rule in PER_TEAM.items()
                          for finding in _findings(rule_id, rule.look_at(team, model, context)))
        if team.source.digest:
            now[key] = found
        findings.extend(found)
    kept.by_plan = now
    return findings
