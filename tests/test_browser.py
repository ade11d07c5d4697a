"""The demo site in a real browser: maps, clicks, small screens, accessibility, no network."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from browser import CHROMIUM, serve

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium "
                                 "(make test installs it)")]

PAGES = {"home": "latest/index.html", "objective": "latest/objectives/C2/index.html",
         "team": "latest/teams/enterprise-east/index.html",
         "scorecard": "latest/scorecard/index.html", "alignment": "latest/alignment/index.html",
         "roles": "latest/roles/index.html"}


@pytest.fixture(scope="module")
def site(built_demo):
    with serve(built_demo) as base:
        yield base


@pytest.fixture
def page(browser, site):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    tab = context.new_page()
    tab.requests = requests
    yield tab
    context.close()


def test_home_shows_the_strategy_map(page, site):
    page.goto(site + PAGES["home"])
    svg = page.locator("figure.map-strategy svg")
    assert svg.is_visible()
    assert page.locator("figure.map-strategy .node").count() == 17
    assert svg.bounding_box()["width"] > 600


def test_clicking_an_objective_in_the_map_opens_its_page(page, site):
    page.goto(site + PAGES["home"])
    node = page.locator("figure.map-strategy .node", has=page.locator("title", has_text="C2"))
    node.locator("a").first.click()
    page.wait_for_url("**/objectives/C2/index.html")
    assert "Be the trusted advisor" in page.locator("h1").inner_text()


def test_team_page_highlights_its_line_of_sight_and_roles(page, site):
    page.goto(site + PAGES["team"])
    own = page.locator("figure.map-team .node.lit.own")
    assert own.count() == 3
    faded = page.locator("figure.map-team .node:not(.lit)").first
    assert float(faded.evaluate("e => getComputedStyle(e).opacity")) < 0.5
    assert float(own.first.evaluate("e => getComputedStyle(e).opacity")) == 1
    assert page.get_by_role("heading", name="What this strategy asks of an Account Executive").is_visible()


def test_scorecard_sorts_by_status(page, site):
    page.goto(site + PAGES["scorecard"])
    page.locator("table.scorecard").first.get_by_role("button", name="Status").click()
    statuses = page.locator("table.scorecard >> nth=0 >> tbody tr td:last-child").all_inner_texts()
    assert statuses[0].strip() == "No data" and statuses[-1].strip() == "Off track"


@pytest.mark.parametrize("name", list(PAGES))
def test_no_horizontal_scroll_on_a_phone(browser, site, name):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    tab = context.new_page()
    tab.goto(site + PAGES[name])
    assert tab.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations(browser, site, name, scheme):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(color_scheme=scheme)
    tab = context.new_page()
    tab.goto(site + PAGES[name])
    violations = Axe().run(tab).response["violations"]
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
               for v in violations if v["impact"] in ("serious", "critical")]
    context.close()
    assert serious == []


def test_no_request_leaves_the_local_server(page, site):
    for path in PAGES.values():
        page.goto(site + path)
        page.wait_for_load_state("networkidle")
    assert page.requests
    assert all(url.startswith(site) for url in page.requests), \
        [u for u in page.requests if not u.startswith(site)]


def test_site_works_under_a_sub_path(browser, built_demo, tmp_path):
    shutil.copytree(built_demo, tmp_path / "strategy")
    with serve(tmp_path) as base:
        context = browser.new_context()
        tab = context.new_page()
        failed: list[str] = []
        tab.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
        tab.goto(base + "strategy/")
        tab.wait_for_url("**/strategy/latest/index.html")
        assert tab.locator("figure.map-strategy svg").is_visible()
        tab.get_by_role("link", name="Scorecard", exact=True).click()
        tab.wait_for_url("**/strategy/latest/scorecard/index.html")
        assert tab.evaluate("getComputedStyle(document.body).fontFamily").startswith("system-ui")
        assert failed == []
        context.close()


def test_site_opens_as_plain_files(browser, built_demo):
    context = browser.new_context()
    tab = context.new_page()
    tab.goto((built_demo / "latest/teams/enterprise-east/index.html").as_uri())
    assert tab.locator("figure.map-team svg").is_visible()
    tab.locator("figure.map-team .node.own a").first.click()
    tab.wait_for_url("**/objectives/*/index.html")
    context.close()


def test_search_finds_a_team_by_a_word_of_its_plan(page, site):
    page.goto(site + PAGES["home"])
    page.get_by_role("searchbox").fill("cold chain")
    results = page.get_by_role("list", name="Search results").get_by_role("link")
    results.first.wait_for()
    titles = results.all_inner_texts()
    assert any("Mid-Market" in t for t in titles) and any("Win mid-market" in t for t in titles)
    page.get_by_role("link", name="C1 Win mid-market logistics leaders · Objective").click()
    page.wait_for_url("**/objectives/C1/index.html")


def test_search_stays_within_the_version_and_says_when_nothing_matches(page, site):
    page.goto(site + PAGES["scorecard"])
    page.get_by_role("searchbox").fill("xylophone")
    page.wait_for_function("document.querySelector('[data-search] [role=status]').textContent !== ''")
    assert page.locator("[data-search] [role=status]").inner_text() == "No results for xylophone"
    assert page.locator(".search-none").inner_text() == "No results for “xylophone”"  # seen, not only heard


def test_print_hides_navigation_and_fits_the_map(browser, site):
    context = browser.new_context(viewport={"width": 800, "height": 1000})
    tab = context.new_page()
    tab.goto(site + PAGES["team"])
    tab.emulate_media(media="print")
    assert not tab.locator(".site-nav").is_visible()
    assert not tab.locator(".version-switcher").is_visible()
    svg_width = tab.locator("figure.map-team svg").bounding_box()["width"]
    main_width = tab.locator("main").bounding_box()["width"]
    assert svg_width <= main_width
    context.close()


def test_map_follows_dark_mode_and_team_paths_are_drawn_in_the_accent(browser, site):
    context = browser.new_context(color_scheme="dark")
    tab = context.new_page()
    tab.goto(site + PAGES["team"])
    band = tab.locator("figure.map-team .band rect").first
    assert band.evaluate("e => getComputedStyle(e).fill") == "rgb(30, 41, 59)"  # --band, dark
    lit = tab.locator("figure.map-team .edge.lit path").first
    accent = tab.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--accent')")
    assert accent.strip() == "#bfdbfe"
    assert lit.evaluate("e => getComputedStyle(e).stroke") == "rgb(191, 219, 254)"
    context.close()


def test_an_objectives_label_on_a_map_is_drawn_in_the_node_style(page, site):
    """Graphviz writes the same font, size, anchor and ink on every line of every label;
    the map says them once, on its drawing, and each line inherits them."""
    page.goto(site + PAGES["team"])
    line = page.locator("figure.map-team .node text").first
    style = line.evaluate("e => { const s = getComputedStyle(e); return [s.fontFamily, s.fontSize, "
                          "s.textAnchor, s.fill]; }")
    assert style == ["Helvetica, sans-serif", "11px", "middle", "rgb(17, 24, 39)"]
    assert line.get_attribute("font-family") is None  # inherited, not repeated


@pytest.mark.parametrize("width", [1280, 390])
def test_an_objectives_trend_fits_the_screen_and_reads_in_date_order(browser, site, width, tmp_path):
    context = browser.new_context(viewport={"width": width, "height": 900})
    tab = context.new_page()
    tab.goto(site + "latest/objectives/C1/index.html")
    chart = tab.locator("svg.trend").first
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    xs = [float(x) for x in chart.locator("circle").evaluate_all("cs => cs.map(c => c.getAttribute('cx'))")]
    assert xs == sorted(xs) and len(xs) >= 3
    labels = chart.locator("text").all_text_contents()
    assert "2026-11-15" in labels and any(label.startswith("target ") for label in labels)
    tab.screenshot(path=str(tmp_path / f"objective-C1-{width}.png"), full_page=True)
    assert (tmp_path / f"objective-C1-{width}.png").stat().st_size > 10_000
    context.close()
