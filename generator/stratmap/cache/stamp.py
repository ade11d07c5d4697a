"""Stamp: skip a build that would write exactly what the output already holds.

A successful build records a digest of everything it read: the tool's version, the
settings, every file of the working tree's content, the git tags and HEAD, the theme,
the Graphviz binary and the day (review badges and the footer depend on it). The next
build computes that digest first; when it matches and the output is still there, the
build is up to date and stops before loading, validating or rendering anything.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from ..diagrams.graphviz import dot_identity
from ..findings.printers import VersionFindings
from ..model.settings import Settings
from ..source.load import MAX_FILE_BYTES, SETTINGS_FILE
from ..source.trees import WorkingTree
from ..versions import Version
from ..write import write_atomically
from .digests import code_digest
from .kept import recall, remember


def inputs_digest(tree: WorkingTree, settings: Settings, versions: list[Version], theme: str,
                  output: Path, strict: bool, known: KnownFiles | None = None) -> str:
    """`tree`: the working tree, its content walked once for this digest and the build that
    follows, which is handed each file's bytes as they are read (it reads each file once);
    `known`: what a process that builds again knows of the files from its last build
    (serve), so that unchanged ones are not read again."""
    hasher = hashlib.sha256()

    def add(*parts: object) -> None:
        hasher.update(json.dumps(parts, default=str).encode() + b"\0")

    add(code_digest(), settings.model_dump(mode="json"), str(output.resolve()), strict, theme,
        dt.date.today(), dot_identity())
    for version in versions:
        add(version.name, version.path, version.tag, version.commit, version.date, version.draft)
    top = str(tree.root)
    files = [(relpath, os.path.join(top, relpath), status)
             for relpath, status in [(SETTINGS_FILE, None), *tree.files_below(settings.content_dir)]]
    if known is not None:  # a file deleted since is forgotten
        known.keep_only({path for _, path, _ in files})
    for relpath, path, status in files:
        hasher.update(relpath.encode("utf-8", "surrogateescape") + b"\0")
        try:
            data, digest = _file(path, status, known)
        except OSError:
            hasher.update(b"\0unreadable")  # the build that follows says what is wrong
            continue
        hasher.update(digest)
        if data is not None and relpath.endswith((".md", ".yaml")):
            tree.read_before(relpath, data)  # what the loader reads; not images, nor what it refuses
    return hasher.hexdigest()


class KnownFile(NamedTuple):
    status: tuple[int, int, int, int]  # inode, size, modified and changed (ns)
    asked_at: int  # the clock (ns) when the file was read, its status just asked
    data: bytes | None  # None: too large to load
    digest: bytes


# A file changed twice within the file system's clock grain keeps its status (git calls
# such a file "racily clean"): one changed this close to when it was read is read again.
RACY_NS = 2_000_000_000  # FAT's grain is two seconds; most are a few milliseconds


@dataclass
class KnownFiles:
    """What a process that builds again and again (serve) knows of the content files, by
    path: each one's status when it was read, its bytes and their digest. A file whose
    status is the same, and was not changed in the moment it was read, is not read again."""

    by_path: dict[str, KnownFile] = field(default_factory=dict)

    def keep_only(self, paths: set[str]) -> None:
        for gone in self.by_path.keys() - paths:
            del self.by_path[gone]

    def unchanged(self, path: str, status: os.stat_result) -> KnownFile | None:
        known = self.by_path.get(path)
        if known is None or known.status != _signature(status):
            return None
        if max(status.st_mtime_ns, status.st_ctime_ns) >= known.asked_at - RACY_NS:
            return None
        return known


def _signature(status: os.stat_result) -> tuple[int, int, int, int]:
    return status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns


def _file(path: str, status: os.stat_result | None, known: KnownFiles | None) -> tuple[bytes | None, bytes]:
    """The file's bytes (None when too large to load) and their digest: as known, when the
    file has not changed since, else read."""
    if known is None:
        return _hashed(path)
    asked_at = time.time_ns()
    status = os.stat(path) if status is None else status
    found = known.unchanged(path, status)
    if found is None:
        data, digest = _hashed(path)
        found = known.by_path[path] = KnownFile(_signature(status), asked_at, data, digest)
    return found.data, found.digest


def _hashed(path: str) -> tuple[bytes | None, bytes]:
    """The file's bytes and their digest; None for a file too large to load, which is
    digested in pieces and never held whole. (os.read, not a file object: thousands of
    files are hashed on every build, and a file object costs as much again as the reading.)"""
    hasher = hashlib.sha256()
    descriptor = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(descriptor).st_size
        if size <= MAX_FILE_BYTES:
            data = os.read(descriptor, size + 1)  # one more: a file that grew meanwhile says so
            if len(data) > size:
                data += b"".join(iter(functools.partial(os.read, descriptor, 1 << 20), b""))
            hasher.update(data)
            return (data if len(data) <= MAX_FILE_BYTES else None), hasher.digest()
        for piece in iter(functools.partial(os.read, descriptor, 1 << 20), b""):
            hasher.update(piece)
        return None, hasher.digest()
    finally:
        os.close(descriptor)


@dataclass
class Stamp:
    inputs: str
    pages: int
    versions: int
    reports: list[VersionFindings]

    @classmethod
    def load(cls, path: Path) -> "Stamp | None":
        """The stamp at CacheLayout.stamp(output), if a build left one (serve's own last one
        from memory: it names every warning of the version, thousands at 3,000 teams)."""
        kept = recall(path)
        if isinstance(kept, Stamp):
            return kept
        try:
            data = json.loads(path.read_text())
            return cls(data["inputs"], data["pages"], data["versions"],
                       [VersionFindings.from_dict(r) for r in data["reports"]])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, path: Path) -> None:
        write_atomically(path, json.dumps({
            "inputs": self.inputs, "pages": self.pages, "versions": self.versions,
            "reports": [r.to_dict() for r in self.reports]}))
        remember(path, self)
