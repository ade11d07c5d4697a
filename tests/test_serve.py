"""stratmap serve: a real server process, a real edit, a rebuild the browser can see."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import copy_demo


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


@pytest.mark.slow
def test_serve_rebuilds_on_change_and_keeps_the_last_good_site(tmp_path):
    root = copy_demo(tmp_path / "demo")
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "stratmap", "serve", str(root), "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}/"
    try:
        _wait_for(lambda: "Enterprise East" in _get(base + "latest/teams/enterprise-east/index.html"))
        page = _get(base + "latest/teams/enterprise-east/index.html")
        assert "/__stratmap__/build" in page  # the reload script is injected
        build = _get(base + "__stratmap__/build")

        team = root / "content/teams/enterprise-east.md"
        team.write_text(team.read_text().replace("name: Enterprise East", "name: Enterprise East Coast"))
        _wait_for(lambda: _get(base + "__stratmap__/build") != build)
        assert "Enterprise East Coast" in _get(base + "latest/teams/enterprise-east/index.html")

        build = _get(base + "__stratmap__/build")
        team.write_text("---\nname: [broken\n---\n")
        time.sleep(3)  # a failed build must not bump the build number or change the site
        assert _get(base + "__stratmap__/build") == build
        assert "Enterprise East Coast" in _get(base + "latest/teams/enterprise-east/index.html")
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
    assert "content/teams/enterprise-east.md:3:1: error" in errors  # the failed build said where
