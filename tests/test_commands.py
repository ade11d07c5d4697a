"""validate's formats and exit codes, schema, new and init."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from conftest import AS_OF, REPO_ROOT, run, validate_json
from stratmap.source.frontmatter import split_front_matter


def test_text_format_lines_and_summary(repo):
    repo.write("content/objectives/C1.md", "---\nid: C1\ntitle: x\nperspective: customer\n"
               "drivs: []\n---\n")
    result = run("validate", str(repo.root), "--as-of", AS_OF)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == ("content/objectives/C1.md:5:1: error: unknown field "
                                             "`drivs`; did you mean `drives`? [unknown-field]")
    assert result.output.splitlines()[-1] == "1 error, 0 warnings"


def test_github_format_is_workflow_annotations(repo):
    repo.write("content/teams/sales.md", "---\nname: Sales\npriorities: [{objective: C1}, "
               "{objective: F1}]\nstop_doing: [{what: x}]\n---\n")
    result = run("validate", str(repo.root), "--format", "github", "--as-of", AS_OF)
    assert result.exit_code == 0
    assert ("::warning file=content/teams/sales.md,line=2,col=1,title=not-approved::"
            "the plan of team sales is not approved") in result.output


def test_json_format_shape(repo):
    result = run("validate", str(repo.root), "--format", "json", "--as-of", "2027-06-01")
    report = json.loads(result.output)
    assert set(report) == {"findings", "failed", "strict", "checks_skipped", "summary"}
    findings = report["findings"]
    assert findings and set(findings[0]) == {"severity", "rule", "message", "file", "line", "column"}


def test_no_settings_found_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("validate")
    assert result.exit_code == 2 and "no stratmap.yaml" in result.output


def test_validate_finds_the_project_upward(repo, monkeypatch):
    monkeypatch.chdir(repo.root / "content" / "objectives")
    assert run("validate", "--as-of", AS_OF).exit_code == 0


def test_demo_validates_with_only_its_documented_warnings():
    result = run("validate", str(REPO_ROOT), "--format", "json", "--as-of", "2026-11-27")
    assert result.exit_code == 0
    rules = sorted((f["rule"], f["file"]) for f in json.loads(result.output)["findings"])
    assert rules == [("no-kpi", "content/objectives/L4.md"),
                     ("no-line-of-sight", "content/objectives/L4.md"),
                     ("not-approved", "content/teams/partners.md"),
                     ("stale-actual", "content/objectives/I6.md"),
                     ("stale-actual", "content/objectives/L1.md")]


def test_schemas_validate_the_demo(tmp_path):
    assert run("schema", "--out", str(tmp_path)).exit_code == 0
    schemas = {p.name: json.loads(p.read_text()) for p in tmp_path.glob("*.schema.json")}
    assert set(schemas) == {"stratmap.schema.json", "strategy.schema.json", "objective.schema.json",
                            "team.schema.json", "guidance.schema.json", "diff.schema.json"}
    checker = jsonschema.Draft202012Validator
    checker(schemas["stratmap.schema.json"]).validate(
        yaml.safe_load((REPO_ROOT / "stratmap.yaml").read_text()))
    kinds = {"objectives": "objective", "teams": "team", "guidance": "guidance"}
    checked = 0
    for folder, kind in kinds.items():
        for path in (REPO_ROOT / "content" / folder).glob("*.md"):
            front_matter = yaml.safe_load(split_front_matter(path.read_text(), str(path))[0])
            # YAML dates are date objects; in JSON they are strings
            checker(schemas[f"{kind}.schema.json"], format_checker=checker.FORMAT_CHECKER).validate(
                json.loads(json.dumps(front_matter, default=str)))
            checked += 1
    assert checked >= 30


def test_schema_rejects_what_validate_rejects(tmp_path):
    run("schema", "--out", str(tmp_path))
    schema = json.loads((tmp_path / "objective.schema.json").read_text())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"id": "C1", "title": "x", "perspective": "customer", "drivs": []}, schema)


@pytest.mark.parametrize("kind, name", [("objective", "C7"), ("team", "inside-sales"),
                                        ("guidance", "renewals")])
def test_new_writes_a_file_that_validates_and_never_overwrites(repo, kind, name):
    result = run("new", kind, name, "--dir", str(repo.root))
    assert result.exit_code == 0, result.output
    validation = run("validate", str(repo.root), "--format", "json", "--as-of", AS_OF)
    assert validation.exit_code == 0
    assert not [f for f in json.loads(validation.output)["findings"] if f["severity"] == "error"]
    again = run("new", kind, name, "--dir", str(repo.root))
    assert again.exit_code == 2 and "already exists" in again.output


def test_new_refuses_a_bad_name(repo):
    assert run("new", "team", "../escape", "--dir", str(repo.root)).exit_code == 2


def test_init_makes_a_repository_whose_only_warning_is_the_plan_nobody_approved_yet(tmp_path):
    target = tmp_path / "fresh"
    assert run("init", str(target)).exit_code == 0
    code, findings = validate_json(target)
    assert code == 0 and [(f["rule"], f["file"]) for f in findings] == [
        ("not-approved", "content/teams/sales.md")]
    assert "approved_by" not in (target / "content/teams/sales.md").read_text().replace(
        "# a draft until approved", "")
    assert run("init", str(target)).exit_code == 2  # refuses to overwrite


def test_every_field_of_every_schema_is_described_and_the_examples_are_valid():
    from stratmap.model.content import FILE_KINDS
    from stratmap.schema import EXAMPLES, schema_file_name, schemas

    generated = schemas()
    for kind, model in FILE_KINDS.items():
        schema = generated[schema_file_name(kind)]
        undescribed = [f"{where}.{name}" for where, part in [("", schema), *schema["$defs"].items()]
                       for name, prop in part.get("properties", {}).items() if "description" not in prop]
        assert undescribed == [], kind
        jsonschema.validate(EXAMPLES[kind], schema)
        model.model_validate(EXAMPLES[kind])


def test_the_replayed_demo_has_exactly_the_warnings_the_readme_lists(built_history):
    import re

    readme = (REPO_ROOT / "README.md").read_text()
    table = readme.split("| warning | where | why it is there |")[1].split("\n\n")[0]
    documented = sorted(re.findall(r"^\| `([a-z-]+)` \| `([^`]+)` \|", table, re.MULTILINE))
    code, findings = validate_json(built_history.parent, "--as-of", "2026-11-27")
    assert code == 0 and sorted((f["rule"], f["file"]) for f in findings) == documented
    assert len(documented) == 7


def test_init_maps_the_schemas_for_editors_and_new_writes_the_modeline(tmp_path):
    root = tmp_path / "s"
    assert run("init", str(root)).exit_code == 0
    settings = json.loads((root / ".vscode/settings.json").read_text())["yaml.schemas"]
    assert settings["./schemas/team.schema.json"] == "content/teams/*.md"
    for schema in settings:
        assert (root / schema).is_file()  # every mapped schema is there
    assert run("new", "objective", "C7", "--dir", str(root)).exit_code == 0
    lines = (root / "content/objectives/C7.md").read_text().splitlines()
    assert lines[:2] == ["---", "# yaml-language-server: $schema=../../schemas/objective.schema.json"]
    assert (root / "content/objectives" / lines[1].split("=", 1)[1]).resolve() == \
        (root / "schemas/objective.schema.json").resolve()
