"""Serve: build, serve the output on localhost, rebuild on change and reload the browser.

The server injects a small script into every HTML page it sends; the script asks
/__stratmap__/build for the build number once a second and reloads when it changes.
A build that fails prints its findings and leaves the last good site being served.
"""

from __future__ import annotations

import functools
import http.server
import threading
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


class _Handler(http.server.SimpleHTTPRequestHandler):
    counter: BuildCounter

    def log_message(self, *args) -> None:  # the terminal shows builds, not requests
        pass

    def do_GET(self) -> None:
        if self.path == RELOAD_ENDPOINT:
            self._send(200, "text/plain", str(self.counter.number).encode())
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            body = path.read_bytes().replace(b"</body>", RELOAD_SCRIPT + b"</body>", 1)
            self._send(200, "text/html; charset=utf-8", body)
            return
        super().do_GET()

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def make_server(output: Path, host: str, port: int, counter: BuildCounter) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(type("Handler", (_Handler,), {"counter": counter}),
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
