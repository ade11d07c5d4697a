"""The ready-to-copy CI files and the pre-commit hook run the commands the README names."""

from __future__ import annotations

import pytest
import yaml

from conftest import REPO_ROOT


def _commands(document) -> str:
    return yaml.safe_dump(document)


def test_github_workflow_validates_comments_and_publishes():
    workflow = yaml.safe_load((REPO_ROOT / "examples/ci/github-actions.yml").read_text())
    text = _commands(workflow)
    assert "stratmap validate --format github" in text
    assert "stratmap diff" in text and "--format markdown" in text
    assert "stratmap build --strict" in text
    review, publish = workflow["jobs"]["review"], workflow["jobs"]["publish"]
    assert review["steps"][0]["with"]["fetch-depth"] == 0  # tags are the versions
    assert publish["steps"][0]["with"]["fetch-depth"] == 0


def test_gitlab_job_validates_comments_and_publishes():
    pipeline = yaml.safe_load((REPO_ROOT / "examples/ci/gitlab-ci.yml").read_text())
    assert pipeline["variables"]["GIT_DEPTH"] == 0
    assert "stratmap validate" in pipeline["validate"]["script"]
    assert any("--format markdown" in line for line in pipeline["validate"]["script"])
    assert any(line.startswith("stratmap build") for line in pipeline["pages"]["script"])


def test_pre_commit_hook_runs_validate():
    hooks = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hooks[0]["id"] == "stratmap-validate" and hooks[0]["entry"] == "stratmap validate"


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return [value] if isinstance(value, str) else []


def _stratmap_lines(document) -> list[str]:
    """Every `stratmap …` command line in a CI file's run and script steps."""
    return [line.strip() for text in _strings(document) for line in text.splitlines()
            if line.strip().startswith("stratmap ")]


def _parses(line: str) -> None:
    """Through Click's own parser: an unknown command or option raises."""
    import shlex

    from stratmap.cli import main
    args = shlex.split(line.split(" > ")[0])[1:]
    command, name = main, "stratmap"
    while hasattr(command, "commands"):
        name, args = args[0], args[1:]
        command = command.commands[name]
    command.make_context(name, args)


@pytest.mark.parametrize("example", ["kpi-import-github.yml", "kpi-import-gitlab.yml"])
def test_the_monthly_kpi_import_jobs_run_commands_that_exist(example, tmp_path, monkeypatch):
    document = yaml.safe_load((REPO_ROOT / "examples/ci" / example).read_text())
    lines = _stratmap_lines(document)
    assert any(line.startswith("stratmap kpi import ") for line in lines)
    assert any(line.startswith("stratmap diff HEAD --format markdown") for line in lines)
    scripts = [v for v in _strings(document) if "curl " in v]
    assert scripts and all("Authorization: Bearer" in v for v in scripts)  # one string, not a mapping
    monkeypatch.chdir(tmp_path)
    for path in ("kpis.csv", "tmp/kpis.csv"):  # the files the jobs download, for Click's exists check
        (tmp_path / path).parent.mkdir(exist_ok=True)
        (tmp_path / path).write_text("objective,kpi,value\n")
    monkeypatch.setenv("RUNNER_TEMP", str(tmp_path))
    for line in lines:
        line = line.replace('"$RUNNER_TEMP/', f'"{tmp_path}/').replace("/tmp/kpis.csv", str(tmp_path / "kpis.csv"))
        _parses(line)


def test_the_github_kpi_import_opens_a_pull_request_on_a_schedule():
    workflow = yaml.safe_load((REPO_ROOT / "examples/ci/kpi-import-github.yml").read_text())
    assert workflow[True]["schedule"][0]["cron"] == "0 6 2 * *"  # PyYAML reads `on:` as True
    steps = workflow["jobs"]["import"]["steps"]
    assert workflow["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert any(step.get("uses", "").startswith("peter-evans/create-pull-request") for step in steps)
