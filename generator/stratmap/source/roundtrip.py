"""Round-trip editing of a content file's front matter: change some values, keep every
other byte (comments, key order, quoting, flow or block style, the Markdown body).

ruamel.yaml keeps what PyYAML throws away. When writing a file back would change a line
outside the nodes that were edited (an unusual indentation, say), the file is refused
rather than reformatted.
"""

from __future__ import annotations

import difflib
import functools
import io
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from ..findings import error
from .frontmatter import LoadError, split_front_matter


@functools.cache  # one configured round-trip YAML: it is costly to set up
def _yaml() -> YAML:
    yaml = YAML(typ="rt", pure=True)
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long line that was not folded
    yaml.indent(mapping=2, sequence=4, offset=2)  # `key:\n  - item`, as the format's examples
    return yaml


class NotRoundTrippable(Exception):
    """The file would change in lines nobody edited: edit it by hand."""


@dataclass
class EditableFile:
    relpath: str
    original: str
    opening: str  # the `---` line
    closing: str  # the line that closes the front matter
    body: str
    data: CommentedMap
    edited_lines: list[tuple[int, int]] = field(default_factory=list)  # front matter lines, 0-based

    @classmethod
    def parse(cls, text: str, relpath: str) -> EditableFile:
        front, _, body, _ = split_front_matter(text, relpath)
        opening = text.splitlines(keepends=True)[0]
        closing = text[len(opening) + len(front):len(text) - len(body)]
        try:
            data = _yaml().load(front)
        except YAMLError as problem:  # validate has passed, so this is ruamel's stricter reading
            raise LoadError(error("bad-yaml", f"cannot edit: {problem}", relpath)) from None
        return cls(relpath, text, opening, closing, body, data)

    def editing(self, node: Any) -> Any:
        """Note that `node` (a mapping or list in the front matter) is about to change: lines
        outside the nodes noted may not change when the file is written."""
        self.edited_lines.append((node.lc.line, _last_line(node)))
        return node

    def text(self) -> str:
        out = io.StringIO()
        _yaml().dump(self.data, out)
        text = self.opening + out.getvalue() + self.closing + self.body
        self._check_only_edited_lines_changed(text)
        return text

    def _check_only_edited_lines_changed(self, text: str) -> None:
        before, after = self.original.splitlines(), text.splitlines()
        first_front_line = 1  # after the opening `---`
        for tag, start, stop, _, _ in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
            if tag == "equal":
                continue
            lines = range(start - first_front_line, max(stop, start + 1) - first_front_line)
            if not all(any(low <= line <= high + 1 for low, high in self.edited_lines) for line in lines):
                raise NotRoundTrippable(f"{self.relpath}: writing it back would also change line "
                                        f"{start + 1} (an unusual indentation or layout); set "
                                        "these values by hand")


def _last_line(node: Any) -> int:
    """The last line a mapping or list of the front matter takes up (0-based)."""
    where = node.lc
    last = where.line
    is_mapping = isinstance(node, dict)
    for key, value in (node.items() if is_mapping else enumerate(node)):
        last = max(last, (where.key(key) if is_mapping else where.item(key))[0])
        if isinstance(value, (dict, list)) and hasattr(value, "lc"):
            last = max(last, _last_line(value))
    return last


def set_after(mapping: CommentedMap, key: str, value: Any, after: str) -> None:
    """Set `key`; a new key goes right after `after` (or at the end), not at the bottom."""
    if key in mapping:
        mapping[key] = value
        return
    keys = list(mapping)
    position = keys.index(after) + 1 if after in keys else len(keys)
    mapping.insert(position, key, value)


def flow_mapping(**items: Any) -> CommentedMap:
    """`{date: 2026-09-30, value: 21}`, as history points are written."""
    mapping = CommentedMap(items)
    mapping.fa.set_flow_style()
    return mapping


def block_sequence(*items: Any) -> CommentedSeq:
    return CommentedSeq(items)
