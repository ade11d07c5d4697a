"""stratmap serve: a real server process, a real edit, a rebuild the browser can see."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import copy_demo, git
from stratmap.serve import OVERLAY_ID


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def _wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("timed out")


def _state(base: str) -> dict:
    return json.loads(_get(base + "__stratmap__/build"))


@contextmanager
def serving(root: Path):
    """`stratmap serve` as a user runs it; yields the base URL, and on exit what it printed."""
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "stratmap", "serve", str(root), "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    printed: list[str] = []
    try:
        base = f"http://127.0.0.1:{port}/"
        _wait_for(lambda: _state(base)["watching"])  # built, served, and watching for edits
        yield base, printed
    finally:
        server.terminate()
        printed.append(server.communicate(timeout=30)[1])


@pytest.mark.slow
def test_serve_rebuilds_on_change_and_keeps_the_last_good_site(tmp_path):
    root = copy_demo(tmp_path / "demo")
    with serving(root) as (base, printed):
        page_url = base + "next/teams/enterprise-east/index.html"
        page = _get(page_url)
        assert "Enterprise East" in page and "/__stratmap__/build" in page  # the reload script
        team = root / "content/teams/enterprise-east.md"
        team.write_text(team.read_text().replace("name: Enterprise East", "name: Enterprise East Coast"))
        _wait_for(lambda: _state(base)["build"] == 1)
        assert "Enterprise East Coast" in _get(page_url)

        good = team.read_text()
        team.write_text("---\nname: [broken\n---\n")
        _wait_for(lambda: _state(base)["failure"] is not None)
        state = _state(base)
        assert state["build"] == 1 and "content/teams/enterprise-east.md:3:1: error" in state["failure"]
        assert "Enterprise East Coast" in _get(page_url)  # the last good site stays

        team.write_text(good)
        _wait_for(lambda: _state(base)["build"] == 2)
        assert _state(base)["failure"] is None
    assert "content/teams/enterprise-east.md:3:1: error" in printed[0]  # the terminal said where


def test_serve_makes_the_standby_tree_before_the_first_edit(tmp_path):
    """Later rebuilds update a standby tree in place; the one after a cold build has none
    to update and makes it (seconds, at thousands of teams). serve makes it while it waits
    for the first edit, without reloading the browser, and the first edit then takes
    the quick path like any other."""
    from stratmap.cache.layout import CacheLayout

    root = copy_demo(tmp_path / "demo")
    with serving(root) as (base, printed):
        store = CacheLayout.of(root).standby(root / "output")
        assert any(store.rglob("next/teams/enterprise-east/index.html"))  # a whole site, kept
        assert _state(base)["build"] == 0  # made quietly: no reload
        team = root / "content/teams/enterprise-east.md"
        team.write_text(team.read_text().replace("name: Enterprise East", "name: Enterprise East Coast"))
        _wait_for(lambda: _state(base)["build"] == 1)
        assert "Enterprise East Coast" in _get(base + "next/teams/enterprise-east/index.html")
    # the findings of the first build and of the edit's: nothing said of the standby's
    assert printed[0].count("0 errors, 5 warnings") == 2


def _events(base: str):
    """The states `stratmap serve` pushes on its event stream, one at a time as they come."""
    with urllib.request.urlopen(base + "__stratmap__/events", timeout=60) as stream:
        assert stream.headers["Content-Type"] == "text/event-stream"
        for line in stream:
            if line.startswith(b"data: "):
                yield json.loads(line[len(b"data: "):])


def test_a_rebuild_is_pushed_to_the_browser_the_moment_it_is_done(tmp_path):
    """The page listens on an event stream: a rebuild's new number reaches it as soon as
    the new site is in place, not at the next poll."""
    root = copy_demo(tmp_path / "demo")
    with serving(root) as (base, _):
        events = _events(base)
        assert next(events)["build"] == 0  # the state now, on connecting
        team = root / "content/teams/enterprise-east.md"
        team.write_text(team.read_text().replace("name: Enterprise East", "name: Enterprise East Coast"))
        pushed = next(events)
        assert pushed == {"build": 1, "failure": None, "watching": True}
        # already on disk when the event is sent
        assert "Enterprise East Coast" in _get(base + "next/teams/enterprise-east/index.html")
        assert "new EventSource" in _get(base + "next/index.html")  # what the page listens with


def test_the_address_opens_the_draft_being_edited(tmp_path):
    root = copy_demo(tmp_path / "demo")
    with serving(root) as (base, _):
        opened = urllib.request.urlopen(base, timeout=5)
        assert opened.geturl() == base + "next/" and "Northwind" in opened.read().decode()


@pytest.mark.slow
def test_a_tag_made_or_deleted_while_serving_is_picked_up(git_repo):
    with serving(git_repo.root) as (base, _):
        git_repo.tag("strategy/2026-Q4", "2026-12-01T12:00:00+00:00")
        _wait_for(lambda: _state(base)["build"] == 1)
        assert "2026-Q4" in _get(base + "versions.json")
        git(git_repo.root, "tag", "-d", "strategy/2026-Q4")
        _wait_for(lambda: _state(base)["build"] == 2)
        assert "2026-Q4" not in _get(base + "versions.json")


@pytest.mark.slow
@pytest.mark.browser
def test_a_failed_rebuild_lays_its_findings_over_the_page_until_fixed(tmp_path, browser):
    root = copy_demo(tmp_path / "demo")
    with serving(root) as (base, _):
        tab = browser.new_page()
        tab.goto(base + "next/teams/enterprise-east/index.html")
        overlay = tab.locator(f"#{OVERLAY_ID}")
        team = root / "content/teams/enterprise-east.md"
        good = team.read_text()
        team.write_text(good.replace("name: Enterprise East", "name: [broken"))
        overlay.wait_for(state="visible", timeout=60_000)
        assert "content/teams/enterprise-east.md" in overlay.inner_text()
        assert "The last rebuild failed" in overlay.inner_text()
        team.write_text(good.replace("name: Enterprise East", "name: Enterprise East Coast"))
        tab.wait_for_function("document.querySelector('h1').textContent.includes('East Coast')",
                              timeout=60_000)
        assert overlay.count() == 0
        tab.close()


def _inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def test_a_serve_rebuild_writes_only_what_an_edit_changes_and_equals_a_clean_build(tmp_path):
    """serve keeps its parse cache in memory and builds again after each edit: only the
    pages whose recorded dependencies changed are rendered, only they are written (the
    rest keep their files), and the result is byte for byte a clean build's. Three edits
    in a row: the second and third update the standby tree the one before left."""
    from conftest import snapshot
    from stratmap.build import BuildOptions, build_site
    from stratmap.source.parse_cache import parse_cache_for

    root = copy_demo(tmp_path / "demo")
    options = BuildOptions(root, parse_cache=parse_cache_for(root), serving=True)  # as `stratmap serve` holds it
    build_site(options)
    edits = [("enterprise-east", "The East covers", "The East now covers"),
             ("enterprise-west", "name: Enterprise West", "name: Enterprise West Coast"),
             ("enterprise-east", "The East now covers", "The East covers")]
    for slug, old, new in edits:
        before = _inodes(root / "output/next")
        team = root / f"content/teams/{slug}.md"
        team.write_text(team.read_text().replace(old, new))
        rendered = {path.removeprefix("next/") for path in build_site(options).rendered}
        after = _inodes(root / "output/next")
        written = {page for page, inode in after.items() if before.get(page) != inode}
        # the team's page, the files that hold the whole model (strategy.json, the search
        # index) and the page table; a first version's changes stay as they were
        own = {f"teams/{slug}/index.html", "strategy.json", "search.js", "pages.js"}
        if "name:" in old:  # a name shows wherever the team is listed
            assert own < rendered and "teams/index.html" in rendered
        else:
            assert rendered == own
        assert written == rendered
        clean = copy_demo(tmp_path / f"clean-{len(list(tmp_path.iterdir()))}")
        for name in ("enterprise-east", "enterprise-west"):
            shutil.copy(root / f"content/teams/{name}.md", clean / f"content/teams/{name}.md")
        build_site(BuildOptions(clean))
        assert snapshot(root / "output") == snapshot(clean / "output")


def test_a_serve_rebuild_reads_only_the_files_whose_status_changed(tmp_path, monkeypatch):
    """serve knows each content file's status and bytes from its last build: a rebuild
    reads only the file that was edited, and sees an edit that kept the file's size and
    modification time (its change time moved)."""
    import os

    from stratmap.build import BuildOptions, build_site
    from stratmap.cache import stamp
    from stratmap.source.parse_cache import parse_cache_for

    root = copy_demo(tmp_path / "demo")
    options = BuildOptions(root, parse_cache=parse_cache_for(root), serving=True)
    monkeypatch.setattr(stamp, "RACY_NS", 0)  # the demo's files were written a moment ago
    build_site(options)
    read: list[str] = []
    real = stamp._hashed
    monkeypatch.setattr(stamp, "_hashed", lambda path: read.append(path) or real(path))
    team = root / "content/teams/enterprise-east.md"
    status = team.stat()
    team.write_text(team.read_text().replace("The East covers", "The West covers"))  # same size
    os.utime(team, ns=(status.st_atime_ns, status.st_mtime_ns))
    build_site(options)
    assert read == [str(team)]
    assert "The West covers" in (root / "output/next/teams/enterprise-east/index.html").read_text()
    note = root / "content/notes.txt"  # any file of the content folder is an input
    note.write_text("an aside")
    build_site(options)
    assert str(note) in options.known_files.by_path
    note.unlink()
    build_site(options)
    assert str(note) not in options.known_files.by_path  # forgotten once deleted


def test_a_file_changed_in_the_moment_it_was_read_is_read_again():
    """Two changes within the file system's clock grain leave a file's status as it was
    (git's "racily clean"): a file changed that close to its last reading is read again."""
    from types import SimpleNamespace

    from stratmap.cache.stamp import RACY_NS, KnownFile, KnownFiles

    changed_at = 10**18
    status = SimpleNamespace(st_ino=7, st_size=100, st_mtime_ns=changed_at, st_ctime_ns=changed_at)
    signature = (7, 100, changed_at, changed_at)

    def known(asked_at: int) -> KnownFiles:
        return KnownFiles({"f.md": KnownFile(signature, asked_at, b"x" * 100, b"digest")})
    assert known(changed_at + RACY_NS + 1).unchanged("f.md", status) is not None
    assert known(changed_at + RACY_NS).unchanged("f.md", status) is None
    assert known(changed_at + 5 * RACY_NS).unchanged("f.md", SimpleNamespace(**{**vars(status), "st_size": 99})) is None


def test_a_serve_rebuild_reads_the_previous_quarter_once(git_repo):
    """A team page shows what changed since the last published quarter, which needs that
    quarter's model; a tag never changes, so serve reads it from git once, not per edit."""
    from stratmap import build
    from stratmap.build import BuildOptions, build_site
    from stratmap.source.parse_cache import parse_cache_for

    git_repo.tag("strategy/2026-Q1", "2026-02-01T12:00:00+00:00")
    team = git_repo.root / "content/teams/sales.md"
    options = BuildOptions(git_repo.root, parse_cache=parse_cache_for(git_repo.root), serving=True)
    build_site(options)
    models = dict(build._TAG_MODELS)
    assert models, "the draft's team pages read the tag's model"
    team.write_text(team.read_text().replace("name: Sales", "name: Sales Team"))
    result = build_site(options)
    assert "next/teams/sales/index.html" in result.rendered
    assert all(build._TAG_MODELS[key] is model for key, model in models.items())  # the same, not read again
    assert "Sales Team" in (git_repo.root / "output/next/teams/sales/index.html").read_text()


def test_between_rebuilds_what_a_build_left_is_freed_even_once_set_aside():
    """serve sets what lives on aside from the garbage collector after each rebuild
    (gc.freeze); what the next rebuild drops must still be freed, not kept for good."""
    import gc
    import weakref

    from stratmap.serve import settle_memory

    class Page:
        def __init__(self):
            self.cycle = self  # garbage only a collection frees

    try:
        kept = Page()
        settle_memory()
        assert gc.get_freeze_count() > 0
        dropped = weakref.ref(kept)
        del kept  # a later build no longer needs it
        settle_memory()
        assert dropped() is None
    finally:
        gc.unfreeze()


def test_after_a_rebuild_the_build_waits_until_every_open_stream_has_sent_it():
    """The reload goes out before the build's bookkeeping: the build waits for the open
    event streams, and only for those, and never past its timeout."""
    import threading

    from stratmap.serve import BuildCounter

    counter = BuildCounter()
    counter.bump()
    counter.wait_until_told(timeout=60)  # no stream open: nothing to wait for
    counter.stream_opened()
    counter.stream_opened()
    counter.bump()
    waiting = threading.Thread(target=counter.wait_until_told, kwargs={"timeout": 60})
    waiting.start()
    counter.sent(b"an older state")  # not the current one: does not count
    counter.sent(counter.state())
    waiting.join(0.3)
    assert waiting.is_alive()  # one of the two streams has not sent it yet
    counter.stream_closed()  # that one went away (the page was closed)
    waiting.join(10)
    assert not waiting.is_alive()
    counter.bump()
    counter.wait_until_told(timeout=0.01)  # a stream that never sends holds nobody for long
