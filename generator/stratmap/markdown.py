"""Markdown bodies → safe HTML.

CommonMark + tables + heading anchors. Links to other content files (`../objectives/C2.md`)
become links to their pages. Content is untrusted: the HTML is sanitised with nh3, which
keeps harmless tags, drops scripts and event handlers, and allows only web and mail URLs.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markupsafe import Markup
from mdit_py_plugins.anchors import anchors_plugin

# Maps a content file (relative to the repository root, e.g. "content/teams/east.md")
# to the page for it (relative to the version root, e.g. "teams/east/index.html").
PageFor = Callable[[str], str | None]

_URL_SCHEMES = {"http", "https", "mailto", "tel"}
_ATTRIBUTES = {**nh3.ALLOWED_ATTRIBUTES, **{f"h{n}": {"id"} for n in range(1, 7)},
               "a": {"href", "hreflang", "title", "class"}, "th": {"align", "scope"},
               "td": {"align"}, "code": {"class"}}


def _local_images_only(element: str, attribute: str, value: str) -> str | None:
    """The site loads nothing from elsewhere: an image must be a relative path."""
    if element == "img" and attribute == "src" and (":" in value.split("/")[0] or value.startswith("//")):
        return None
    return value


def _sanitise(html: str) -> Markup:
    return Markup(nh3.clean(html, attributes=_ATTRIBUTES, url_schemes=_URL_SCHEMES,
                            attribute_filter=_local_images_only, link_rel="noopener noreferrer"))


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "typographer": False}).enable("table")
    md.use(anchors_plugin, min_level=1, max_level=4)
    md.core.ruler.push("stratmap_links", _rewrite_content_links)
    return md


def _rewrite_content_links(state: StateCore) -> None:
    resolve = state.env.get("resolve")
    if resolve is None:
        return
    for block in state.tokens:
        for token in block.children or []:
            if token.type == "link_open":
                href = token.attrGet("href")
                if href:
                    token.attrSet("href", resolve(str(href)))


class MarkdownRenderer:
    """Renders bodies for one page at a time: links are made relative to that page."""

    def __init__(self) -> None:
        self._md = _parser()

    def render(self, text: str, *, source_file: str, page_for: PageFor, to_version_root: str) -> Markup:
        if not text.strip():
            return Markup("")

        def resolve(href: str) -> str:
            target, _, fragment = href.partition("#")
            if "://" in target or target.startswith(("/", "mailto:", "tel:")) or not target.endswith(".md"):
                return href
            content_file = posixpath.normpath(posixpath.join(posixpath.dirname(source_file), target))
            page = page_for(content_file)
            if page is None:
                return href  # validate warns about it; the link stays as the author wrote it
            return to_version_root + page + (f"#{fragment}" if fragment else "")

        return _sanitise(self._md.render(text, {"resolve": resolve}))

    def render_inline(self, text: str) -> Markup:
        """One line of Markdown (a plan, a do or don't) without a wrapping paragraph."""
        return _sanitise(self._md.renderInline(text))

