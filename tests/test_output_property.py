"""Whatever output a user or a hostile stratmap.yaml names, every file that a build did
not make survives it byte for byte (issue "Safe by construction": the property test)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, git, run

PARTS = ["..", ".", "repo", "content", "objectives", "docs", "output", "site", ".stratmap-cache",
         ".git", "notes.txt", "link-up", "link-repo", "new"]


def _scratch(root: Path) -> Path:
    """A folder of a user's: files of theirs beside, above and inside a strategy repository
    (with git), and links of theirs that lead up and across."""
    repo = root / "repo"
    shutil.copytree(FIXTURES / "minimal", repo)
    (root / "notes.txt").write_text("notes")
    (root / "docs").mkdir()
    (root / "docs/thesis.txt").write_text("thesis")
    (repo / "docs").mkdir()
    (repo / "docs/guide.md").write_text("guide")
    (repo / "src").mkdir()
    (repo / "src/app.py").write_text("print('app')")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "start")
    (repo / "link-up").symlink_to("..")
    (root / "link-repo").symlink_to("repo")
    return repo


def _files(root: Path) -> dict[str, bytes]:
    """Every regular file below root, not following links (as the user has them)."""
    found = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder, name)
            if path.is_file() and not path.is_symlink():
                found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.sampled_from(PARTS), min_size=1, max_size=4),
       through_settings=st.booleans())
@pytest.mark.slow
def test_no_user_file_is_lost_whatever_the_output(tmp_path_factory, parts, through_settings):
    scratch = tmp_path_factory.mktemp("scratch")
    repo = _scratch(scratch)
    before = _files(scratch)
    out = "/".join(parts)
    if through_settings:
        (repo / "stratmap.yaml").write_text(f"title: T\noutput_dir: '{out}'\n")
        before = _files(scratch)
        result = run("build", str(repo), "-q")
    else:
        result = run("build", str(repo), "-q", "--out", os.path.join(repo, out))
    assert result.exit_code in (0, 1, 2), result.output
    after = _files(scratch)
    lost = {name for name in before if after.get(name) != before[name]}
    assert not lost, (out, through_settings, result.output)
    shutil.rmtree(scratch)
