"""`stratmap approve`: record who approved a team plan, when, and what exactly.

The file is edited in place like `kpi import` does: three keys set, every other byte kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .check.problem import did_you_mean
from .model.approval import plan_digest
from .source.roundtrip import EditableFile, set_after
from .source.trees import WorkingTree
from .validate import errors_after_edits, validate
from .write import write_atomically


class ApprovalFailed(Exception):
    """The plan cannot be approved as the repository stands; the message says why."""


@dataclass(frozen=True)
class Approval:
    relpath: str
    team: str
    by: str
    on: dt.date
    digest: str
    previous_digest: str | None

    def summary(self) -> str:
        again = "" if self.previous_digest is None else \
            (" (unchanged plan, approved again)" if self.previous_digest == self.digest
             else f" (the plan approved before was {self.previous_digest})")
        return (f"approved the plan of team {self.team} by {self.by} on {self.on}, digest "
                f"{self.digest}{again}: {self.relpath}")


def approve(root: Path, slug: str, by: str, on: dt.date) -> Approval:
    if not by.strip():
        raise ApprovalFailed("--by needs the approver's name or title")
    before = validate(WorkingTree(root), on)
    if before.model is None:
        raise ApprovalFailed("the strategy does not validate; fix it first (`stratmap validate`)")
    team = before.model.teams.get(slug)
    if team is None:
        raise ApprovalFailed(f"no team `{slug}`{did_you_mean(slug, before.model.teams)}")
    digest = plan_digest(team)
    edited = EditableFile.parse((root / team.file).read_text(encoding="utf-8"), team.file)
    data = edited.editing(edited.data)
    set_after(data, "approved_by", by.strip(), after="leader" if "leader" in data else "name")
    set_after(data, "approved_on", on, after="approved_by")
    set_after(data, "approved_digest", digest, after="approved_on")
    text = edited.text()
    errors = errors_after_edits(root, {team.file: text}, on)
    if errors:
        raise ApprovalFailed("; ".join(errors))
    write_atomically(root / team.file, text)
    return Approval(team.file, slug, by.strip(), on, digest, team.approved_digest)
