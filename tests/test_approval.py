"""Approvals pinned to the plan: `stratmap approve`, its digest, and the
`changed-after-approval` warning both ways (digest, and between two versions)."""

from __future__ import annotations

import datetime as dt
import json

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import AS_OF, run, validate_json
from stratmap.model.approval import ApprovalState, PlanStamp, approval_state, plan_digest
from stratmap.model.content import Team

SALES = "content/teams/sales.md"
PLAN = {
    "name": "Sales",
    "priorities": [{"objective": "C1", "plan": "QBRs with the top 50.",
                    "kpis": [{"kpi": "nrr", "target": 112, "actual": 104}],
                    "roles": {"Account Executive": "Runs the QBR.", "Sales Engineer": "Demos."}},
                   {"objective": "F1", "plan": "Forecast weekly."}],
    "changes": [{"kind": "skills", "what": "Value selling", "owner": "Enablement"}],
    "stop_doing": [{"what": "Discounts above 15%", "why": "Margin"}],
}


def _rules(findings: list[dict]) -> list[str]:
    return [f["rule"] for f in findings]


def test_approve_writes_the_three_keys_and_keeps_every_other_byte(repo):
    before = (repo.root / SALES).read_text()
    result = run("approve", "sales", "--by", "VP Sales", "--on", "2026-10-20", "--dir", str(repo.root))
    assert result.exit_code == 0, result.output
    after = (repo.root / SALES).read_text()
    front = yaml.safe_load(after.split("---")[1])
    assert front["approved_by"] == "VP Sales" and str(front["approved_on"]) == "2026-10-20"
    assert front["approved_digest"] == result.output.split("digest ")[1][:8]
    kept = [line for line in after.splitlines() if not line.startswith("approved_")]
    assert kept == [line for line in before.splitlines() if not line.startswith("approved_")]
    code, findings = validate_json(repo.root)
    assert code == 0 and findings == []


def test_an_edit_after_approval_is_flagged_until_approved_again(repo):
    run("approve", "sales", "--by", "VP Sales", "--on", "2026-10-20", "--dir", str(repo.root))
    text = (repo.root / SALES).read_text()
    (repo.root / SALES).write_text(text.replace("every top-50 account", "every top-20 account"))
    code, findings = validate_json(repo.root)
    assert code == 0 and _rules(findings) == ["changed-after-approval"]
    assert "VP Sales approved on 2026-10-20" in findings[0]["message"]
    assert findings[0]["line"] == 6  # at `approved_digest`
    strict = run("validate", str(repo.root), "--strict", "--as-of", AS_OF)
    assert strict.exit_code == 1 and "failing because of 1 warning (--strict)" in strict.output
    run("approve", "sales", "--by", "VP Sales", "--on", "2026-10-25", "--dir", str(repo.root))
    assert validate_json(repo.root) == (0, [])


def test_a_reworded_review_date_or_a_new_actual_is_no_change_of_plan(repo):
    run("approve", "sales", "--by", "VP Sales", "--on", "2026-10-20", "--dir", str(repo.root))
    text = (repo.root / SALES).read_text()
    (repo.root / SALES).write_text(text.replace("reviewed_on: 2026-10-01", "reviewed_on: 2026-10-30")
                                   .replace("Forecast weekly and", "Forecast   weekly and"))
    assert validate_json(repo.root) == (0, [])


def test_approve_refuses_an_unknown_team_and_writes_nothing(repo):
    before = (repo.root / SALES).read_text()
    result = run("approve", "Sales", "--by", "VP", "--dir", str(repo.root))
    assert result.exit_code == 1 and "did you mean `sales`" in result.output
    assert (repo.root / SALES).read_text() == before


def test_without_a_digest_a_plan_changed_between_versions_with_the_same_approval_is_flagged(git_repo):
    git_repo.tag("strategy/2026-Q3", "2026-10-02T12:00:00+00:00")
    text = (git_repo.root / SALES).read_text()
    (git_repo.root / SALES).write_text(text.replace("  - objective: F1\n    plan: Forecast weekly and "
                                                    "close what we commit.\n", ""))
    code, findings = validate_json(git_repo.root)
    assert code == 0
    assert "changed-after-approval" in _rules(findings)
    assert "since the last version while `approved_on` stayed" in findings[-1]["message"]
    diff = json.loads(run("diff", "--dir", str(git_repo.root), "--format", "json").output)
    assert [t["slug"] for t in diff["teams"] if t["approval"] == "changed"] == ["sales"]
    text = (git_repo.root / SALES).read_text()
    (git_repo.root / SALES).write_text(text.replace("approved_on: 2026-10-01", "approved_on: 2026-10-20"))
    assert "changed-after-approval" not in _rules(validate_json(git_repo.root)[1])


def test_the_team_page_says_changed_since_approval_instead_of_the_badge(repo, tmp_path):
    run("approve", "sales", "--by", "VP Sales", "--on", "2026-10-20", "--dir", str(repo.root))
    text = (repo.root / SALES).read_text()
    (repo.root / SALES).write_text(text.replace("stop_doing:\n", "stop_doing:\n  - what: Cold calls\n"))
    assert run("build", str(repo.root), "--out", str(tmp_path / "site")).exit_code == 0
    page = (tmp_path / "site/next/teams/sales/index.html").read_text()
    assert "Changed since approval" in page and "badge approved" not in page


def test_init_and_new_write_no_approval(tmp_path):
    assert run("init", str(tmp_path / "s")).exit_code == 0
    assert run("new", "team", "east", "--dir", str(tmp_path / "s")).exit_code == 0
    for name in ("sales", "east"):
        front = yaml.safe_load((tmp_path / f"s/content/teams/{name}.md").read_text().split("---")[1])
        assert "approved_by" not in front and "approved_on" not in front


# --- the digest ------------------------------------------------------------------------

def _team(data: dict) -> Team:
    return Team.model_validate(data)


def _reordered(value):
    """The same YAML with every mapping's keys in reverse order."""
    if isinstance(value, dict):
        return {k: _reordered(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [_reordered(v) for v in value]
    return value


def _respaced(value, spaces: str):
    if isinstance(value, str):
        return spaces + value.replace(" ", " " + spaces) + spaces
    if isinstance(value, dict):  # `kind` is a choice, not text
        return {k: v if k == "kind" else _respaced(v, spaces) for k, v in value.items()}
    if isinstance(value, list):
        return [_respaced(v, spaces) for v in value]
    return value


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spaces=st.text(alphabet=" \t\n", max_size=3))
def test_the_digest_ignores_whitespace_and_key_order(spaces):
    digest = plan_digest(_team(PLAN))
    assert plan_digest(_team(_reordered(PLAN))) == digest
    respaced = {**PLAN, **{k: _respaced(PLAN[k], spaces) for k in ("changes", "stop_doing")}}
    respaced["priorities"] = [{**p, "plan": _respaced(p["plan"], spaces)} for p in PLAN["priorities"]]
    assert plan_digest(_team(respaced)) == digest


# every place in the plan an edit can land: (path, a new value)
_EDITS = [
    (("priorities", 0, "objective"), "L1"), (("priorities", 0, "plan"), "Something else."),
    (("priorities", 0, "kpis", 0, "target"), 113), (("priorities", 0, "kpis", 0, "kpi"), "logos"),
    (("priorities", 0, "roles", "Account Executive"), "Closes."),
    (("priorities", 1, "objective"), "C2"), (("changes", 0, "what"), "Negotiation"),
    (("changes", 0, "kind"), "process"), (("changes", 0, "owner"), "HR"),
    (("stop_doing", 0, "what"), "Cold calls"), (("stop_doing", 0, "why"), "Waste"),
]


def _edited(path: tuple, value) -> dict:
    data = json.loads(json.dumps(PLAN))
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return data


@given(edit=st.sampled_from(_EDITS), extra=st.sampled_from(["priority", "change", "stop", "none"]))
def test_the_digest_changes_with_any_edit_of_priorities_changes_or_stop_doing(edit, extra):
    digest = plan_digest(_team(PLAN))
    assert plan_digest(_team(_edited(*edit))) != digest
    data = json.loads(json.dumps(PLAN))
    if extra == "priority":
        data["priorities"].append({"objective": "L9"})
    elif extra == "change":
        data["changes"].append({"what": "New CRM"})
    elif extra == "stop":
        data["stop_doing"].append({"what": "Webinars"})
    assert (plan_digest(_team(data)) == digest) == (extra == "none")


def test_a_team_actual_is_a_measurement_not_a_change_of_plan():
    assert plan_digest(_team(_edited(("priorities", 0, "kpis", 0, "actual"), 110))) == \
        plan_digest(_team(PLAN))


def test_approval_state():
    team = _team({**PLAN, "approved_by": "VP", "approved_on": "2026-10-01"})
    assert approval_state(_team(PLAN), None) is ApprovalState.DRAFT
    assert approval_state(team, None) is ApprovalState.APPROVED
    pinned = team.model_copy(update={"approved_digest": plan_digest(team)})
    assert approval_state(pinned, None) is ApprovalState.APPROVED
    assert approval_state(pinned.model_copy(update={"stop_doing": []}), None) is ApprovalState.CHANGED
    assert approval_state(team.model_copy(update={"stop_doing": []}), PlanStamp.of(team)) is ApprovalState.CHANGED
    moved = team.model_copy(update={"stop_doing": [], "approved_on": dt.date(2026, 10, 9)})
    assert approval_state(moved, PlanStamp.of(team)) is ApprovalState.APPROVED  # approved again


@given(st.text(alphabet=st.sampled_from(list('a "\\ntr\n\t\r\x0b\x1c\xa0é\u2003')), max_size=16))
def test_the_quick_white_space_test_says_what_the_folding_pattern_says(text):
    """plan_digest folds runs of white space only when there are some: its quick test must
    agree with the pattern on whatever JSON a plan's text makes."""
    from stratmap.model.approval import _FOLDABLE, _foldable
    encoded = json.dumps({"plan": text}, ensure_ascii=False, separators=(",", ":"))
    assert _foldable(encoded) == bool(_FOLDABLE.search(encoded))


def test_a_page_asking_for_a_plans_approval_takes_the_digest_the_model_worked_out(repo, monkeypatch):
    """Every team page asks for its plan's approval state: the model has every plan's
    digest already (the checks asked for them), so the question costs no digest of its own
    (50 ms at 1,000 teams). It says what working the digest out says."""
    import stratmap.model.approval as approval
    from stratmap.site.reads import ReadLog, query_value
    from stratmap.source.trees import WorkingTree
    from stratmap.validate import validate

    model = validate(WorkingTree(repo.root), dt.date.fromisoformat(AS_OF)).model
    assert model is not None and model.plan_digests  # as the checks leave it
    stamp = PlanStamp("0" * 8, "2026-01-01")  # what the version before approved: another plan
    asked = ("query", "approval_of", "=sales", f"={stamp.digest}", f"={stamp.approved_on}")
    worked_out: list[str] = []
    real = approval.plan_digest
    monkeypatch.setattr(approval, "plan_digest", lambda team: worked_out.append(team.slug) or real(team))
    state = approval_state(model.teams["sales"], stamp)
    assert model.approval_of("sales", stamp.digest, "2026-01-01") == state.value
    assert worked_out == ["sales"]  # by approval_state, above: not by the query
    log = ReadLog()  # a query whose reads are noted works the digest out through the plan's fields
    assert query_value(model, asked, log) == query_value(model, asked)
    assert ("item", "team", "sales", "priorities") in log.reads
