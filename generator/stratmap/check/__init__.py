"""Check: the rules of SPEC §3 that span more than one field or file.

`check()` takes a typed model and returns its findings (validate.py runs load → model →
check for a tree). Per-field problems (types, unknown keys, bad dates) come from the model
stage; the rules here need the whole repository: references, cycles, line of sight,
review dates, links between files.

`CHECKS` is the registry: one function per rule id. A function yields `Problem`s and
cannot choose its rule; the severity comes from the rule's declaration in
findings/rules.py.
"""

from __future__ import annotations

from ..findings import Finding
from ..findings.rules import RULES
from ..model.content import StrategyModel
from . import bodies, kpis, objectives, references, teams
from .problem import Check, CheckContext

CHECKS: dict[str, Check] = {
    "duplicate-id": references.duplicate_ids,
    "dangling-reference": references.dangling_references,
    "cycle": references.cycles,
    "case-clash": references.case_clashes,
    "missing-field": references.guidance_without_advice,
    "no-kpi": objectives.without_kpi,
    "no-line-of-sight": objectives.without_line_of_sight,
    "undriven-financial": objectives.undriven_financial,
    "arrow-down": objectives.arrows_down,
    "too-many-objectives": objectives.too_many,
    "stale-actual": kpis.stale_actuals,
    "no-priorities": teams.without_priorities,
    "too-many-priorities": teams.too_many_priorities,
    "not-approved": teams.not_approved,
    "stale-review": teams.stale_reviews,
    "changed-after-approval": teams.changed_after_approval,
    "duplicate-priority": teams.duplicate_priorities,
    "unknown-role": teams.unknown_roles,
    "no-stop-doing": teams.without_stop_doing,
    "broken-link": bodies.broken_links,
    "html-too-deep": bodies.html_too_deep,
}


def check(model: StrategyModel, context: CheckContext) -> list[Finding]:
    """The findings of every rule in `CHECKS`."""
    findings: list[Finding] = []
    for rule_id, look_for in CHECKS.items():
        severity = RULES[rule_id].severity
        findings.extend(Finding.at(severity, rule_id, problem.message, problem.file,
                                   problem.position) for problem in look_for(model, context))
    return findings
