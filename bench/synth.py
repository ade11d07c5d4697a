"""Generate a large synthetic strategy repository for benchmarks.

    python bench/synth.py OUT [--teams 300] [--objectives 40] [--topics 40] [--versions N]

With --versions N, OUT becomes a git repository with N quarterly tags `strategy/<year>-Q<n>`,
each a commit with realistic changes from the one before: KPI actuals move, a few teams
re-point a priority or are re-reviewed, an objective is added, a guidance item changes.
Deterministic for the same arguments (seeded), so runs are comparable.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

PERSPECTIVES = ["financial", "customer", "internal", "learning"]
PREFIX = {"financial": "F", "customer": "C", "internal": "I", "learning": "L"}
ROLES = ["Account Executive", "Sales Engineer", "Sales Development Representative",
         "Customer Success Manager", "Sales Manager", "Partner Manager"]
VERBS = ["Grow", "Protect", "Win", "Expand", "Build", "Qualify", "Shorten", "Improve", "Develop"]
NOUNS = ["recurring revenue", "enterprise accounts", "pipeline coverage", "forecast accuracy",
         "partner pipeline", "seller skills", "renewal rate", "deal velocity", "CRM data quality",
         "onboarding speed", "margin", "account plans"]
PARAGRAPH = ("This objective matters because our buyers compare us with their incumbent on "
             "outcomes, not features. We measure it every month and review it every quarter; "
             "the teams below carry it into their plans.")


@dataclass
class Synth:
    teams: int
    objectives: int
    topics: int
    random: random.Random = field(default_factory=lambda: random.Random(2027))
    objective_ids: list[str] = field(default_factory=list)

    def perspective_of(self, index: int) -> str:
        return PERSPECTIVES[min(index * 4 // self.objectives, 3)]

    def write_all(self, root: Path, quarter: int) -> None:
        content = root / "content"
        (root / "stratmap.yaml").write_text(
            'title: Synthetic Sales Strategy\nversions: {tags: "strategy/*", draft: null}\n'
            "rules: {max_objectives: 100, max_priorities_per_team: 4}\n")
        for folder in ("objectives", "teams", "guidance"):
            shutil.rmtree(content / folder, ignore_errors=True)
            (content / folder).mkdir(parents=True)
        imperatives = "\n".join(f"  - {{id: imp-{i}, title: Imperative {i}}}" for i in range(3))
        (content / "strategy.md").write_text(
            f"---\ntitle: Synthetic FY Strategy (Q{quarter})\norganization: Synth Corp\n"
            f"vision: Lead the market, quarter {quarter}.\nimperatives:\n{imperatives}\n"
            f"tradeoffs: [We will not chase small deals.]\n---\n{PARAGRAPH}\n")
        self.objective_ids = []
        for index in range(self.objectives + quarter):  # one objective more every quarter
            self.objective_ids.append(self._objective(content, index, quarter))
        for index in range(self.teams):
            self._team(content, index, quarter)
        for index in range(self.topics):
            self._topic(content, index, quarter)

    def _objective(self, content: Path, index: int, quarter: int) -> str:
        # Objectives added in later quarters are internal ones: ids stay stable across versions.
        perspective = self.perspective_of(index) if index < self.objectives else "internal"
        oid = f"{PREFIX[perspective]}{index + 1}"
        rank = PERSPECTIVES.index(perspective)
        upward = [i for i in range(self.objectives)
                  if PERSPECTIVES.index(self.perspective_of(i)) == rank - 1]
        rng = random.Random(index)
        drives = sorted(f"{PREFIX[PERSPECTIVES[rank - 1]]}{i + 1}"
                        for i in rng.sample(upward, min(2, len(upward))))
        baseline, target = 10 + index, 50 + index
        actual = baseline + (target - baseline) * min(1.0, 0.2 * quarter + rng.random() * 0.4)
        history = "\n".join(f"      - {{date: 20{26 + q // 4}-{(q % 4) * 3 + 3:02d}-28, value: {baseline + q}}}"
                            for q in range(quarter))
        text = (f"---\nid: {oid}\ntitle: {VERBS[index % len(VERBS)]} {NOUNS[index % len(NOUNS)]} {index}\n"
                f"perspective: {perspective}\nimperative: imp-{index % 3}\nowner: VP {index}\n"
                f"drives: [{', '.join(drives)}]\nkpis:\n  - id: k{index}\n    name: Measure {index}\n"
                f"    unit: \"%\"\n    baseline: {baseline}\n    target: {target}\n"
                f"    actual: {actual:.1f}\n" + (f"    history:\n{history}\n" if history else "") +
                f"initiatives:\n  - {{title: Initiative {index}, owner: PMO, due: 2027-03-31, status: in-progress}}\n"
                f"---\n## Why\n\n{PARAGRAPH}\n\n## How\n\n- First step\n- Second step\n")
        (content / "objectives" / f"{oid}.md").write_text(text)
        return oid

    def _team(self, content: Path, index: int, quarter: int) -> None:
        rng = random.Random(index * 7 + (quarter if index % 25 == 0 else 0))
        parent = f"parent: team-{(index - 1) // 10}\n" if index else ""
        priorities = []
        for objective in rng.sample(self.objective_ids, 3):
            roles = "\n".join(f"      {role}: Does their part for {objective} in team {index}."
                              for role in rng.sample(ROLES, 2))
            kpi = objective[1:]
            priorities.append(f"  - objective: {objective}\n    plan: Plan for {objective}.\n"
                              f"    kpis:\n      - {{kpi: k{int(kpi) - 1}, target: 40}}\n"
                              f"    roles:\n{roles}")
        reviewed = f"20{26 + quarter // 4}-{(quarter % 4) * 3 + 1:02d}-15"
        text = (f"---\nname: Team {index}\nleader: Leader {index}\n{parent}"
                f"approved_by: CRO\napproved_on: 2026-01-10\nreviewed_on: {reviewed}\n"
                f"priorities:\n" + "\n".join(priorities) + "\n"
                f"changes:\n  - {{kind: skills, what: Training {index}, owner: Enablement, due: 2027-01-31}}\n"
                f"stop_doing:\n  - {{what: Old habit {index}, why: Focus}}\n---\n"
                f"Team {index} sells to its region. {PARAGRAPH}\n")
        (content / "teams" / f"team-{index}.md").write_text(text)

    def _topic(self, content: Path, index: int, quarter: int) -> None:
        extra = f"  - Quarter {quarter} lesson\n" if index % 10 == 0 else ""
        text = (f"---\ntitle: Topic {index}\napplies_to: {{objectives: [{self.objective_ids[index % len(self.objective_ids)]}]}}\n"
                f"do:\n  - Do the right thing {index}\n{extra}dont:\n  - Do the wrong thing {index}\n---\n")
        (content / "guidance" / f"topic-{index}.md").write_text(text)


def git(root: Path, *args: str, date: str | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}
    if date:
        env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def quarter_name(quarter: int) -> tuple[str, str]:
    """(name, date) of the quarter'th quarter after 2025-Q1."""
    year, q = 2025 + quarter // 4, quarter % 4 + 1
    return f"{year}-Q{q}", f"{year}-{q * 3:02d}-28T12:00:00+00:00"


def generate(out: Path, teams: int, objectives: int, topics: int, versions: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    synth = Synth(teams, objectives, topics)
    if versions <= 0:
        synth.write_all(out, 0)
        return
    git(out, "init", "-q", "-b", "main")
    # as `stratmap init` writes it: the build's output and cache never enter a commit
    (out / ".gitignore").write_text("output/\n.stratmap-cache/\n")
    for quarter in range(versions):
        add_version(out, synth, quarter)


def generated(work: Path, teams: int, versions: int) -> Path:
    """`work/source`: an organisation of `teams` teams (40 objectives, 40 guidance topics),
    made on first use and kept for the next run of a benchmark."""
    source = work / "source"
    if not source.exists():
        generate(source, teams, 40, 40, versions)
    return source


def add_version(out: Path, synth: Synth, quarter: int) -> None:
    synth.write_all(out, quarter)
    name, date = quarter_name(quarter)
    git(out, "add", "-A")
    git(out, "commit", "-q", "-m", f"Strategy {name}", date=date)
    git(out, "tag", "-a", f"strategy/{name}", "-m", f"Published {name}", date=date)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--teams", type=int, default=300)
    parser.add_argument("--objectives", type=int, default=40)
    parser.add_argument("--topics", type=int, default=40)
    parser.add_argument("--versions", type=int, default=0)
    args = parser.parse_args()
    generate(args.out, args.teams, args.objectives, args.topics, args.versions)


if __name__ == "__main__":
    main()
