"""Starter files for `stratmap new` and `stratmap init`: each validates as written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .source.load import SETTINGS_FILE

KINDS = ("objective", "team", "guidance")
FOLDERS = {"objective": "objectives", "team": "teams", "guidance": "guidance"}


def new_file_text(kind: str, name: str, today: dt.date) -> str:
    title = name.replace("-", " ").capitalize()
    if kind == "objective":
        return f"""---
id: {name}
title: {title}
perspective: customer     # financial | customer | internal | learning
owner: ""
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
        return f"""---
name: {title}
leader: ""
# parent: slug-of-the-team-above
# approved_by: Chief Revenue Officer   # without approval the plan is a draft
reviewed_on: {today.isoformat()}
priorities: []            # - objective: C1 / plan: ... / roles: {{Account Executive: ...}}
changes: []
stop_doing: []
---
What the strategy means for this team.
"""
    return f"""---
title: {title}
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
        "content/strategy.md": """---
title: Our Sales Strategy
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
        "content/objectives/F1.md": """---
id: F1
title: Grow recurring revenue
perspective: financial
imperative: grow-core
kpis:
  - {id: arr, name: Annual recurring revenue, unit: USD m, baseline: 10, target: 14, actual: 11}
---
""",
        "content/objectives/C1.md": """---
id: C1
title: Expand within existing customers
perspective: customer
imperative: grow-core
drives: [F1]
kpis:
  - {id: nrr, name: Net revenue retention, unit: "%", baseline: 100, target: 115, actual: 108}
---
""",
        "content/teams/sales.md": f"""---
name: Sales
leader: Head of Sales
approved_by: Chief Executive
approved_on: {reviewed}
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
        "content/guidance/discovery.md": """---
title: Discovery calls
do: [Lead with the customer's business outcome]
dont: [Demo before the problem is clear]
---
""",
    }


def write_new(path: Path, text: str) -> None:
    """Write a file that must not exist yet."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:
        handle.write(text)
