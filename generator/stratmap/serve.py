"""Serve: build, serve the output on localhost, rebuild on change and reload the browser.

The server injects a small script into every HTML page it sends; the script asks
/__stratmap__/build for the build number once a second and reloads when it changes.
A build that fails prints its findings and leaves the last good site being served.
"""

from __future__ import annotations

import functools
import http.server
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

RELOAD_ENDPOINT = "/__stratmap__/build"
RELOAD_SCRIPT = b"""<script>(function () {
  var seen = null;
  setInterval(function () {
    fetch("%s").then(function (r) { return r.text(); }).then(function (build) {
      if (seen !== null && build !== seen) { location.reload(); }
      seen = build;
    }).catch(function () {});
  }, 1000);
})();</script>""" % RELOAD_ENDPOINT.encode()


@dataclass
class BuildCounter:
    number: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def bump(self) -> None:
        with self.lock:
            self.number += 1


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
            self._send(200, "text/plain", str(self.counter.number).encode())
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


def watch_and_rebuild(paths: list[Path], rebuild: Callable[[], bool], counter: BuildCounter,
                      stop: threading.Event, say: Callable[[str], None]) -> None:
    """Rebuild after every batch of changes to `paths` until `stop` is set."""
    from watchfiles import watch

    for changes in watch(*paths, stop_event=stop, debounce=300, raise_interrupt=False):
        names = sorted({Path(p).name for _, p in changes})
        say(f"changed: {', '.join(names[:5])}{' …' if len(names) > 5 else ''}")
        if rebuild():
            counter.bump()
