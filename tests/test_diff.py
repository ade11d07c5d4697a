"""The semantic diff: one test per kind of change, asserting the exact entry."""

from __future__ import annotations

import datetime as dt
import json

import jsonschema
import pytest

from conftest import FIXTURES, run
from stratmap.diff.compute import (
    FieldChange,
    InitiativeStatusChange,
    KpiMove,
    Repointing,
    StrategyDiff,
    WordDiff,
    diff_models,
)
from stratmap.diff.format import json_schema, move_verdict
from stratmap.model.content import Initiative, Interlock, Kpi, Objective, StopDoing, Team
from stratmap.source.trees import WorkingTree
from stratmap.validate import validate

AS_OF = dt.date(2026, 11, 1)


def model():
    return validate(WorkingTree(FIXTURES / "minimal"), AS_OF).model


def changed(mutate) -> StrategyDiff:
    old, new = model(), model()
    mutate(new)
    return diff_models(old, new, "old", "new")


def test_a_version_against_itself_is_empty():
    result = diff_models(model(), model(), "a", "b")
    assert result.empty and result.summary() == "nothing changed"
    assert result.objectives == result.teams == result.guidance == []


def test_a_plan_typed_from_the_same_file_is_not_compared_field_by_field(monkeypatch):
    """Most plans are the same from one version to the next (a draft and the newest tag
    above all), and every build of a draft compares them all: an equal plan is passed as a
    whole (60 of the 70 ms the comparison took at 300 teams). A plan changed in place is
    compared field by field, as before."""
    import stratmap.diff.compute as compute

    walked: list[str] = []
    real = compute.approval_state
    monkeypatch.setattr(compute, "approval_state", lambda team, *rest: walked.append(team.slug) or
                        real(team, *rest))
    old, new = model(), model()
    assert diff_models(old, new, "a", "b").teams == [] and walked == []
    new.teams["sales"].priorities[0].plan = "A quarterly business review with every top-20 account."
    assert [t.slug for t in diff_models(old, new, "a", "b").teams] == ["sales"] and walked == ["sales"]


def test_no_earlier_version():
    result = diff_models(None, model(), None, "first")
    assert result.old is None and "nothing earlier" in result.summary()


# --- the strategy -----------------------------------------------------------------------

def test_vision_changed():
    result = changed(lambda m: setattr(m.strategy, "vision", "Lead."))
    assert result.strategy == [FieldChange(field="vision", old="Be the first choice of the customers "
                                           "we serve best.", new="Lead.")]


def test_revenue_target_changed():
    def mutate(m):
        from stratmap.model.content import Money
        m.strategy.revenue_target = Money(amount=5, currency="EUR")
    assert changed(mutate).strategy == [FieldChange(field="revenue_target", old=None,
                                                    new={"amount": 5.0, "currency": "EUR"})]


def test_imperatives_added_removed_changed():
    from stratmap.model.content import Imperative

    def mutate(m):
        m.strategy.imperatives[0].title = "Grow our core"
        m.strategy.imperatives.append(Imperative(id="new-one", title="New"))
    result = changed(mutate)
    assert result.imperatives_added == ["new-one"]
    assert result.imperatives_changed == [FieldChange(field="grow-core.title", old="Grow our core accounts",
                                                      new="Grow our core")]
    result = changed(lambda m: m.strategy.imperatives.clear())
    assert result.imperatives_removed == ["grow-core"]


def test_tradeoffs_and_interlocks():
    def mutate(m):
        m.strategy.tradeoffs = ["No custom work."]
        m.strategy.interlocks.append(Interlock(function="Marketing", commitment="100 MQLs"))
    result = changed(mutate)
    assert result.tradeoffs_added == ["No custom work."]
    assert result.tradeoffs_removed == ["We will not discount to win deals outside our core segment."]
    assert result.interlocks_added == ["Marketing: 100 MQLs"]


# --- objectives -------------------------------------------------------------------------

def test_objective_added_and_removed():
    def mutate(m):
        m.objectives["C9"] = Objective(id="C9", title="New", perspective="customer")
        del m.objectives["F1"]
    result = changed(mutate)
    assert [(o.id, o.kind, o.title) for o in result.objectives] == [
        ("C9", "added", "New"), ("F1", "removed", "Grow recurring revenue")]
    assert result.summary().startswith("1 objective added, 1 removed")


def test_objective_renamed():
    entry = changed(lambda m: setattr(m.objectives["C1"], "title", "Grow accounts")).objectives[0]
    assert (entry.id, entry.kind, entry.renamed_from, entry.title) == (
        "C1", "changed", "Expand within existing customers", "Grow accounts")


@pytest.mark.parametrize("field, value, old, new", [
    ("perspective", "internal", "customer", "internal"),
    ("imperative", None, "grow-core", None),
    ("owner", "VP Sales", "", "VP Sales")])
def test_objective_field_changed(field, value, old, new):
    entry = changed(lambda m: setattr(m.objectives["C1"], field, value)).objectives[0]
    assert entry.fields == [FieldChange(field=field, old=old, new=new)]


def test_arrows_added_and_removed():
    def mutate(m):
        m.objectives["C1"].drives = []
        m.objectives["F1"].drives = []  # unchanged: F1 drove nothing
    entry = changed(mutate).objectives[0]
    assert (entry.id, entry.arrows_removed, entry.arrows_added) == ("C1", ["F1"], [])
    entry = changed(lambda m: m.objectives["F1"].drives.append("C1")).objectives[0]
    assert (entry.id, entry.arrows_added) == ("F1", ["C1"])


def test_kpis_added_and_removed():
    def mutate(m):
        m.objectives["C1"].kpis = [Kpi(id="logos", name="Logos", target=5)]
    entry = changed(mutate).objectives[0]
    assert (entry.kpis_added, entry.kpis_removed) == (["logos"], ["nrr"])


@pytest.mark.parametrize("field, value, old, new, better", [
    ("baseline", 90, 100.0, 90, None),
    ("target", 120, 115.0, 120, None),  # raised, not "better": see the formats
    ("actual", 104, 108.0, 104, False),
    ("direction", "down", "up", "down", None)])
def test_kpi_moves(field, value, old, new, better):
    entry = changed(lambda m: setattr(m.objectives["C1"].kpis[0], field, value)).objectives[0]
    assert entry.kpi_moves == [KpiMove(objective="C1", kpi="nrr", name="Net revenue retention",
                                       unit="%", field=field, old=old, new=new, better=better)]


def test_a_target_is_raised_or_lowered_never_better_or_worse():
    def mutate(m):
        m.objectives["C1"].kpis[0].direction = "down"
    old, new = model(), model()
    old.objectives["C1"].kpis[0].direction = "down"
    mutate(new)
    new.objectives["C1"].kpis[0].target = 100
    move = diff_models(old, new, "a", "b").objectives[0].kpi_moves[0]
    assert (move.field, move.better, move_verdict(move)) == ("target", None, "lowered")


def test_initiatives_added_removed_and_status():
    old, new = model(), model()
    old.objectives["C1"].initiatives = [Initiative(title="A", status="planned"), Initiative(title="B")]
    new.objectives["C1"].initiatives = [Initiative(title="A", status="done"), Initiative(title="C")]
    entry = diff_models(old, new, "a", "b").objectives[0]
    assert (entry.initiatives_added, entry.initiatives_removed) == (["C"], ["B"])
    assert entry.initiative_status == [InitiativeStatusChange(title="A", old="planned", new="done")]


def test_body_text_word_diff():
    def mutate(m):
        m.strategy.source.body = m.strategy.source.body.replace("where we play", "where we compete")
    result = changed(mutate)
    assert ("-", "play,") in result.body.segments and ("+", "compete,") in result.body.segments
    assert WordDiff.of("a b c", "a x c").segments == [("=", "a "), ("-", "b"), ("+", "x"), ("=", " c")]


# --- teams ----------------------------------------------------------------------------------

def test_team_added_and_removed():
    def mutate(m):
        team = Team(name="Inside Sales")
        team._slug = "inside"
        m.teams["inside"] = team
        del m.teams["sales"]
    assert [(t.slug, t.kind) for t in changed(mutate).teams] == [("inside", "added"), ("sales", "removed")]


def test_priority_repointed_added_removed():
    def repoint(m):
        m.teams["sales"].priorities[1].objective = "C9"
    entry = changed(repoint).teams[0]
    assert entry.priorities_repointed == [Repointing(old="F1", new="C9")]
    assert changed(repoint).summary().endswith("1 team changed its priorities; 1 plan changed "
                                               "without new approval")
    entry = changed(lambda m: m.teams["sales"].priorities.pop()).teams[0]
    assert (entry.priorities_removed, entry.priorities_added) == (["F1"], [])


def test_plan_text_and_roles_changed():
    def mutate(m):
        priority = m.teams["sales"].priorities[0]
        priority.plan = "A quarterly business review with every top-20 account."
        priority.roles = {"Account Executive": "Runs the review.", "Sales Engineer": "Demos."}
    change = changed(mutate).teams[0].priorities_changed[0]
    assert change.objective == "C1"
    assert ("-", "top-50") in change.plan.segments and ("+", "top-20") in change.plan.segments
    assert (change.roles_added, change.roles_changed) == (["Sales Engineer"], ["Account Executive"])


def test_changes_and_stop_doing():
    from stratmap.model.content import Change

    def mutate(m):
        m.teams["sales"].changes = [Change(what="CRM training")]
        m.teams["sales"].stop_doing = [StopDoing(what="Cold calls")]
    entry = changed(mutate).teams[0]
    assert entry.changes_added == ["CRM training"]
    assert (entry.stop_doing_added, entry.stop_doing_removed) == (
        ["Cold calls"], ["Chasing one-off deals outside the core segment"])


def test_approval_review_and_parent():
    def mutate(m):
        team = m.teams["sales"]
        team.approved_by = None
        team.reviewed_on = dt.date(2026, 12, 1)
        team.parent = "global"
    assert changed(mutate).teams[0].fields == [
        FieldChange(field="parent", old=None, new="global"),
        FieldChange(field="approved_by", old="Chief Executive", new=None),
        FieldChange(field="reviewed_on", old="2026-10-01", new="2026-12-01")]


# --- guidance -------------------------------------------------------------------------------

def test_guidance_added_removed_and_items():
    def mutate(m):
        topic = m.guidance["discovery"]
        topic.do = ["Lead with the customer's business outcome", "Listen"]
        topic.dont = []
    entry = changed(mutate).guidance[0]
    assert (entry.do_added, entry.dont_removed) == (["Listen"], ["Demo before the problem is clear"])
    assert [(g.slug, g.kind) for g in changed(lambda m: m.guidance.clear()).guidance] == [
        ("discovery", "removed")]


def test_order_is_deterministic():
    def mutate(m):
        for objective in m.objectives.values():
            objective.owner = "Someone"
    assert [o.id for o in changed(mutate).objectives] == ["C1", "F1"]


# --- the command ----------------------------------------------------------------------------

def test_json_output_matches_its_schema(git_repo):
    git_repo.tag("strategy/2026-Q1", "2026-03-31T12:00:00+00:00")
    path = git_repo.root / "content/objectives/C1.md"
    path.write_text(path.read_text().replace("target: 115", "target: 120"))
    result = run("diff", "--dir", str(git_repo.root), "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    jsonschema.validate(data, json_schema())
    assert data["old"] == "2026-Q1" and data["new"] == "working tree"
    assert data["objectives"][0]["kpi_moves"][0]["new"] == 120


def test_markdown_and_text_formats(git_repo):
    git_repo.tag("strategy/2026-Q1", "2026-03-31T12:00:00+00:00")
    path = git_repo.root / "content/objectives/C1.md"
    path.write_text(path.read_text().replace("target: 115", "target: 120"))
    markdown = run("diff", "--dir", str(git_repo.root), "--format", "markdown").output
    assert markdown.startswith("### Strategy changes: 2026-Q1 → working tree")
    assert "<details><summary><b>Objectives</b> (1)</summary>" in markdown
    assert ("| C1 Expand within existing customers | Net revenue retention | target | 115 % | "
            "120 % | raised |") in markdown
    text = run("diff", "--dir", str(git_repo.root)).output
    assert "KPI Net revenue retention target: 115 % → 120 % (raised)" in text


def test_diff_between_refs_and_state_untouched(git_repo):
    git_repo.tag("strategy/2026-Q1", "2026-03-31T12:00:00+00:00")
    path = git_repo.root / "content/objectives/C1.md"
    path.write_text(path.read_text().replace("Expand within", "Grow within"))
    git_repo.commit("rename", "2026-04-02T12:00:00+00:00")
    before = git_repo.state()
    result = run("diff", "2026-Q1", "HEAD", "--dir", str(git_repo.root))
    assert result.exit_code == 0 and "renamed from “Expand within existing customers”" in result.output
    assert git_repo.state() == before


def test_unknown_ref_is_exit_2(git_repo):
    result = run("diff", "no-such-ref", "--dir", str(git_repo.root))
    assert result.exit_code == 2 and "unknown version or git ref" in result.output


def test_invalid_side_is_exit_1(git_repo):
    git_repo.tag("strategy/2026-Q1", "2026-03-31T12:00:00+00:00")
    git_repo.write("content/objectives/C1.md", "---\nid: C1\n---\n")
    result = run("diff", "--dir", str(git_repo.root))
    assert result.exit_code == 1


def _every_field_mutation():
    from stratmap.diff.compute import NOT_DIFFED
    from test_mutation_oracle import mutations
    return [m for m in mutations() if m.kind not in NOT_DIFFED]


@pytest.mark.parametrize("mutation", _every_field_mutation(), ids=lambda m: m.label)
def test_every_field_of_every_kind_shows_in_the_diff(tmp_path, mutation):
    """The diff walks the fields the models declare: an edit of any of them is reported
    (a field neither compared nor declared not diffed fails here)."""
    import datetime as dt
    import shutil

    from stratmap.diff.compute import diff_models
    from stratmap.diff.format import diff_as_text
    from stratmap.source.trees import WorkingTree
    from stratmap.validate import validate
    from test_mutation_oracle import FIXTURE, mutated_file

    root = tmp_path / "strategy"
    shutil.copytree(FIXTURE, root)
    label = mutation.label
    found = mutated_file(root, mutation)
    if found is None:
        pytest.skip(f"no other value of {label} validates in any file")
    relpath, text = found
    as_of = dt.date(2026, 11, 1)
    old = validate(WorkingTree(root), as_of).model
    (root / relpath).write_text(text)
    new = validate(WorkingTree(root), as_of).model
    assert old is not None and new is not None
    diff = diff_models(old, new, "before", "after")
    assert not diff.empty, f"{label}: the diff says nothing changed"
    assert "nothing changed" not in diff_as_text(diff)
