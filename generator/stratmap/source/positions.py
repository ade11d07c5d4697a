"""Where each key and item of a file's YAML stands, kept as one string per file.

Positions are read only to point a finding at its line, yet a file has dozens of them:
kept as a dict of path tuples they were a third of a large build's memory, and decoding
them from the parse cache most of a fresh process's load time. As text they cost a few
bytes each, the parse cache stores and reads them as one JSON string, and a lookup is a
substring search.

The text is `\\n` then one line per key or item: its JSON Pointer (RFC 6901, with tab and
line break escaped too), its line and column, and for a key whose value is a scalar the
value's line and column, all separated by tabs. A wrong value is pointed at where the
value starts, a missing or unknown key at the key.
"""

from __future__ import annotations

import re

from ..findings import Position

PathKey = tuple[str | int, ...]

_NEEDS_ESCAPE = re.compile(r"[~/\t\n]")
_ESCAPES = str.maketrans({"~": "~0", "/": "~1", "\t": "~2", "\n": "~3"})
_LINE_AND_COLUMN = re.compile(r"(\d{1,9})\t(\d{1,9})(?:\t(\d{1,9})\t(\d{1,9}))?\n")


def pointer_step(element: str | int) -> str:
    """One step of a pointer: `/key` or `/index`. Within one file a step is unambiguous:
    a list's children are all indices and a mapping's all keys."""
    if isinstance(element, int):
        return f"/{element}"
    return "/" + (element.translate(_ESCAPES) if _NEEDS_ESCAPE.search(element) else element)


def pointer(path: PathKey) -> str:
    return "".join(pointer_step(element) for element in path)


class PositionsWriter:
    """Collects positions while YAML is converted; the first given for a path counts."""

    def __init__(self) -> None:
        self._lines: list[str] = ["\n"]

    def add(self, at: str, position: Position, value: Position | None = None) -> None:
        """`value`: where a key's scalar value starts."""
        if value is None:
            self._lines.append(f"{at}\t{position.line}\t{position.column}\n")
        else:
            self._lines.append(f"{at}\t{position.line}\t{position.column}\t{value.line}\t{value.column}\n")

    def done(self) -> Positions:
        return Positions("".join(self._lines))


class Positions:
    __slots__ = ("text",)

    def __init__(self, text: str = "\n"):
        self.text = text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Positions) and self.text == other.text

    def __repr__(self) -> str:
        return f"Positions({self.text!r})"

    def get(self, path: PathKey) -> Position | None:
        found = self._entry(path)
        return Position(int(found[1]), int(found[2])) if found else None

    def value(self, path: PathKey) -> Position | None:
        """Where the scalar value of the key at `path` starts."""
        found = self._entry(path)
        return Position(int(found[3]), int(found[4])) if found and found[3] else None

    def _entry(self, path: PathKey) -> re.Match[str] | None:
        at = pointer(path)
        start = self.text.find(f"\n{at}\t")
        # from the parse cache, the text is untrusted: a malformed line is no position
        return _LINE_AND_COLUMN.match(self.text, start + len(at) + 2) if start >= 0 else None

    def nearest(self, path: PathKey) -> Position:
        """The position of `path`, or of its nearest ancestor we know."""
        for length in range(len(path), -1, -1):
            position = self.get(path[:length])
            if position is not None:
                return position
        return Position(1, 1)

    def of_value(self, path: PathKey) -> Position:
        """Where the value at `path` starts, when it is a scalar; else as `nearest`."""
        return self.value(path) or self.nearest(path)
