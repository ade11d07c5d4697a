"""A build never deletes what it did not make, and no moment is without a complete site
(issue "Safe by construction", items 1, 8, 14, 15 and 19)."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from conftest import REPO_ROOT, run, run_process, snapshot


def _user_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and ".stratmap-cache" not in p.parts}


def test_a_folder_no_build_made_is_refused_and_kept(repo, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "thesis.txt").write_text("four years of work")
    result = run_process("build", str(repo.root), "--out", str(docs))
    assert result.returncode == 2
    assert "holds files that no stratmap build made" in result.stderr and "--clean-out" in result.stderr
    assert "Traceback" not in result.stderr
    assert (docs / "thesis.txt").read_text() == "four years of work"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs", "strategy"]  # no staging left


def test_clean_out_replaces_a_folder_the_user_names(repo, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "old.html").write_text("old")
    result = run_process("build", str(repo.root), "--out", str(docs), "--clean-out", "-q")
    assert result.returncode == 0, result.stderr
    assert not (docs / "old.html").exists() and (docs / "latest/index.html").is_file()
    assert (docs / ".stratmap-output").is_file()  # from now on it is known as a site


def test_an_empty_folder_or_an_earlier_site_is_replaced(repo, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    assert run_process("build", str(repo.root), "--out", str(site), "-q").returncode == 0
    assert run_process("build", str(repo.root), "--out", str(site), "-q", "--force").returncode == 0
    assert (site / "latest/index.html").is_file()


@pytest.mark.parametrize("out", [".", "..", "content", "content/objectives", ".stratmap-cache",
                                 ".git", "/"])
def test_the_repository_its_folders_and_those_above_it_are_never_the_output(git_repo, out):
    before = _user_files(git_repo.root.parent)
    result = run_process("build", str(git_repo.root), "--out", out, cwd=git_repo.root)
    assert result.returncode == 2, result.stdout
    assert "Nothing was touched" in result.stderr and "Traceback" not in result.stderr
    assert _user_files(git_repo.root.parent) == before


def test_output_dir_above_the_repository_is_an_error_in_validate_and_build(repo):
    sibling = repo.root.parent / "sibling-project"
    sibling.mkdir()
    (sibling / "main.c").write_text("int main;")
    repo.write("stratmap.yaml", "title: T\noutput_dir: ..\n")
    validate = run("validate", str(repo.root))
    assert validate.exit_code == 1
    assert "stratmap.yaml:2:13: error: `output_dir`:" in validate.output and "[unsafe-path]" in validate.output
    assert run_process("build", str(repo.root)).returncode == 1
    assert (sibling / "main.c").read_text() == "int main;"
    assert (repo.root / "content/strategy.md").is_file()


def test_a_committed_link_as_the_output_is_never_followed(git_repo):
    (git_repo.root / "output").symlink_to("..")
    git_repo.commit("an output link", "2026-02-01T12:00:00+00:00")
    before = _user_files(git_repo.root.parent)
    result = run_process("build", str(git_repo.root))
    assert result.returncode == 2 and "symbolic link" in result.stderr
    assert _user_files(git_repo.root.parent) == before


def _no_leftovers(root: Path) -> list[str]:
    """Trees a build left behind: staging or retired folders beside the output, and trees
    in the cache's standby folder other than the one recorded for the next build."""
    beside = [p.name for p in root.iterdir() if ".building-" in p.name or ".old-" in p.name]
    standby = root / ".stratmap-cache" / "standby"
    recorded = {json.loads(r.read_text()).get("folder") for r in standby.glob("*.json")}
    return beside + [tree.name for home in standby.glob("*") if home.is_dir()
                     for tree in home.iterdir() if tree.name not in recorded]


@pytest.mark.parametrize("moment", ["before-swap", "after-exchange"])
def test_a_kill_during_the_swap_leaves_a_complete_site_and_the_next_build_cleans_up(repo, moment):
    assert run_process("build", str(repo.root), "-q").returncode == 0
    before = snapshot(repo.root / "output")
    repo.write("content/teams/sales.md", (repo.root / "content/teams/sales.md").read_text()
               .replace("name: Sales", "name: Sales Team"))
    killed = run_process("build", str(repo.root), "-q",
                         env={**os.environ, "STRATMAP_TEST_KILL_AT": moment})
    assert killed.returncode == -signal.SIGKILL
    after_kill = snapshot(repo.root / "output")
    if moment == "before-swap":
        assert after_kill == before
    else:  # swapped: the new site, whole
        assert "Sales Team" in after_kill["latest/teams/sales/index.html"].decode()
    assert _no_leftovers(repo.root)  # the kill left its staging or the retired site
    assert run_process("build", str(repo.root), "-q", "--force").returncode == 0
    assert _no_leftovers(repo.root) == []


def test_a_kill_between_the_two_renames_is_recovered_by_the_next_build(repo):
    """Where no atomic exchange exists the swap is two renames; the last good site waits
    in the retired folder and the next build puts it back before anything else."""
    assert run_process("build", str(repo.root), "-q").returncode == 0
    before = snapshot(repo.root / "output")
    env = {**os.environ, "STRATMAP_TEST_NO_EXCHANGE": "1"}
    killed = run_process("build", str(repo.root), "-q", "--force",
                         env={**env, "STRATMAP_TEST_KILL_AT": "between-swap-steps"})
    assert killed.returncode == -signal.SIGKILL and not (repo.root / "output").exists()
    repo.write("content/objectives/C1.md", "---\nid: C1\ntitle: [broken\n---\n")
    assert run_process("build", str(repo.root), "-q", env=env).returncode == 1  # fails, yet recovers
    assert snapshot(repo.root / "output") == before
    assert _no_leftovers(repo.root) == []


@pytest.mark.slow
def test_sigkill_at_random_moments_never_leaves_an_incomplete_site(repo):
    """16 builds killed at random moments: after each, the output is one complete site, the
    one before or the one after, and the next build succeeds and leaves nothing behind."""
    team = repo.root / "content/teams/sales.md"
    original = team.read_text()
    sites = []
    for name in ("Sales A", "Sales B"):
        team.write_text(original.replace("name: Sales", f"name: {name}"))
        assert run_process("build", str(repo.root), "-q", "--force").returncode == 0
        sites.append(snapshot(repo.root / "output"))
    command = [sys.executable, "-m", "stratmap", "build", str(repo.root), "-q", "--force"]
    started = time.monotonic()
    build = subprocess.run(command, capture_output=True, check=True)
    duration = time.monotonic() - started
    chance = random.Random(8)
    killed = 0
    for trial in range(16):
        team.write_text(original.replace("name: Sales", f"name: Sales {'AB'[trial % 2]}"))
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(chance.uniform(0.05, duration))
        process.send_signal(signal.SIGKILL)
        killed += process.wait() == -signal.SIGKILL
        assert snapshot(repo.root / "output") in sites, f"trial {trial}: an incomplete site"
    assert killed >= 10  # at least ten moments inside a build
    assert build.returncode == 0
    assert run_process("build", str(repo.root), "-q", "--force").returncode == 0
    assert _no_leftovers(repo.root) == []


def test_leftovers_are_removed_only_when_they_are_ours(repo):
    ours = repo.root / ".output.building-abc123"
    ours.mkdir()
    (ours / ".stratmap-output").write_text("")
    theirs = repo.root / ".output.building-notes"
    theirs.mkdir()
    (theirs / "notes.txt").write_text("mine")
    assert run_process("build", str(repo.root), "-q").returncode == 0
    assert not ours.exists() and (theirs / "notes.txt").read_text() == "mine"


def test_the_site_is_readable_by_another_user(repo):
    public = Path(tempfile.mkdtemp())  # outside pytest's own folders, which are private
    os.chmod(public, 0o755)
    output = public / "site"
    old_umask = os.umask(0o022)
    try:
        assert run_process("build", str(repo.root), "-q", "--out", str(output)).returncode == 0
        assert stat.S_IMODE(output.stat().st_mode) == 0o755
        assert stat.S_IMODE((output / "latest/index.html").stat().st_mode) == 0o644
        if os.geteuid() == 0:  # as a web server's account would read it
            read = subprocess.run(["su", "nobody", "-s", "/bin/sh", "-c",
                                   f"cat '{output}/latest/index.html'"], capture_output=True)
            assert read.returncode == 0 and b"<html" in read.stdout, read.stderr
    finally:
        os.umask(old_umask)
        shutil.rmtree(public)


def test_a_mount_point_is_refused_without_leaving_staging_beside_it(repo):
    # a tmpfs on Linux; not the one the tests themselves may run in (make test-fast)
    mounts = [m for m in (Path("/dev/shm"), Path("/sys/fs/cgroup"), Path("/run"))
              if os.path.ismount(m) and not repo.root.is_relative_to(m)]
    if not mounts:
        pytest.skip("no tmpfs mount point here")
    mount = mounts[0]
    before = sorted(p.name for p in mount.parent.iterdir())
    result = run_process("build", str(repo.root), "--out", str(mount))
    assert result.returncode == 2 and "is a mount point" in result.stderr
    assert sorted(p.name for p in mount.parent.iterdir()) == before


@pytest.mark.slow
def test_concurrent_builds_of_one_repository_all_succeed(tmp_path):
    """Three builds at once, from a cold cache, of the demo with its tagged quarters (twice:
    the races are between the first writers of each cache entry)."""
    root = tmp_path / "demo"
    subprocess.run([sys.executable, str(REPO_ROOT / "demo/replay.py"), str(root)], check=True)
    command = [sys.executable, "-m", "stratmap", "build", str(root), "-q", "--force"]
    for _ in range(2):
        shutil.rmtree(root / ".stratmap-cache", ignore_errors=True)
        processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                     for _ in range(3)]
        outcomes = [(p.wait(timeout=300), p.stderr.read()) for p in processes]
        assert all(code == 0 for code, _ in outcomes), outcomes
    assert (root / "output/latest/index.html").is_file()


def test_a_record_that_cannot_be_saved_after_the_swap_is_reported_truthfully(repo):
    assert run_process("build", str(repo.root), "-q").returncode == 0
    stamps = repo.root / ".stratmap-cache/stamps"
    for file in stamps.iterdir():
        file.unlink()
    stamps.rmdir()
    stamps.write_text("a file where a folder should be")
    repo.write("content/teams/sales.md", (repo.root / "content/teams/sales.md").read_text()
               .replace("name: Sales", "name: Sales Team"))
    result = run_process("build", str(repo.root), "-q")
    assert result.returncode == 0, result.stderr
    assert "the new site is in place" in result.stdout and "untouched" not in result.stdout + result.stderr
    assert "Sales Team" in (repo.root / "output/latest/teams/sales/index.html").read_text()


def test_a_draft_cannot_write_through_into_a_tags_cached_pages(git_repo):
    """A tag `strategy/next` and the draft `Next` once shared `next/`, and the draft's
    pages were written through hard links into the tag's cached pages."""
    git_repo.write("stratmap.yaml", "title: T\nversions: {tags: 'strategy/*', draft: Next}\n")
    git_repo.commit("settings", "2026-02-01T12:00:00+00:00")
    git_repo.tag("strategy/next", "2026-02-01T12:00:00+00:00")
    git_repo.write("content/teams/sales.md", (git_repo.root / "content/teams/sales.md").read_text()
                   .replace("name: Sales", "name: Draft Sales"))
    result = run_process("build", str(git_repo.root), "-q")
    assert result.returncode == 0, result.stderr
    output = git_repo.root / "output"
    assert "Draft Sales" not in (output / "latest/teams/sales/index.html").read_text()
    assert "Draft Sales" not in (output / "next/teams/sales/index.html").read_text()
    assert "Draft Sales" in (output / "next-draft/teams/sales/index.html").read_text()
    cached = _cached_inodes(git_repo.root)
    published = {p.stat().st_ino for p in output.rglob("*") if p.is_file()}
    assert not cached & published  # the output shares no storage with the cache
    assert run_process("build", str(git_repo.root), "-q", "--force").returncode == 0
    assert "Draft Sales" not in (output / "latest/teams/sales/index.html").read_text()


def _cached_inodes(root: Path) -> set[int]:
    """The cache's files, but for the standby: the output's own previous tree (it shares
    the files that did not change with the output, by design)."""
    cache = root / ".stratmap-cache"
    return {p.stat().st_ino for p in cache.rglob("*")
            if p.is_file() and not p.is_relative_to(cache / "standby")}


def test_a_tagged_versions_pages_are_linked_only_while_untouched(git_repo):
    """Tag pages come from the cache as copies; the next build links those still exactly
    as it left them, and copies again any that were changed or deleted."""
    git_repo.tag("strategy/2026-Q1", "2026-02-01T12:00:00+00:00")
    assert run_process("build", str(git_repo.root), "-q").returncode == 0
    output = git_repo.root / "output/2026-Q1"
    clean = snapshot(output)
    kept = output / "objectives/C1/index.html"
    tampered = output / "teams/sales/index.html"
    deleted = output / "scorecard/index.html"
    kept_inode = kept.stat().st_ino
    with open(tampered, "a") as page:
        page.write("<script>alert(1)</script>")
    deleted.unlink()
    assert run_process("build", str(git_repo.root), "-q", "--force").returncode == 0
    assert snapshot(output) == clean
    assert kept.stat().st_ino == kept_inode  # untouched: linked, not copied again
    cached = _cached_inodes(git_repo.root)
    assert not cached & {p.stat().st_ino for p in output.rglob("*") if p.is_file()}


def _standby_record(root: Path) -> Path:
    records = list((root / ".stratmap-cache" / "standby").glob("*.json"))
    assert len(records) == 1
    return records[0]


def test_a_tampered_standby_record_is_not_followed_out_of_the_tree(repo, tmp_path):
    """The standby's record comes from the cache, which is untrusted: a path in it that
    leads out of the tree makes the build ignore the record, never delete that path."""
    team = repo.root / "content/teams/sales.md"
    original = team.read_text()
    for name in ("Sales A", "Sales B"):  # the second build leaves a standby with a record
        team.write_text(original.replace("name: Sales", f"name: {name}"))
        assert run_process("build", str(repo.root), "-q").returncode == 0
    record = _standby_record(repo.root)
    data = json.loads(record.read_text())
    assert data["folder"] and data["files"]
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    depth = len(Path(repo.root / ".stratmap-cache/standby" / data["folder"]).relative_to(tmp_path).parts)
    data["files"].append("/".join([".."] * depth + ["victim.txt"]))
    record.write_text(json.dumps(data))
    team.write_text(original.replace("name: Sales", "name: Sales C"))
    assert run_process("build", str(repo.root), "-q").returncode == 0
    assert victim.read_text() == "keep me"
    assert "Sales C" in (repo.root / "output/latest/teams/sales/index.html").read_text()
    clean = tmp_path / "clean"
    shutil.copytree(repo.root, clean, ignore=shutil.ignore_patterns("output", ".stratmap-cache"))
    assert run_process("build", str(clean), "-q").returncode == 0
    assert snapshot(repo.root / "output") == snapshot(clean / "output")


def test_after_a_cold_build_the_next_build_records_only_what_changed_as_outdated(repo, tmp_path):
    """The first edit after a cold build makes the tree from nothing. Its `latest/` copies
    of unchanged pages are the output's own files (the record says what the output
    mirrors), so the standby it leaves lists as outdated only what the edit changed, and
    the build after it relinks nothing else. Every build still equals a clean one."""
    team = repo.root / "content/teams/sales.md"
    original = team.read_text()
    assert run_process("build", str(repo.root), "-q").returncode == 0  # cold
    team.write_text(original.replace("Forecast weekly", "Forecast daily"))  # its plan's text alone
    assert run_process("build", str(repo.root), "-q").returncode == 0
    outdated = set(json.loads(_standby_record(repo.root).read_text())["outdated"])
    assert {"next/teams/sales/index.html", "latest/teams/sales/index.html"} <= outdated
    assert not {"next/guidance/index.html", "latest/guidance/index.html",
                "next/objectives/C1/index.html", "latest/objectives/C1/index.html"} & outdated
    team.write_text(original.replace("Forecast weekly", "Forecast monthly"))
    assert run_process("build", str(repo.root), "-q").returncode == 0
    clean = tmp_path / "clean"
    shutil.copytree(repo.root, clean, ignore=shutil.ignore_patterns("output", ".stratmap-cache"))
    assert run_process("build", str(clean), "-q").returncode == 0
    assert snapshot(repo.root / "output") == snapshot(clean / "output")


def test_a_standby_record_naming_a_mirror_outside_the_tree_is_not_used(repo):
    team = repo.root / "content/teams/sales.md"
    original = team.read_text()
    for name in ("Sales A", "Sales B"):
        team.write_text(original.replace("name: Sales", f"name: {name}"))
        assert run_process("build", str(repo.root), "-q").returncode == 0
    record = _standby_record(repo.root)
    data = json.loads(record.read_text())
    data["mirrors"] = {"../../escape": "latest"}
    record.write_text(json.dumps(data))
    team.write_text(original.replace("name: Sales", "name: Sales C"))
    assert run_process("build", str(repo.root), "-q").returncode == 0
    assert "Sales C" in (repo.root / "output/latest/teams/sales/index.html").read_text()
    assert not (repo.root / ".stratmap-cache" / "escape").exists()


@pytest.mark.parametrize("path, inside", [
    ("next/teams/a/index.html", True), ("x/.hidden", True), ("...", True),
    ("", False), (".", False), ("..", False), ("a/../b", False), ("a/./b", False), ("a//b", False),
    ("/etc/passwd", False), ("a/", False), ("a\\b", False), ("a\0b", False), (3, False)])
def test_a_recorded_path_counts_only_when_it_stays_inside_the_tree(path, inside):
    """The standby's record is untrusted: each path in it is checked before it is used."""
    from stratmap.cache.standby import _inside
    assert _inside(path) is inside
