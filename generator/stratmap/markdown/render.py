"""Markdown bodies → safe HTML.

Links to other content files (`../objectives/C2.md`) become links to their pages. Content
is untrusted: the HTML is sanitised with nh3, which keeps harmless tags, drops scripts and
event handlers, and allows only web and mail URLs.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

import nh3
from markupsafe import Markup

from .diff import block_changes
from .links import content_target
from .parse import new_parser
from .raw_html import too_deep

# Maps a content file (relative to the repository root, e.g. "content/teams/east.md")
# to the page for it (relative to the version root, e.g. "teams/east/index.html").
PageFor = Callable[[str], str | None]

_URL_SCHEMES = {"http", "https", "mailto", "tel"}
_ATTRIBUTES = {**nh3.ALLOWED_ATTRIBUTES, **{f"h{n}": {"id"} for n in range(1, 7)},
               "a": {"href", "hreflang", "title", "class"}, "th": {"align", "scope"},
               "td": {"align"}, "code": {"class"}}


_URL_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_C0_OR_SPACE = "".join(map(chr, range(0x21)))


def as_browser_reads(url: str) -> str:
    """A URL as a browser's parser sees it (WHATWG URL): control characters and spaces
    around it dropped, tabs and newlines inside removed, backslashes read as slashes."""
    return re.sub(r"[\t\n\r]", "", url.strip(_C0_OR_SPACE)).replace("\\", "/")


def is_local(url: str) -> bool:
    """Whether a browser would load `url` from this site: no scheme, no other host."""
    seen = as_browser_reads(url)
    return not _URL_SCHEME.match(seen) and not seen.startswith("//")


def _local_images_only(element: str, attribute: str, value: str) -> str | None:
    """The site loads nothing from elsewhere: an image must be a path on this site.
    (nh3 hands over the value with its character references already decoded.)"""
    if element == "img" and attribute == "src" and not is_local(value):
        return None
    return value


def _sanitise(html: str) -> Markup:
    return Markup(nh3.clean(html, attributes=_ATTRIBUTES, url_schemes=_URL_SCHEMES,
                            attribute_filter=_local_images_only, link_rel="noopener noreferrer"))


class MarkdownRenderer:
    """Renders bodies for one page at a time: links are made relative to that page."""

    def __init__(self) -> None:
        self._md = new_parser()
        self._md_without_html = new_parser(html=False)  # for lines whose HTML nests too deep
        # A line's HTML depends on its text alone, and the same lines recur on many pages (a
        # guidance topic for everyone is on every team's page): each is rendered once.
        self.render_inline = functools.lru_cache(maxsize=8192)(self._render_inline)

    def render(self, text: str, *, source_file: str, page_for: PageFor, to_version_root: str) -> Markup:
        if not text.strip():
            return Markup("")

        def resolve(href: str) -> str:
            target = content_target(href, source_file)
            page = page_for(target.content_file) if target else None
            if target is None or page is None:
                return href  # validate warns about a missing file; the link stays as written
            return to_version_root + page + (f"#{target.fragment}" if target.fragment else "")

        if too_deep(text):  # validate warns: the whole body is shown as the author wrote it
            return Markup('<pre class="raw-body">{}</pre>').format(text)
        return _sanitise(self._md.render(text, {"resolve": resolve}))

    def render_change(self, old: str, new: str, *, inline: bool = False, **where: Any) -> Markup:
        """What changed from `old` to `new`, rendered: removed blocks struck through, added
        ones marked, unchanged ones left out but for a marker. `inline` texts (a plan) are
        shown whole, old then new; `where` is as for `render`."""
        def shown(op: str, text: str) -> Markup:
            html = self.render_inline(text) if inline else self.render(text, **where)
            tag, said = ("del", "Removed: ") if op == "-" else ("ins", "Added: ")
            element = "span" if inline else "div"
            return Markup('<{0} class="diff-{1}"><{2} class="diff-block"><span class="visually-hidden">'
                          '{3}</span>{4}</{2}></{0}>').format(
                Markup(tag), "removed" if op == "-" else "added", Markup(element), said, html)
        changes: list[tuple[str, str]] = [("-", old), ("+", new)] if inline else \
            list(block_changes(old, new))
        parts: list[Markup] = []
        skipped = False
        for op, text in changes:
            if op == "=":
                skipped = True
                continue
            if skipped and parts:
                parts.append(Markup('<p class="muted diff-gap">…</p>'))
            skipped = False
            if text.strip():
                parts.append(shown(op, text))
        return Markup('<div class="md-diff">{}</div>').format(Markup("").join(parts))

    def _render_inline(self, text: str) -> Markup:
        """One line of Markdown (a plan, a do or don't) without a wrapping paragraph."""
        parser = self._md_without_html if too_deep(text) else self._md
        return _sanitise(parser.renderInline(text))

