"""Time `stratmap kpi import` of a 1,000-row export into the 300-team synthetic repository.

    python bench/kpi_import.py [--runs 5] [--rows 1000] [--teams 300]

The export sets every objective KPI on several dates (the older rows go to history) and
every team target's actual, up to --rows rows. Each run starts from a fresh copy of the
repository and runs the import as a whole process (startup included), so the figure is
what a scheduled job waits for. Prints the median and writes nothing else.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import synth  # noqa: E402


def export_rows(root: Path, limit: int) -> list[str]:
    """objective,kpi,value,date,team rows: objective KPIs over months, then team actuals."""
    objective_kpis = []
    for path in sorted((root / "content/objectives").glob("*.md")):
        text = path.read_text()
        objective = re.search(r"^id: (\S+)", text, re.M).group(1)
        objective_kpis += [(objective, kpi) for kpi in re.findall(r"^  - id: (\S+)", text, re.M)]
    team_kpis = []
    for path in sorted((root / "content/teams").glob("*.md")):
        objective = None
        for line in path.read_text().splitlines():
            if line.startswith("  - objective: "):
                objective = line.split(": ", 1)[1]
            found = re.match(r"\s+- \{kpi: (\S+), target:", line)
            if found and objective:
                team_kpis.append((objective, found.group(1), path.stem))
    rows, month = [], 0
    while len(rows) < limit // 2 and objective_kpis:
        day = dt.date(2026, 1, 5) + dt.timedelta(weeks=month)
        rows += [f"{o},{k},{10 + month},{day},," for o, k in objective_kpis]
        month += 1
    rows += [f"{o},{k},{20},2026-11-28,{team}," for o, k, team in team_kpis]
    return rows[:limit]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--teams", type=int, default=300)
    options = parser.parse_args()
    work = BENCH / "work" / f"kpi-import-{options.teams}"
    source = synth.generated(work, options.teams, versions=0)
    rows = export_rows(source, options.rows)
    export = work / "export.csv"
    export.write_text("objective,kpi,value,date,team,comment\n" + "\n".join(rows) + "\n")
    times = []
    for _ in range(options.runs):
        copy = work / "run"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(source, copy)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "stratmap", "kpi", "import", str(export), "--dir", str(copy)],
                       check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    print(f"{len(rows)} rows into {options.teams} teams: median {statistics.median(times):.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in times)})")


if __name__ == "__main__":
    main()
