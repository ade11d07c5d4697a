"""The demo with its quarterly history, built as `make site` builds it."""

from __future__ import annotations

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


def test_kpi_trend_shows_every_published_version(built_history):
    page = (built_history / "next/objectives/C1/index.html").read_text()
    rows = re.findall(r"<tr><th scope=\"row\">([^<]+)</th><td>([^<]+)<", page.split('class="trend-table"')[1].split("</table>")[0])
    labels = [label.strip() for label, _ in rows]
    assert labels[-4:] == ["2026-Q1 (published)", "2026-Q2 (published)", "2026-Q3 (published)",
                           "Next (this version)"]
    assert "<svg class=\"trend\"" in page


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
