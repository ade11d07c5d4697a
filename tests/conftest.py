"""Shared helpers: strategy repositories in temp folders, and the CLI run for real."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from stratmap.cli import main

FIXTURES = Path(__file__).parent / "fixtures"
REPO_ROOT = Path(__file__).parent.parent
AS_OF = "2026-11-01"  # the fixtures' plans were reviewed on 2026-10-01


@dataclass
class Repo:
    root: Path

    def write(self, relpath: str, text: str) -> Path:
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def write_bytes(self, relpath: str, data: bytes) -> Path:
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def remove(self, relpath: str) -> None:
        (self.root / relpath).unlink()


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """A copy of tests/fixtures/minimal: valid, with no warnings as of AS_OF."""
    root = tmp_path / "strategy"
    shutil.copytree(FIXTURES / "minimal", root)
    return Repo(root)


def run(*args: str):
    """The CLI in-process; exceptions are not caught, so a traceback fails the test."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def run_process(*args: str, cwd: Path | None = None,
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The CLI as a separate process, as a user or CI runs it."""
    return subprocess.run([sys.executable, "-m", "stratmap.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright, one per test module."""
    from browser import chromium

    with chromium() as launched:
        yield launched


def validate_json(root: Path, *extra: str) -> tuple[int, list[dict]]:
    import json

    result = run("validate", str(root), "--format", "json", "--as-of", AS_OF, *extra)
    return result.exit_code, json.loads(result.output)["findings"]


def copy_demo(target: Path) -> Path:
    """The demo strategy (stratmap.yaml + content/) in a folder of its own, outside git."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO_ROOT / "stratmap.yaml", target / "stratmap.yaml")
    shutil.copytree(REPO_ROOT / "content", target / "content")
    return target


@pytest.fixture(scope="session")
def built_demo(tmp_path_factory) -> Path:
    """The demo built once for the session; returns the output folder."""
    from stratmap.build import BuildOptions, build_site

    root = copy_demo(tmp_path_factory.mktemp("demo"))
    build_site(BuildOptions(root))
    return root / "output"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def git(root: Path, *args: str, date: str = "2026-01-01T12:00:00+00:00") -> str:
    import os
    env = {**os.environ, "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "t@example.com",
           "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    return subprocess.run(["git", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", *args],
                          cwd=root, env=env, check=True, capture_output=True, text=True).stdout


@dataclass
class GitRepo(Repo):
    def commit(self, message: str, date: str) -> None:
        git(self.root, "add", "-A", date=date)
        git(self.root, "commit", "-q", "--allow-empty", "-m", message, date=date)

    def tag(self, name: str, date: str, annotated: bool = True) -> None:
        if annotated:
            git(self.root, "tag", "-a", name, "-m", name, date=date)
        else:
            git(self.root, "tag", name, date=date)

    def state(self) -> tuple[str, str, str]:
        """What a build must never change: HEAD, the index and the working tree's status."""
        return (git(self.root, "rev-parse", "HEAD"), git(self.root, "status", "--porcelain"),
                git(self.root, "ls-files", "--stage"))


@pytest.fixture
def git_repo(repo) -> GitRepo:
    """The minimal fixture as a git repository with one commit and no tag."""
    git(repo.root, "init", "-q", "-b", "main")
    repository = GitRepo(repo.root)
    repository.commit("start", "2026-01-01T12:00:00+00:00")
    return repository


@pytest.fixture(scope="session")
def built_history(tmp_path_factory) -> Path:
    """The demo as `make site` builds it: its quarters replayed into git, then built."""
    from stratmap.build import BuildOptions, build_site

    root = tmp_path_factory.mktemp("history") / "demo"
    subprocess.run([sys.executable, str(REPO_ROOT / "demo/replay.py"), str(root)], check=True)
    build_site(BuildOptions(root))
    return root / "output"


def pytest_collection_modifyitems(items):
    """The few tests that take seconds go first: started last, one of them would keep a
    parallel worker busy long after the others are done (make test-fast)."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
