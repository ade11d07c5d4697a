"""Pages link to the content file they show: "Edit this page" in the working tree's
version, "View source" at the tag in a published one (SPEC §5)."""

from __future__ import annotations

import re

from conftest import GitRepo, git, run
from stratmap.model.settings import Settings
from stratmap.site.source_links import source_link


def _links(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<p class="source-link"><a href="([^"]+)"[^>]*>([^<]+)</a>', page)


def test_draft_pages_link_to_the_editor_and_tagged_ones_to_the_file_at_the_tag(tmp_path, repo):
    top = tmp_path / "company"
    top.mkdir()
    repo.root.rename(top / "strategy")  # the strategy in a subfolder of the repository
    settings = top / "strategy/stratmap.yaml"
    settings.write_text(settings.read_text() + "repo_url: https://github.com/acme/company\n")
    git(top, "init", "-q", "-b", "main")
    company = GitRepo(top)
    company.commit("start", "2026-09-30T12:00:00+00:00")
    company.tag("strategy/2026-Q3", "2026-10-01T12:00:00+00:00")
    out = tmp_path / "site"
    assert run("build", str(top / "strategy"), "--out", str(out)).exit_code == 0
    team = "content/teams/sales.md"
    assert _links((out / "next/teams/sales/index.html").read_text()) == [
        (f"https://github.com/acme/company/edit/main/strategy/{team}", "Edit this page")]
    assert _links((out / "2026-Q3/teams/sales/index.html").read_text()) == [
        (f"https://github.com/acme/company/blob/strategy/2026-Q3/strategy/{team}", "View source")]
    assert _links((out / "next/index.html").read_text())[0][0].endswith("strategy/content/strategy.md")
    guidance = _links((out / "next/guidance/index.html").read_text())
    assert guidance == [("https://github.com/acme/company/edit/main/strategy/content/guidance/"
                         "discovery.md", "Edit this page")]
    assert _links((out / "next/scorecard/index.html").read_text()) == []  # no file of its own


def test_without_repo_url_there_is_no_link(repo, tmp_path):
    assert run("build", str(repo.root), "--out", str(tmp_path / "site")).exit_code == 0
    assert "source-link" not in (tmp_path / "site/next/teams/sales/index.html").read_text()


def test_gitlab_hosts_and_a_custom_edit_uri():
    gitlab = Settings(repo_url="https://gitlab.example.com/sales/strategy")
    assert source_link(gitlab, "", None, "content/strategy.md").url == \
        "https://gitlab.example.com/sales/strategy/-/edit/main/content/strategy.md"
    assert source_link(gitlab, "", "strategy/2026 Q3", "content/strategy.md").url == \
        "https://gitlab.example.com/sales/strategy/-/blob/strategy/2026%20Q3/content/strategy.md"
    trunk = Settings(repo_url="https://github.com/acme/s/", edit_uri="edit/trunk/")
    assert source_link(trunk, "", None, "content/teams/a b.md").url == \
        "https://github.com/acme/s/edit/trunk/content/teams/a%20b.md"


def test_a_repo_url_that_is_no_web_address_is_refused(repo):
    settings = repo.root / "stratmap.yaml"
    settings.write_text(settings.read_text() + "repo_url: javascript:alert(1)\n")
    result = run("validate", str(repo.root))
    assert result.exit_code == 1 and "[bad-url]" in result.output
