"""Approval: whether a team plan is still the plan that was approved.

`stratmap approve` records `approved_digest`, a short digest of what a leader signs off:
the priorities, the changes and the stop-doing list. Whitespace and key order do not
count; team actuals do not either, since a monthly KPI import is no change of plan.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from enum import StrEnum

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
    text = _PLAN_JSON.encode(plan)
    # Texts arrive stripped (the model's Text type); a run of white space inside one is one
    # space. The JSON has no white space of its own, so every run found is inside a text.
    if _foldable(text):  # most plans have no run of white space but single spaces
        text = _WHITESPACE.sub(" ", text)
    return hashlib.sha256(text.encode()).hexdigest()[:DIGEST_LENGTH]


# one encoder, made once: json.dumps with any option makes a new one per call
_PLAN_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))
_WHITESPACE = re.compile(r"(?:\s|\\[ntr])+")
# what _WHITESPACE would change: white space other than a space, an escaped one, two in a row
_FOLDABLE = re.compile(r"[^\S ]|\\[ntr]|\s\s")


def _foldable(text: str) -> bool:
    """Whether _WHITESPACE would change the text. In ASCII JSON the only raw white space is
    a space (json escapes every control character), so plain substring tests say it."""
    if text.isascii():
        return "  " in text or "\\n" in text or "\\t" in text or "\\r" in text
    return _FOLDABLE.search(text) is not None


@dataclass(frozen=True)
class PlanStamp:
    """What one version says of a team's plan, all that the version after it needs to
    tell whether the plan changed without a new approval: kept with a tag's cached
    summary, so no earlier version is read again for it."""

    digest: str
    approved_on: str | None  # YYYY-MM-DD

    @classmethod
    def of(cls, team: Team, digest: str | None = None) -> PlanStamp:
        """`digest`: the plan's, when already known."""
        return cls(digest or plan_digest(team), team.approved_on.isoformat() if team.approved_on else None)


def approval_state(team: Team, previous: PlanStamp | None, digest: str | None = None) -> ApprovalState:
    """`previous`: the same team's stamp in the version before, when there is one;
    `digest`: the plan's, when already known. With `approved_digest`, the digest decides;
    without, a plan that changed while `approved_on` stayed did."""
    if not team.approved:
        return ApprovalState.DRAFT
    now = digest or plan_digest(team)
    if team.approved_digest:
        changed = team.approved_digest != now
    else:
        approved_on = team.approved_on.isoformat() if team.approved_on else None
        changed = previous is not None and previous.approved_on == approved_on and previous.digest != now
    return ApprovalState.CHANGED if changed else ApprovalState.APPROVED
