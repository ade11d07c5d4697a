"""Links from one content file to another (`../objectives/C2.md#kpis`).

Rendering turns them into links to pages; `check` warns about those whose file does not
exist. Both find them here, in markdown-it's tokens, so the two cannot disagree.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import unquote

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


@dataclass(frozen=True)
class ContentTarget:
    content_file: str  # relative to the repository root, like every content file's name
    fragment: str


def content_target(href: str, source_file: str) -> ContentTarget | None:
    """Where a link in `source_file` leads when it names another content file; None for
    web, mail and absolute links and for anything that is no `.md` file."""
    target, _, fragment = href.partition("#")
    target = unquote(target)
    if "://" in target or target.startswith(("/", "mailto:", "tel:")) or not target.endswith(".md"):
        return None
    return ContentTarget(posixpath.normpath(posixpath.join(posixpath.dirname(source_file), target)),
                         fragment)


@dataclass(frozen=True)
class ContentLink:
    href: str  # as markdown-it read it
    target: ContentTarget
    line: int  # 0-based, within the body
    column: int  # 1-based: at the target when it is written on that line, else at the text


@cache
def _parser() -> MarkdownIt:
    # loaded on first use: an up-to-date build validates nothing and never needs markdown-it
    from .parse import new_parser
    return new_parser()


def may_link_to_content(body: str) -> bool:
    """Whether `body` can hold a link to a content file; when not, it need not be parsed.
    A link names a `.md` file, and can spell the dot `%2E` or `&#46;`."""
    return ".md" in body or "%" in body or "&" in body


def content_links(body: str, source_file: str) -> list[ContentLink]:
    """Every link in `body` to another content file, with where it is written."""
    if not may_link_to_content(body):
        return []
    lines = body.splitlines()
    found: list[ContentLink] = []
    for block in _parser().parse(body):
        if block.type != "inline" or block.map is None:
            continue
        line = block.map[0]
        for token in block.children or []:
            if token.type in ("softbreak", "hardbreak"):
                line += 1
            elif token.type == "link_open":
                href = str(token.attrGet("href") or "")
                target = content_target(href, source_file)
                if target is not None:
                    found.append(ContentLink(href, target, line, _column(lines, line, href)))
    return found


def _column(lines: list[str], line: int, href: str) -> int:
    text = lines[line] if line < len(lines) else ""
    for written in (href, unquote(href), "["):
        where = text.find(written)
        if where >= 0:
            return where + 1
    return 1
