"""Tags: tagged versions' pages, rendered once into the cache and copied into the output.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..write import files_in, write_atomically


class PublishedTagCopies:
    """Tagged versions' pages in the output, as the last build left them.

    A tagged version's pages are copied from the cache, so the output never shares storage
    with it. Copying every tag's pages on every build costs more than rendering the edited
    ones, so the build records each file's (size, mtime, inode) right after it is in place,
    with the cache key it came from. The next build links a file from the last output when
    both still match, and copies it from the cache again when it was changed or deleted."""

    def __init__(self, path: Path, output: Path, trust_last_output: bool):
        self.path = path  # CacheLayout.published_tags(output)
        self.output = output
        self._last: dict[str, dict[str, Any]] = {}
        if trust_last_output:
            with contextlib.suppress(OSError, ValueError):  # none recorded: copy everything
                self._last = json.loads(self.path.read_text())
        self._written: dict[str, str] = {}  # version folder → cache key
        self._kept: dict[str, dict[str, Any]] = {}

    def untouched(self, folder: str, key: str) -> Callable[[str], str | None]:
        """For a file of `folder` (relative to it): the last output's copy when it is
        exactly as the last build left it there, from the same cache key; else None."""
        last = self._last.get(folder)
        if not isinstance(last, dict) or last.get("key") != key:
            return lambda relpath: None
        files: dict[str, list[int]] = last.get("files", {})
        previous = os.path.join(self.output, folder)  # (not pathlib: asked for every file of every tag)

        def unchanged(relpath: str) -> str | None:
            recorded = files.get(relpath)
            if recorded is None:
                return None
            path = os.path.join(previous, relpath)
            try:
                info = os.stat(path)
            except OSError:
                return None
            return path if recorded == [info.st_size, info.st_mtime_ns, info.st_ino] else None
        return unchanged

    def wrote(self, folder: str, key: str) -> None:
        self._written[folder] = key

    def kept(self, folder: str) -> None:
        """--only left this folder as built: what was recorded of it still holds."""
        if folder in self._last:
            self._kept[folder] = self._last[folder]

    def save(self) -> None:
        """After the swap: record every written tag folder's files as they now are."""
        record = dict(self._kept)
        for folder, key in self._written.items():
            root = self.output / folder
            files = {}
            for path, relpath in files_in(root):
                info = os.stat(path)
                files[relpath] = [info.st_size, info.st_mtime_ns, info.st_ino]
            record[folder] = {"key": key, "files": files}
        write_atomically(self.path, json.dumps(record))
