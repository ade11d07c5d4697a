"""The pull-request comment (`diff --format markdown`, and text/json alike): what a
reviewer needs, most important first, never over the comment limit."""

from __future__ import annotations

import datetime as dt
import json
import sys

import pytest

from conftest import AS_OF, FIXTURES, REPO_ROOT, run
from stratmap.diff.compute import diff_models, introduced_findings
from stratmap.diff.format import COMMENT_LIMIT, diff_as_markdown, diff_as_text
from stratmap.findings import error, warning
from stratmap.model.content import StopDoing
from stratmap.source.trees import WorkingTree
from stratmap.validate import validate

NEW_OBJECTIVE = """---
id: C9
title: Win back lapsed customers
perspective: customer
owner: VP Customer Success
drives: [F1]
kpis:
  - {id: won-back, name: Customers won back, unit: logos, baseline: 0, target: 12, due: 2027-06-30}
---
"""
NEW_TEAM = """---
name: Win-back Squad
leader: Kim Lee
approved_by: VP Sales
approved_on: 2026-10-20
reviewed_on: 2026-10-20
priorities:
  - objective: C9
    plan: Call every customer lost in the last 18 months.
stop_doing:
  - what: Ignoring churned accounts
---
"""


@pytest.fixture
def proposed(git_repo):
    """A base version tagged, and a change on top: an objective and a team added, a
    target raised, one plan only re-reviewed, a warning introduced."""
    git_repo.tag("strategy/2026-Q3", "2026-10-02T12:00:00+00:00")
    git_repo.write("content/objectives/C9.md", NEW_OBJECTIVE)
    git_repo.write("content/teams/win-back.md", NEW_TEAM)
    c1 = git_repo.root / "content/objectives/C1.md"
    c1.write_text(c1.read_text().replace("target: 115", "target: 120"))
    sales = git_repo.root / "content/teams/sales.md"
    sales.write_text(sales.read_text().replace("reviewed_on: 2026-10-01", "reviewed_on: 2026-10-20"))
    git_repo.write("content/objectives/L7.md", "---\nid: L7\ntitle: Learn faster\n"
                   "perspective: learning\n---\n")  # no KPI, nobody on it: two new warnings
    return git_repo


def test_additions_carry_their_substance_with_titles_and_units(proposed):
    markdown = run("diff", "--dir", str(proposed.root), "--format", "markdown").output
    assert "Win back lapsed customers \\(C9\\)" in markdown
    assert "KPI Customers won back: target 12 logos from 0 logos, due 2027-06-30" in markdown
    assert "drives: F1 Grow recurring revenue" in markdown
    assert "Win-back Squad \\(win-back\\)" in markdown and "leader: Kim Lee" in markdown
    assert "approval: approved by VP Sales on 2026-10-20" in markdown
    assert "priority 1: C9 Win back lapsed customers" in markdown
    assert "| target | 115 % | 120 % | raised |" in markdown and "better" not in markdown


def test_findings_the_change_introduces_come_first_and_plans_only_reviewed_are_one_line(proposed):
    markdown = run("diff", "--dir", str(proposed.root), "--format", "markdown").output
    head, _, rest = markdown.partition("#### Problems this change introduces (2)")
    assert head.startswith("### Strategy changes: 2026-Q3 → working tree") and "**" in head
    assert rest.index("no-kpi") < rest.index("<details>")  # before every other section
    assert "reviewed with no change to the plan: Sales" in markdown
    assert "reviewed_on" not in markdown
    text = run("diff", "--dir", str(proposed.root)).output
    assert text.index("Problems this change introduces") < text.index("Objectives")
    data = json.loads(run("diff", "--dir", str(proposed.root), "--format", "json").output)
    assert [f["rule"] for f in data["findings"]] == ["no-kpi", "no-line-of-sight"]
    assert data["objective_titles"]["C9"] == "Win back lapsed customers"


def test_a_change_that_does_not_validate_still_gets_a_comment_with_its_errors(proposed):
    proposed.write("content/teams/win-back.md", NEW_TEAM.replace("objective: C9", "objective: C99"))
    result = run("diff", "--dir", str(proposed.root), "--format", "markdown")
    assert result.exit_code == 1
    assert "error: content/teams/win-back.md:8: no objective \\`C99\\`" in result.output


def test_errors_come_before_warnings():
    found = [warning("no-kpi", "x", "a.md"), warning("stale-actual", "y", "b.md"),
             error("dangling-reference", "z", "c.md")]
    assert [f.rule for f in introduced_findings([], found)] == ["dangling-reference", "no-kpi",
                                                                "stale-actual"]
    assert introduced_findings([warning("no-kpi", "objective 12 of 3", "a.md")],
                               [warning("no-kpi", "objective 13 of 3", "a.md")]) == []


def test_a_300_team_quarter_fits_one_comment_and_starts_with_summary_and_findings(tmp_path):
    sys.path.insert(0, str(REPO_ROOT / "bench"))
    from synth import Synth

    synth = Synth(teams=300, objectives=40, topics=40)
    for folder, quarter in (("old", 1), ("new", 2)):
        (tmp_path / folder).mkdir()
        synth.write_all(tmp_path / folder, quarter)
    old = validate(WorkingTree(tmp_path / "old"), dt.date(2026, 6, 30)).model
    new_validation = validate(WorkingTree(tmp_path / "new"), dt.date(2026, 9, 30))
    new = new_validation.model
    assert old is not None and new is not None
    for team in new.teams.values():  # a reorganisation: every plan rewritten
        for priority in team.priorities:
            priority.plan = f"A rewritten plan for {priority.objective}, with new accounts and owners."
        team.stop_doing.append(StopDoing(what=f"Legacy reporting of {team.name}"))
    diff = diff_models(old, new, "2026-Q2", "2026-Q3")
    diff.findings = introduced_findings([], [warning("no-kpi", f"finding {n}", f"content/x{n}.md")
                                             for n in range(400)])
    assert len(diff_as_text(diff)) > COMMENT_LIMIT  # the whole story is longer than a comment
    markdown = diff_as_markdown(diff)
    assert len(markdown) <= COMMENT_LIMIT
    lines = markdown.splitlines()
    assert lines[0] == "### Strategy changes: 2026-Q2 → 2026-Q3" and lines[2].startswith("**")
    assert "300 plans changed without new approval" in lines[2]
    assert lines[4].startswith("_Cut to fit a comment:") and "Teams" in lines[4]
    assert "#### Problems this change introduces (400)" in markdown
    assert markdown.index("Problems this change introduces") < markdown.index("**Teams**")


def test_the_demo_fixture_comment_is_unchanged_in_size_when_small():
    model = validate(WorkingTree(FIXTURES / "minimal"), dt.date.fromisoformat(AS_OF)).model
    diff = diff_models(model, model, "a", "b")
    assert diff_as_markdown(diff).startswith("### Strategy changes: a → b\n\n**nothing changed**")
