"""The replayed demo (three published quarters and a draft) on a phone and on paper:
legible maps that open on the team, a full-screen view, tables that fit, banners on
earlier versions, print in light colours, and no serious accessibility findings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from browser import CHROMIUM, serve

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium")]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PAGE_TYPES = {"home": "latest/index.html", "objective": "latest/objectives/C2/index.html",
              "team": "latest/teams/enterprise-east/index.html", "teams": "latest/teams/index.html",
              "scorecard": "latest/scorecard/index.html", "alignment": "latest/alignment/index.html",
              "guidance": "latest/guidance/index.html", "roles": "latest/roles/index.html",
              "changes": "latest/changes/index.html", "old team": "2026-Q1/teams/enterprise-east/index.html",
              "draft team": "next/teams/enterprise-east/index.html", "404": "no/such/page.html",
              "people": "latest/people/index.html", "initiatives": "latest/initiatives/index.html",
              "role": "latest/roles/account-executive/index.html"}
NODE_TEXT_UNITS = 11  # the font size Graphviz writes for objectives, in viewBox units


@pytest.fixture(scope="module")
def history_site(built_history):
    with serve(built_history) as base:
        yield base


def _open(browser, url: str, viewport: dict, scheme: str = "light", **options):
    context = browser.new_context(viewport=viewport, color_scheme=scheme, **options)
    tab = context.new_page()
    tab.goto(url)
    return context, tab


def _node_text_px(tab, figure: str) -> float:
    return tab.evaluate(f"""() => {{ const svg = document.querySelector('{figure} svg');
        return svg.getBoundingClientRect().width / svg.viewBox.baseVal.width * {NODE_TEXT_UNITS}; }}""")


def _own_inside(tab) -> list[bool]:
    return tab.evaluate("""() => { const s = document.querySelector('.map-team .map-scroll').getBoundingClientRect();
        return [...document.querySelectorAll('.map-team .node.own')].map(n => { const r = n.getBoundingClientRect();
          return r.left >= s.left - 1 && r.right <= s.right + 1 && r.top >= s.top - 1 && r.bottom <= s.bottom + 1; }); }""")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_team_map_opens_on_the_team_with_legible_text(browser, history_site, viewport, scheme):
    context, tab = _open(browser, history_site + PAGE_TYPES["team"], viewport, scheme)
    tab.locator("figure.map-team").scroll_into_view_if_needed()
    assert _own_inside(tab) == [True, True, True]  # C2, I4 and I2, all in view
    assert _node_text_px(tab, "figure.map-team") >= 12 - 0.05 or viewport is DESKTOP
    context.close()


def test_every_team_map_on_a_phone_shows_some_of_the_team_and_every_map_is_legible(browser, history_site):
    context, tab = _open(browser, history_site + "latest/teams/index.html", PHONE)
    teams = tab.locator(".team-tree a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    for href in teams:
        tab.goto(history_site + "latest/teams/" + href)
        assert any(_own_inside(tab)), href
        assert _node_text_px(tab, "figure.map-team") >= 11.95, href
    for page, figure in (("latest/index.html", "figure.map-strategy"),
                         ("latest/objectives/C2/index.html", "figure.map-neighbourhood"),
                         ("latest/changes/index.html", "figure.map-changes")):
        tab.goto(history_site + page)
        assert _node_text_px(tab, figure) >= 11.95, page
    context.close()


def test_the_line_of_sight_is_also_an_ordered_list(browser, history_site):
    context, tab = _open(browser, history_site + PAGE_TYPES["team"], DESKTOP)
    paths = tab.locator("ol.sight-paths").first.locator("li").all_inner_texts()
    paths = [re.sub(r"\s+", " ", path) for path in paths]  # read aloud: "C2 …, which drives F1 …"
    assert paths and all(re.search(r"^C2 .*→ , which drives F\d ", path) for path in paths)
    context.close()


def test_the_full_screen_map_opens_zooms_and_closes_by_keyboard(browser, history_site):
    context, tab = _open(browser, history_site + PAGE_TYPES["team"], PHONE)
    button = tab.locator("figure.map-team").get_by_role("button", name="Full screen")
    button.focus()
    tab.keyboard.press("Enter")
    viewer = tab.locator("dialog.map-viewer[open][data-ready]")
    viewer.wait_for()
    before = float(viewer.get_attribute("data-scale"))
    tab.keyboard.press("+")
    tab.keyboard.press("+")
    assert float(viewer.get_attribute("data-scale")) == pytest.approx(before * 1.5625, rel=0.01)
    tab.keyboard.press("0")
    assert float(viewer.get_attribute("data-scale")) == pytest.approx(before, rel=0.01)
    tab.keyboard.press("Escape")
    # the dialog's close event comes a moment after Escape: wait for it to go, then look
    tab.locator("dialog.map-viewer").wait_for(state="detached", timeout=5_000)
    assert tab.locator("dialog.map-viewer").count() == 0
    assert tab.evaluate("document.activeElement.textContent") == "Full screen"  # focus comes back
    context.close()


def test_the_full_screen_map_opens_pinches_and_closes_by_touch(browser, history_site):
    context, tab = _open(browser, history_site + PAGE_TYPES["team"], PHONE, has_touch=True, is_mobile=True)
    tab.locator("figure.map-team").get_by_role("button", name="Full screen").tap()
    viewer = tab.locator("dialog.map-viewer[open][data-ready]")
    viewer.wait_for()
    before = float(viewer.get_attribute("data-scale"))
    tab.evaluate("""() => { const stage = document.querySelector('.map-viewer-stage');
        const touch = (type, id, x, y) => stage.dispatchEvent(new PointerEvent(type,
          {pointerId: id, pointerType: 'touch', clientX: x, clientY: y, bubbles: true}));
        touch('pointerdown', 1, 150, 400); touch('pointerdown', 2, 250, 400);
        touch('pointermove', 1, 100, 400); touch('pointermove', 2, 300, 400);
        touch('pointerup', 1, 100, 400); touch('pointerup', 2, 300, 400); }""")
    assert float(viewer.get_attribute("data-scale")) > before * 1.5  # fingers twice as far apart
    viewer.get_by_role("button", name="Close").tap()
    tab.locator("dialog.map-viewer").wait_for(state="detached", timeout=5_000)
    assert tab.locator("dialog.map-viewer").count() == 0
    context.close()


@pytest.mark.parametrize("page", ["scorecard", "objective", "changes"])
def test_tables_show_target_actual_and_status_without_sideways_scrolling(browser, history_site, page):
    context, tab = _open(browser, history_site + PAGE_TYPES[page], PHONE)
    assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    cells = tab.locator("table.cards td[data-label]")
    assert cells.count() > 0
    labels = set(cells.evaluate_all("cs => cs.map(c => c.dataset.label)"))
    wanted = {"Target", "Actual", "Status"} if page != "changes" else {"Before", "Now"}
    assert wanted <= labels
    overflowing = cells.evaluate_all(f"""cs => cs.filter(c => ['Target', 'Actual', 'Status', 'Before', 'Now']
        .includes(c.dataset.label) && c.getBoundingClientRect().right > {PHONE['width']}).length""")
    assert overflowing == 0
    scrolling = tab.locator(".table-scroll").evaluate_all(
        "ss => ss.filter(s => s.querySelector('table.cards') && s.scrollWidth > s.clientWidth + 1).length")
    assert scrolling == 0
    context.close()


def test_the_alignment_matrix_names_objectives_and_follows_the_team_tree(browser, history_site):
    context, tab = _open(browser, history_site + PAGE_TYPES["alignment"], DESKTOP)
    header = tab.locator(".matrix thead th.objective-col").first.inner_text()
    assert re.match(r"[A-Z]\d+\s+\w+ \w+", header)  # the id and the title, not a bare id
    rows = [row.replace("└", "").strip() for row in tab.locator(".matrix tbody th").all_inner_texts()]
    indented = tab.locator(".matrix tbody th span[aria-hidden]").count()
    tab.goto(history_site + PAGE_TYPES["teams"])
    assert rows == tab.locator(".team-tree a").all_inner_texts()  # the tree's order, top down
    assert indented > 0
    context.close()
    context, tab = _open(browser, history_site + PAGE_TYPES["alignment"], PHONE)
    assert not tab.locator(".matrix").is_visible() and tab.locator(".alignment-list").is_visible()
    context.close()


def test_an_earlier_version_says_so_and_links_the_same_page_in_the_newest(browser, history_site):
    context, tab = _open(browser, history_site + PAGE_TYPES["old team"], DESKTOP)
    banner = tab.locator(".old-banner")
    assert "earlier version" in banner.inner_text()
    link = banner.locator("a")
    tab.wait_for_function("document.querySelector('.old-banner a').textContent.startsWith('Read this page')")
    assert link.get_attribute("href").endswith("latest/teams/enterprise-east/index.html")
    tab.goto(history_site + "latest/teams/enterprise-east/index.html")
    assert tab.locator(".old-banner").count() == 0
    context.close()


def test_the_switcher_keeps_showing_the_version_displayed(browser, history_site):
    context, tab = _open(browser, history_site + "next/teams/partners/index.html", DESKTOP)  # new in Next
    tab.select_option("#stratmap-version", "2026-Q1")
    tab.wait_for_function("document.querySelector('.switcher-note').textContent !== ''")
    assert tab.locator("#stratmap-version").input_value() == "next"
    assert tab.url.endswith("next/teams/partners/index.html")
    context.close()


def test_print_is_light_in_dark_mode_and_no_page_holds_only_the_footer(browser, history_site, tmp_path):
    from pypdf import PdfReader

    context, tab = _open(browser, history_site + PAGE_TYPES["team"], DESKTOP, "dark")
    tab.emulate_media(media="print", color_scheme="dark")
    colours = tab.evaluate("""() => [getComputedStyle(document.body).backgroundColor,
        getComputedStyle(document.body).color, getComputedStyle(document.querySelector('h2')).color]""")
    assert colours == ["rgb(255, 255, 255)", "rgb(0, 0, 0)", "rgb(0, 0, 0)"]
    header = tab.locator(".print-header")
    assert header.is_visible() and "2026-Q3" in header.inner_text() and "2026-09-30" in header.inner_text()
    pdf = tmp_path / "team.pdf"
    tab.pdf(path=str(pdf), format="A4")
    pages = [page.extract_text() or "" for page in PdfReader(pdf).pages]
    footer = "made with stratmap"
    assert all(text.strip() and not text.strip().startswith(footer) for text in pages)
    context.close()


@pytest.mark.parametrize("name", list(PAGE_TYPES))
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_findings_on_any_page_type(browser, history_site, name, viewport, scheme):
    from axe_playwright_python.sync_playwright import Axe

    context, tab = _open(browser, history_site + PAGE_TYPES[name], viewport, scheme)
    tab.wait_for_load_state("networkidle")
    violations = Axe().run(tab).response["violations"]
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
               for v in violations if v["impact"] in ("serious", "critical")]
    context.close()
    assert serious == []


def test_the_404_page_has_the_header_and_search_under_a_sub_path(browser, built_history, tmp_path):
    import shutil

    root = tmp_path / "served"
    shutil.copytree(built_history, root / "strategy")  # a project site: base_url left at /
    with serve(root, not_found=root / "strategy/404.html") as base:
        context, tab = _open(browser, base + "strategy/2026-Q3/no/such/page/", DESKTOP)
        tab.wait_for_function("document.body.dataset.toSite === '/strategy/'")
        assert tab.locator(".brand").get_attribute("href") == "/strategy/latest/index.html"
        # the stylesheet and site.js load once the root is known: wait for both
        tab.wait_for_function("getComputedStyle(document.querySelector('.site-header')).borderBottomStyle === 'solid'")
        tab.wait_for_function("!document.querySelector('[data-search]').hidden")
        tab.get_by_role("searchbox").fill("Enterprise East")
        tab.wait_for_function("document.querySelectorAll('.search-results a').length > 0")
        first = tab.locator(".search-results a").first.get_attribute("href")
        assert first.startswith("/strategy/latest/")
        context.close()


@pytest.mark.parametrize("how", ["http", "file"])
def test_search_finds_words_of_a_roles_text_with_a_highlighted_snippet_and_the_keyboard(
        browser, history_site, built_history, how):
    start = history_site + PAGE_TYPES["home"] if how == "http" else \
        (built_history / "2026-Q3/index.html").as_uri()
    context, tab = _open(browser, start, DESKTOP)
    box = tab.get_by_role("searchbox")
    box.fill("architecture review")
    first = tab.locator(".search-results a").first
    first.wait_for()
    assert first.locator(".search-title").inner_text() == "Enterprise East"
    assert [m.lower() for m in first.locator(".search-snippet mark").all_inner_texts()] == ["architecture", "review"]
    box.press("ArrowDown")
    assert tab.evaluate("document.activeElement.classList.length === 0 && document.activeElement.tagName") == "A"
    tab.keyboard.press("Enter")
    tab.wait_for_url("**/teams/enterprise-east/index.html")
    context.close()
