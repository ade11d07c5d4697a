"""A Markdown change shown as Markdown: which blocks (paragraphs, headings, list items,
tables…) were removed, added or kept, each block rendered as the site renders it, so a
reader sees prose with its links, never `**` or `](`.

Blocks are compared whole: a reworded paragraph shows as the old one struck through and
the new one beside it, which reads better than words spliced inside a sentence's links.
"""

from __future__ import annotations

import difflib
from typing import Literal

from .parse import new_parser

Op = Literal["=", "-", "+"]
_PARSER = new_parser()
_CONTAINERS = {"bullet_list_open", "ordered_list_open", "blockquote_open"}


def blocks(text: str) -> list[str]:
    """The top-level blocks of a Markdown text, as source; a list gives one block per item
    (written as a one-item list, so it renders as one)."""
    lines = text.splitlines()
    found: list[str] = []
    tokens = _PARSER.parse(text)
    for index, token in enumerate(tokens):
        if token.level != 0 or token.nesting == -1 or token.map is None:
            continue
        if token.type in ("bullet_list_open", "ordered_list_open"):
            found += [_source(lines, item.map) for item in _children(tokens, index, "list_item_open")]
        else:
            found.append(_source(lines, token.map))
    return [block for block in found if block.strip()]


def _children(tokens: list, start: int, kind: str) -> list:
    opener = tokens[start]
    closing = opener.type.replace("_open", "_close")
    depth, items = 0, []
    for token in tokens[start + 1:]:
        if token.type == opener.type:
            depth += 1
        elif token.type == closing:
            if depth == 0:
                break
            depth -= 1
        elif token.type == kind and token.level == opener.level + 1 and token.map:
            items.append(token)
    return items


def _source(lines: list[str], span: list[int] | None) -> str:
    start, end = span if span else (0, 0)
    return "\n".join(lines[start:end])


def block_changes(old: str, new: str) -> list[tuple[Op, str]]:
    """Each block of `old` and `new`, in reading order, as kept (=), removed (-) or added (+)."""
    before, after = blocks(old), blocks(new)
    changes: list[tuple[Op, str]] = []
    matcher = difflib.SequenceMatcher(a=[b.strip() for b in before], b=[b.strip() for b in after],
                                      autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            changes += [("=", block) for block in after[b1:b2]]
            continue
        changes += [("-", block) for block in before[a1:a2]]
        changes += [("+", block) for block in after[b1:b2]]
    return changes


def texts_of(segments: list[tuple[str, str]]) -> tuple[str, str]:
    """The old and the new text of a word diff's segments."""
    old = "".join(text for op, text in segments if op in ("=", "-"))
    new = "".join(text for op, text in segments if op in ("=", "+"))
    return old, new
