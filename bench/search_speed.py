"""The search index of the 300-team synthetic repository: its size, and how long a query
takes in Chromium once the index is loaded (median of 5 rounds of 6 queries).

    python bench/search_speed.py [WORK]   # default bench/work/search-300
"""

from __future__ import annotations

import functools
import http.server
import statistics
import subprocess
import sys
import threading
from pathlib import Path

QUERIES = ["team", "pipeline coverage", "account executive", "old habit 17", "xylophone", "does their part"]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def main() -> None:
    work = Path(sys.argv[1] if len(sys.argv) > 1 else "bench/work/search-300")
    source = work / "source"
    if not source.exists():
        subprocess.run([sys.executable, "bench/synth.py", str(source), "--teams", "300"], check=True)
    subprocess.run([sys.executable, "-m", "stratmap", "build", str(source), "-q"], check=True,
                   stderr=subprocess.DEVNULL)
    site = source / "output"
    index = site / "current/search.js"
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    times: list[float] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/current/index.html")
            page.get_by_role("searchbox").fill("a")
            page.wait_for_function("document.querySelectorAll('.search-results li').length > 0")
            for _ in range(5):
                for query in QUERIES:
                    times.append(page.evaluate("""q => { const box = document.querySelector('#stratmap-search');
                        const t0 = performance.now(); box.value = q; box.dispatchEvent(new Event('input'));
                        return performance.now() - t0; }""", query))
            browser.close()
    finally:
        server.shutdown()
    print(f"index: {index.stat().st_size / 1024:.0f} KiB ({index})")
    print(f"query, median of {len(times)}: {statistics.median(times):.1f} ms; slowest {max(times):.1f} ms")


if __name__ == "__main__":
    main()
