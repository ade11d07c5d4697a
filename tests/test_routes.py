"""The page table: one page per objective and team besides the overviews, each with a
template of the theme, a unique path and breadcrumbs that lead back up."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from stratmap.diagrams.maps import VersionMaps
from stratmap.site.routes import OVERVIEWS, SECTIONS, page_table
from stratmap.site.view import VersionView
from stratmap.source.trees import WorkingTree
from stratmap.validate import validate
from stratmap.versions import VersionInfo

FIXTURES = Path(__file__).parent / "fixtures"
THEME = Path(__file__).resolve().parents[1] / "themes" / "default" / "templates"


@pytest.fixture(scope="module")
def pages():
    validation = validate(WorkingTree(FIXTURES / "every-field"), dt.date(2026, 11, 1))
    assert validation.model is not None, validation.findings
    info = VersionInfo("Next", "Next", "next", None, latest=False, draft=True)
    return page_table(VersionView(validation.model, info), VersionMaps({}, {}))


def test_every_objective_and_team_has_one_page_beside_the_overviews(pages):
    paths = [page.path for page in pages]
    assert len(paths) == len(set(paths))
    assert paths[0] == "index.html"
    assert [p for p, _, _ in OVERVIEWS] == paths[1:len(OVERVIEWS) + 1]
    assert sorted(p for p in paths if p.startswith("objectives/")) == [
        f"objectives/{o}/index.html" for o in ("C1", "F1", "I1", "L1")]
    assert sorted(p for p in paths if p.startswith("teams/") and p != "teams/index.html") == [
        "teams/field/index.html", "teams/sales/index.html"]


def test_every_section_of_the_navigation_is_a_page(pages):
    paths = {page.path for page in pages}
    assert {path for _, path in SECTIONS} <= paths


def test_every_page_uses_a_template_of_the_theme(pages):
    assert all((THEME / page.template).is_file() for page in pages)


def test_a_nested_teams_breadcrumbs_pass_through_its_parent(pages):
    field = next(page for page in pages if page.path == "teams/field/index.html")
    assert [path for _, path in field.breadcrumbs] == [
        "teams/index.html", "teams/sales/index.html", "teams/field/index.html"]
    assert field.to_root == "../../"
    assert field.subject is not None and field.subject[0] == "team"


def test_an_objective_page_names_its_objective_and_leads_back_to_the_map(pages):
    c1 = next(page for page in pages if page.path == "objectives/C1/index.html")
    assert c1.title.startswith("C1 · ")
    assert c1.breadcrumbs[0] == ("Strategy", "index.html")
    assert c1.subject is not None and c1.subject[1].id == "C1"


def test_every_teams_breadcrumbs_walk_up_through_each_parent_to_the_top():
    """The demo's hierarchy is three deep, and its files list children before parents:
    each team's trail is made once from its parent's, as a walk up from it would make it."""
    root = Path(__file__).resolve().parents[1]
    validation = validate(WorkingTree(root), dt.date(2026, 11, 1))
    assert validation.model is not None
    model = validation.model
    info = VersionInfo("Next", "Next", "next", None, latest=False, draft=True)
    trails = {page.path: page.breadcrumbs for page in page_table(VersionView(model, info), VersionMaps({}, {}))}
    deepest = 0
    for team in model.teams.values():
        walk, current = [], team
        while current is not None:
            walk.insert(0, (current.name, f"teams/{current.slug}/index.html"))
            current = model.teams.get(current.parent or "")
        assert trails[f"teams/{team.slug}/index.html"] == [("Teams", "teams/index.html"), *walk]
        deepest = max(deepest, len(walk))
    assert deepest >= 3
