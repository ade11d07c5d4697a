"""Hostile content in a real browser: Chromium's own request log and dialog events say
whether an image from elsewhere was fetched or a script ran (issue "Safe by
construction", items 4 and 5)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from browser import CHROMIUM, serve
from conftest import run

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium "
                                 "(make test installs it)")]

# Each was fetched by Chromium from evil.example before images were judged as a browser reads them.
BYPASSES = ['<img src="\\\\evil.example/a.png">', '<img src=" //evil.example/b.png">',
            '<img src="/&#x09;/evil.example/c.png">', '<img src="/\\evil.example/d.png">',
            '<img src="&#x09;//evil.example/e.png">', "![md](//evil.example/f.png)",
            "![md](https://evil.example/g.png)"]


def _visit(browser, url: str) -> tuple[list[str], list[str]]:
    """(every URL the page asked for, every dialog it opened)"""
    context = browser.new_context()
    requests: list[str] = []
    dialogs: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    tab = context.new_page()
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    tab.goto(url)
    tab.wait_for_load_state("networkidle")
    for link in tab.locator("a").all():  # a click must not run script either
        href = link.get_attribute("href") or ""
        if href.startswith("javascript:"):
            link.click()
    context.close()
    return requests, dialogs


def test_no_image_loads_from_another_host(repo, browser):
    text = (repo.root / "content/teams/sales.md").read_text()
    repo.write("content/teams/sales.md", text + "\n" + "\n\n".join(BYPASSES) + "\n\n![ok](local.png)\n")
    assert run("build", str(repo.root), "-q").exit_code == 0
    with serve(repo.root / "output") as base:
        requests, dialogs = _visit(browser, base + "latest/teams/sales/index.html")
    hosts = {urlsplit(url).hostname for url in requests}
    assert hosts == {"127.0.0.1"}, requests
    assert any(url.endswith("/latest/teams/sales/local.png") for url in requests)  # local images still load
    assert not dialogs


def test_a_hostile_base_url_never_reaches_a_page(repo, browser):
    repo.write("stratmap.yaml", "title: T\nbase_url: 'javascript:alert(document.domain)//'\n")
    assert run("build", str(repo.root), "-q").exit_code == 1  # refused: nothing is written
    assert not (repo.root / "output").exists()
    repo.write("stratmap.yaml", "title: T\nbase_url: https://intranet.example/strategy/\n")
    assert run("build", str(repo.root), "-q").exit_code == 0
    with serve(repo.root / "output") as base:
        requests, dialogs = _visit(browser, base + "404.html")
    assert {urlsplit(url).hostname for url in requests} == {"127.0.0.1"}, requests
    assert not dialogs
