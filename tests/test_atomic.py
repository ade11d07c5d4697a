"""A failed build leaves the last good site byte for byte as it was."""

from __future__ import annotations

import os
import sys

import pytest

from conftest import run, run_process, snapshot


def test_bad_content_leaves_the_output_untouched(repo):
    assert run("build", str(repo.root), "-q").exit_code == 0
    before = snapshot(repo.root / "output")
    repo.write("content/objectives/C1.md", "---\nid: C1\ntitle: [broken\n---\n")
    result = run_process("build", str(repo.root), "-q")
    assert result.returncode == 1
    assert "content/objectives/C1.md:4:1: error: YAML syntax error" in result.stderr and "untouched" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(repo.root / "output") == before
    assert not [p for p in repo.root.iterdir() if p.name.startswith(".output.")]


def test_missing_graphviz_leaves_the_output_untouched(repo, tmp_path):
    assert run("build", str(repo.root), "-q").exit_code == 0
    before = snapshot(repo.root / "output")
    repo.write("content/objectives/C1.md",
               (repo.root / "content/objectives/C1.md").read_text().replace("Expand", "Expand more"))
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    result = run_process("build", str(repo.root), "-q", env={**os.environ, "PATH": str(empty_bin)})
    assert result.returncode == 2
    assert "Graphviz `dot` was not found" in result.stderr and "apt-get install graphviz" in result.stderr
    assert snapshot(repo.root / "output") == before


def test_strict_build_fails_on_warnings_and_keeps_the_output(repo):
    assert run("build", str(repo.root), "-q").exit_code == 0
    before = snapshot(repo.root / "output")
    repo.write("content/teams/sales.md", "---\nname: Sales\npriorities: [{objective: C1}, "
               "{objective: F1}]\nstop_doing: [{what: x}]\n---\n")  # not approved: a warning
    assert run("build", str(repo.root), "-q").exit_code == 0
    after_lenient = snapshot(repo.root / "output")
    assert after_lenient != before
    result = run_process("build", str(repo.root), "--strict", "-q")
    assert result.returncode == 1 and "[not-approved]" in result.stderr
    assert snapshot(repo.root / "output") == after_lenient


def test_output_folder_option(repo, tmp_path):
    target = tmp_path / "elsewhere" / "site"
    assert run("build", str(repo.root), "--out", str(target), "-q").exit_code == 0
    assert (target / "latest/index.html").is_file()
    assert not (repo.root / "output").exists()


def test_progress_shows_on_a_terminal_only(repo):
    import pty
    import subprocess
    controller, terminal = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "stratmap", "build", str(repo.root), "--force"],
                               stdout=subprocess.PIPE, stderr=terminal, text=True)
    process.wait(timeout=120)
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    assert process.returncode == 0
    assert b"rendering" in shown and b"validating" in shown
    piped = run_process("build", str(repo.root), "--force")
    assert "rendering" not in piped.stderr and piped.stdout.startswith("built ")


@pytest.mark.parametrize("base_url, links", [
    ("/strategy/", "/strategy/"),
    # an address serves links only: the stylesheet always comes from this site
    ("https://intranet.example/strategy/", "https://intranet.example/strategy/")])
def test_404_page_links_through_base_url(repo, base_url, links):
    repo.write("stratmap.yaml", f"base_url: {base_url}\n")
    assert run("build", str(repo.root), "-q").exit_code == 0
    page = (repo.root / "output/404.html").read_text()
    assert f'href="{links}latest/index.html"' in page
    assert 'href="/strategy/assets/style.css"' in page


def test_a_build_that_fails_while_workers_render_ends_them_and_keeps_the_output(repo, monkeypatch):
    """A failure while pages come back from the worker processes (a full disk, say) stops
    the pool at once: the build reports, nothing waits for pages nobody takes."""
    import gc
    import threading

    import stratmap.site.render as render
    import stratmap.write as write
    from stratmap.build import BuildOptions, build_site

    assert run("build", str(repo.root), "-q").exit_code == 0
    before = snapshot(repo.root / "output")
    settings = repo.root / "stratmap.yaml"
    settings.write_text(settings.read_text().replace("Our Sales Strategy", "Our Strategy"))  # every page anew
    monkeypatch.setattr(render, "PARALLEL_FROM", 1)
    written = []

    def fail_on_the_third_page(self, relpath, data):
        written.append(relpath)
        if len(written) == 3:
            raise OSError(28, "No space left on device")
    monkeypatch.setattr(write.SiteWriter, "write", fail_on_the_third_page)
    # a worker writes the pages it renders: it fails there (each worker counts its own)
    monkeypatch.setattr(write.SiteWriter, "write_in_worker", fail_on_the_third_page)
    outcome: list[int | None] = []

    def build():
        try:
            build_site(BuildOptions(repo.root, jobs=2))
        except OSError as problem:
            outcome.append(problem.errno)  # not the failure: its traceback holds the pool
        gc.collect()  # ends the pool the failure left, as serve's collection between builds does
        outcome.append(None)
    builder = threading.Thread(target=build)
    builder.start()
    builder.join(120)
    assert not builder.is_alive(), "the build hangs once it stops taking pages"
    assert outcome == [28, None]
    assert snapshot(repo.root / "output") == before


def test_workers_writing_into_the_standby_tree_never_write_through_to_the_live_site(tmp_path, monkeypatch):
    """Workers write the pages they render into the tree the build makes, which after a
    few builds is the standby: its unchanged files are links to the live site's. A build
    that renders every page in workers and then fails must leave the live site as it was."""
    import stratmap.site.render as render
    import stratmap.write as write
    from conftest import copy_demo
    from stratmap.build import BuildOptions, build_site

    root = copy_demo(tmp_path / "demo")
    plan = root / "content/teams/enterprise-east.md"
    for text in ("Northeast", "Northeast and Southeast"):  # a standby linked to the site
        build_site(BuildOptions(root))
        plan.write_text(plan.read_text().replace("Northeast and Southeast", text))
    build_site(BuildOptions(root))
    before = snapshot(root / "output")
    settings = root / "stratmap.yaml"
    settings.write_text(settings.read_text().replace("title: ", "title: Renamed ", 1))  # every page anew
    monkeypatch.setattr(render, "PARALLEL_FROM", 1)
    real_hook = write.test_hook

    def fail_before_the_swap(moment):
        if moment == "before-swap":
            raise OSError(5, "Input/output error")
        real_hook(moment)
    monkeypatch.setattr(write, "test_hook", fail_before_the_swap)
    with pytest.raises(OSError):
        build_site(BuildOptions(root, jobs=2))
    assert snapshot(root / "output") == before


def test_worker_processes_left_early_end_and_hand_out_only_a_few_pages_ahead():
    """The paced pool that renders pages: results come in order; a caller that stops
    taking them (a failed write) ends the pool instead of waiting on it forever."""
    import threading

    from stratmap.site.render import paced_imap

    assert list(paced_imap(abs, [range(0, 3), range(3, 4), range(4, 50)], jobs=2)) == list(range(50))
    pages = paced_imap(abs, [range(index, index + 1) for index in range(50)], jobs=2)
    assert [next(pages), next(pages)] == [0, 1]
    closing = threading.Thread(target=pages.close)  # as when the caller's frame goes
    closing.start()
    closing.join(60)
    assert not closing.is_alive(), "the pool waits for work nobody will take"


def test_a_page_about_the_whole_organisation_goes_to_a_worker_alone():
    """Its HTML grows with the organisation; several of them in one batch came back as one
    message, the largest thing a build held. Pages about one item go in runs."""
    from stratmap.site.render import _batches
    from stratmap.site.routes import Page

    def page(subject):
        return Page("p.html", "t.html", "P", subject=("team", object()) if subject else None)

    pages = [page(False), page(False), *[page(True)] * 5, page(False), *[page(True)] * 2]
    assert _batches(pages, size=3) == [range(0, 1), range(1, 2), range(2, 5), range(5, 7),
                                       range(7, 8), range(8, 10)]
