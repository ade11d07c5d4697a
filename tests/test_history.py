"""The demo with its quarterly history, built as `make site` builds it."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re

from conftest import snapshot
from sitecheck import broken_links


def test_versions_json(built_history):
    versions = json.loads((built_history / "versions.json").read_text())
    assert [(v["name"], v["latest"], v["draft"]) for v in versions] == [
        ("2026-Q1", False, False), ("2026-Q2", False, False), ("2026-Q3", True, False),
        ("Next", False, True)]
    assert len(versions) >= 4


def test_latest_is_the_newest_tag_not_the_draft(built_history):
    assert snapshot(built_history / "latest") == snapshot(built_history / "2026-Q3")


def test_links_resolve_across_every_version(built_history):
    assert broken_links(built_history) == []


def test_changes_page_summarises_and_links_both_versions(built_history):
    page = (built_history / "2026-Q2/changes/index.html").read_text()
    assert "What changed since 2026-Q1" in page
    assert 'href="../../2026-Q1/objectives/I7/index.html"' in page  # removed: links the old page
    assert 'href="../objectives/C2/index.html"' in page and "as in 2026-Q1" in page
    home = (built_history / "2026-Q2/index.html").read_text()
    assert "Since 2026-Q1:" in home and "objective" in home
    first = (built_history / "2026-Q1/changes/index.html").read_text()
    assert "nothing earlier to compare with" in first


def _marks(svg_page: str) -> dict[str, str]:
    """objective id → the change mark its node's tooltip carries."""
    return dict(re.findall(r'xlink:title="([A-Za-z0-9_-]+): [^"]*? — (added|removed|changed|unchanged)"', svg_page))


def test_change_map_marks_added_removed_and_changed(built_history):
    q2 = _marks((built_history / "2026-Q2/changes/index.html").read_text())
    assert q2["I7"] == "removed" and q2["L2"] == "changed" and q2["C2"] == "changed"
    assert q2["I6"] == "unchanged"
    q3 = _marks((built_history / "2026-Q3/changes/index.html").read_text())
    assert q3["C3"] == "added" and q3["I5"] == "added"
    draft = _marks((built_history / "next/changes/index.html").read_text())
    assert draft["L4"] == "added"


def _trend_rows(page: str) -> list[tuple[str, str, str]]:
    """(date, actual, from) of each row of a page's first trend table, as text."""
    table = page.split('class="trend-table"')[1].split("</table>")[0]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S):
        cells = [re.sub(r"<[^>]+>", "", cell).strip()
                 for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        rows.append((cells[0], cells[1], cells[3]))
    return rows


def test_kpi_trend_shows_every_published_version(built_history):
    page = (built_history / "next/objectives/C1/index.html").read_text()
    sources = [source for _, _, source in _trend_rows(page)]
    assert sources[-4:] == ["published in 2026-Q1", "published in 2026-Q2", "published in 2026-Q3",
                            "this version"]
    assert "<svg class=\"trend\"" in page


def test_a_trend_has_one_point_per_date_in_date_order(built_history):
    """C2's history repeats the dates of the published quarters (24 on 2026-03-31, 29 on
    2026-06-30): each date is one point, the published version's, never 24→29→24→29."""
    rows = _trend_rows((built_history / "2026-Q3/objectives/C2/index.html").read_text())
    dates = [date for date, _, _ in rows]
    assert dates == sorted(set(dates)), rows
    assert [(d, a.split()[0]) for d, a, _ in rows] == [
        ("2026-03-31", "24"), ("2026-06-30", "29"), ("2026-09-30", "31")]
    assert [s for _, _, s in rows] == ["published in 2026-Q1", "published in 2026-Q2", "this version"]


def test_draft_is_badged_on_every_page(built_history):
    pages = list((built_history / "next").rglob("index.html"))
    assert len(pages) > 20
    assert all("not yet published" in p.read_text() for p in pages)
    assert not any("not yet published" in p.read_text() for p in (built_history / "2026-Q3").rglob("index.html"))


def test_each_tag_holds_exactly_its_quarter_snapshot(built_history):
    import subprocess

    from conftest import REPO_ROOT
    repository = built_history.parent
    snapshots = {f"strategy/{p.name}": p / "content" for p in (REPO_ROOT / "demo/history").iterdir()}
    snapshots["HEAD"] = REPO_ROOT / "content"
    for ref, folder in snapshots.items():
        listed = subprocess.run(["git", "-C", str(repository), "ls-tree", "-r", "--name-only", ref, "content"],
                                capture_output=True, text=True, check=True).stdout.split()
        expected = sorted(f"content/{p.relative_to(folder).as_posix()}" for p in folder.rglob("*") if p.is_file())
        assert sorted(listed) == expected, ref
        for name in expected:
            stored = subprocess.run(["git", "-C", str(repository), "show", f"{ref}:{name}"],
                                    capture_output=True, check=True).stdout
            assert stored == (folder / name.removeprefix("content/")).read_bytes(), (ref, name)


def test_the_demo_history_shows_every_kind_of_change(built_history):
    from stratmap.diff.compute import diff_models
    from stratmap.model.settings import VersionSettings
    from stratmap.validate import validate
    from stratmap.versions import discover

    versions = discover(built_history.parent, VersionSettings(draft="Next"))
    models = [validate(v.tree, v.as_of).model for v in versions]
    diffs = [diff_models(a, b, "old", "new") for a, b in itertools.pairwise(models)]
    seen: set[str] = set()
    for d in diffs:
        seen |= {f"strategy.{f.field}" for f in d.strategy}
        for name in ("imperatives_added", "tradeoffs_added", "interlocks_added"):
            if getattr(d, name):
                seen.add(name)
        for o in d.objectives:
            seen.add(f"objective.{o.kind}")
            seen |= {f"objective.{f.field}" for f in o.fields}
            seen |= {f"objective.kpi.{m.field}" for m in o.kpi_moves}
            seen |= {f"objective.{name}" for name in ("arrows_added", "arrows_removed", "kpis_added",
                     "kpis_removed", "initiatives_added", "initiatives_removed", "initiative_status",
                     "body") if getattr(o, name)}
        for t in d.teams:
            seen.add(f"team.{t.kind}")
            seen |= {f"team.{f.field}" for f in t.fields}
            seen |= {f"team.{name}" for name in ("priorities_added", "priorities_removed",
                     "priorities_repointed", "changes_added", "changes_removed", "stop_doing_added",
                     "stop_doing_removed", "body") if getattr(t, name)}
            for p in t.priorities_changed:
                seen |= {f"team.priority.{name}" for name in ("plan", "roles_added", "roles_changed")
                         if getattr(p, name)}
        for g in d.guidance:
            seen.add(f"guidance.{g.kind}")
            seen |= {f"guidance.{name}" for name in ("do_added", "do_removed", "dont_added",
                     "dont_removed") if getattr(g, name)}
    expected = {
        "strategy.vision", "strategy.revenue_target", "imperatives_added", "tradeoffs_added",
        "interlocks_added", "objective.added", "objective.removed", "objective.changed",
        "objective.title", "objective.perspective", "objective.imperative", "objective.owner",
        "objective.arrows_added", "objective.arrows_removed", "objective.kpis_added",
        "objective.kpis_removed", "objective.kpi.baseline", "objective.kpi.target",
        "objective.kpi.actual", "objective.kpi.direction", "objective.initiatives_added",
        "objective.initiatives_removed", "objective.initiative_status", "objective.body",
        "team.added", "team.removed", "team.changed", "team.priorities_added",
        "team.priorities_removed", "team.priorities_repointed", "team.priority.plan",
        "team.priority.roles_added", "team.changes_added", "team.changes_removed",
        "team.stop_doing_added", "team.stop_doing_removed", "team.approved_on", "team.reviewed_on",
        "team.parent", "guidance.added", "guidance.removed", "guidance.do_added", "guidance.do_removed",
        "guidance.dont_added"}
    assert expected - seen == set()


def test_a_teams_own_kpi_actuals_have_a_trend_across_the_published_versions(built_history):
    page = (built_history / "2026-Q3/teams/enterprise-east/index.html").read_text()
    assert "Trend of the team&#39;s Enterprise NPS" in page or "Trend of the team's Enterprise NPS" in page
    rows = _trend_rows(page)
    assert [(date, source) for date, _, source in rows] == [
        ("2026-03-31", "published in 2026-Q1"), ("2026-06-30", "published in 2026-Q2"),
        ("2026-09-30", "this version")]


def _visible_text(page: str) -> str:
    """The words a reader sees: no scripts, no drawings' hidden titles, no tags."""
    import html
    import re

    main = page[page.index("<main"):page.index("</main>")]
    main = re.sub(r"<(svg|script)\b.*?</\1>", " ", main, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", main))


def test_every_page_of_an_earlier_version_says_so_and_the_newest_does_not(built_history):
    for version in ("2026-Q1", "2026-Q2"):
        pages = list((built_history / version).rglob("*.html"))
        assert pages
        for page in pages:
            text = page.read_text()
            assert 'class="version-banner old-banner"' in text and "latest/index.html" in text, page
    for page in (built_history / "2026-Q3").rglob("*.html"):
        assert "old-banner" not in page.read_text(), page
    for page in (built_history / "next").rglob("*.html"):
        assert 'class="version-banner draft-banner"' in page.read_text(), page


def test_the_changes_pages_read_as_prose(built_history):
    import re

    for version in ("2026-Q2", "2026-Q3", "next"):
        text = _visible_text((built_history / version / "changes/index.html").read_text())
        for marker in ("**", "##", "]("):
            assert marker not in text, (version, marker)
        assert not re.findall(r"\b[a-z]+_[a-z_]+\b", text), version  # approved_on, as_of, …


def test_a_team_page_lists_what_changed_for_it_exactly_as_the_diff_does(built_history):
    import html
    import re

    from stratmap.diff.compute import diff_models
    from stratmap.diff.format import team_details
    from stratmap.source.git import GitTree, git
    from stratmap.validate import validate

    root = built_history.parent

    def model(tag: str):
        commit = git(root, "rev-list", "-n", "1", tag).decode().strip()
        return validate(GitTree(root, commit, ""), dt.date(2026, 9, 30)).model

    diff = diff_models(model("strategy/2026-Q2"), model("strategy/2026-Q3"), "2026-Q2", "2026-Q3")
    assert diff.teams
    for change in diff.teams:
        if change.kind == "removed":
            continue
        page = (built_history / f"2026-Q3/teams/{change.slug}/index.html").read_text()
        block = page[page.index('<details class="team-changes"'):page.index("</details>")]
        shown = [html.unescape(re.sub(r"<[^>]+>", "", item)).strip()
                 for item in re.findall(r"<li>(.*?)</li>", block, re.S)]
        assert shown == team_details(change, diff, with_body=False), change.slug
