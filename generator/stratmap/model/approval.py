"""Approval: whether a team plan is still the plan that was approved.

`stratmap approve` records `approved_digest`, a short digest of what a leader signs off:
the priorities, the changes and the stop-doing list. Whitespace and key order do not
count; team actuals do not either, since a monthly KPI import is no change of plan.
"""

from __future__ import annotations

import hashlib
import json
import re
from enum import StrEnum
from typing import Any

from .content import Team

DIGEST_LENGTH = 8
# measured, not planned: reported every month, approved never
_MEASUREMENTS = {"kpis": {"__all__": {"actual", "as_of"}}}


class ApprovalState(StrEnum):
    DRAFT = "draft"  # no `approved_by`
    APPROVED = "approved"
    CHANGED = "changed"  # approved, then changed without a new approval


def plan_digest(team: Team) -> str:
    plan = {
        "priorities": [p.model_dump(mode="json", exclude_defaults=True, exclude=_MEASUREMENTS)
                       for p in team.priorities],
        "changes": [c.model_dump(mode="json", exclude_defaults=True) for c in team.changes],
        "stop_doing": [s.model_dump(mode="json", exclude_defaults=True) for s in team.stop_doing],
    }
    text = json.dumps(_normalised(plan), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:DIGEST_LENGTH]


def _normalised(value: Any) -> Any:
    if isinstance(value, str):
        return re.sub(r"\s+", " ", value).strip()
    if isinstance(value, dict):
        return {_normalised(k): _normalised(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalised(v) for v in value]
    return value


def approval_state(team: Team, previous: Team | None) -> ApprovalState:
    """`previous`: the same team in the version before, when there is one. With a digest,
    the digest decides; without, a plan that changed while `approved_on` stayed did."""
    if not team.approved:
        return ApprovalState.DRAFT
    if team.approved_digest:
        changed = team.approved_digest != plan_digest(team)
    else:
        changed = previous is not None and previous.approved_on == team.approved_on \
            and plan_digest(previous) != plan_digest(team)
    return ApprovalState.CHANGED if changed else ApprovalState.APPROVED
