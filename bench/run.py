"""Benchmarks (not tests): time whole `stratmap` processes and write bench/RESULTS.md.

    python bench/run.py [--runs 5] [--only validate,build,versions]

Each figure is the median of N runs of a whole process (start-up included) and the
largest peak resident memory seen, read from the kernel through os.wait4. Figures that
are compared with each other are taken in rounds (see measure_in_rounds).
"""

from __future__ import annotations

import argparse
import compileall
import functools
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORK = BENCH / "work"
STRATMAP = [sys.executable, "-m", "stratmap"]

TRASH = WORK / ".trash"
# how long ext4 passes over the inodes it freed, one by one, before it hands them out again
# (RECENTCY_MIN in fs/ext4/ialloc.c); a folder's tables are written back well within it
FREED_INODES_SKIPPED_FOR = 60.0

sys.path.insert(0, str(BENCH))
import synth  # noqa: E402


def set_aside(path: Path) -> None:
    """Move a tree out of the way, to be deleted after the bench (empty_trash), instead of
    deleting it. ext4 skips the inodes freed within the last minute, one at a time, when it
    makes a file or folder: right after a clean-up deleted the last build's thousands of
    files, each mkdir here cost 5x as much. No build a user runs follows such a deletion by
    seconds, and the tools compared make different numbers of files: a bench that deleted
    before timing measured its own clean-up (see NOTES.md)."""
    if path.exists() or path.is_symlink():
        TRASH.mkdir(parents=True, exist_ok=True)
        os.rename(path, TRASH / f"{time.monotonic_ns()}-{path.name}")


def empty_trash() -> None:
    """Delete what was set aside, then wait until the file system hands out freed inodes
    again without a search, so that no timed build follows the deletion."""
    if TRASH.exists():
        print(f"deleting what earlier runs set aside, then waiting {FREED_INODES_SKIPPED_FOR:.0f} s",
              flush=True)
        shutil.rmtree(TRASH)
        time.sleep(FREED_INODES_SKIPPED_FOR)


@dataclass
class Measurement:
    label: str
    command: str
    seconds: list[float]
    peak_mb: float | None  # None: not a whole process of its own
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def run_once(command: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """(seconds, peak MB) of one process; fails loudly if the command fails."""
    # stderr into a file, not a pipe: a pipe nobody reads until the end fills up (a large
    # organisation's warnings are more than its 64 KB) and the process then waits forever
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) not in (0,):
            errors.seek(0)
            raise SystemExit(f"failed: {' '.join(command)}\n{errors.read().decode()}")
    return elapsed, usage.ru_maxrss / 1024


def measure(label: str, command: list[str], runs: int, *, before: Callable[[], None] | None = None,
            cwd: Path | None = None, note: str = "") -> Measurement:
    seconds, peaks = [], []
    for _ in range(runs):
        if before:
            before()
        elapsed, peak = run_once(command, cwd)
        seconds.append(elapsed)
        peaks.append(peak)
    result = Measurement(label, _shown(command), seconds, max(peaks), note)
    print(f"{label}: median {result.median:.3f} s, peak {result.peak_mb:.0f} MB", flush=True)
    return result


@dataclass
class Scenario:
    label: str
    command: list[str]
    before: Callable[[], None] | None = None


def measure_in_rounds(scenarios: list[Scenario], runs: int) -> list[Measurement]:
    """Each round runs every scenario once, in order; the medians are taken per scenario.
    Runs that are compared with each other (cold, then warm, then an edit) thus follow one
    another closely, and a busy spell of this shared machine slows all of them, not one."""
    seconds: list[list[float]] = [[] for _ in scenarios]
    peaks: list[list[float]] = [[] for _ in scenarios]
    for _ in range(runs):
        for index, scenario in enumerate(scenarios):
            if scenario.before:
                scenario.before()
            elapsed, peak = run_once(scenario.command)
            seconds[index].append(elapsed)
            peaks[index].append(peak)
    results = []
    for scenario, times, peak in zip(scenarios, seconds, peaks, strict=True):
        results.append(Measurement(scenario.label, _shown(scenario.command), times, max(peak)))
        print(f"{scenario.label}: median {results[-1].median:.3f} s, peak {max(peak):.0f} MB", flush=True)
    return results


def _shown(command: list[str]) -> str:
    shown = " ".join(part if part != sys.executable else "python" for part in command)
    return shown.replace(f"{REPO}/", "")


def large_repo(versions: int = 0, name: str = "large") -> Path:
    root = WORK / (f"{name}-v{versions}" if versions else name)
    if not root.exists():
        synth.generate(root, 300, 40, 40, versions)
    return root


def bench_validate(runs: int) -> list[Measurement]:
    large = large_repo()

    def remove_parse_cache() -> None:
        for kept in (REPO / ".stratmap-cache" / "parsed").glob("*.json"):
            kept.unlink()
    # as in a repository whose pre-commit hook runs: built once, validated once since
    subprocess.run([*STRATMAP, "build", str(REPO), "-q"], check=True, capture_output=True)
    subprocess.run([*STRATMAP, "validate", str(REPO)], capture_output=True)
    return [
        measure("validate the demo", [*STRATMAP, "validate", str(REPO)], runs,
                note="reusing the parse cache a build left, as a pre-commit hook does"),
        measure("validate with no parse cache (the demo's deleted before each run)",
                [*STRATMAP, "validate", str(REPO)], runs, before=remove_parse_cache),
        measure("validate the large repository (300 teams, 40 objectives, 40 topics)",
                [*STRATMAP, "validate", str(large)], runs),
    ]


def _pages_per_second(measurement: Measurement, pages: int) -> Measurement:
    measurement.note = (measurement.note + "; " if measurement.note else "") + \
        f"{pages / measurement.median:.0f} pages/s"
    return measurement


def _built_pages(root: Path) -> int:
    return sum(1 for _ in (root / "output").rglob("index.html")) - sum(
        1 for _ in (root / "output" / "latest").rglob("index.html")) - 1


def cold_start(root: Path) -> Callable[[], None]:
    """What makes the next build of `root` a cold one: no output and no cache."""
    def set_both_aside() -> None:
        set_aside(root / "output")
        set_aside(root / ".stratmap-cache")
    return set_both_aside


def bench_build(runs: int) -> list[Measurement]:
    large = large_repo()
    build = [*STRATMAP, "build", str(large), "-q"]
    team = large / "content" / "teams" / "team-7.md"
    original = team.read_text()
    assert "Team 7 sells" in original, "bench/work/large was edited: regenerate it with --fresh"
    edits = iter(range(1000))

    def edit_plan_text() -> None:
        team.write_text(original.replace("Team 7 sells", f"Team 7 (edit {next(edits)}) sells"))

    def edit_a_target() -> None:  # on top of the plan-text edit before it: one change only
        team.write_text(team.read_text().replace("{kpi: k4, target: 40}",
                                                 f"{{kpi: k4, target: {next(edits)}}}"))

    def restore() -> None:
        team.write_text(original)
        cold_start(large)()
    try:
        cold, warm, forced, edited, retargeted = measure_in_rounds([
            Scenario("cold build (no output or cache: the last run's moved aside)", build, restore),
            Scenario("warm build: nothing changed (up to date)", build),
            Scenario("warm build with --force: caches full, every input re-read and checked",
                     [*build, "--force"]),
            Scenario("one team edited before each run: its plan's text", build, edit_plan_text),
            Scenario("one team edited before each run: a KPI target of one priority "
                     "(front matter: home, the scorecard and the objective's page show it too)",
                     build, edit_a_target),
        ], runs)
    finally:
        team.write_text(original)
    pages = _built_pages(large)
    results = [_pages_per_second(cold, pages), warm, forced, edited, retargeted]
    for m in results[1:]:
        m.note = f"{cold.median / m.median:.1f}× faster than cold"
    results.append(bench_mkdocs(large, pages, runs, cold))
    results += bench_serve(runs)
    return results


def bench_serve(runs: int) -> list[Measurement]:
    """The same edit under `stratmap serve`, which pays Python's start-up and imports once:
    each figure is the rebuild's own time, from its summary line."""
    large = large_repo()
    cold_start(large)()
    command = [*STRATMAP, "serve", str(large), "--port", "0"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    team = large / "content" / "teams" / "team-7.md"
    original = team.read_text()
    assert "Team 7 sells" in original, "bench/work/large was edited: regenerate it with --fresh"

    def next_build_seconds() -> float:
        for line in server.stdout:
            if (found := re.search(r"; ([0-9.]+) s → ", line)):
                return float(found.group(1))
        raise SystemExit(f"stratmap serve stopped: {' '.join(command)}")
    try:
        cold = next_build_seconds()
        seconds = []
        for index in range(runs):
            time.sleep(1)  # serve watches only once it has built and started serving
            team.write_text(original.replace("Team 7 sells", f"Team 7 (served edit {index}) sells"))
            seconds.append(next_build_seconds())
    finally:
        server.terminate()
        server.wait()
        team.write_text(original)
    shown = " ".join(command).replace(sys.executable, "python").replace(f"{REPO}/", "")
    first = Measurement("cold build inside `stratmap serve` (its first build; no output or cache)",
                        shown, [cold], None, "one run")
    edited = Measurement("one team edited under `stratmap serve`: the rebuild", shown, seconds, None,
                         f"{cold / statistics.median(seconds):.1f}× faster than serve's cold build")
    print(f"{edited.label}: median {edited.median:.3f} s", flush=True)
    return [first, edited]


def bench_mkdocs(large: Path, pages: int, runs: int, cold: Measurement) -> Measurement:
    """MkDocs building as many pages of plain Markdown, made from the same content."""
    project = WORK / "mkdocs"
    set_aside(project)
    docs = project / "docs"
    docs.mkdir(parents=True)
    sources = sorted((large / "content").rglob("*.md"))
    for index in range(pages):
        text = sources[index % len(sources)].read_text()
        body = text.split("---\n", 2)[-1]
        front = text.split("---\n", 2)[1] if text.startswith("---") else ""
        (docs / f"page-{index}.md").write_text(f"# Page {index}\n\n{body}\n\n```yaml\n{front}```\n")
    (project / "mkdocs.yml").write_text("site_name: Synthetic\n")
    mkdocs = measure("MkDocs 1.6, same number of pages as plain Markdown (reference)",
                     [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml")],
                     runs, cwd=project)
    mkdocs.note = (f"{pages / mkdocs.median:.0f} pages/s; stratmap's cold build runs at "
                   f"{mkdocs.median / cold.median:.2f}× MkDocs' speed")
    return mkdocs


def _linked_copy(source: Path, target: Path) -> None:
    """A folder as a build left it: hard links keep each file's inode and mtime, which the
    build's records of its output and cache go by (a copy would make every file look
    changed). Safe to share: a build replaces files, it never writes into one."""
    subprocess.run(["cp", "-al", str(source), str(target)], check=True)


def bench_versions(runs: int) -> list[Measurement]:
    root = WORK / "large-v8"
    if not root.exists():
        synth.generate(root, 300, 40, 40, 8)
    one = large_repo()
    build = [*STRATMAP, "build", str(root), "-q"]
    one_cold, eight = measure_in_rounds([
        Scenario("one version, cold (for comparison)", [*STRATMAP, "build", str(one), "-q"], cold_start(one)),
        Scenario("8 tagged versions, cold", build, cold_start(root))], runs)
    eight.note = f"{eight.median / one_cold.median:.1f}× one version's cold build"
    snapshot = _snapshot(root, WORK / "large-v8-built")
    # A repository is built many times between quarters: the build before the 9th tag then
    # finds the last output kept as its standby tree, and brings that up to date instead of
    # making every version's folders again (cache/standby.py)
    subprocess.run([*build, "--force"], check=True, capture_output=True)
    rebuilt = _snapshot(root, WORK / "large-v8-rebuilt")
    synth.add_version(root, synth.Synth(300, 40, 40), 8)

    # compared with one version's cold build in the same rounds: on this shared machine a
    # ratio of figures taken minutes apart says more about the load than about the build
    one_again, ninth, ninth_again = measure_in_rounds([
        Scenario(ONE_AGAIN, [*STRATMAP, "build", str(one), "-q"], cold_start(one)),
        Scenario("adding a 9th tag to the built 8", build, functools.partial(_link_build, snapshot, root)),
        Scenario("adding a 9th tag to the built 8, built once more since (a standby tree in place)",
                 build, functools.partial(_link_build, rebuilt, root))], runs)
    for measured in (ninth, ninth_again):
        measured.note = f"{measured.median / one_again.median:.2f}× one version's cold build in the same rounds"
    diff = measure("stratmap diff between the first and the last tag",
                   [*STRATMAP, "diff", "2025-Q1", "2027-Q1", "--dir", str(root)], runs)
    set_aside(root)  # the 9th tag is in it now; the next run makes it anew
    return [one_cold, eight, one_again, ninth, ninth_again, diff]


ONE_AGAIN = "one version, cold, again (in the rounds of the 9th tag)"


def _snapshot(root: Path, snapshot: Path) -> Path:
    """`root`'s output and cache as they are now, kept in `snapshot`."""
    set_aside(snapshot)
    snapshot.mkdir()
    _link_build(root, snapshot)
    return snapshot


def _link_build(source: Path, target: Path) -> None:
    """`source`'s output and cache into `target` as hard links, `target`'s own set aside."""
    for name in ("output", ".stratmap-cache"):
        set_aside(target / name)
        _linked_copy(source / name, target / name)


SCENARIOS: dict[str, Callable[[int], list[Measurement]]] = {
    "validate": bench_validate, "build": bench_build, "versions": bench_versions}


def target_table(measurements: list[Measurement]) -> list[str]:
    """Each target of the issues, with the measured figure and whether it is met."""
    found = {m.label: m for m in measurements}

    def get(prefix: str) -> Measurement | None:
        return next((m for label, m in found.items() if label.startswith(prefix)), None)

    rows = []

    def row(target: str, value: str, met: bool) -> None:
        rows.append(f"| {target} | {value} | {'met' if met else '**not met**'} |")

    if (demo := get("validate the demo")):
        row("validate the demo < 0.5 s", f"{demo.median:.3f} s", demo.median < 0.5)
        row("validate the demo < 0.2 s (issue 14: quick enough for a pre-commit hook)",
            f"{demo.median:.3f} s", demo.median < 0.2)
    if (large := get("validate the large")):
        row("validate the large repository < 3 s", f"{large.median:.3f} s", large.median < 3)
    cold, mkdocs = get("cold build"), get("MkDocs")
    if cold:
        pages = float(cold.note.split()[0])
        row("cold build ≥ 200 pages/s on 2 cores", f"{pages:.0f} pages/s", pages >= 200)
        for prefix, target in (
                ("warm build: nothing", "warm (second) build ≥ 5× faster than cold"),
                ("one team edited before each run: its plan", "one-team-edit rebuild ≥ 5× faster than cold: plan text"),
                ("one team edited before each run: a KPI", "one-team-edit rebuild ≥ 5× faster than cold: a target")):
            if (m := get(prefix)):
                row(target, f"{cold.median / m.median:.1f}×", cold.median / m.median >= 5)
        peak = max(m.peak_mb for m in measurements
                   if m.peak_mb is not None and m.command.startswith("python -m stratmap build"))
        row("peak memory < 500 MB", f"{peak:.0f} MB", peak < 500)
    if cold and mkdocs:
        row("cold build ≥ 5× MkDocs", f"{mkdocs.median / cold.median:.2f}×", mkdocs.median / cold.median >= 5)
    one, eight, ninth, diff = (get("one version, cold (for"), get("8 tagged"), get("adding a 9th"),
                               get("stratmap diff"))
    if one and eight:
        row("8 tagged versions cold < 8× one version", f"{eight.median / one.median:.1f}×",
            eight.median / one.median < 8)
    in_its_rounds = get(ONE_AGAIN) or one  # the 9th tag is compared with the one built in its rounds
    if in_its_rounds and ninth:
        row("adding a 9th tag ≤ 1.2× one version's cold build", f"{ninth.median / in_its_rounds.median:.2f}×",
            ninth.median / in_its_rounds.median <= 1.2)
    if in_its_rounds and (again := get("adding a 9th tag to the built 8, built once")):
        row("the same, the 8 built once more since", f"{again.median / in_its_rounds.median:.2f}×",
            again.median / in_its_rounds.median <= 1.2)
    if diff:
        row("diff between two tags < 2 s", f"{diff.median:.3f} s", diff.median < 2)
    return ["## Targets", "", "| target | measured | |", "|---|---:|---|", *rows, ""]


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), "
            f"{memory:.0f} GiB, Python {platform.python_version()}")


def write_results(sections: dict[str, list[Measurement]], runs: int, extra: list[str]) -> None:
    lines = ["# Benchmark results", "",
             f"Machine: {machine()}  ",
             f"Date: {time.strftime('%Y-%m-%d')}; each figure is the median of {runs} whole-process "
             "runs, taken in rounds (cold, warm, --force, edits; then the next round) so that "
             "compared figures share the machine's state; peak is the largest resident memory "
             "of any run.", "",
             "Re-run with `make bench` (or `python bench/run.py`).", ""]
    for section, measurements in sections.items():
        lines += [f"## {section}", "", "| what | command | median s | peak MB | note |",
                  "|---|---|---:|---:|---|"]
        for m in measurements:
            peak = "—" if m.peak_mb is None else f"{m.peak_mb:.0f}"
            lines.append(f"| {m.label} | `{m.command}` | {m.median:.3f} | {peak} | {m.note} |")
        lines.append("")
    lines += extra
    (BENCH / "RESULTS.md").write_text("\n".join(lines) + "\n" + _scale_section())


def _scale_section() -> str:
    """bench/scale.py's section of RESULTS.md, kept as it is when this script rewrites the rest."""
    start, end = "<!-- scale:start -->", "<!-- scale:end -->"
    try:
        text = (BENCH / "RESULTS.md").read_text()
    except OSError:
        return ""
    if start not in text or end not in text:
        return ""
    return "\n" + text[text.index(start):text.index(end) + len(end)] + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", default=",".join(SCENARIOS))
    parser.add_argument("--fresh", action="store_true", help="regenerate the synthetic repositories")
    args = parser.parse_args()
    if args.fresh:
        shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(exist_ok=True)
    empty_trash()  # what an interrupted run left
    # pip compiles an installed package to bytecode; an editable install run with
    # PYTHONDONTWRITEBYTECODE (as on this machine) never gets any and compiles every run
    compileall.compile_dir(REPO / "generator" / "stratmap", quiet=1)
    titles = {"validate": "Validate", "build": "Build: 300 teams, 40 objectives, 40 topics, one version",
              "versions": "Versions: the same organisation with 8 quarterly tags"}
    sections = {titles[name]: SCENARIOS[name](args.runs) for name in args.only.split(",")}
    notes = (BENCH / "NOTES.md").read_text().splitlines() if (BENCH / "NOTES.md").exists() else []
    write_results(sections, args.runs,
                  target_table([m for ms in sections.values() for m in ms]) + notes)
    empty_trash()  # the next bench on this machine starts with nothing freed recently


if __name__ == "__main__":
    main()
