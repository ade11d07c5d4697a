"""Kept: what this process last wrote to a cache file, read back from memory.

A process that builds again and again (serve) starts each build by reading the records
its last build wrote: the pages' records, the stamp, the standby's record. While a file
is the one this process wrote (the same inode, size and time), what it wrote is taken as
it was, neither parsed nor checked again; a file another process has replaced is read.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

_WRITTEN_HERE: dict[Path, tuple[tuple[int, int, int], Any]] = {}


def remember(path: Path, value: Any) -> None:
    """`value` is what this process just wrote to `path`."""
    signature = _signature(path)
    if signature is None:
        _WRITTEN_HERE.pop(path, None)
    else:
        _WRITTEN_HERE[path] = (signature, value)


def recall(path: Path) -> Any | None:
    """What this process last wrote to `path`, while the file is still that one; else None."""
    kept = _WRITTEN_HERE.get(path)
    if kept is None or kept[0] != _signature(path):
        return None
    return kept[1]


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns, info.st_ino
