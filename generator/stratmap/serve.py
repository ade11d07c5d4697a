"""Serve: build, serve the output on localhost, rebuild on change and reload the browser.

The server injects a small script into every HTML page it sends; the script listens on
/__stratmap__/events, where the server pushes the build number and the last rebuild's
failure the moment either changes (browsers without EventSource ask /__stratmap__/build
once a second instead). It reloads when the number changes, and while a rebuild has
failed it lays the findings over the page (the last good site stays underneath), until
the next good build.
`/` opens the draft, when the working tree is published as one: that is what is edited.
"""

from __future__ import annotations

import functools
import gc
import http.server
import json
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

RELOAD_ENDPOINT = "/__stratmap__/build"
EVENTS_ENDPOINT = "/__stratmap__/events"
HEARTBEAT_SECONDS = 15  # a comment line now and then: a dead connection is noticed and closed
WATCH_QUIET_MS = 5  # watchfiles' own default is 50: every edit waited for it, and then as long again
OVERLAY_ID = "stratmap-build-failed"
# Findings are set as text (textContent), never as HTML: they quote the content.
RELOAD_SCRIPT = b"""<script>(function () {
  var seen = null;
  function show(failure) {
    var box = document.getElementById("%(overlay)s");
    if (!failure) { if (box) { box.remove(); } return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "%(overlay)s";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;" +
        "z-index:2147483647;margin:0;padding:1rem;background:#5c0011;color:#fff;" +
        "font:14px/1.45 ui-monospace,monospace;white-space:pre-wrap;box-shadow:0 -4px 16px #0008";
      document.body.appendChild(box);
    }
    box.textContent = "The last rebuild failed; this page is the last good build.\\n\\n" + failure;
  }
  function update(state) {
    if (seen !== null && state.build !== seen) { location.reload(); return; }
    seen = state.build;
    show(state.failure);
  }
  if (window.EventSource) {
    new EventSource("%(events)s").onmessage = function (event) { update(JSON.parse(event.data)); };
    return;
  }
  setInterval(function () {
    fetch("%(endpoint)s").then(function (r) { return r.json(); }).then(update).catch(function () {});
  }, 1000);
})();</script>""" % {b"overlay": OVERLAY_ID.encode(), b"endpoint": RELOAD_ENDPOINT.encode(),
                     b"events": EVENTS_ENDPOINT.encode()}


def settle_memory() -> None:
    """Between rebuilds, while nobody waits: free what the last build left, and set what
    lives on (parsed files, page records, templates) aside from the garbage collector, so
    that the next rebuild's collections walk only what that rebuild makes. Otherwise a
    collection of everything kept fell inside most rebuilds, between an edit and its reload."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


@dataclass
class BuildCounter:
    """The number of the last good build, and why the rebuild after it failed, if it did."""

    number: int = 0
    failure: str | None = None
    watching: bool = False  # the watcher runs: an edit from now on is seen
    closed: bool = False  # the server stops: event streams end
    streams: int = 0  # event streams open now
    told: int = 0  # of those, the ones that have sent the state since it last changed
    changed: threading.Condition = field(default_factory=threading.Condition)

    def bump(self) -> None:
        with self.changed:
            self.number += 1
            self.failure = None
            self.told = 0
            self.changed.notify_all()

    def wait_until_told(self, timeout: float) -> None:
        """Until every open event stream has sent the current state, or `timeout`. Called
        right after a bump: otherwise the build's bookkeeping keeps the interpreter and the
        streams wait their turn (Python's switch interval, 5 ms) before the reload goes out."""
        with self.changed:
            self.changed.wait_for(lambda: self.closed or self.told >= self.streams, timeout)

    def stream_opened(self) -> None:
        with self.changed:
            self.streams += 1

    def stream_closed(self) -> None:
        with self.changed:
            self.streams -= 1
            self.changed.notify_all()

    def sent(self, state: bytes) -> None:
        """An event stream has sent `state`."""
        with self.changed:
            if state == self.state():
                self.told += 1
                self.changed.notify_all()

    def failed(self, findings: str) -> None:
        with self.changed:
            self.failure = findings
            self.changed.notify_all()

    def watch_started(self) -> None:
        with self.changed:
            if not self.watching:
                self.watching = True
                self.changed.notify_all()

    def close(self) -> None:
        with self.changed:
            self.closed = True
            self.changed.notify_all()

    def state(self) -> bytes:
        with self.changed:
            return json.dumps({"build": self.number, "failure": self.failure,
                               "watching": self.watching}).encode()

    def next_state(self, last: bytes, timeout: float) -> bytes | None:
        """The state once it differs from `last`; None after `timeout` or once closed."""
        with self.changed:
            self.changed.wait_for(lambda: self.closed or self.state() != last, timeout)
            current = self.state()
            return None if self.closed or current == last else current


def draft_path(output: Path) -> str | None:
    """The folder of the draft version in a built site, or None when it has none."""
    try:
        versions = json.loads((output / "versions.json").read_text())
        return str(next(v["path"] for v in versions if v.get("draft"))).strip("/")
    except (OSError, ValueError, StopIteration, KeyError, TypeError, AttributeError):
        return None


LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})
ANY_ADDRESS = frozenset({"0.0.0.0", "::", ""})


def host_allowed(host_header: str | None, listening_on: str) -> bool:
    """Whether to answer a request sent to `host_header`. A page on another site can make
    the browser send requests here under a name of its own (DNS rebinding); only the names
    of this machine's loopback, or the address the user chose with --host, are answered."""
    if listening_on in ANY_ADDRESS:
        return True  # the user published the preview on every interface
    if not host_header:
        return False
    name = host_header.rsplit(":", 1)[0] if not host_header.endswith("]") else host_header
    return name.lower() in LOOPBACK_NAMES or name == listening_on or name == f"[{listening_on}]"


class _Handler(http.server.SimpleHTTPRequestHandler):
    counter: BuildCounter
    listening_on: str

    def log_message(self, *args) -> None:  # the terminal shows builds, not requests
        pass

    def do_GET(self) -> None:
        if not host_allowed(self.headers.get("Host"), self.listening_on):
            self._send(421, "text/plain", b"stratmap serve answers only requests for localhost\n")
            return
        if self.path == RELOAD_ENDPOINT:
            self._send(200, "application/json", self.counter.state())
            return
        if self.path == EVENTS_ENDPOINT:
            self._stream_events()
            return
        if self.path == "/" and self._redirect_to_draft():
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            address = urllib.parse.urlsplit(self.path)
            if not address.path.endswith("/"):  # relative links need the folder's slash
                self.send_response(301)
                self.send_header("Location", urllib.parse.urlunsplit(
                    ("", "", address.path + "/", address.query, address.fragment)))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            body = path.read_bytes().replace(b"</body>", RELOAD_SCRIPT + b"</body>", 1)
            self._send(200, "text/html; charset=utf-8", body)
            return
        super().do_GET()

    def _stream_events(self) -> None:
        """Server-sent events: the state now, then every change, pushed as it happens."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        state = self.counter.state()
        self.counter.stream_opened()
        try:
            self.wfile.write(b"data: " + state + b"\n\n")
            self.wfile.flush()
            self.counter.sent(state)  # a stream opened just after a rebuild has told it now
            while not self.counter.closed:
                changed = self.counter.next_state(state, HEARTBEAT_SECONDS)
                if changed is not None:
                    state = changed
                self.wfile.write(b"data: " + state + b"\n\n" if changed is not None else b":\n\n")
                self.wfile.flush()
                if changed is not None:
                    self.counter.sent(state)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the page was closed or reloaded
        finally:
            self.counter.stream_closed()
        self.close_connection = True

    def _redirect_to_draft(self) -> bool:
        """`/` opens the draft (the working tree being edited) when there is one; the
        site's own index.html opens the newest published version."""
        draft = draft_path(Path(self.directory))
        if draft is None:
            return False
        self.send_response(302)
        self.send_header("Location", "/" + urllib.parse.quote(draft) + "/")
        self.send_header("Content-Length", "0")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        return True

    def do_HEAD(self) -> None:
        if not host_allowed(self.headers.get("Host"), self.listening_on):
            self._send(421, "text/plain", b"")
            return
        super().do_HEAD()

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def make_server(output: Path, host: str, port: int, counter: BuildCounter) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(type("Handler", (_Handler,), {"counter": counter, "listening_on": host}),
                                directory=str(output))
    return http.server.ThreadingHTTPServer((host, port), handler)


def watch_and_rebuild(paths: list[Path], git_folder: Path | None, rebuild: Callable[[], bool],
                      counter: BuildCounter, stop: threading.Event, say: Callable[[str], None],
                      prepare: Callable[[], None] = lambda: None) -> None:
    """Rebuild after every batch of changes to `paths`, or to the tags of the git
    repository in `git_folder` (a tag made or deleted while serving), until `stop` is set.
    The counter says when the watcher runs (its first quiet half second): from then on no
    edit is missed. `prepare` runs in that first quiet moment, before the counter says so:
    what is edited meanwhile is kept for the next batch."""
    from watchfiles import DefaultFilter, watch

    content_filter = DefaultFilter()
    tag_places = [git_folder / "refs" / "tags", git_folder / "packed-refs"] if git_folder else []

    def relevant(change, path: str) -> bool:
        where = Path(path)
        if any(where == place or place in where.parents for place in tag_places):
            return not where.name.endswith(".lock")
        return content_filter(change, path)

    watched = [*paths, *([git_folder] if git_folder else [])]
    # a batch ends after WATCH_QUIET_MS without a change (an editor's save, a write and a
    # rename, comes within a few ms); one that ends too soon only costs a second rebuild
    for changes in watch(*watched, watch_filter=relevant, stop_event=stop, debounce=300,
                         step=WATCH_QUIET_MS, raise_interrupt=False, yield_on_timeout=True,
                         rust_timeout=500):
        if not counter.watching and not changes:
            prepare()
        counter.watch_started()
        if not changes:
            continue
        names = sorted({Path(p).name for _, p in changes})
        say(f"changed: {', '.join(names[:5])}{' …' if len(names) > 5 else ''}")
        rebuild()
