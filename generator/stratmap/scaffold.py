"""Starter files for `stratmap new` and `stratmap init`: each validates as written."""

from __future__ import annotations

import datetime as dt
import json
import posixpath
from pathlib import Path

from .schema import dump, schema_file_name, schemas
from .source.load import SETTINGS_FILE

KINDS = ("objective", "team", "guidance")
FOLDERS = {"objective": "objectives", "team": "teams", "guidance": "guidance"}


SCHEMA_FOLDER = "schemas"  # where `init` writes the JSON Schemas editors read


def modeline(kind: str, file_folder: str) -> str:
    """The comment that points a YAML language server at the schema of `kind`, from a
    file in `file_folder` (relative to the repository's top)."""
    schema = posixpath.relpath(f"{SCHEMA_FOLDER}/{schema_file_name(kind)}", file_folder)
    return f"# yaml-language-server: $schema={schema}\n"


def new_file_text(kind: str, name: str, today: dt.date, file_folder: str = "content/x") -> str:
    """A file to fill in; `file_folder` is where it goes, for the schema modeline."""
    return "---\n" + modeline(kind, file_folder) + _new_file_body(kind, name, today)


def _new_file_body(kind: str, name: str, today: dt.date) -> str:
    title = name.replace("-", " ").capitalize()
    if kind == "objective":
        return f"""id: {name}
title: {title}
perspective: customer     # financial | customer | internal | learning
# owner: VP Sales
drives: []                # ids of the objectives this one causes
kpis:
  - id: kpi-1
    name: Name the measure
    unit: "%"
    baseline: 0
    target: 100
    direction: up
initiatives: []
---
Why this objective matters and how we will know we got there.
"""
    if kind == "team":
        return f"""name: {title}
# leader: Name of the team's leader
# parent: slug-of-the-team-above
# once a leader signs the plan off: stratmap approve {name} --by "Chief Revenue Officer"
reviewed_on: {today.isoformat()}
priorities: []            # - objective: C1 / plan: ... / roles: {{Account Executive: ...}}
changes: []
stop_doing: []
---
What the strategy means for this team.
"""
    return f"""title: {title}
applies_to: {{objectives: [], teams: []}}   # none: applies to everyone
do:
  - Say what good looks like
dont:
  - Say what to avoid
---
"""


def starter_repository(today: dt.date) -> dict[str, str]:
    """The files of `stratmap init`: a tiny strategy that validates and builds."""
    reviewed = today.isoformat()
    return {
        SETTINGS_FILE: """title: Our Sales Strategy
base_url: /
versions:
  tags: "strategy/*"
  draft: Next
""",
        ".gitignore": "output/\n.stratmap-cache/\n",
        ".vscode/settings.json": _editor_settings(),
        **{f"{SCHEMA_FOLDER}/{name}": dump(schema) for name, schema in schemas().items()},
        "content/strategy.md": "---\n" + modeline("strategy", "content") + """title: Our Sales Strategy
organization: Example Co
period: FY2027
vision: Be the first choice of the customers we serve best.
imperatives:
  - id: grow-core
    title: Grow our core accounts
tradeoffs:
  - We will not discount to win deals outside our core segment.
---
Describe the strategy here: where we play, how we win, what we stop doing.
""",
        "content/objectives/F1.md": "---\n" + modeline("objective", "content/objectives") + """id: F1
title: Grow recurring revenue
perspective: financial
imperative: grow-core
kpis:
  - {id: arr, name: Annual recurring revenue, unit: USD m, baseline: 10, target: 14, actual: 11}
---
""",
        "content/objectives/C1.md": "---\n" + modeline("objective", "content/objectives") + """id: C1
title: Expand within existing customers
perspective: customer
imperative: grow-core
drives: [F1]
kpis:
  - {id: nrr, name: Net revenue retention, unit: "%", baseline: 100, target: 115, actual: 108}
---
""",
        "content/teams/sales.md": f"""---
{modeline("team", "content/teams")}name: Sales
leader: Head of Sales
# a draft until approved: stratmap approve sales --by "Chief Executive"
reviewed_on: {reviewed}
priorities:
  - objective: C1
    plan: A quarterly business review with every top-50 account.
    roles:
      Account Executive: Runs the review and brings an expansion proposal.
  - objective: F1
    plan: Forecast weekly and close what we commit.
stop_doing:
  - what: Chasing one-off deals outside the core segment
---
""",
        "content/guidance/discovery.md": "---\n" + modeline("guidance", "content/guidance") + """title: Discovery calls
do: [Lead with the customer's business outcome]
dont: [Demo before the problem is clear]
---
""",
    }


def _editor_settings() -> str:
    """VS Code with the YAML extension: completion and hover help in stratmap.yaml, and in
    any front matter an editor hands to the YAML language server."""
    folders = {"objective": "content/objectives/*.md", "team": "content/teams/*.md",
               "guidance": "content/guidance/*.md", "strategy": "content/strategy.md",
               "stratmap.yaml": "stratmap.yaml"}
    return json.dumps({"yaml.schemas": {f"./{SCHEMA_FOLDER}/{schema_file_name(kind)}": glob
                                        for kind, glob in folders.items()}}, indent=2) + "\n"


def write_new(path: Path, text: str) -> None:
    """Write a file that must not exist yet."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:
        handle.write(text)
