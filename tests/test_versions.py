"""Versions from git tags, read without touching the user's working tree."""

from __future__ import annotations

import json

from conftest import run, snapshot
from sitecheck import broken_links
from stratmap.model.settings import VersionSettings
from stratmap.versions import discover

OBJECTIVE = "content/objectives/C1.md"


def retitle(repo, title: str) -> None:
    path = repo.root / OBJECTIVE
    text = path.read_text()
    start = text.index("title: ") + len("title: ")
    path.write_text(text[:start] + title + text[text.index("\n", start):])


def three_quarters(repo) -> None:
    """Tags out of name order on purpose: order is by date."""
    retitle(repo, "First")
    repo.commit("q1", "2026-03-31T12:00:00+00:00")
    repo.tag("strategy/2026-Q1", "2026-03-31T12:00:00+00:00", annotated=True)
    retitle(repo, "Second")
    repo.commit("q2", "2026-06-30T12:00:00+00:00")
    repo.tag("strategy/2026-Q2", "2026-06-30T12:00:00+00:00", annotated=False)
    repo.tag("experiment/2026-Q2b", "2026-07-01T12:00:00+00:00")
    retitle(repo, "Draft")


def names(root, **settings) -> list[tuple[str, str | None, bool]]:
    return [(v.name, v.date.isoformat() if v.date else None, v.draft)
            for v in discover(root, VersionSettings(**settings))]


def test_annotated_and_lightweight_tags_in_date_order(git_repo):
    three_quarters(git_repo)
    assert names(git_repo.root, draft="Next") == [("2026-Q1", "2026-03-31", False),
                                                  ("2026-Q2", "2026-06-30", False),
                                                  ("Next", None, True)]


def test_tag_date_beats_tag_name(git_repo):
    git_repo.commit("late", "2026-09-30T12:00:00+00:00")
    git_repo.tag("strategy/a-late", "2026-09-30T12:00:00+00:00")
    git_repo.tag("strategy/z-early", "2026-02-01T12:00:00+00:00")  # tagger date earlier
    assert [n for n, _, _ in names(git_repo.root)] == ["z-early", "a-late"]


def test_no_draft_when_not_configured(git_repo):
    three_quarters(git_repo)
    assert [n for n, _, _ in names(git_repo.root)] == ["2026-Q1", "2026-Q2"]


def test_other_glob(git_repo):
    three_quarters(git_repo)
    assert [n for n, _, _ in names(git_repo.root, tags="experiment/*")] == ["2026-Q2b"]


def test_outside_git_or_without_tags_the_working_tree_is_the_only_version(repo, git_repo):
    assert names(git_repo.root) == [("current", None, False)]
    assert names(git_repo.root, draft="Next") == [("Next", None, True)]


def test_no_git_at_all(repo):
    assert names(repo.root) == [("current", None, False)]


def test_versioned_site(git_repo):
    three_quarters(git_repo)
    git_repo.write("stratmap.yaml", 'versions: {tags: "strategy/*", draft: Next}\n')
    before = git_repo.state()
    result = run("build", str(git_repo.root), "-q")
    assert result.exit_code == 0, result.output
    assert git_repo.state() == before
    site = git_repo.root / "output"
    versions = json.loads((site / "versions.json").read_text())
    assert [(v["name"], v["path"], v["date"], v["latest"], v["draft"]) for v in versions] == [
        ("2026-Q1", "2026-Q1/", "2026-03-31", False, False),
        ("2026-Q2", "2026-Q2/", "2026-06-30", True, False),
        ("Next", "next/", None, False, True)]
    assert "First" in (site / "2026-Q1/objectives/C1/index.html").read_text()
    assert "Second" in (site / "2026-Q2/objectives/C1/index.html").read_text()
    assert "Draft" in (site / "next/objectives/C1/index.html").read_text()
    assert "not yet published" in (site / "next/teams/sales/index.html").read_text()
    latest, newest = snapshot(site / "latest"), snapshot(site / "2026-Q2")
    assert latest == newest
    assert broken_links(site) == []


def test_pages_lists_match_the_files_for_the_switcher(git_repo):
    three_quarters(git_repo)
    git_repo.write(OBJECTIVE.replace("C1", "C9"), (git_repo.root / OBJECTIVE).read_text()
                   .replace("id: C1", "id: C9").replace("drives: [F1]", "drives: [F1]"))
    git_repo.write("stratmap.yaml", 'versions: {draft: Next}\n')
    assert run("build", str(git_repo.root), "-q").exit_code == 0
    site = git_repo.root / "output"
    for version in json.loads((site / "versions.json").read_text()):
        folder = site / version["path"]
        script = (folder / "pages.js").read_text()
        listed = json.loads(script[script.index("] = ") + 4:].rstrip().rstrip(";"))
        on_disk = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("index.html"))
        assert sorted(listed) == on_disk
    assert (site / "next/objectives/C9/index.html").is_file()
    assert not (site / "2026-Q2/objectives/C9/index.html").exists()


def test_a_bad_old_tag_is_skipped_and_reported(git_repo):
    git_repo.write(OBJECTIVE, "---\nid: C1\ntitle: [broken\n---\n")
    git_repo.commit("broken", "2026-03-31T12:00:00+00:00")
    git_repo.tag("strategy/2026-Q1", "2026-03-31T12:00:00+00:00")
    git_repo.remove(OBJECTIVE)
    from conftest import FIXTURES
    git_repo.write(OBJECTIVE, (FIXTURES / "minimal" / OBJECTIVE).read_text())
    git_repo.commit("fixed", "2026-06-30T12:00:00+00:00")
    git_repo.tag("strategy/2026-Q2", "2026-06-30T12:00:00+00:00")
    from conftest import run_process
    result = run_process("build", str(git_repo.root), "-q")
    assert result.returncode == 0, result.stderr
    assert "strategy/2026-Q1 (skipped: it does not validate)" in result.stderr
    assert "content/objectives/C1.md:4:1: error" in result.stderr
    versions = json.loads((git_repo.root / "output/versions.json").read_text())
    assert [(v["name"], v["available"]) for v in versions] == [("2026-Q1", False), ("2026-Q2", True),
                                                               ("Next", True)]
    assert not (git_repo.root / "output/2026-Q1").exists()


def test_a_bad_newest_tag_fails_the_build(git_repo):
    git_repo.write(OBJECTIVE, "---\nid: C1\ntitle: [broken\n---\n")
    git_repo.commit("broken", "2026-03-31T12:00:00+00:00")
    git_repo.tag("strategy/2026-Q1", "2026-03-31T12:00:00+00:00")
    assert run("build", str(git_repo.root), "-q").exit_code == 1


def test_tagged_versions_are_checked_against_the_tag_date(git_repo):
    # reviewed 2026-10-01; the tag is 2026-11-01: fresh then, stale today (and later)
    git_repo.tag("strategy/2026-Q4", "2026-11-01T12:00:00+00:00")
    from stratmap.validate import validate
    version = discover(git_repo.root, VersionSettings())[0]
    assert version.as_of.isoformat() == "2026-11-01"
    assert not [f for f in validate(version.tree, version.as_of).findings if f.rule == "stale-review"]


def test_strategy_in_a_subfolder_of_the_repository(tmp_path):
    import shutil

    from conftest import FIXTURES, GitRepo, git
    top = tmp_path / "company"
    shutil.copytree(FIXTURES / "minimal", top / "docs" / "strategy")
    git(top, "init", "-q", "-b", "main")
    repository = GitRepo(top)
    repository.commit("start", "2026-03-31T12:00:00+00:00")
    repository.tag("strategy/2026-Q1", "2026-03-31T12:00:00+00:00")
    result = run("build", str(top / "docs" / "strategy"), "-q")
    assert result.exit_code == 0, result.output
    assert (top / "docs/strategy/output/2026-Q1/objectives/C1/index.html").is_file()


def add_third_quarter(repo) -> None:
    repo.commit("q3", "2026-09-30T12:00:00+00:00")
    repo.tag("strategy/2026-Q3", "2026-09-30T12:00:00+00:00")


def clean_build_of(repo, folder):
    """The same repository built with no output or cache of its own."""
    import shutil

    from stratmap.build import BuildOptions, build_site
    shutil.copytree(repo.root, folder, ignore=shutil.ignore_patterns("output", ".stratmap-cache"))
    build_site(BuildOptions(folder))
    return snapshot(folder / "output")


def test_adding_a_tag_re_marks_the_one_it_supersedes(git_repo, tmp_path):
    """The newest version before the tag now says it is an earlier one. Only each page's
    version note changes, so its pages are made from those of when it was the newest, not
    rendered again; the versions before it come from the cache. Same bytes as a clean build."""
    three_quarters(git_repo)
    from stratmap.build import BuildOptions, build_site
    git_repo.write("stratmap.yaml", "versions: {draft: null}\n")
    first = build_site(BuildOptions(git_repo.root, force=True))
    assert (first.versions_rendered, first.versions_from_cache, first.versions_re_marked) == (2, 0, 0)
    assert "An earlier version" not in (git_repo.root / "output/2026-Q2/index.html").read_text()
    add_third_quarter(git_repo)
    second = build_site(BuildOptions(git_repo.root, force=True))
    assert (second.versions_rendered, second.versions_from_cache, second.versions_re_marked) == (2, 1, 1)
    assert "1 re-marked as earlier" in second.summary()
    page = (git_repo.root / "output/2026-Q2/objectives/C1/index.html").read_text()
    assert "An earlier version" in page and "(not the current version)" in page
    assert 'href="../../../latest/index.html" data-latest-link' in page  # from the page's own depth
    assert "An earlier version" not in (git_repo.root / "output/2026-Q3/index.html").read_text()
    assert "Draft" in (git_repo.root / "output/2026-Q3/objectives/C1/index.html").read_text()
    assert snapshot(git_repo.root / "output") == clean_build_of(git_repo, tmp_path / "clean")


def test_the_tag_a_new_one_supersedes_is_read_again_from_its_kept_parses(git_repo, monkeypatch):
    """A new tag's build reads the tag before it again, for what changed since. That tag's
    files were parsed when it was validated as the newest, and kept: a new process does
    not parse them again."""
    import stratmap.build
    import stratmap.source.parse_cache as parse_cache
    from stratmap.build import BuildOptions, build_site
    three_quarters(git_repo)
    git_repo.write("stratmap.yaml", "versions: {draft: null}\n")
    build_site(BuildOptions(git_repo.root))
    build_site(BuildOptions(git_repo.root, force=True))  # validates nothing: must keep them
    retitle(git_repo, "Third")  # Q3 differs from Q2 in this objective's title only
    add_third_quarter(git_repo)
    stratmap.build._TAG_MODELS.clear()  # as in a new process
    parsed: list[str] = []
    real = parse_cache.parse_yaml

    def noted(text, relpath, **options):
        parsed.append(relpath)
        return real(text, relpath, **options)
    monkeypatch.setattr(parse_cache, "parse_yaml", noted)
    result = build_site(BuildOptions(git_repo.root))
    assert result.versions_re_marked == 1  # Q2's pages say it is earlier: the change since it was read
    assert parsed.count(OBJECTIVE) == 1, parsed  # Q3's; Q2's title came from its kept parse


def test_a_theme_that_shows_newness_elsewhere_gets_the_superseded_version_rendered(git_repo, tmp_path):
    """Swapping the note is right only while the note is all that says whether a version
    is the newest: a theme template asking `version.latest` itself gets a full render."""
    three_quarters(git_repo)
    from stratmap.build import BuildOptions, build_site
    (git_repo.root / "brand/templates").mkdir(parents=True)
    (git_repo.root / "brand/templates/objective.html").write_text(
        '{% extends "base.html" %}{% block content %}<h1>{{ objective.title }}</h1>'
        '{% if version.latest %}<p>Newest of all</p>{% endif %}{% endblock %}')
    git_repo.write("stratmap.yaml", "theme: brand\nversions: {draft: null}\n")
    build_site(BuildOptions(git_repo.root))
    assert "Newest of all" in (git_repo.root / "output/2026-Q2/objectives/C1/index.html").read_text()
    add_third_quarter(git_repo)
    second = build_site(BuildOptions(git_repo.root))
    assert (second.versions_rendered, second.versions_re_marked) == (2, 0)
    assert "Newest of all" not in (git_repo.root / "output/2026-Q2/objectives/C1/index.html").read_text()
    assert snapshot(git_repo.root / "output") == clean_build_of(git_repo, tmp_path / "clean")


def test_a_superseded_version_whose_pages_lack_the_note_is_rendered_again_whole(git_repo, tmp_path):
    """Re-marking puts each page into the new site as it goes, and stops at a page whose
    version note it cannot find (a theme's page without one): the version is then rendered
    in full over what it put, as a clean build makes it."""
    three_quarters(git_repo)
    from stratmap.build import BuildOptions, build_site
    (git_repo.root / "brand/templates").mkdir(parents=True)
    (git_repo.root / "brand/templates/objective.html").write_text(
        "<!doctype html><title>{{ objective.title }}</title><h1>{{ objective.title }}</h1>")
    git_repo.write("stratmap.yaml", "theme: brand\nversions: {draft: null}\n")
    build_site(BuildOptions(git_repo.root))
    add_third_quarter(git_repo)
    second = build_site(BuildOptions(git_repo.root))
    assert (second.versions_rendered, second.versions_re_marked) == (2, 0)
    assert "An earlier version" in (git_repo.root / "output/2026-Q2/index.html").read_text()
    assert snapshot(git_repo.root / "output") == clean_build_of(git_repo, tmp_path / "clean")


def test_only_rebuilds_one_version(git_repo):
    three_quarters(git_repo)
    git_repo.write("stratmap.yaml", 'versions: {draft: Next}\n')
    assert run("build", str(git_repo.root), "-q").exit_code == 0
    retitle(git_repo, "Draft two")
    from stratmap.build import BuildOptions, build_site
    result = build_site(BuildOptions(git_repo.root, only="Next"))
    assert (result.versions_rendered, result.versions_kept) == (1, 2)
    assert "Draft two" in (git_repo.root / "output/next/objectives/C1/index.html").read_text()
    assert (git_repo.root / "output/2026-Q1/index.html").is_file()


def test_a_build_from_warm_caches_equals_a_clean_build(git_repo, tmp_path):
    import shutil

    from stratmap.build import BuildOptions, build_site
    three_quarters(git_repo)
    git_repo.write("stratmap.yaml", 'versions: {tags: "strategy/*", draft: Next}\n')
    build_site(BuildOptions(git_repo.root))
    retitle(git_repo, "Third")
    git_repo.commit("q3", "2026-09-30T12:00:00+00:00")
    git_repo.tag("strategy/2026-Q3", "2026-09-30T12:00:00+00:00")
    retitle(git_repo, "Draft again")
    warm = build_site(BuildOptions(git_repo.root))
    assert warm.versions_from_cache == 1  # Q1; Q2 is no longer the newest: rendered again
    clean = tmp_path / "clean"
    shutil.copytree(git_repo.root, clean, ignore=shutil.ignore_patterns("output", ".stratmap-cache"))
    build_site(BuildOptions(clean))
    assert snapshot(git_repo.root / "output") == snapshot(clean / "output")
    trend = (git_repo.root / "output/next/objectives/C1/index.html").read_text()
    assert "published in 2026-Q1" in trend and "published in 2026-Q3" in trend


def test_a_new_site_title_reaches_the_cached_versions(git_repo):
    from stratmap.build import BuildOptions, build_site
    three_quarters(git_repo)
    build_site(BuildOptions(git_repo.root))
    git_repo.write("stratmap.yaml", "title: Renamed Strategy Site\n")
    build_site(BuildOptions(git_repo.root))
    assert "Renamed Strategy Site" in (git_repo.root / "output/2026-Q1/index.html").read_text()


def test_a_plan_text_edit_in_the_draft_reaches_its_summary_of_changes(git_repo, tmp_path):
    """With a version before it, a plan's text shows on the changes page and counts in the
    home page's summary: editing it must re-render both, as a clean build would."""
    import shutil

    from stratmap.build import BuildOptions, build_site
    three_quarters(git_repo)
    git_repo.write("stratmap.yaml", 'versions: {tags: "strategy/*", draft: Next}\n')
    build_site(BuildOptions(git_repo.root))
    team = git_repo.root / "content/teams/sales.md"
    team.write_text(team.read_text() + "\nWe now also coach every new hire in the field.\n")
    warm = build_site(BuildOptions(git_repo.root))
    assert warm.pages_reused > 0
    clean = tmp_path / "clean"
    shutil.copytree(git_repo.root, clean, ignore=shutil.ignore_patterns("output", ".stratmap-cache"))
    build_site(BuildOptions(clean))
    assert snapshot(git_repo.root / "output") == snapshot(clean / "output")
    assert "coach every new hire" in (git_repo.root / "output/next/changes/index.html").read_text()


def test_a_build_that_renders_no_version_keeps_the_maps_the_cached_ones_show(git_repo):
    """The cache keeps the laid-out maps that some version of the last build shows. A tag
    taken from the cache shows the maps it was rendered with: a build that renders no
    version (a working-tree commit with no draft) must not throw them away, or the next
    tag, mostly the same content, lays every map out again."""
    import os

    from stratmap.build import BuildOptions, build_site
    from stratmap.cache.layout import CacheLayout
    three_quarters(git_repo)
    git_repo.write("stratmap.yaml", "versions: {draft: null}\n")
    cache = CacheLayout.of(git_repo.root)
    build_site(BuildOptions(git_repo.root, force=True))
    maps = set(os.listdir(cache.diagrams))
    again = build_site(BuildOptions(git_repo.root, force=True))
    assert (again.versions_from_cache, again.diagrams_rendered, again.diagrams_from_cache) == (2, 0, 0)
    assert set(os.listdir(cache.diagrams)) == maps
    retitle(git_repo, "Second")
    add_third_quarter(git_repo)  # Q2's content again: Q2 re-marked as earlier, Q3 rendered
    third = build_site(BuildOptions(git_repo.root))
    assert third.versions_re_marked == 1
    assert (third.diagrams_rendered, third.diagrams_from_cache) == (1, 3)  # its change map is new
    records = [json.loads(p.read_text()) for p in (cache.root / "versions").glob("*.pages")]
    assert len(records) == 4 and all(record["maps"] for record in records)  # Q1, Q2 twice, Q3
    fourth = build_site(BuildOptions(git_repo.root, force=True))
    assert fourth.versions_from_cache == 3
    assert maps <= set(os.listdir(cache.diagrams))  # Q3's change map besides
