"""Raw HTML in Markdown bodies: how deeply it nests, measured in one linear pass.

HTML sanitisers take time that grows faster than the input with nesting depth (600 KB of
nested `<div>` took minutes), so a body whose HTML nests deeper than any real document
is rendered with its raw HTML shown as text, and `validate` says so.
"""

from __future__ import annotations

import re

MAX_HTML_DEPTH = 64
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?(/?)>")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"})


def nesting_depth(text: str) -> tuple[int, int]:
    """(the deepest nesting of HTML elements in `text`, the offset where it is reached)."""
    if "<" not in text:
        return 0, 0
    depth = deepest = where = 0
    for match in _TAG.finditer(text):
        closing, name, self_closing = match.groups()
        if closing:
            depth = max(depth - 1, 0)
        elif not self_closing and name.lower() not in _VOID:
            depth += 1
            if depth > deepest:
                deepest, where = depth, match.start()
    return deepest, where


def too_deep(text: str) -> bool:
    return nesting_depth(text)[0] > MAX_HTML_DEPTH
