"""Trees: where a strategy's files come from (a folder on disk; git commits are in git.py).

Content is untrusted: a path counts only when it is a regular file inside the folder.
"""

from __future__ import annotations

import functools
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


class SourceTree(Protocol):
    """Where a strategy's files come from: a folder, or a commit in git."""

    def size(self, relpath: str) -> int | None:
        """Bytes in the file, or None when there is no such file."""

    def read_bytes(self, relpath: str) -> bytes: ...

    def list_markdown(self, folder: str) -> list[str]:
        """Relative paths of the `*.md` files directly inside `folder`, sorted;
        NotARegularFile when the folder is a link that may not be followed."""

    def is_dir(self, relpath: str) -> bool: ...


class NotARegularFile(Exception):
    """A content path that is not a plain file inside the repository; says what it is."""


@dataclass(frozen=True)
class WorkingTree:
    """The strategy folder on disk. Content is untrusted: a path counts only when it is a
    regular file inside the folder (a link is fine when it leads to one)."""

    root: Path

    @functools.cached_property
    def _resolved_root(self) -> Path:  # resolved once: every file read asks for it
        return self.root.resolve()

    @functools.cached_property
    def _real_folders(self) -> dict[str, str]:
        """Folder → where it really is, for this tree's lifetime (one build): thousands of
        files share a few folders, and resolving each file's whole path cost more than
        reading it."""
        return {}

    def _real_folder(self, folder: str) -> str:
        real = self._real_folders.get(folder)
        if real is None:
            real = self._real_folders[folder] = os.path.realpath(folder)
        return real

    def _resolved_inside(self, path: str) -> str:
        """`path` with every link followed, when that is inside the root."""
        try:
            return self._inside_root(str(Path(path).resolve(strict=True)))
        except FileNotFoundError:
            if os.path.islink(path):
                raise NotARegularFile("is a symbolic link to nothing (its target is missing)") from None
            raise
        except (OSError, RuntimeError):
            raise NotARegularFile("is a symbolic link that loops") from None

    def _inside_root(self, resolved: str) -> str:
        if not self._is_inside_root(resolved):
            raise NotARegularFile("leads outside the strategy folder (a symbolic link?); "
                                  "content must be inside it")
        return resolved

    def _is_inside_root(self, resolved: str) -> bool:
        root = str(self._resolved_root)
        return resolved == root or resolved.startswith(root.rstrip(os.sep) + os.sep)

    def _regular_file(self, relpath: str) -> tuple[str, os.stat_result] | None:
        """The file and its status; None when missing, NotARegularFile when no file."""
        try:
            path, info = self._entry(relpath)
        except FileNotFoundError:
            return None
        if stat.S_ISDIR(info.st_mode):
            raise NotARegularFile("is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise NotARegularFile("is not a regular file (a pipe, socket or device)")
        return path, info

    @functools.cached_property
    def _listed(self) -> dict[str, tuple[str, os.stat_result]]:
        """The plain files (no links) that `files_below` found in folders inside the root:
        where each really is, and its status then."""
        return {}

    def files_below(self, folder: str) -> list[tuple[str, os.stat_result]]:
        """Every regular file below `folder` (a link to one counts), relative to the root,
        sorted, with its status; folders that are links are not entered. The build's first
        step (the stamp) walks the content so: the loader then asks nothing more of a
        plain file found in it (thousands of files, one status each, on every build)."""
        found: list[tuple[str, os.stat_result]] = []
        self._walk(os.path.join(self.root, folder), folder, found)
        return sorted(found, key=lambda entry: entry[0])

    def _walk(self, path: str, relpath: str, found: list[tuple[str, os.stat_result]]) -> None:
        try:
            with os.scandir(path) as listing:
                entries = list(listing)
        except OSError:
            return  # gone, or no folder: nothing below it
        real = self._real_folder(path)
        inside = self._is_inside_root(real)
        for entry in entries:
            inside_path = f"{relpath}/{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                self._walk(entry.path, inside_path, found)
                continue
            try:
                status = entry.stat()  # a link's target
            except OSError:
                continue  # a link to nothing: no file
            if stat.S_ISREG(status.st_mode):
                found.append((inside_path, status))
                if inside and not entry.is_symlink():
                    self._listed[inside_path] = (os.path.join(real, entry.name), status)

    def _entry(self, relpath: str) -> tuple[str, os.stat_result]:
        """Where the entry really is, and its status. A plain entry (no link) of a known
        folder costs one lstat, or none when `files_below` found it: thousands of files
        are asked for on every build."""
        listed = self._listed.get(relpath)
        if listed is not None:
            return listed
        path = os.path.join(self.root, relpath)
        folder, name = os.path.split(path)
        info: os.stat_result | None
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            raise  # missing: the callers say so
        except OSError:  # e.g. a file where a folder should be: resolving says what is wrong
            info = None
        if info is not None and not stat.S_ISLNK(info.st_mode) and name not in ("", ".", ".."):
            return self._inside_root(os.path.join(self._real_folder(folder), name)), info
        resolved = self._resolved_inside(path)
        return resolved, os.stat(resolved)

    @functools.cached_property
    def _read_before(self) -> dict[str, bytes]:
        """Files read already in this build, by path (the no-change check hashes every
        file first): the loader takes these bytes, once, instead of reading the file again."""
        return {}

    def read_before(self, relpath: str, data: bytes) -> None:
        """`data` was just read from `relpath`; reading it again may take it from here
        (after the same checks as any read)."""
        self._read_before[relpath] = data

    @functools.cached_property
    def _sized(self) -> dict[str, str]:
        """Files whose size was just asked, checked then, to be read next: where they are."""
        return {}

    def size(self, relpath: str) -> int | None:
        found = self._regular_file(relpath)
        if found is None:
            return None
        self._sized[relpath] = found[0]
        return found[1].st_size

    def read_bytes(self, relpath: str) -> bytes:
        # never open a pipe or a path that leads outside: checked when its size was asked
        path = self._sized.pop(relpath, None)
        if path is None:
            found = self._regular_file(relpath)
            if found is None:
                raise FileNotFoundError(relpath)
            path = found[0]
        data = self._read_before.pop(relpath, None)
        if data is not None:
            return data
        with open(path, "rb") as file:
            return file.read()

    def list_markdown(self, folder: str) -> list[str]:
        """Every `*.md` entry, whatever it is: the loader reports those that are no file. A
        folder that is a link leading outside, to nothing or round in a loop raises
        NotARegularFile: it is never listed, and the loader says so."""
        try:
            info = self._entry(folder)[1]
        except FileNotFoundError:
            return []
        if not stat.S_ISDIR(info.st_mode):
            return []
        return sorted(f"{folder}/{name}" for name in os.listdir(self.root / folder) if name.endswith(".md"))

    def is_dir(self, relpath: str) -> bool:
        try:
            return stat.S_ISDIR(self._entry(relpath)[1].st_mode)
        except (OSError, NotARegularFile):
            return False




@dataclass(frozen=True)
class EditedTree:
    """A tree with some files' new texts laid over it, to validate edits before writing them."""

    base: SourceTree
    edits: dict[str, bytes]  # relpath → the file's new bytes

    def size(self, relpath: str) -> int | None:
        return len(self.edits[relpath]) if relpath in self.edits else self.base.size(relpath)

    def read_bytes(self, relpath: str) -> bytes:
        return self.edits[relpath] if relpath in self.edits else self.base.read_bytes(relpath)

    def list_markdown(self, folder: str) -> list[str]:
        return self.base.list_markdown(folder)

    def is_dir(self, relpath: str) -> bool:
        return self.base.is_dir(relpath)
