"""Replay the demo's history into a throwaway git repository with real tags.

    python demo/replay.py OUT

demo/history/<quarter>/content/ holds each published quarter as plain files; content/ at
the top of this repository is the draft of the next one. OUT becomes a git repository
with one commit and one annotated tag `strategy/<quarter>` per quarter (dated at the
quarter's end), then a commit of the draft. Commits are deterministic (fixed authors and
dates), so replaying again gives the same hashes and stratmap's cache of tagged versions
stays valid. OUT/.stratmap-cache survives a replay.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parent
QUARTER_ENDS = {"Q1": "03-31", "Q2": "06-30", "Q3": "09-30", "Q4": "12-31"}
DRAFT_DATE = "2026-11-20T09:00:00+00:00"
KEEP = {".stratmap-cache"}


def git(out: Path, *args: str, date: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Northwind Strategy Office",
           "GIT_AUTHOR_EMAIL": "strategy@northwind.example", "GIT_COMMITTER_NAME": "Northwind Strategy Office",
           "GIT_COMMITTER_EMAIL": "strategy@northwind.example", "GIT_AUTHOR_DATE": date,
           "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", *args],
                   cwd=out, env=env, check=True, capture_output=True)


def lay_down(out: Path, content: Path) -> None:
    """Make OUT hold stratmap.yaml and exactly this content folder."""
    shutil.rmtree(out / "content", ignore_errors=True)
    shutil.copytree(content, out / "content")
    shutil.copy(REPOSITORY / "stratmap.yaml", out / "stratmap.yaml")


def replay(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for entry in out.iterdir():
        if entry.name not in KEEP:
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    (out / ".gitignore").write_text("output/\n.stratmap-cache/\n")
    git(out, "init", "-q", "-b", "main", date=DRAFT_DATE)
    for snapshot in sorted((HERE / "history").iterdir()):
        year, quarter = snapshot.name.split("-")
        date = f"{year}-{QUARTER_ENDS[quarter]}T17:00:00+00:00"
        lay_down(out, snapshot / "content")
        # Snapshots may share sizes and mtimes with the quarter before; an empty index
        # makes git hash every file instead of trusting its stat cache.
        git(out, "read-tree", "--empty", date=date)
        git(out, "add", "-A", date=date)
        git(out, "commit", "-q", "-m", f"Strategy for {snapshot.name}", date=date)
        git(out, "tag", "-a", f"strategy/{snapshot.name}", "-m", f"Published {snapshot.name}", date=date)
    lay_down(out, REPOSITORY / "content")
    git(out, "read-tree", "--empty", date=DRAFT_DATE)
    git(out, "add", "-A", date=DRAFT_DATE)
    git(out, "commit", "-q", "-m", "Draft of the next quarter", date=DRAFT_DATE)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    replay(Path(sys.argv[1]))
