"""Screenshots of the demo site, for the README and for reviewing the theme.

    python demo/screenshots.py [SITE] [--out docs/screenshots] [--dark]

SITE is a built site (default: output/, as `make site` builds it). Writes
<page>-<width>.png for the home, team, objective, scorecard and changes pages of the
newest published version, at phone (390 × 844) and desktop (1280 × 900) widths, with
Debian's Chromium. Re-run it after changing the theme: `make screenshots`.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import threading
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PAGES = {"home": "latest/index.html", "team": "latest/teams/enterprise-east/index.html",
         "objective": "latest/objectives/C2/index.html", "scorecard": "latest/scorecard/index.html",
         "changes": "latest/changes/index.html"}
SIZES = {"phone": (390, 844), "desktop": (1280, 900)}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", nargs="?", type=Path, default=Path("output"))
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--dark", action="store_true", help="Dark colour scheme (files end in -dark).")
    args = parser.parse_args()
    if not (args.site / "latest/index.html").is_file():
        raise SystemExit(f"{args.site} holds no built site: run `make site` first")
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(args.site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for size, (width, height) in SIZES.items():
                context = browser.new_context(viewport={"width": width, "height": height},
                                              color_scheme="dark" if args.dark else "light")
                page = context.new_page()
                for name, path in PAGES.items():
                    page.goto(base + path)
                    shot = args.out / f"{name}-{size}{'-dark' if args.dark else ''}.png"
                    page.screenshot(path=str(shot), full_page=False)
                    print(f"wrote {shot}")
                context.close()
            browser.close()
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
