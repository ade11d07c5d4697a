"""The version switcher in a real browser, over the demo's history."""

from __future__ import annotations

from pathlib import Path

import pytest

from browser import CHROMIUM, serve

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")]


@pytest.fixture(scope="module")
def tab(built_history, browser):
    with serve(built_history) as base:
        page = browser.new_page()
        page.base = base
        yield page


def test_switching_keeps_the_reader_on_the_same_team_page(tab):
    tab.goto(tab.base + "2026-Q3/teams/enterprise-east/index.html")
    tab.get_by_label("Version", exact=True).select_option("2026-Q2")
    tab.wait_for_url("**/2026-Q2/teams/enterprise-east/index.html")
    assert tab.locator("h1").inner_text() == "Enterprise East"


def test_switching_from_latest_lands_in_the_chosen_version(tab):
    tab.goto(tab.base + "latest/objectives/C2/index.html")
    tab.get_by_label("Version", exact=True).select_option("next")
    tab.wait_for_url("**/next/objectives/C2/index.html")
    assert tab.locator(".draft-banner").is_visible()


def test_a_page_missing_in_the_other_version_is_said_so(tab):
    tab.goto(tab.base + "2026-Q3/teams/customer-success/index.html")  # the team is new in Q3
    tab.get_by_label("Version", exact=True).select_option("2026-Q2")
    note = tab.locator(".switcher-note")
    note.wait_for(state="visible")
    assert "does not exist in 2026-Q2" in note.inner_text()
    note.get_by_role("link").click()
    tab.wait_for_url("**/2026-Q2/index.html")


def test_switcher_works_from_plain_files(built_history, browser):
    page = browser.new_page()
    page.goto((built_history / "2026-Q3/teams/sales/index.html").as_uri())
    page.get_by_label("Version", exact=True).select_option("2026-Q1")
    page.wait_for_url("**/2026-Q1/teams/sales/index.html")


@pytest.mark.parametrize("path", ["2026-Q3/changes/index.html", "next/index.html",
                                  "next/objectives/C2/index.html"])
def test_versioned_pages_have_no_serious_accessibility_violations(tab, path):
    from axe_playwright_python.sync_playwright import Axe

    tab.goto(tab.base + path)
    violations = Axe().run(tab).response["violations"]
    assert [(v["id"], v["impact"]) for v in violations if v["impact"] in ("serious", "critical")] == []
