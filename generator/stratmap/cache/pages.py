"""Pages: what the last build of a version wrote, and what each page read to write it.

For every file of the working tree's version the cache keeps its fingerprint and the
reads it was computed from (see site/reads.py), and, once the site is in place, the
file's (size, mtime, inode). The next build recomputes each fingerprint from the same
reads against its own model; a page whose fingerprint is unchanged, and whose file in the
output is still exactly as the last build left it, is linked instead of rendered. A file
edited or deleted in the output is therefore rendered again.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..write import write_atomically

Read = tuple[str, ...]


@dataclass
class PageRecord:
    fingerprint: str
    reads: list[Read]
    file: list[int] | None = None  # [size, mtime_ns, inode] of the file in the output


@dataclass
class PreviousPages:
    """The last build's files of one version: where they are and what they read."""

    folder: Path
    records: dict[str, PageRecord]
    words: dict[str, str] = field(default_factory=dict)  # search.js: an item's words, by digest
    # a read of one item → (its file's digest, the read's digest) (see reads.ReadResolver)
    remembered: dict[Read, tuple[str, str]] = field(default_factory=dict)

    def reusable(self, path: str, fingerprint_of: Callable[[list[Read]], str]) -> Path | None:
        """The last output's file when nothing it read has changed and it is untouched."""
        record = self.records.get(path)
        if record is None or record.file is None:
            return None
        existing = self.folder / path
        try:
            info = os.stat(existing)
        except OSError:
            return None
        if [info.st_size, info.st_mtime_ns, info.st_ino] != record.file:
            return None
        return existing if fingerprint_of(record.reads) == record.fingerprint else None


class Manifest:
    """The records of one output folder's pages, kept in the cache folder. A process that
    builds again and again (serve) keeps the last records it saved in memory too, and reads
    the file again only when another process has replaced it."""

    def __init__(self, path: Path, version_folder: Path):
        self.path = path  # CacheLayout.page_records(version_folder)
        self.version_folder = version_folder

    def load(self) -> PreviousPages | None:
        kept = _SAVED_HERE.get(self.path)
        if kept is not None and kept[0] == _signature(self.path):
            return kept[1]
        try:
            data = json.loads(self.path.read_text())
            reads = [tuple(read) for read in data["reads"]]
            records = {path: PageRecord(fingerprint, [reads[i] for i in indices], file)
                       for path, (fingerprint, indices, file) in data["pages"].items()}
            remembered = {reads[i]: (str(source), str(digest)) for i, source, digest in data["remembered"]}
            return PreviousPages(self.version_folder, records, data["words"], remembered)
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return None  # none, or not what this version writes: render everything

    def save(self, records: dict[str, PageRecord], words: dict[str, str],
             remembered: dict[Read, tuple[str, str]]) -> None:
        """After the swap: each file as it now is in the output, with what it read. The
        reads are stored once each (pages share most of theirs). A reused page's file is
        the one its record describes: only the pages rendered now are looked at."""
        index: dict[Read, int] = {}
        pages = {}
        saved = {}
        for path, record in records.items():
            file = record.file
            if file is None:
                try:
                    info = os.stat(self.version_folder / path)
                except OSError:
                    continue
                file = [info.st_size, info.st_mtime_ns, info.st_ino]
            indices = [index.setdefault(read, len(index)) for read in record.reads]
            pages[path] = [record.fingerprint, indices, file]
            saved[path] = PageRecord(record.fingerprint, record.reads, file)
        kept = [[index.setdefault(read, len(index)), *known] for read, known in remembered.items()]
        write_atomically(self.path, json.dumps({"reads": list(index), "pages": pages, "words": words,
                                                "remembered": kept}, separators=(",", ":")))
        _SAVED_HERE[self.path] = (_signature(self.path),
                                  PreviousPages(self.version_folder, saved, words, remembered))


# what this process saved last, by records file, with the file's signature then
_SAVED_HERE: dict[Path, tuple[tuple[int, int, int] | None, PreviousPages]] = {}


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns, info.st_ino
