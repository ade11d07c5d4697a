"""The cache keeps what builds will read again, not everything any build ever made."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import run_process, snapshot
from stratmap.cache.layout import CacheLayout, compiled_templates


def _build(root: Path) -> None:
    result = run_process("build", str(root), "-q")
    assert result.returncode == 0, result.stderr


def test_an_upgrade_leaves_no_parse_cache_or_templates_of_the_old_version(repo, tmp_path):
    cache = CacheLayout.of(repo.root)
    old_parses = cache.root / "parsed" / "0123456789abcdef.json"
    old_templates = cache.root / "templates" / "0123456789abcdef"
    old_templates.mkdir(parents=True)
    (old_templates / "x.signed").write_bytes(b"old")
    old_parses.parent.mkdir()
    old_parses.write_text("{}")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("not the cache's")
    link = cache.root / "templates" / "fedcba9876543210"
    link.symlink_to(outside)
    notes = cache.root / "parsed" / "notes.txt"  # not named as a build names its files
    notes.write_text("mine")
    _build(repo.root)
    assert not old_parses.exists() and not old_templates.exists()
    assert not link.is_symlink() and (outside / "keep.txt").read_text() == "not the cache's"
    assert notes.read_text() == "mine"
    assert cache.parsed.is_file() and any(compiled_templates().iterdir())  # this version's stay


def test_a_cold_build_of_another_repository_compiles_no_template_of_the_built_in_theme(tmp_path, monkeypatch):
    """Compiled templates are the user's: the built-in theme's are compiled once for every
    repository, and an older stratmap's are removed from there as from a repository."""
    from jinja2 import Environment

    from conftest import copy_demo
    from stratmap.build import BuildOptions, build_site
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    older = compiled_templates().parent / "0123456789abcdef"
    older.mkdir(parents=True)
    build_site(BuildOptions(copy_demo(tmp_path / "first")))
    assert not older.exists() and any(compiled_templates().iterdir())
    compiled: list[str] = []
    real = Environment.compile
    monkeypatch.setattr(Environment, "compile", lambda self, source, name=None, *rest, **options:
                        compiled.append(name) or real(self, source, name, *rest, **options))
    second = copy_demo(tmp_path / "second")
    build_site(BuildOptions(second))
    assert compiled == [] and (second / "output/index.html").is_file()
    assert not (CacheLayout.of(second).root / "templates").exists()


def test_without_a_user_cache_folder_to_write_builds_and_validates_still_work(repo, tmp_path):
    """The signing key and the compiled templates live in the user's cache folder; where it
    cannot be made (a read-only home, a file in the way), nothing is kept there and every
    command still does its work."""
    import os

    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    env = {**os.environ, "XDG_CACHE_HOME": str(blocked / "cache")}
    for _ in range(2):  # the second build finds no signed parse cache either, and says nothing of it
        built = run_process("build", str(repo.root), "-q", env=env)
        assert built.returncode == 0 and built.stderr == "", built.stderr
    assert (repo.root / "output/index.html").is_file()
    assert not CacheLayout.of(repo.root).parsed.exists()  # unsigned, it would be trusted by no one
    checked = run_process("validate", str(repo.root), "--as-of", "2026-11-01", env=env)
    assert checked.returncode == 0 and checked.stdout == "no problems found\n", checked.stderr


def test_cache_folders_that_cannot_be_written_cost_time_not_the_build(repo, tmp_path):
    """A file where the parse cache's or the maps' folder should be: the build parses and
    lays out again and writes the same site; validate says the same."""
    _build(repo.root)
    expected = snapshot(repo.root / "output")
    cache = CacheLayout.of(repo.root)
    for folder in (cache.parsed.parent, cache.diagrams):
        shutil.rmtree(folder)
        folder.write_text("in the way")
    built = run_process("build", str(repo.root), "-q", "--force")  # parsed and laid out again
    assert built.returncode == 0 and built.stderr == "", built.stderr
    assert snapshot(repo.root / "output") == expected
    checked = run_process("validate", str(repo.root), "--as-of", "2026-11-01")
    assert checked.returncode == 0 and checked.stdout == "no problems found\n", checked.stderr


def test_a_settings_change_leaves_one_rendered_copy_of_each_tag(git_repo):
    git_repo.tag("strategy/2026-Q1", "2026-01-01T12:00:00+00:00")
    _build(git_repo.root)
    versions = CacheLayout.of(git_repo.root).root / "versions"
    first = sorted(p.name for p in versions.iterdir())
    assert len(first) == 2  # the tag's pages and the file that says they are complete
    settings = git_repo.root / "stratmap.yaml"
    settings.write_text(settings.read_text().replace("Our Sales Strategy", "Our Strategy"))
    _build(git_repo.root)
    second = sorted(p.name for p in versions.iterdir())
    assert len(second) == 2 and not set(first) & set(second)  # rendered anew; the old copy gone
    published = git_repo.root / "output/2026-Q1/index.html"
    assert "Our Strategy" in published.read_text()
    _build(git_repo.root)  # up to date: nothing rendered, nothing removed
    assert sorted(p.name for p in versions.iterdir()) == second


def test_a_build_of_one_version_removes_nothing(git_repo):
    git_repo.tag("strategy/2026-Q1", "2026-01-01T12:00:00+00:00")
    _build(git_repo.root)
    versions = CacheLayout.of(git_repo.root).root / "versions"
    before = sorted(p.name for p in versions.iterdir())
    result = run_process("build", str(git_repo.root), "-q", "--only", "Next")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in versions.iterdir()) == before


def test_maps_no_longer_drawn_leave_the_cache(repo):
    _build(repo.root)
    diagrams = CacheLayout.of(repo.root).diagrams
    first = {p.name for p in diagrams.glob("*.svg")}
    objective = repo.root / "content/objectives/C1.md"
    objective.write_text(objective.read_text().replace("title: ", "title: Renamed ", 1))
    _build(repo.root)
    second = {p.name for p in diagrams.glob("*.svg")}
    assert len(second) == len(first) == 3 and not first & second  # every map shows C1
    objective.write_text(objective.read_text().replace("title: Renamed ", "title: ", 1))
    result = run_process("build", str(repo.root))
    assert result.returncode == 0, result.stderr
    assert {p.name for p in diagrams.glob("*.svg")} == first
    assert "diagrams: 3 rendered, 0 from cache" in result.stdout  # drawn again: they had gone


def test_maps_kept_in_memory_by_serve_stay_in_the_cache(repo):
    """serve reuses the maps of its last build without reading their files; they are
    this build's maps all the same."""
    from stratmap.build import BuildOptions, build_site
    from stratmap.source.parse_cache import parse_cache_for

    options = BuildOptions(repo.root, parse_cache=parse_cache_for(repo.root), serving=True)
    build_site(options)
    diagrams = CacheLayout.of(repo.root).diagrams
    drawn = {p.name for p in diagrams.glob("*.svg")}
    team = repo.root / "content/teams/sales.md"
    team.write_text(team.read_text().replace("leader: ", "leader: VP ", 1))  # no map shows it
    result = build_site(options)
    assert result.diagrams_rendered == 0 and not result.up_to_date
    assert {p.name for p in diagrams.glob("*.svg")} == drawn
