"""Compare this checkout's stratmap with another commit's, interleaved on one machine.

    python bench/compare.py OTHER_GENERATOR_DIR [--runs 5] [--teams 300] [--versions 3]

OTHER_GENERATOR_DIR is the `generator/` folder of another checkout (e.g. made with
`git worktree add /tmp/before <commit>`). Both run as whole processes on the same
synthetic repository (a git repository with tagged quarters and a draft), each in its own
copy, and every scenario alternates between them in the same round, so the machine's
noise falls on both alike. Prints one Markdown table: medians and the ratio new / other.
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
import synth  # noqa: E402


def timed(generator: Path, args: list[str]) -> float:
    env = {**os.environ, "PYTHONPATH": str(generator)}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "stratmap", *args], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("other", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--teams", type=int, default=300)
    parser.add_argument("--versions", type=int, default=3)
    options = parser.parse_args()
    work = BENCH / "work" / f"compare-{options.teams}-v{options.versions}"
    source = synth.generated(work, options.teams, options.versions)
    settings = source / "stratmap.yaml"  # publish the working tree too, as a draft
    if "draft: null" in settings.read_text():
        settings.write_text(settings.read_text().replace("draft: null", "draft: Next"))
    sides = {"this checkout": REPO / "generator", "other": options.other.resolve()}
    for generator in sides.values():  # this machine sets PYTHONDONTWRITEBYTECODE: compile once
        compileall.compile_dir(generator, quiet=1)
    copies = {}
    for name in sides:
        copies[name] = work / name.replace(" ", "-")
        shutil.rmtree(copies[name], ignore_errors=True)
        shutil.copytree(source, copies[name], symlinks=True)
    team = "content/teams/team-7.md"
    edits = iter(range(10_000))

    def clean(root: Path) -> None:
        shutil.rmtree(root / "output", ignore_errors=True)
        shutil.rmtree(root / ".stratmap-cache", ignore_errors=True)

    def edit(root: Path) -> None:
        path = root / team
        text = path.read_text()
        # its text, differently each time (an edit that changes nothing would be up to date)
        path.write_text(re.sub(r"Team 7 (\(edit \d+\) )?sells", f"Team 7 (edit {next(edits)}) sells", text, count=1))

    scenarios: list[tuple[str, Callable[[Path], None] | None]] = [
        ("cold build (output and cache removed)", clean),
        ("up to date: nothing changed", None),
        ("one team plan's text edited in the draft", edit),
        ("the same plan's text edited again", edit),  # the build after an edit build (the usual case)
    ]
    seconds: dict[tuple[str, str], list[float]] = {}
    for _ in range(options.runs):
        for label, before in scenarios:
            for name, generator in sides.items():
                root = copies[name]
                if before:
                    before(root)
                seconds.setdefault((label, name), []).append(timed(generator, ["build", str(root), "-q"]))
    print(f"{options.teams} teams, {options.versions} tagged quarters and a draft; medians of "
          f"{options.runs}, interleaved\n")
    print("| scenario | this checkout | other | ratio |\n|---|---:|---:|---:|")
    for label, _ in scenarios:
        new, old = (statistics.median(seconds[(label, n)]) for n in sides)
        print(f"| {label} | {new:.2f} s | {old:.2f} s | {new / old:.2f} |")


if __name__ == "__main__":
    main()
