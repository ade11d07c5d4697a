"""Pages: what the last build of a version wrote, and what each page read to write it.

For every file of the working tree's version the cache keeps its base (what it depends on
besides its reads: the tool, the theme, its place in the site), the reads it made (see
site/reads.py), and, once the site is in place, the file's (size, mtime, inode); and for
every read, its digest then. Pages share most of their reads, so the next build digests
each read once against its own model; a page with the same base, none of whose reads
changed, and whose file in the output is still exactly as the last build left it, is
linked instead of rendered. A file edited or deleted in the output is rendered again.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import itertools
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..write import write_atomically
from .kept import recall, remember

Read = tuple[str, ...]
ONE_ITEM_READS = frozenset({"item", "exists"})  # the kinds of read that depend on one item's file


@dataclass
class PageRecord:
    base: str
    reads: list[Read]
    file: list[int] | None = None  # [size, mtime_ns, inode] of the file in the output


@dataclass
class KnownReads:
    """What one build knew of the reads of a version's pages, for the next build to compare
    with (see site/reads.py's ReadResolver)."""

    digests: dict[Read, str] = field(default_factory=dict)  # each read's digest
    items: dict[tuple[str, str], str] = field(default_factory=dict)  # each content item's file digest
    # kept in memory by a process that builds again, never saved: what each query read,
    # and the maps with what they read
    shapes: dict[Read, Any] = field(default_factory=dict)
    maps: Any = None

    @functools.cached_property
    def index(self) -> ReadIndex:
        """The reads by what decides them, for the next build to look again only at those an
        edit can have changed. Walks every read: serve makes it after the reload, while
        nobody waits (see `index_now`)."""
        groups: dict[tuple[str, str], list[Read]] = {}
        unshaped: list[Read] = []
        for read in self.digests:
            if read[0] in ONE_ITEM_READS:
                groups.setdefault((read[1], read[2]), []).append(read)
            elif read not in self.shapes:
                unshaped.append(read)
        item_readers: dict[tuple[str, str], list[Read]] = {}
        read_readers: dict[Read, list[Read]] = {}
        for reader, shape in self.shapes.items():
            for kind, keys in shape.keys.items():
                for key in keys:
                    item_readers.setdefault((kind, key), []).append(reader)
            for read in shape.others:
                read_readers.setdefault(read, []).append(reader)
        return ReadIndex(groups, unshaped, item_readers, read_readers)

    def index_now(self) -> None:
        """Make the index before the next build asks for it (the digests and shapes are final)."""
        self.index  # noqa: B018


@dataclass
class ReadIndex:
    groups: dict[tuple[str, str], list[Read]]  # (kind, key) → the reads of that one item
    unshaped: list[Read]  # the rest, but for those whose shape is known: looked at every build
    # the reads whose shape is known (queries, indexes), by what their shape holds: an item
    # they read of, or any other read
    item_readers: dict[tuple[str, str], list[Read]]
    read_readers: dict[Read, list[Read]]


@dataclass
class PreviousPages:
    """The last build's files of one version: where they are and what they read."""

    folder: Path
    records: dict[str, PageRecord]
    known: KnownReads = field(default_factory=KnownReads)
    words: dict[str, str] = field(default_factory=dict)  # search.js: an item's words, by digest
    # kept in memory by a process that builds again (serve): the pages that made each read
    readers: dict[Read, list[str]] | None = None

    def pages_reading(self, changed: set[Read]) -> set[str] | None:
        """The pages that made any of the `changed` reads, when `readers` is kept; else None
        (each page's reads are then looked through)."""
        if self.readers is None:
            return None
        return {path for read in changed for path in self.readers.get(read, ())}

    def reusable(self, path: str, base: str, changed: set[Read], stale: set[str] | None = None) -> str | None:
        """The last output's file when its base is the same, none of its reads is among
        those that `changed` (`stale`: the pages that made one, when known), and the file
        is as the last build left it."""
        record = self.records.get(path)
        # (without `stale`, the reads as a list, looked up in the few that changed: a set of
        # each page's reads was a quicker look-up and 31 MB at 3,000 teams)
        if record is None or record.file is None or record.base != base or (
                path in stale if stale is not None else not changed.isdisjoint(record.reads)):
            return None
        existing = os.path.join(self.folder, path)  # (not pathlib: asked for every page)
        try:
            info = os.stat(existing)
        except OSError:
            return None
        return existing if [info.st_size, info.st_mtime_ns, info.st_ino] == record.file else None


def readers_of(records: dict[str, PageRecord], before: PreviousPages | None = None) -> dict[Read, list[str]]:
    """The pages by what they read. From `before`'s index, when it has one, only the pages
    whose record is not `before`'s are looked at (a page reused keeps its record): making
    it anew walks every read of every page, 54 ms at 3,000 teams. `before`'s index is
    taken over, not copied."""
    if before is None or before.readers is None:
        readers: dict[Read, list[str]] = {}
        for path, record in records.items():
            for read in record.reads:
                readers.setdefault(read, []).append(path)
        return readers
    readers, last = before.readers, before.records
    for path, record in last.items():
        if records.get(path) is not record:
            for read in record.reads:
                pages = readers[read]
                pages.remove(path)
                if not pages:
                    del readers[read]
    for path, record in records.items():
        if last.get(path) is not record:
            for read in record.reads:
                readers.setdefault(read, []).append(path)
    return readers


class Manifest:
    """The records of one output folder's pages, kept in the cache folder. A process that
    builds again and again (serve) keeps the last records it saved in memory too, and reads
    the file again only when another process has replaced it."""

    def __init__(self, path: Path, version_folder: Path):
        self.path = path  # CacheLayout.page_records(version_folder)
        self.version_folder = version_folder

    def load(self) -> PreviousPages | None:
        kept = recall(self.path)
        if isinstance(kept, PreviousPages):
            return kept
        try:
            with _collector_paused():
                return self._read()
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return None  # none, or not what this version writes: render everything

    def _read(self) -> PreviousPages:
        data = json.loads(self.path.read_text())
        # one object per distinct text: JSON gives each read its own copy of "item", "team"…
        texts: dict[str, str] = {}
        one = texts.setdefault
        reads = [tuple(map(one, read, read)) for read in data["reads"]]
        records = {path: PageRecord(str(base), list(map(reads.__getitem__, indices)), file)
                   for path, (base, indices, file) in data["pages"].items()}
        known = KnownReads(
            {read: str(digest) for read, digest in zip(reads, data["digests"], strict=True)},
            {(str(kind), str(key)): str(source) for kind, key, source in data["items"]})
        return PreviousPages(self.version_folder, records, known, data["words"])

    def save(self, records: dict[str, PageRecord], known: KnownReads, words: dict[str, str],
             index_readers: bool = False) -> None:
        """After the swap: each file as it now is in the output, with what it read, and what
        was known of the reads (each stored once: pages share most of theirs). A reused
        page's file is the one its record describes: only the pages rendered now are looked at.
        `index_readers`: keep the pages by what they read in memory, for the next build of
        this process to find those an edit made stale without looking through every page."""
        before = recall(self.path) if index_readers else None
        saved: dict[str, PageRecord] = {}
        for path, record in records.items():
            if record.file is None:
                try:
                    info = os.stat(self.version_folder / path)
                except OSError:
                    continue
                record = PageRecord(record.base, record.reads, [info.st_size, info.st_mtime_ns, info.st_ino])
            saved[path] = record
        # every read once, numbered in order of first use (built by C loops: thousands of
        # pages read dozens each), then every read of one item: while its file is the
        # same, the next build reuses its digest
        index: dict[Read, Any] = dict.fromkeys(itertools.chain.from_iterable(r.reads for r in saved.values()))
        index.update(dict.fromkeys(read for read in known.digests if read[0] in ONE_ITEM_READS))
        for number, read in enumerate(index):
            index[read] = number
        pages = {path: [record.base, list(map(index.__getitem__, record.reads)), record.file]
                 for path, record in saved.items()}
        digests = list(map(known.digests.get, index, itertools.repeat("")))  # "": never equal, read again
        write_atomically(self.path, _json_object_in_pieces({
            "reads": list(index), "digests": digests, "pages": pages, "words": words,
            "items": [[kind, key, source] for (kind, key), source in known.items.items()],
        }))
        kept = PreviousPages(self.version_folder, saved, known, words)
        if index_readers:
            kept.readers = readers_of(saved, before if isinstance(before, PreviousPages) else None)
        remember(self.path, kept)


_COMPACT_JSON = json.JSONEncoder(separators=(",", ":"))
_PIECE = 1000  # a list's items or a mapping's keys encoded in one call: a C loop each time


def _json_object_in_pieces(fields: dict[str, Any]) -> Iterator[str]:
    """The text json.dumps(fields, separators=(",", ":")) makes, a few hundred kilobytes at
    a time: at 3,000 teams the records' text is tens of megabytes, made when the build's
    memory is at its highest."""
    yield "{"
    for number, (key, value) in enumerate(fields.items()):
        yield ("," if number else "") + _COMPACT_JSON.encode(key) + ":"
        if isinstance(value, dict):
            yield from _in_pieces("{", map(dict, _slices(iter(value.items()))), "}")
        elif isinstance(value, list):
            yield from _in_pieces("[", _slices(iter(value)), "]")
        else:
            yield _COMPACT_JSON.encode(value)
    yield "}"


def _slices(items: Iterator[Any]) -> Iterator[list[Any]]:
    while piece := list(itertools.islice(items, _PIECE)):
        yield piece


def _in_pieces(opening: str, pieces: Iterator[Any], closing: str) -> Iterator[str]:
    """A list or mapping given in pieces, as one JSON value: each piece's text without its
    brackets, joined by commas."""
    yield opening
    for number, piece in enumerate(pieces):
        yield ("," if number else "") + _COMPACT_JSON.encode(piece)[1:-1]
    yield closing


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Reading a large records file makes hundreds of thousands of lists and tuples, none
    in a cycle: the garbage collector would walk them again and again as they are made."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

