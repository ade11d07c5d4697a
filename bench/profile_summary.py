"""Where a build's time goes, by stage, from a cProfile dump (cumulative times).

    python -m cProfile -o build.prof -m stratmap build REPO -q --jobs 1
    python bench/profile_summary.py build.prof

--jobs 1 keeps every page in the profiled process (forked workers are not profiled).
Prints Markdown table rows: stage, seconds, share of the whole process.
"""

from __future__ import annotations

import pstats
import sys

# (label, [(file suffix, function name), ...]): a stage's time is the sum of their cumulative times
STAGES = [
    ("imports (stratmap and libraries)", [("<frozen importlib._bootstrap>", "_find_and_load")]),
    ("validate every file (load, model, checks)", [("stratmap/build.py", "_validate_all")]),
    ("  reading and parsing files", [("stratmap/source/load.py", "load_repository")]),
    ("render a version (pages, maps, data files)", [("stratmap/site/render.py", "render")]),
    ("  pages through Jinja", [("stratmap/site/theme.py", "render")]),
    ("  Markdown", [("stratmap/markdown/render.py", "render")]),
    ("  maps: dot runs and SVG", [("stratmap/diagrams/maps.py", "version_maps")]),
    ("  digests of what pages read", [("stratmap/site/reads.py", "digest")]),
    ("  search index", [("stratmap/site/data.py", "script")]),
    ("  the subteams query (team pages)", [("stratmap/model/content.py", "subteams")]),
    ("writing files and folders", [("stratmap/write.py", "write"), ("stratmap/write.py", "link_file"),
                                   ("stratmap/write.py", "_put_tree")]),
    ("swapping the new tree in", [("stratmap/write.py", "commit")]),
]


def main(path: str) -> None:
    stats = pstats.Stats(path).stats  # type: ignore[attr-defined]
    total = max(entry[3] for entry in stats.values())

    def cumulative(suffix: str, name: str) -> float:
        # the outermost call of a recursive function holds the whole: take the largest
        return max((entry[3] for (file, _, function), entry in stats.items()
                    if file.endswith(suffix) and function == name), default=0.0)

    print(f"| whole process | {total:.2f} s | 100 % |")
    for label, functions in STAGES:
        seconds = sum(cumulative(suffix, name) for suffix, name in functions)
        print(f"| {label} | {seconds:.2f} s | {100 * seconds / total:.0f} % |")


if __name__ == "__main__":
    main(sys.argv[1])
