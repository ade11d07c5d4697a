"""Front matter: a content file split into its YAML and its Markdown body, and the YAML
turned into plain values that remember where every key and item stood (yaml_values.py).
"""

from __future__ import annotations

from typing import Any

from ..findings import Finding, Position, error
from .positions import Positions

Parsed = tuple[dict[str, Any], Positions]  # a file's values, and where each stands


class LoadError(Exception):
    def __init__(self, finding: Finding):
        super().__init__(finding.message)
        self.finding = finding


def split_front_matter(text: str, relpath: str) -> tuple[str, int, str, int]:
    """(front matter, its first line, body, the body's first line)."""
    if not text.strip():
        raise LoadError(error("empty-file", "file is empty; it needs YAML front matter between "
                              "`---` lines, then Markdown", relpath, Position(1, 1)))
    lines = text.splitlines(keepends=True)
    if lines[0].rstrip() != "---":
        raise LoadError(error("no-front-matter", "file must start with a `---` line that opens "
                              "the YAML front matter", relpath, Position(1, 1)))
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip() in ("---", "..."):
            return "".join(lines[1:index]), 2, "".join(lines[index + 1:]), index + 2
    raise LoadError(error("unclosed-front-matter", "front matter opened by `---` on line 1 is "
                          "never closed: add a `---` line after the YAML", relpath, Position(1, 1)))


def parse_yaml(text: str, relpath: str, *, first_line: int, allow_empty: bool) -> Parsed:
    """The front matter's values; LoadError saying where it is wrong."""
    # PyYAML is loaded on the first parse: a validation that finds every file in the parse
    # cache never needs it (it took 11 ms of every `validate`)
    from .yaml_values import parse_yaml as parse

    return parse(text, relpath, first_line=first_line, allow_empty=allow_empty)
