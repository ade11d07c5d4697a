"""Ways in for a rep: role pages, people, initiatives, the feed, the search index."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET

import pytest

from conftest import AS_OF, FIXTURES, run
from stratmap.model.roles import resolve_roles
from stratmap.source.trees import WorkingTree
from stratmap.validate import validate

ATOM = "{http://www.w3.org/2005/Atom}"
ROLES = """roles:
  - name: Account Executive
    aliases: [AE]
    description: Owns the deal.
  - name: Sales Engineer
"""


def _model(root):
    return validate(WorkingTree(root), dt.date.fromisoformat(AS_OF)).model


def _with_roles(repo, sales_roles: str, catalog: str = "") -> None:
    settings = repo.root / "stratmap.yaml"
    settings.write_text(settings.read_text() + catalog)
    team = (repo.root / "content/teams/sales.md").read_text()
    repo.write("content/teams/sales.md", team.replace(
        "      Account Executive: Runs the review and brings an expansion proposal.", sales_roles))


def test_roles_merge_by_alias_with_a_catalog_and_by_case_without(repo):
    _with_roles(repo, "      AE: Runs the review.\n      account executive: Brings a proposal.\n"
                      "      sales engineer: Demos.", ROLES)
    roles = resolve_roles(_model(repo.root))
    assert list(roles) == ["account-executive", "sales-engineer"]
    assert [a.does for a in roles["account-executive"].asks] == ["Runs the review.", "Brings a proposal."]
    assert roles["account-executive"].description == "Owns the deal."


def test_without_a_catalog_names_differing_by_case_are_one_role_with_a_stable_slug(repo):
    _with_roles(repo, "      Account Executive: Runs the review.\n      ACCOUNT EXECUTIVE: Again.\n"
                      "      Solutions Consultant: Demos.")
    roles = resolve_roles(_model(repo.root))
    assert list(roles) == ["account-executive", "solutions-consultant"]
    assert roles["account-executive"].name == "Account Executive"


@pytest.mark.parametrize("catalog", [ROLES, ""], ids=["catalog", "no-catalog"])
def test_the_role_pages_listed_are_the_roles_resolved_in_the_same_order(repo, catalog):
    """The page table lists roles from role_names, which gathers no asks: it must name
    exactly the roles resolve_roles makes, spelt and ordered alike."""
    _with_roles(repo, "      Sales Engineer: Demos.\n      AE: Runs the review.\n"
                      "      account executive: Again.\n      Partner Manager: Recruits.", catalog)
    model = _model(repo.root)
    assert model.role_names == {slug: role.name for slug, role in resolve_roles(model).items()}
    assert list(model.role_names) == (["account-executive", "sales-engineer", "partner-manager"]
                                      if catalog else  # the catalog's first, AE one of its names
                                      ["sales-engineer", "ae", "account-executive", "partner-manager"])


def test_role_pages_list_exactly_the_models_asks_and_team_pages_link_them(repo, tmp_path):
    _with_roles(repo, "      AE: Runs the review.\n      Sales Engineer: Demos.", ROLES)
    assert run("build", str(repo.root), "--out", str(tmp_path / "site")).exit_code == 0
    site = tmp_path / "site/next"
    page = (site / "roles/account-executive/index.html").read_text()
    asks = re.findall(r'<td data-label="What they do">(.*?)</td>', page)
    model_asks = [a.does for a in resolve_roles(_model(repo.root))["account-executive"].asks]
    assert asks == model_asks and "Owns the deal." in page
    team = (site / "teams/sales/index.html").read_text()
    assert 'id="role-account-executive"' in team and 'href="#role-account-executive"' in team
    assert "../../roles/account-executive/index.html" in team
    assert (site / "roles/sales-engineer/index.html").is_file()


def test_people_and_initiatives_pages_list_what_the_model_says(tmp_path):
    import shutil

    from stratmap.build import BuildOptions, build_site

    root = tmp_path / "repo"
    shutil.copytree(FIXTURES / "every-field", root)
    build_site(BuildOptions(root))
    model = _model(root)
    people = (root / "output/next/people/index.html").read_text()
    named = {o.owner for o in model.objectives.values() if o.owner} | \
        {t.leader for t in model.teams.values() if t.leader} | \
        {t.approved_by for t in model.teams.values() if t.approved_by}
    for name in named:
        assert f">{name}</h2>" in people, name
    listed = (root / "output/next/initiatives/index.html").read_text()
    titles = [i.title for o in model.objectives.values() for i in o.initiatives]
    assert sorted(re.findall(r'<th scope="row">(.*?)</th>', listed)) == sorted(titles)


def test_overdue_is_judged_on_the_versions_date_not_today(git_repo):
    c1 = git_repo.root / "content/objectives/C1.md"
    c1.write_text(c1.read_text().replace("drives: [F1]\n", "drives: [F1]\ninitiatives:\n  - {title: Launch the "
                                         "QBR kit, owner: Enablement, due: 2026-08-31, status: in-progress}\n"))
    git_repo.commit("initiative", "2026-06-29T12:00:00+00:00")
    git_repo.tag("strategy/2026-Q2", "2026-06-30T12:00:00+00:00")
    assert run("build", str(git_repo.root), "-q").exit_code == 0
    tagged = (git_repo.root / "output/2026-Q2/initiatives/index.html").read_text()
    draft = (git_repo.root / "output/next/initiatives/index.html").read_text()
    assert "Launch the QBR kit" in tagged
    assert "Overdue" not in tagged.split("<tbody>")[1]  # due 2026-08-31, after the tag's date
    assert "Overdue" in draft.split("<tbody>")[1]  # today is past it


def test_the_feed_is_atom_with_one_entry_per_published_version_newest_first(git_repo):
    git_repo.tag("strategy/2026-Q1", "2026-03-31T12:00:00+00:00")
    c1 = git_repo.root / "content/objectives/C1.md"
    c1.write_text(c1.read_text().replace("target: 115", "target: 120"))
    git_repo.commit("raise", "2026-06-29T12:00:00+00:00")
    git_repo.tag("strategy/2026-Q2", "2026-06-30T12:00:00+00:00")
    assert run("build", str(git_repo.root), "-q").exit_code == 0
    feed = ET.parse(git_repo.root / "output/feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == [
        "Our Sales Strategy: 2026-Q2 published", "Our Sales Strategy: 2026-Q1 published"]  # no draft
    for entry in entries:
        for required in ("id", "title", "updated", "link"):
            assert entry.find(f"{ATOM}{required}") is not None, required
    assert entries[0].find(f"{ATOM}updated").text == "2026-06-30T00:00:00Z"
    assert "1 KPI target moved" in entries[0].find(f"{ATOM}summary").text
    assert entries[0].find(f"{ATOM}link").get("href") == "2026-Q2/changes/index.html"
    page = (git_repo.root / "output/2026-Q2/index.html").read_text()
    assert 'type="application/atom+xml"' in page and "feed.xml" in page


def test_the_search_index_holds_each_pages_whole_text_including_roles(repo, tmp_path):
    text = (repo.root / "content/teams/sales.md").read_text()
    repo.write("content/teams/sales.md", text.replace(
        "Runs the review and brings an expansion proposal.",
        "Runs the review and brings an expansion proposal. " + "Long words. " * 80 + "Architecture review."))
    assert run("build", str(repo.root), "--out", str(tmp_path / "site")).exit_code == 0
    script = (tmp_path / "site/next/search.js").read_text()
    entries = json.loads(script.split("] = ", 1)[1].rstrip(";\n"))
    team = next(e for e in entries if e["k"] == "Team")
    assert "Architecture review." in team["x"]  # past 600 characters, in a role's text
    assert any(e["k"] == "Role" and e["t"] == "Account Executive" for e in entries)
