"""The ready-to-copy CI files and the pre-commit hook run the commands the README names."""

from __future__ import annotations

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
