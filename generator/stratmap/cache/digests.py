"""Digests: the keys of everything kept in the cache folder."""

from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Any

from .. import __version__

PACKAGE = Path(__file__).resolve().parent.parent


@functools.cache
def code_digest() -> str:
    """The tool's version and a digest of every module of the package, subpackages
    included: every cache key includes it, so a changed stratmap never reuses what an
    older one made."""
    hasher = hashlib.sha256(__version__.encode())
    for path in sorted(PACKAGE.rglob("*.py")):
        hasher.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return hasher.hexdigest()


def folder_key(folder: Path) -> str:
    """A cache file name for what is kept about one output folder."""
    return hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:24]


def digest(*parts: Any) -> str:
    """A digest of JSON-able parts (others by their str())."""
    return hashlib.sha256(_ENCODER.encode(parts).encode()).hexdigest()


# json.dumps with any option makes a new encoder per call, which cost as much as the
# encoding: a build digests every page's place in the site
_ENCODER = json.JSONEncoder(sort_keys=True, default=str)


def theme_key(folders: list[Path]) -> str:
    """A digest of every file of the theme: a theme change re-renders every page."""
    hasher = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                hasher.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return hasher.hexdigest()
