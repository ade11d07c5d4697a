"""The ready-to-copy CI files and the pre-commit hook run the commands the README names."""

from __future__ import annotations

from pathlib import Path

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
    assert "stratmap build" in text
    review, publish = workflow["jobs"]["review"], workflow["jobs"]["publish"]
    assert review["steps"][0]["with"]["fetch-depth"] == 0  # tags are the versions
    assert publish["steps"][0]["with"]["fetch-depth"] == 0
    # checkout needs `contents: read` on a private repository once a job sets any permission
    assert publish["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    sticky = next(s for s in review["steps"] if "sticky-pull-request-comment" in s.get("uses", ""))
    assert sticky["with"]["header"] and sticky["if"] == "${{ !cancelled() }}"  # one comment, kept


def test_gitlab_job_validates_comments_and_publishes():
    pipeline = yaml.safe_load((REPO_ROOT / "examples/ci/gitlab-ci.yml").read_text())
    assert pipeline["variables"]["GIT_DEPTH"] == 0
    assert "stratmap validate" in pipeline["validate"]["script"]
    assert any("--format markdown" in line for line in pipeline["validate"]["script"])
    assert any(line.startswith("stratmap build") for line in pipeline["pages"]["script"])
    note = next(line for line in pipeline["validate"]["script"] if "NOTE_ID" in line)
    assert "--request PUT" in note and "--request POST" in note  # updated in place, else made


@pytest.mark.parametrize("example", ["github-actions.yml", "gitlab-ci.yml"])
def test_the_examples_install_stratmap_from_somewhere_that_exists_and_warn_about_public_pages(example):
    text = (REPO_ROOT / "examples/ci" / example).read_text()
    assert "pip install stratmap" not in text  # not on PyPI: the first PR would go red
    assert 'pip install "$STRATMAP"' in text and "STRATMAP: \"git+https://" in text
    assert "make wheel" in text
    assert "public" in text and "confidential" in text


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


def _ci_repository(tmp_path):
    """A strategy repository as CI checks it out: `origin` with main and a published
    tag, and a clone on a pull-request branch that changes a target and adds a team."""
    import shutil

    from conftest import FIXTURES, git

    origin = tmp_path / "origin"
    shutil.copytree(FIXTURES / "minimal", origin)
    (origin / ".gitignore").write_text("output/\npublic/\n.stratmap-cache/\ndiff.md\nnote.md\n")
    git(origin, "init", "-q", "-b", "main")
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "start")
    git(origin, "tag", "-a", "strategy/2026-Q3", "-m", "Q3")
    checkout = tmp_path / "checkout"
    git(tmp_path, "clone", "-q", str(origin), str(checkout))
    git(checkout, "checkout", "-q", "-b", "raise-the-target")
    c1 = checkout / "content/objectives/C1.md"
    c1.write_text(c1.read_text().replace("target: 115", "target: 120"))
    git(checkout, "commit", "-q", "-am", "Raise NRR target")
    return checkout


def _run_steps(scripts: list[str], cwd, env: dict[str, str]) -> None:
    """Run CI script text in bash, as a runner would: set-up lines (pip, apt) and the
    network calls to the forge's API are left out; everything else runs for real."""
    import os
    import subprocess
    import sys

    skipped = ("pip install", "sudo apt-get", "apt-get ")
    for script in scripts:
        lines = [line for line in script.splitlines() if not line.strip().startswith(skipped)]
        if any("curl " in line for line in lines):
            continue
        path = f"{Path(sys.executable).parent}:{os.environ['PATH']}"
        subprocess.run(["bash", "-e", "-c", "\n".join(lines)], cwd=cwd, check=True,
                       env={**os.environ, **env, "PATH": path}, capture_output=True, text=True)


def test_the_github_workflow_steps_work_on_a_pull_request_and_on_main(tmp_path):
    checkout = _ci_repository(tmp_path)
    workflow = yaml.safe_load((REPO_ROOT / "examples/ci/github-actions.yml").read_text())
    for line in _stratmap_lines(workflow):
        _parses(line.replace("${{ github.base_ref }}", "main"))

    def runs(job: str) -> list[str]:
        return [step["run"].replace("${{ github.base_ref }}", "main")
                for step in workflow["jobs"][job]["steps"] if "run" in step]
    _run_steps(runs("review"), checkout, {})
    comment = (checkout / "diff.md").read_text()
    assert comment.startswith("### Strategy changes: origin/main → working tree")
    assert "| target | 115 % | 120 % | raised |" in comment
    _run_steps(runs("publish"), checkout, {})
    assert (checkout / "output/2026-Q3/index.html").is_file()


def test_the_gitlab_pipeline_steps_work_on_a_merge_request_and_on_main(tmp_path):
    checkout = _ci_repository(tmp_path)
    pipeline = yaml.safe_load((REPO_ROOT / "examples/ci/gitlab-ci.yml").read_text())
    env = {"CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main"}
    for line in _stratmap_lines(pipeline):
        _parses(line.replace("$CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main"))
    _run_steps(pipeline["validate"]["script"], checkout, env)
    assert "| target | 115 % | 120 % | raised |" in (checkout / "diff.md").read_text()
    _run_steps(pipeline["pages"]["script"], checkout, env)
    assert (checkout / "public/2026-Q3/index.html").is_file()


@pytest.mark.slow
def test_the_sdist_and_wheel_install_and_build_the_demo(tmp_path):
    """`make wheel` (python -m build): the wheel is built from the sdist, so both carry the
    package and its theme; installed alone, it builds the demo."""
    import os
    import subprocess
    import sys

    from conftest import copy_demo

    subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(tmp_path / "dist"),
                    str(REPO_ROOT)], check=True, capture_output=True)
    wheel = next((tmp_path / "dist").glob("stratmap-*.whl"))
    assert next((tmp_path / "dist").glob("stratmap-*.tar.gz"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
                    str(tmp_path / "site-packages"), str(wheel)], check=True)
    demo = copy_demo(tmp_path / "demo")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "site-packages")}
    result = subprocess.run([sys.executable, "-c", "import stratmap, sys; print(stratmap.__file__); "
                             "from stratmap.cli import main; main(['build', sys.argv[1], '-q'])", str(demo)],
                            env=env, capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(str(tmp_path / "site-packages"))  # the installed copy ran
    assert (demo / "output/next/assets/style.css").is_file() or (demo / "output/assets/style.css").is_file()
    assert (demo / "output/next/teams/enterprise-east/index.html").is_file()
