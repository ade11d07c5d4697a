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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..diagrams.graphviz import dot_identity
from ..findings.printers import VersionFindings
from ..model.settings import Settings
from ..source.load import MAX_FILE_BYTES, SETTINGS_FILE
from ..versions import Version
from ..write import files_in, write_atomically
from .digests import code_digest


def inputs_digest(root: Path, settings: Settings, versions: list[Version], theme: str,
                  output: Path, strict: bool,
                  read: Callable[[str, bytes], None] | None = None) -> str:
    """`read(relpath, data)` is told each file's bytes as they are read, for a build that
    follows to read each file once."""
    hasher = hashlib.sha256()

    def add(*parts: object) -> None:
        hasher.update(json.dumps(parts, default=str).encode() + b"\0")

    add(code_digest(), settings.model_dump(mode="json"), str(output.resolve()), strict, theme,
        dt.date.today(), dot_identity())
    for version in versions:
        add(version.name, version.path, version.tag, version.commit, version.date, version.draft)
    for relpath in [SETTINGS_FILE, *_files_below(root, settings.content_dir)]:
        hasher.update(relpath.encode("utf-8", "surrogateescape") + b"\0")
        try:
            data = _hashed(os.path.join(root, relpath), hasher)
        except OSError:
            hasher.update(b"\0unreadable")  # the build that follows says what is wrong
            continue
        if read is not None and data is not None and relpath.endswith((".md", ".yaml")):
            read(relpath, data)  # what the loader reads; not images, nor what it refuses
    return hasher.hexdigest()


def _hashed(path: str, hasher: Any) -> bytes | None:
    """The file's bytes, fed to `hasher`; None for a file too large to load, which is fed
    in pieces and never held whole. (os.read, not a file object: thousands of files are
    hashed on every build, and a file object costs as much again as the reading.)"""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(descriptor).st_size
        if size <= MAX_FILE_BYTES:
            data = os.read(descriptor, size + 1)  # one more: a file that grew meanwhile says so
            if len(data) > size:
                data += b"".join(iter(functools.partial(os.read, descriptor, 1 << 20), b""))
            hasher.update(data)
            return data if len(data) <= MAX_FILE_BYTES else None
        for piece in iter(functools.partial(os.read, descriptor, 1 << 20), b""):
            hasher.update(piece)
        return None
    finally:
        os.close(descriptor)


def _files_below(root: Path, folder: str) -> list[str]:
    """Every regular file below `folder` (a link to one counts), relative to `root`, sorted;
    folders that are links are not entered."""
    return sorted(f"{folder}/{inside}".replace(os.sep, "/")
                  for path, inside in files_in(os.path.join(root, folder)) if os.path.isfile(path))

@dataclass
class Stamp:
    inputs: str
    pages: int
    versions: int
    reports: list[VersionFindings]

    @classmethod
    def load(cls, path: Path) -> "Stamp | None":
        """The stamp at CacheLayout.stamp(output), if a build left one."""
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
