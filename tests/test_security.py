"""Content is untrusted: nothing it says may run in the reader's browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import git, run, run_process
from sitecheck import parse

HOSTILE_TITLE = '"]; node [URL="javascript:alert(1)"] x [label="<b>'
HOSTILE_BODY = """Intro {{ 7*7 }} and {% raw %}x{% endraw %}.

<script>alert('body')</script>
<img src="x" onerror="alert('img')">
<a href="javascript:alert('link')">click</a> [md link](javascript:alert('md'))
[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
<div onclick="alert('div')" style="background:url(javascript:alert(1))">styled</div>
<iframe src="https://evil.example"></iframe>
<svg><script>alert('svg')</script></svg>
"""


@pytest.fixture
def hostile_site(repo):
    repo.write("content/objectives/C1.md", f"""---
id: C1
title: '{HOSTILE_TITLE}'
perspective: customer
imperative: grow-core
owner: "<script>alert('owner')</script>"
drives: [F1]
kpis:
  - {{id: nrr, name: "<img src=x onerror=alert(1)>", unit: "%", target: 115, actual: 108}}
---
{HOSTILE_BODY}""")
    repo.write("content/guidance/discovery.md", """---
title: "Discovery </script><script>alert(1)</script>"
do: ["[x](javascript:alert(1)) <b onmouseover=alert(1)>bold</b>"]
dont: ["{{ 7*7 }}"]
---
""")
    result = run("build", str(repo.root), "--quiet")
    assert result.exit_code == 0, result.output
    return repo.root / "output"


OUR_SCRIPTS = re.compile(r"(\.\./)*(versions\.js|assets/site\.js)$")
# The one inline script: the 404 page finds the site's root before it can load a file
THEME_404 = Path(__file__).parent.parent / "themes/default/templates/404.html"


def _inline_script(page: Path) -> str:
    return page.read_text().split("<script>", 1)[1].split("</script>", 1)[0]


def test_no_content_becomes_executable_html(hostile_site):
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        for element in parse(page).elements:
            if element.tag == "script" and page.name == "404.html" and not element.attributes:
                assert _inline_script(page) == _inline_script(THEME_404)  # the theme's, no content
            elif element.tag == "script":
                assert OUR_SCRIPTS.match(element.attributes.get("src", "")), (page, element)
            assert element.tag not in ("iframe", "object", "embed"), (page, element)
            for name, value in element.attributes.items():
                assert not name.startswith("on"), (page, element)
                if name in ("href", "src", "xlink:href", "action"):
                    assert not value.strip().lower().startswith(("javascript:", "data:", "vbscript:")), (page, element)
            assert "javascript:" not in element.attributes.get("style", ""), (page, element)


def test_jinja_syntax_in_content_is_shown_not_run(hostile_site):
    objective = (hostile_site / "latest/objectives/C1/index.html").read_text()
    assert "{{ 7*7 }}" in objective and ">49<" not in objective
    guidance = (hostile_site / "latest/guidance/index.html").read_text()
    assert "{{ 7*7 }}" in guidance


def test_dot_breaking_title_stays_a_label(hostile_site):
    home = hostile_site / "latest/index.html"
    links = [e.attributes["xlink:href"] for e in parse(home).elements if "xlink:href" in e.attributes]
    assert links and all(link.startswith("objectives/") for link in links)
    tooltips = [e.attributes["xlink:title"] for e in parse(home).elements if "xlink:title" in e.attributes]
    assert any(HOSTILE_TITLE in tooltip for tooltip in tooltips)  # kept whole, as text
    assert "<b>" not in home.read_text().split("<svg", 1)[1].split("</svg>", 1)[0]


def test_data_files_are_escaped(hostile_site):
    import json
    data = json.loads((hostile_site / "latest/strategy.json").read_text())
    assert data["objectives"][0]["title"] == HOSTILE_TITLE  # exact in JSON, which is data
    versions_js = (hostile_site / "versions.js").read_text()
    assert "</script>" not in versions_js


def test_csv_cells_cannot_be_formulas(repo):
    repo.write("content/objectives/F1.md", "---\nid: F1\ntitle: '=HYPERLINK(\"http://x\")'\n"
               "perspective: financial\nkpis: [{id: arr, name: '+cmd', target: 14, baseline: -3}]\n---\n")
    assert run("build", str(repo.root), "-q").exit_code == 0
    text = (repo.root / "output/latest/scorecard.csv").read_text()
    assert "'=HYPERLINK" in text and ",'+cmd," in text and ",-3," in text


def test_a_committed_cache_folder_is_refused(git_repo):
    """Whatever is in the cache is trusted (rendered pages, validated models): a commit
    that plants files there must not reach the site."""
    from conftest import snapshot
    assert run_process("build", str(git_repo.root), "-q").returncode == 0
    before = snapshot(git_repo.root / "output")
    git_repo.write(".stratmap-cache/pages/planted.json", "{}")
    git(git_repo.root, "add", "-f", ".stratmap-cache/pages/planted.json")
    result = run_process("build", str(git_repo.root), "-q", "--force")
    assert result.returncode == 1
    assert ".stratmap-cache/pages/planted.json: error: git tracks files in .stratmap-cache/" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(git_repo.root / "output") == before


def test_pages_are_never_reused_from_a_committed_output_folder(git_repo):
    """Some sites commit their output (e.g. GitHub Pages from a folder): a commit that
    edits a built page there must not survive the next build."""
    assert run_process("build", str(git_repo.root), "-q").returncode == 0
    git(git_repo.root, "add", "-f", "output")
    page = git_repo.root / "output/latest/teams/sales/index.html"
    page.write_text(page.read_text().replace("</body>", "<script>alert(1)</script></body>"))
    result = run_process("build", str(git_repo.root), "-q")
    assert result.returncode == 0 and result.stdout.startswith("built ")  # not "up to date"
    assert "<script>alert(1)" not in page.read_text()


def test_a_committed_cache_is_refused_when_the_output_is_elsewhere(git_repo, tmp_path):
    site = str(tmp_path / "site")  # outside the repository, and already built once
    assert run_process("build", str(git_repo.root), "-q", "--out", site).returncode == 0
    git_repo.write(".stratmap-cache/pages/planted.json", "{}")
    git(git_repo.root, "add", "-f", ".stratmap-cache/pages/planted.json")
    result = run_process("build", str(git_repo.root), "-q", "--out", site, "--force")
    assert result.returncode == 1 and "[tracked-cache]" in result.stderr


def test_a_title_handed_to_the_translator_stays_text(repo, tmp_path):
    """Templates translate page titles (`_(page.title)`), which may come from the content:
    the translator escapes what it returns, so no title becomes markup."""
    c1 = repo.root / "content/objectives/C1.md"
    c1.write_text(c1.read_text().replace("title: Expand within existing customers",
                                         'title: "<img src=x onerror=alert(1)> Expand"'))
    assert run("build", str(repo.root), "--out", str(tmp_path / "site"), "-q").exit_code == 0
    page = (tmp_path / "site/next/objectives/C1/index.html").read_text()
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt; Expand · " in page
