"""The one markdown-it configuration: CommonMark + tables + heading anchors.

`check` reads links from the same tokens the site renders, so a link the site shows is
a link validate sees, whatever its form (inline, reference-style, in a table).
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from mdit_py_plugins.anchors import anchors_plugin


def new_parser(html: bool = True) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": html, "typographer": False}).enable("table")
    md.use(anchors_plugin, min_level=1, max_level=4)
    md.core.ruler.push("stratmap_links", _rewrite_links)
    return md


def _rewrite_links(state: StateCore) -> None:
    """Hand every link's href to the renderer's `resolve` (when rendering, not checking)."""
    resolve = state.env.get("resolve")
    if resolve is None:
        return
    for block in state.tokens:
        for token in block.children or []:
            if token.type == "link_open":
                href = token.attrGet("href")
                if href:
                    token.attrSet("href", resolve(str(href)))
