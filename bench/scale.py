"""Scale (issue 14): stratmap beside Hugo and MkDocs at 300, 1,000 and 3,000 teams.

    python bench/scale.py [--runs 5] [--serve-edits 7] [--sizes 300,1000,3000]

Set-up (not part of `make test`): `make bench-setup` installs MkDocs from PyPI into the
venv and Hugo from Debian. Every size is a synthetic organisation from synth.py; Hugo and
MkDocs get the same text as plain Markdown pages, as many as stratmap builds. Commands
that are compared run in the same rounds, interleaved, and each round notes the
machine's load (1-minute load average) before it starts. The figures and a verdict per
target go into bench/RESULTS.md, between the scale markers.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import run  # noqa: E402
import synth  # noqa: E402

STRATMAP = [sys.executable, "-m", "stratmap"]
START, END = "<!-- scale:start -->", "<!-- scale:end -->"


@dataclass
class Row:
    label: str
    seconds: list[float] = field(default_factory=list)
    peaks: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak(self) -> float:
        return max(self.peaks) if self.peaks else 0.0


@dataclass
class Size:
    teams: int
    rows: dict[str, Row] = field(default_factory=dict)
    loads: list[float] = field(default_factory=list)
    pages: int = 0

    def row(self, key: str, label: str) -> Row:
        return self.rows.setdefault(key, Row(label))


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def organisation(teams: int) -> Path:
    root = run.WORK / f"scale-{teams}"
    if not root.exists():
        synth.generate(root, teams, 40, 40, 0)
    return root


def markdown_pages(root: Path, pages: int) -> list[tuple[str, str]]:
    """(title, Markdown) for as many pages as stratmap builds, from the same files."""
    sources = sorted((root / "content").rglob("*.md"))
    made = []
    for index in range(pages):
        text = sources[index % len(sources)].read_text()
        parts = text.split("---\n", 2)
        front, body = (parts[1], parts[2]) if text.startswith("---") else ("", text)
        made.append((f"Page {index}", f"{body}\n\n```yaml\n{front}```\n"))
    return made


def hugo_site(root: Path, pages: list[tuple[str, str]], full_nav: bool) -> Path:
    site = run.WORK / f"hugo-{'full' if full_nav else 'small'}-{root.name}"
    run.set_aside(site)
    (site / "content" / "pages").mkdir(parents=True)
    (site / "layouts" / "_default").mkdir(parents=True)
    (site / "hugo.toml").write_text('baseURL = "/"\ntitle = "Synthetic"\n'
                                    'disableKinds = ["taxonomy", "term"]\n')
    nav = ('{{ range .Site.RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}'
           if full_nav else '<li><a href="/">Home</a></li><li><a href="/pages/">Pages</a></li>')
    page = ("<!doctype html><html><head><title>{{ .Title }}</title></head><body>"
            f"<nav><ul>{nav}</ul></nav><main>{{{{ block \"main\" . }}}}{{{{ end }}}}</main></body></html>")
    (site / "layouts" / "_default" / "baseof.html").write_text(page)
    (site / "layouts" / "_default" / "single.html").write_text(
        '{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}')
    (site / "layouts" / "_default" / "list.html").write_text(
        '{{ define "main" }}<h1>{{ .Title }}</h1>{{ range .Pages }}<a href="{{ .RelPermalink }}">'
        '{{ .Title }}</a> {{ end }}{{ end }}')
    (site / "layouts" / "index.html").write_text(
        '{{ define "main" }}<h1>{{ .Site.Title }}</h1>{{ end }}')
    for index, (title, text) in enumerate(pages):
        (site / "content" / "pages" / f"page-{index}.md").write_text(f"---\ntitle: {title}\n---\n{text}")
    return site


def mkdocs_site(root: Path, pages: list[tuple[str, str]]) -> Path:
    site = run.WORK / f"mkdocs-{root.name}"
    run.set_aside(site)
    (site / "docs").mkdir(parents=True)
    for index, (title, text) in enumerate(pages):
        (site / "docs" / f"page-{index}.md").write_text(f"# {title}\n\n{text}")
    # a small nav: MkDocs' default lists every page on every page
    (site / "mkdocs.yml").write_text("site_name: Synthetic\nnav:\n  - page-0.md\n  - page-1.md\n  - page-2.md\n")
    return site


class EditedTeam:
    """Edits one team plan's text, differently each time, and puts it back at the end."""

    def __init__(self, root: Path):
        self.path = root / "content" / "teams" / "team-7.md"
        # as a run stopped midway left it, put back: an edit must change the text
        self.original = re.sub(r"Team 7 \(edit \d+\) sells", "Team 7 sells", self.path.read_text())
        if "Team 7 sells" not in self.original:
            raise SystemExit(f"{self.path} has no `Team 7 sells` to edit: make it again (delete {root})")
        self.path.write_text(self.original)
        self.count = 0

    def edit(self) -> None:
        self.count += 1
        self.path.write_text(self.original.replace("Team 7 sells", f"Team 7 (edit {self.count}) sells"))

    def restore(self) -> None:
        self.path.write_text(self.original)


def timed(row: Row, command: list[str], before: Callable[[], None] | None = None,
          cwd: Path | None = None) -> None:
    if before:
        before()
    seconds, peak = run.run_once(command, cwd)
    row.seconds.append(seconds)
    row.peaks.append(peak)


def builds(size: Size, runs: int) -> None:
    """Cold builds of all four, then stratmap's no-change and one-edit builds, in rounds."""
    root = organisation(size.teams)
    run.cold_start(root)()
    build = [*STRATMAP, "build", str(root), "-q"]
    subprocess.run(build, check=True, capture_output=True)
    size.pages = run._built_pages(root)
    pages = markdown_pages(root, size.pages)
    hugo_full, hugo_small = hugo_site(root, pages, True), hugo_site(root, pages, False)
    mkdocs = mkdocs_site(root, pages)
    team = EditedTeam(root)
    try:
        for _ in range(runs):
            size.loads.append(load_average())
            timed(size.row("cold", "stratmap cold build (with diagrams)"), build, run.cold_start(root))
            timed(size.row("unchanged", "stratmap build, nothing changed"), build)
            timed(size.row("edit_first", "stratmap build, one plan's text edited, first build after the cold one "
                                         "(fresh process; makes the standby tree)"), build, team.edit)
            timed(size.row("edit", "stratmap build, one plan's text edited again (fresh process)"), build, team.edit)
            for site, key, label in ((hugo_full, "hugo_full", "Hugo, nav listing every page"),
                                     (hugo_small, "hugo_small", "Hugo, small nav")):
                run.set_aside(site / "public")
                timed(size.row(key, label), ["hugo", "--quiet", "-s", str(site)])
            run.set_aside(mkdocs / "site")
            timed(size.row("mkdocs", "MkDocs 1.6, small nav"),
                  [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(mkdocs / "mkdocs.yml")], cwd=mkdocs)
    finally:
        team.restore()


def _free_port() -> int:
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve_edits(size: Size, edits: int) -> None:
    """Edit → the reload event on serve's event stream (the new page is on disk by then),
    interleaved with MkDocs `serve --dirty`: edit → its "Reloading browsers" line."""
    root = organisation(size.teams)
    run.cold_start(root)()
    port = _free_port()
    server = subprocess.Popen([*STRATMAP, "serve", str(root), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    mkdocs = run.WORK / f"mkdocs-{root.name}"
    mkdocs_port = _free_port()
    mkdocs_server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dirty", "-a", f"127.0.0.1:{mkdocs_port}",
         "-f", str(mkdocs / "mkdocs.yml")], cwd=mkdocs, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    team = EditedTeam(root)
    page = mkdocs / "docs" / "page-7.md"
    page_text = page.read_text()
    try:
        events = _event_stream(f"http://127.0.0.1:{port}/__stratmap__/events")
        mkdocs_lines = _lines(mkdocs_server)
        _wait_for_line(mkdocs_lines, "Serving on")
        while not next(events)["watching"]:
            pass
        # Each server's first edit after its cold start is timed apart, as the fresh-process
        # rows do (stratmap serve makes its standby tree before it says it is watching).
        rows = [(size.row("serve_first", "stratmap serve: the first edit after its cold build "
                          "→ reload event sent"),
                 size.row("mkdocs_serve_first", "MkDocs serve --dirty: the first edit after its start → rebuilt"))]
        rows += [(size.row("serve", "stratmap serve: one plan edited again → reload event sent"),
                  size.row("mkdocs_serve", "MkDocs serve --dirty: one page edited again → rebuilt"))] * edits
        for index, (stratmap_row, mkdocs_row) in enumerate(rows):
            time.sleep(1.0)
            started = time.perf_counter()
            team.edit()
            while next(events)["build"] <= index:
                pass
            stratmap_row.seconds.append(time.perf_counter() - started)
            time.sleep(1.0)
            started = time.perf_counter()
            page.write_text(page_text.replace("Page 7", f"Page 7 (edit {index})", 1))
            _wait_for_line(mkdocs_lines, "Reloading browsers")
            mkdocs_row.seconds.append(time.perf_counter() - started)
    finally:
        team.restore()
        page.write_text(page_text)
        for process in (server, mkdocs_server):
            process.terminate()
            process.wait()


def _event_stream(url: str):
    deadline = time.monotonic() + 600
    while True:
        try:
            stream = urllib.request.urlopen(url, timeout=600)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    for line in stream:
        if line.startswith(b"data: "):
            yield json.loads(line[len(b"data: "):])


def _lines(process: subprocess.Popen):
    """A process's stderr lines, read by a thread so that no pipe fills up."""
    import queue
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.put(line)
    threading.Thread(target=pump, daemon=True).start()
    return lines


def _wait_for_line(lines, text: str) -> None:
    while text not in lines.get(timeout=600):
        pass


# -- the report

def ratio(a: Row | None, b: Row | None) -> float | None:
    return a.median / b.median if a and b and b.median else None


def verdicts(sizes: dict[int, Size]) -> list[tuple[str, str, bool | None]]:
    """(target, measured, met) for every target of issue 14 that these figures decide."""
    out: list[tuple[str, str, bool | None]] = []
    limits = {300: 0.100, 3000: 0.150}
    for teams, limit in limits.items():
        if teams in sizes and "serve" in sizes[teams].rows:
            serve = sizes[teams].rows["serve"]
            out.append((f"serve: edit → reload ≤ {limit * 1000:.0f} ms at {teams:,} teams",
                        f"{serve.median * 1000:.0f} ms", serve.median <= limit))
    for size in sizes.values():
        if "serve" in size.rows and "mkdocs_serve" in size.rows:
            r = ratio(size.rows["serve"], size.rows["mkdocs_serve"])
            out.append((f"serve faster than MkDocs serve --dirty at {size.teams:,} teams",
                        f"{r:.2f}× MkDocs' time", r is not None and r < 1))
    if 1000 in sizes and {"edit", "unchanged"} <= sizes[1000].rows.keys():
        r = ratio(sizes[1000].rows["edit"], sizes[1000].rows["unchanged"])
        out.append(("fresh-process one-edit build ≤ 2× a no-change build at 1,000 teams",
                    f"{r:.2f}×", r is not None and r <= 2))
    for size in sizes.values():
        r = ratio(size.rows.get("cold"), size.rows.get("hugo_full"))
        if r is not None:
            out.append((f"cold build at least as fast as Hugo with a full nav at {size.teams:,} teams",
                        f"{r:.2f}× Hugo's time", r <= 1))
    if 1000 in sizes:
        r = ratio(sizes[1000].rows.get("cold"), sizes[1000].rows.get("hugo_small"))
        if r is not None:
            out.append(("cold build within 2× Hugo with a small nav at 1,000 teams", f"{r:.2f}×", r <= 2))
    if 3000 in sizes and "cold" in sizes[3000].rows:
        peak = sizes[3000].rows["cold"].peak
        out.append(("peak memory ≤ 150 MB at 3,000 teams", f"{peak:.0f} MB", peak <= 150))
    if 1000 in sizes and "unchanged" in sizes[1000].rows:
        unchanged = sizes[1000].rows["unchanged"].median
        out.append(("no-change build ≤ 0.3 s at 1,000 teams", f"{unchanged:.2f} s", unchanged <= 0.3))
    return out


def report(sizes: dict[int, Size], runs: int, serve_edits: int) -> list[str]:
    columns = list(sizes.values())
    lines = [START, "## Scale: stratmap, Hugo and MkDocs at 300, 1,000 and 3,000 teams (issue 14)", "",
             f"`python bench/scale.py --runs {runs} --serve-edits {serve_edits} "
             f"--sizes {','.join(str(s) for s in sizes)}` on "
             f"{run.machine()}, {time.strftime('%Y-%m-%d')}. Medians of {runs} runs taken in rounds "
             "(each round runs every command of a size once, interleaved); ratios are against "
             "stratmap's cold build of the same size, measured in the same rounds. Hugo "
             f"{_hugo_version()} and MkDocs build the same text as plain Markdown pages, as many "
             "as stratmap builds. Serve figures are edit → event (stratmap: the reload event on "
             "its event stream, sent once the new site is in place; MkDocs: its \"Reloading "
             f"browsers\" line), medians of {serve_edits} edits each, interleaved (an edit costs ~2 s, "
             "so serve gets more samples than the builds), after one first edit each that "
             "is timed apart (the fresh-process rows time the build that makes the standby tree "
             "apart too; serve makes it before it watches).", "",
             "| | " + " | ".join(f"{s.teams:,} teams ({s.pages:,} pages)" for s in columns) + " |",
             "|---|" + "---:|" * len(columns)]
    keys = ["cold", "hugo_full", "hugo_small", "mkdocs", "unchanged", "edit_first", "edit",
            "serve_first", "mkdocs_serve_first", "serve", "mkdocs_serve"]
    for key in keys:
        label = next((s.rows[key].label for s in columns if key in s.rows), None)
        if label is None:
            continue
        cells = []
        for size in columns:
            row, cold = size.rows.get(key), size.rows.get("cold")
            if row is None or not row.seconds:
                cells.append("—")
            elif key in ("cold", "serve_first", "mkdocs_serve_first", "serve", "mkdocs_serve",
                         "unchanged", "edit_first", "edit"):
                cells.append(f"{row.median:.3f} s")
            else:
                cells.append(f"{row.median:.3f} s ({ratio(row, cold):.2f}× ours)")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("| stratmap peak memory (cold build) | " + " | ".join(
        f"{s.rows['cold'].peak:.0f} MB" if "cold" in s.rows else "—" for s in columns) + " |")
    lines.append("| load average at the start of each round | " + " | ".join(
        ", ".join(f"{load:.2f}" for load in s.loads) or "—" for s in columns) + " |")
    lines += ["", "| target | measured | |", "|---|---:|---|"]
    for target, measured, met in verdicts(sizes):
        lines.append(f"| {target} | {measured} | {'met' if met else '**not met**'} |")
    return [*lines, "", END]


def _hugo_version() -> str:
    found = re.search(r"v[0-9.]+", subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout)
    return found.group(0) if found else "?"


def write_section(lines: list[str]) -> None:
    results = BENCH / "RESULTS.md"
    text = results.read_text() if results.exists() else "# Benchmark results\n"
    section = "\n".join(lines)
    if START in text and END in text:
        text = text[:text.index(START)] + section + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    results.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="300,1000,3000")
    parser.add_argument("--serve-edits", type=int, default=7)
    parser.add_argument("--no-serve", action="store_true")
    args = parser.parse_args()
    if shutil.which("hugo") is None:
        raise SystemExit("Hugo is not installed: run `make bench-setup` first")
    run.WORK.mkdir(exist_ok=True)
    run.empty_trash()  # what an interrupted run left
    import compileall
    compileall.compile_dir(run.REPO / "generator" / "stratmap", quiet=1)
    sizes = {}
    for teams in (int(t) for t in args.sizes.split(",")):
        size = sizes[teams] = Size(teams)
        builds(size, args.runs)
        if not args.no_serve:
            serve_edits(size, args.serve_edits)
        for row in size.rows.values():
            print(f"{teams} teams: {row.label}: median {row.median:.3f} s"
                  + (f", peak {row.peak:.0f} MB" if row.peaks else ""), flush=True)
        write_section(report(sizes, args.runs, args.serve_edits))  # after each size: a long run is never lost
    run.empty_trash()  # the next bench on this machine starts with nothing freed recently


if __name__ == "__main__":
    main()
