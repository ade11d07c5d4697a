"""Benchmarks (not tests): time whole `stratmap` processes and write bench/RESULTS.md.

    python bench/run.py [--runs 5] [--only validate,build,versions]

Each figure is the median of N runs of a whole process (start-up included) and the
largest peak resident memory seen, read from the kernel through os.wait4.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORK = BENCH / "work"
STRATMAP = [sys.executable, "-m", "stratmap"]

sys.path.insert(0, str(BENCH))
import synth  # noqa: E402


@dataclass
class Measurement:
    label: str
    command: str
    seconds: list[float]
    peak_mb: float
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def run_once(command: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """(seconds, peak MB) of one process; fails loudly if the command fails."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0,):
        raise SystemExit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()}")
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
    shown = " ".join(part if part != sys.executable else "python" for part in command)
    result = Measurement(label, shown, seconds, max(peaks), note)
    print(f"{label}: median {result.median:.3f} s, peak {result.peak_mb:.0f} MB", flush=True)
    return result


def large_repo(versions: int = 0, name: str = "large") -> Path:
    root = WORK / (f"{name}-v{versions}" if versions else name)
    if not root.exists():
        synth.generate(root, 300, 40, 40, versions)
    return root


def bench_validate(runs: int) -> list[Measurement]:
    large = large_repo()
    return [
        measure("validate the demo", [*STRATMAP, "validate", str(REPO)], runs),
        measure("validate the large repository (300 teams, 40 objectives, 40 topics)",
                [*STRATMAP, "validate", str(large)], runs),
    ]


SCENARIOS: dict[str, Callable[[int], list[Measurement]]] = {"validate": bench_validate}


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
             "runs; peak is the largest resident memory of any run.", "",
             "Re-run with `make bench` (or `python bench/run.py`).", ""]
    for section, measurements in sections.items():
        lines += [f"## {section}", "", "| what | command | median s | peak MB | note |",
                  "|---|---|---:|---:|---|"]
        for m in measurements:
            lines.append(f"| {m.label} | `{m.command}` | {m.median:.3f} | {m.peak_mb:.0f} | {m.note} |")
        lines.append("")
    lines += extra
    (BENCH / "RESULTS.md").write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", default=",".join(SCENARIOS))
    parser.add_argument("--fresh", action="store_true", help="regenerate the synthetic repositories")
    args = parser.parse_args()
    if args.fresh:
        shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(exist_ok=True)
    sections = {name: SCENARIOS[name](args.runs) for name in args.only.split(",")}
    write_results(sections, args.runs, [])


if __name__ == "__main__":
    main()
