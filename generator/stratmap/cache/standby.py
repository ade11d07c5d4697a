"""Standby: the tree the output held before the last build, kept so that the next build
writes only what changed.

Readers never see a half-made site: a build makes the whole new tree out of their sight
and exchanges it with the output in one atomic step (write.SiteWriter). Making that tree
from nothing costs a link for every file and a folder for every page, which is most of a
small edit's build on a large site. So after the exchange the previous tree is kept here
(the standby), and the next build brings it up to date — writes the files that changed,
links back the ones the last build changed, deletes what is gone — and exchanges it again.

The record says which files the standby and the output hold, and which of the output's
files differ from the standby's. It is removed before the standby is touched, so a build
killed half-way leaves no record, and the next build removes the standby and starts from
nothing. The cache is untrusted: a record naming a path outside the tree is not used.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ..write import OUTPUT_MARKER, write_atomically
from .kept import recall, remember
from .layout import CacheLayout

_FOLDER_NAME = re.compile(r"[A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Standby:
    """A tree of ours that once was the output, and what is known of it."""

    folder: Path
    files: frozenset[str]
    outdated: frozenset[str]  # files the output holds a different version of, or alone holds


@dataclass(frozen=True)
class KnownTrees:
    standby: Standby | None
    output_files: frozenset[str] | None  # what the output holds, when recorded
    # the output's mirrors, when recorded: e.g. latest → the version whose files it links
    output_mirrors: dict[str, str] = field(default_factory=dict)


class StandbyStore:
    """Where one output's standby lives (`.stratmap-cache/standby/`), and its record."""

    def __init__(self, cache: CacheLayout, output: Path):
        self.home = cache.standby(output)
        self.record = cache.standby_record(output)
        self.output = output

    def usable(self) -> bool:
        """The standby can be exchanged with the output only on the same file system."""
        try:
            self.home.mkdir(parents=True, exist_ok=True)
            return os.stat(self.home).st_dev == os.stat(self.output.parent).st_dev
        except OSError:
            return False

    def take(self) -> KnownTrees:
        """The standby and what is recorded of it; the record is removed, since the build
        is about to change the standby. A standby without a usable record is removed."""
        known = self._recorded()
        with contextlib.suppress(FileNotFoundError):
            self.record.unlink()
        self._remove_others(known.standby.folder if known.standby else None)
        return known

    def _recorded(self) -> KnownTrees:
        kept = recall(self.record)  # serve's own last record: not parsed and checked again
        if isinstance(kept, KnownTrees):
            standby = kept.standby if kept.standby and _is_ours(kept.standby.folder) else None
            return KnownTrees(standby, kept.output_files, kept.output_mirrors)
        data = self._load()
        mirrors = data.get("mirrors")
        if not (isinstance(mirrors, dict) and all(_inside(k) and _inside(v) for k, v in mirrors.items())):
            return KnownTrees(None, None)  # not what this version writes: trust none of it
        standby = None
        folder_name = data.get("folder")
        if isinstance(folder_name, str) and _FOLDER_NAME.fullmatch(folder_name):
            folder = self.home / folder_name
            files, outdated = _paths(data.get("files")), _paths(data.get("outdated"))
            if _is_ours(folder) and files is not None and outdated is not None:
                standby = Standby(folder, files, outdated)
        return KnownTrees(standby, _paths(data.get("output_files")), mirrors)

    def keep(self, folder: Path | None, files: frozenset[str] | None, output_files: list[str],
             outdated: list[str], mirrors: dict[str, str]) -> None:
        """After the new output is in place: `folder` holds the previous output, whose files
        were `files` (None when unknown: the folder is then removed instead)."""
        kept = folder if folder is not None and files is not None and folder.parent == self.home else None
        if folder is not None and kept is None:
            shutil.rmtree(folder, ignore_errors=True)
        write_atomically(self.record, json.dumps({
            "folder": kept.name if kept else None,
            "files": sorted(files) if kept and files is not None else None,
            "outdated": outdated, "output_files": output_files, "mirrors": mirrors}))
        standby = Standby(kept, files, frozenset(outdated)) if kept and files is not None else None
        remember(self.record, KnownTrees(standby, frozenset(output_files), dict(mirrors)))

    def remove_leftovers(self) -> None:
        """Trees a killed or failed build left here, other than the recorded standby."""
        kept = recall(self.record)
        if isinstance(kept, KnownTrees):
            folder: Path | None = kept.standby.folder if kept.standby else None
        else:
            name = self._load().get("folder")
            folder = self.home / name if isinstance(name, str) and _FOLDER_NAME.fullmatch(name) else None
        self._remove_others(folder)

    def _load(self) -> dict:
        try:
            data = json.loads(self.record.read_text())
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _remove_others(self, keep: Path | None) -> None:
        """Trees of ours left here by a build that was killed: never anything else."""
        with contextlib.suppress(OSError):
            for folder in self.home.iterdir():
                if folder != keep and _is_ours(folder):
                    shutil.rmtree(folder, ignore_errors=True)


def _is_ours(folder: Path) -> bool:
    return folder.is_dir() and not folder.is_symlink() and (folder / OUTPUT_MARKER).is_file()


def _paths(value: object) -> frozenset[str] | None:
    """Relative paths inside a tree, or None when any is not one (an untrusted record)."""
    if not isinstance(value, list) or not all(isinstance(p, str) and _inside(p) for p in value):
        return None
    return frozenset(value)


def _inside(path: object) -> bool:
    """A relative path that stays inside: no part empty, "." or "..", no NUL or backslash
    (one search per path: a record names every file of the site)."""
    return isinstance(path, str) and _NOT_INSIDE.search(f"/{path}/") is None


_NOT_INSIDE = re.compile(r"/\.{0,2}/|[\0\\]")
