"""Prune: what no build will read again leaves the cache.

Without it the cache grew with every upgrade of stratmap (each version's parse cache and
compiled templates under a name of their own), with every change to the settings, the
theme or the tags (each tagged version's rendered pages, a whole site at a time, under a
key of those), and with every edit that moved a map (one laid-out map per DOT source).
Only entries named as a build names them are removed; a link is removed as a link, never
followed.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
from pathlib import Path

from .layout import CacheLayout, compiled_templates

_CODE_KEYED = re.compile(r"[0-9a-f]{16}(\.json)?")  # parsed/<code>.json, templates/<code>/
# validated/<key>.json, validated/<key>.parses, versions/<key>(.pages)
_TAG_KEYED = re.compile(r"[0-9a-f]{32}(\.json|\.parses|\.pages)?")
_DIAGRAM = re.compile(r"[0-9a-f]{64}\.svg")  # diagrams/<key>.svg


def remove_unused(cache: CacheLayout, diagrams_used: set[str]) -> None:
    """After a build of every version: remove the parse caches and compiled templates (the
    user's) of other versions of stratmap, the tagged versions' entries this build did not ask for,
    and the laid-out maps (`diagrams_used`: their keys) that none of its maps is. Another
    build that needs one makes it again."""
    _remove_others(cache.parsed.parent, _CODE_KEYED, {cache.parsed.name})
    templates = compiled_templates()
    _remove_others(templates.parent, _CODE_KEYED, {templates.name})
    _remove_others(cache.root / "templates", _CODE_KEYED, set())  # where earlier versions kept them
    asked = {path.name for path in cache.asked}
    _remove_others(cache.root / "validated", _TAG_KEYED, asked)
    _remove_others(cache.root / "versions", _TAG_KEYED,
                   asked | {f"{name}.pages" for name in asked})
    _remove_others(cache.diagrams, _DIAGRAM, {f"{key}.svg" for key in diagrams_used})


def _remove_others(folder: Path, named: re.Pattern[str], kept: set[str]) -> None:
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if name in kept or not named.fullmatch(name):
            continue
        path = folder / name
        try:
            if stat.S_ISDIR(os.lstat(path).st_mode):
                shutil.rmtree(path)
            else:
                os.unlink(path)
        except OSError:
            pass  # gone already, or not ours to remove: the next build tries again
