"""What validate tells a leader: every problem, or why some checks did not run; why
--strict fails; where an annotation goes; suggestions that ignore case."""

from __future__ import annotations

import json

from conftest import AS_OF, git, run, validate_json

TYPO_DANGLING_AND_FOURTH_PRIORITY = """---
name: Sales
leadr: Head of Sales
approved_by: Chief Executive
approved_on: 2026-10-01
priorities:
  - objective: C1
  - objective: F1
  - objective: X9
  - objective: C1
stop_doing:
  - what: Chasing one-off deals
---
"""


def test_skipped_cross_file_checks_are_announced_and_run_once_the_typo_is_fixed(repo):
    repo.write("content/teams/sales.md", TYPO_DANGLING_AND_FOURTH_PRIORITY)
    result = run("validate", str(repo.root), "--as-of", AS_OF)
    assert result.exit_code == 1 and "unknown field `leadr`" in result.output
    assert "note: checks across files (references," in result.output and "were skipped" in result.output
    report = json.loads(run("validate", str(repo.root), "--format", "json", "--as-of", AS_OF).output)
    assert report["checks_skipped"] and report["failed"]
    repo.write("content/teams/sales.md", TYPO_DANGLING_AND_FOURTH_PRIORITY.replace("leadr", "leader"))
    code, findings = validate_json(repo.root)
    rules = {f["rule"] for f in findings}
    assert code == 1 and {"dangling-reference", "too-many-priorities", "duplicate-priority"} <= rules


def test_strict_says_why_it_fails_and_annotates_warnings_as_errors(repo):
    repo.write("content/teams/sales.md", (repo.root / "content/teams/sales.md").read_text()
               .replace("approved_by: Chief Executive\n", ""))
    text = run("validate", str(repo.root), "--strict", "--as-of", AS_OF)
    assert text.exit_code == 1
    assert text.output.strip().endswith("0 errors, 1 warning; failing because of 1 warning (--strict)")
    github = run("validate", str(repo.root), "--strict", "--format", "github", "--as-of", AS_OF).output
    assert github.startswith("::error file=content/teams/sales.md,") and "::warning" not in github
    plain = run("validate", str(repo.root), "--format", "github", "--as-of", AS_OF)
    assert plain.exit_code == 0 and plain.output.startswith("::warning ")


def test_annotations_name_files_from_the_repository_top_when_the_strategy_is_in_a_subfolder(tmp_path, repo):
    top = tmp_path / "monorepo"
    top.mkdir()
    repo.root.rename(top / "strategy")
    git(top, "init", "-q", "-b", "main")
    sales = top / "strategy/content/teams/sales.md"
    sales.write_text(sales.read_text().replace("approved_by: Chief Executive\n", ""))
    github = run("validate", str(top / "strategy"), "--format", "github", "--as-of", AS_OF).output
    assert "::warning file=strategy/content/teams/sales.md,line=2" in github


def test_did_you_mean_ignores_case_and_errors_point_at_the_value(repo):
    text = (repo.root / "content/teams/sales.md").read_text()
    repo.write("content/teams/sales.md", text.replace("objective: C1", "objective: c1"))
    _, findings = validate_json(repo.root)
    dangling = next(f for f in findings if f["rule"] == "dangling-reference")
    assert "did you mean `C1`?" in dangling["message"]
    assert (dangling["line"], dangling["column"]) == (8, 16)  # `  - objective: c1`: the value
    repo.write("content/teams/sales.md", text.replace("approved_on: 2026-10-01", "approved_on: 2026-13-01"))
    bad_date = next(f for f in validate_json(repo.root)[1] if f["rule"] == "bad-date")
    assert (bad_date["line"], bad_date["column"]) == (5, 14)


def test_ids_that_differ_only_by_case_clash(repo):
    c1 = (repo.root / "content/objectives/C1.md").read_text()
    repo.write("content/objectives/c1-copy.md", c1.replace("id: C1", "id: c1"))
    code, findings = validate_json(repo.root)
    clash = [f for f in findings if f["rule"] == "case-clash"]
    assert code == 1 and len(clash) == 1 and clash[0]["severity"] == "error"
    assert "differs from `C1`" in clash[0]["message"]


def test_roles_not_in_the_catalog_are_flagged_with_a_suggestion(repo):
    settings = repo.root / "stratmap.yaml"
    settings.write_text(settings.read_text() + "roles:\n  - name: Account Executive\n"
                        "    aliases: [AE]\n  - name: Sales Engineer\n")
    assert validate_json(repo.root) == (0, [])  # named exactly as in the catalog
    text = (repo.root / "content/teams/sales.md").read_text()
    repo.write("content/teams/sales.md", text.replace("Account Executive:", "ae:"))
    assert validate_json(repo.root) == (0, [])  # an alias, in any case
    repo.write("content/teams/sales.md", text.replace("Account Executive:", "Acount Executive:"))
    code, findings = validate_json(repo.root)
    assert code == 0 and [f["rule"] for f in findings] == ["unknown-role"]
    assert "did you mean `Account Executive`?" in findings[0]["message"]


def test_a_value_written_empty_is_a_missing_field(repo):
    text = (repo.root / "content/teams/sales.md").read_text()
    repo.write("content/teams/sales.md", text.replace("leader: Head of Sales", 'leader: ""'))
    code, findings = validate_json(repo.root)
    assert code == 1 and [(f["rule"], f["line"]) for f in findings] == [("missing-field", 3)]
    assert "`leader` is empty" in findings[0]["message"]
    repo.write("content/teams/sales.md", text.replace("what: Chasing", "what: '  '\n    why: Chasing"))
    assert [(f["rule"], f["message"].split(" is")[0], f["line"], f["column"])
            for f in validate_json(repo.root)[1]] == [("missing-field", "`stop_doing[0].what`", 15, 11)]
    repo.write("content/teams/sales.md", text)
    guidance = "content/guidance/discovery.md"
    repo.write(guidance, (repo.root / guidance).read_text().replace("dont: [Demo", 'dont: ["", Demo'))
    assert [(f["file"], f["message"].split(" is")[0], f["column"]) for f in validate_json(repo.root)[1]
            if f["rule"] == "missing-field"] == [(guidance, "`dont[0]`", 8)]


def test_build_strict_holds_the_working_tree_to_its_warnings_not_a_tag(git_repo, tmp_path):
    sales = git_repo.root / "content/teams/sales.md"
    clean = sales.read_text()
    sales.write_text(clean.replace("approved_by: Chief Executive\n", ""))  # a warning, in the tag
    git_repo.commit("draft plan", "2026-09-01T12:00:00+00:00")
    git_repo.tag("strategy/2026-Q3", "2026-09-02T12:00:00+00:00")
    sales.write_text(clean)
    assert run("build", str(git_repo.root), "--strict", "--out", str(tmp_path / "a")).exit_code == 0
    sales.write_text(clean.replace("approved_by: Chief Executive\n", ""))
    failed = run("build", str(git_repo.root), "--strict", "--out", str(tmp_path / "b"))
    assert failed.exit_code == 1
    assert "failing because of the working tree's warnings (--strict)" in failed.output
