"""What a serve rebuild costs, by what the edit changes (the scale bench edits a plan's text only).

    python bench/edit_kinds.py [--teams 1000] [--rounds 2]

Builds a copy of the synthetic organisation of scale.py in one process, as `stratmap
serve` does, then makes each kind of edit and undoes it, `--rounds` times: each
rebuild is timed from its start to the new site in place. Prints, per kind, the median
of the edits and undos and the pages the edit rendered again. It times the stratmap it
imports: to compare two trees, run it with PYTHONPATH set to each, alternating. Not
written to RESULTS.md (bench/NOTES.md quotes it where a round used it).
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import shutil
import statistics
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import run  # noqa: E402
import scale  # noqa: E402
from stratmap.build import BuildOptions, build_site, parse_cache_for  # noqa: E402

# kind → (file, text, the text it becomes): in synth.py's organisation
TEAM, TOPIC, OBJECTIVE = "content/teams/team-7.md", "content/guidance/topic-0.md", "content/objectives/C11.md"
EDITS = {
    "a plan's text": (TEAM, "sells to", "sells well to"),
    "a priority's plan": (TEAM, "plan: Plan for F5.", "plan: Plan for F5 now."),
    "a KPI target of the team": (TEAM, "{kpi: k4, target: 40}", "{kpi: k4, target: 45}"),
    "what a priority asks of a role": (TEAM, "Does their part for F5 in team 7.", "Does more for F5 in team 7."),
    "the team's leader": (TEAM, "leader: Leader 7", "leader: Leader Seven"),
    "the team's name": (TEAM, "name: Team 7", "name: Team Seven"),
    "a guidance topic's advice": (TOPIC, "Do the right thing 0", "Do the right thing now"),
    "a guidance topic's audience": (TOPIC, "objectives: [F1]", "objectives: [F1, F2]"),
    "an objective's title": (OBJECTIVE, "title: Protect margin 10", "title: Protect margins 10"),
    "an objective's KPI actual": (OBJECTIVE, "actual: 26.9", "actual: 27.9"),
    "an objective's body": (OBJECTIVE, "- First step", "- The first step"),
}


def rendered_kinds(paths: list[str]) -> str:
    """`current/teams/x/index.html`, … → `teams 113, roles 4, home 1, …` (HTML pages only)."""
    sections = (path.split("/")[1:] for path in paths if path.endswith(".html"))
    counted = collections.Counter(parts[0] if len(parts) > 1 else "home" for parts in sections)
    return ", ".join(f"{kind} {n}" for kind, n in counted.most_common())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    root = run.WORK / f"edit-kinds-{args.teams}"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(scale.organisation(args.teams), root,
                    ignore=shutil.ignore_patterns("output", ".stratmap-cache"))
    placed: list[float] = []
    options = BuildOptions(root, parse_cache=parse_cache_for(root), serving=True,
                           site_in_place=lambda: placed.append(time.perf_counter()))
    build_site(options)

    def rebuild() -> tuple[float, list[str]]:
        started = time.perf_counter()
        result = build_site(options)
        return placed[-1] - started, result.rendered

    build_site(dataclasses.replace(options, force=True))  # as serve does before the first edit: the standby
    print(f"| edit ({args.teams:,} teams, medians of {2 * args.rounds}) | in place | pages rendered again |")
    print("|---|---:|---|")
    for kind, (relpath, old, new) in EDITS.items():
        path = root / relpath
        text = path.read_text()
        if old not in text:
            raise SystemExit(f"{relpath} has no `{old}`: synth.py writes something else now")
        seconds, shown = [], ""
        try:
            for _ in range(args.rounds):
                path.write_text(text.replace(old, new, 1))
                took, rendered = rebuild()
                seconds.append(took)
                shown = rendered_kinds(rendered)
                path.write_text(text)
                seconds.append(rebuild()[0])
        finally:
            path.write_text(text)
        print(f"| {kind} | {statistics.median(seconds) * 1000:,.0f} ms | {shown} |", flush=True)
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
