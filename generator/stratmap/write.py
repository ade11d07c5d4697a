"""Write: build into a staging folder beside the output, swap it in only on success.

A failed or interrupted build removes its staging folder and leaves the previous output
byte-for-byte as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def write_atomically(path: Path, data: str | bytes) -> None:
    """Write a file so that a reader, or an interrupted run, never sees half of it."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    temporary.replace(path)


class TreeWriter:
    """Files into a folder nobody reads until it is complete: plain writes, no temporary
    files. Plain strings and os calls, not pathlib: a build writes and links thousands of
    files, and pathlib's parsing cost more than the links themselves."""

    def __init__(self, root: Path):
        self.root = root
        self._folders_made: set[str] = set()

    def _destination(self, relpath: str) -> str:
        destination = os.path.join(self.root, relpath)
        folder = os.path.dirname(destination)
        if folder not in self._folders_made:  # many files share a folder: make it once
            os.makedirs(folder, exist_ok=True)
            self._folders_made.add(folder)
        return destination

    def write(self, relpath: str, data: str | bytes) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        with open(self._destination(relpath), "wb") as file:
            file.write(data)

    def link_file(self, source: Path | str, relpath: str) -> None:
        """Put an existing file at relpath: a hard link where the file system allows, so
        unchanged pages and versions cost almost nothing; else a copy."""
        destination = self._destination(relpath)
        try:
            os.link(source, destination)
        except OSError:
            shutil.copy2(source, destination)

    def link_tree(self, source: Path, relpath: str) -> None:
        for folder, _, files in os.walk(source):
            inside = os.path.relpath(folder, source)
            prefix = relpath if inside == "." else f"{relpath}/{inside}"
            for name in files:
                self.link_file(os.path.join(folder, name), f"{prefix}/{name}")


class SiteWriter(TreeWriter):
    """The whole site into a staging folder beside the output, swapped in on success."""

    def __init__(self, output: Path):
        self.output = output.resolve()
        self.output.parent.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(prefix=f".{self.output.name}.building-",
                                             dir=self.output.parent))
        super().__init__(self.staging)
        self._after_commit: list = []

    def __enter__(self) -> "SiteWriter":
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()

    def after_commit(self, action) -> None:
        """Run `action` once the new output is in place (e.g. record what it holds)."""
        self._after_commit.append(action)

    def commit(self) -> None:
        retired = None
        if self.output.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{self.output.name}.old-", dir=self.output.parent))
            os.replace(self.output, retired / "site")
        os.replace(self.staging, self.output)
        if retired is not None:
            shutil.rmtree(retired, ignore_errors=True)
        for action in self._after_commit:
            action()

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
