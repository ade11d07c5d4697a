"""Is the demo site byte for byte what another checkout builds? For refactors.

    python bench/same_output.py OTHER_GENERATOR_DIR

OTHER_GENERATOR_DIR is the `generator/` folder of another checkout (e.g. made with
`git worktree add /tmp/before <commit>`). The demo's quarters are replayed into one git
repository; each side builds it from a cold cache into a folder of its own, and the two
trees are compared file by file. Exit 0 when they are identical; else the differing files
are listed (a diff of the first few lines of each), exit 1.
"""

from __future__ import annotations

import argparse
import difflib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def build(generator: Path, repository: Path, output: Path) -> None:
    shutil.rmtree(repository / ".stratmap-cache", ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(generator)}
    subprocess.run([sys.executable, "-m", "stratmap", "build", str(repository), "--out", str(output),
                    "-q"], env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("other", type=Path)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as work_folder:
        work = Path(work_folder)
        subprocess.run([sys.executable, str(REPO / "demo/replay.py"), str(work / "demo")], check=True)
        build(options.other.resolve(), work / "demo", work / "other")
        build(REPO / "generator", work / "demo", work / "this")
        other, this = files(work / "other"), files(work / "this")
    differing = sorted(p for p in other.keys() | this.keys() if other.get(p) != this.get(p))
    for path in differing:
        print(f"--- {path}: " + ("only in the other" if path not in this else
                                  "only in this checkout" if path not in other else "differs"))
        if path in this and path in other:
            old = other[path].decode(errors="replace").splitlines()
            new = this[path].decode(errors="replace").splitlines()
            print("\n".join(list(difflib.unified_diff(old, new, lineterm="", n=0))[2:14]))
    print(f"{len(this)} files; {len(differing)} differ")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
