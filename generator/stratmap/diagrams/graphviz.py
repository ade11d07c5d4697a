"""Graphviz: running `dot` on DOT sources, with a cache of SVGs by source and Graphviz.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..cache.layout import CacheLayout
from ..write import write_atomically

_DIAGRAM_KEY = re.compile(r"[0-9a-f]{64}")  # a SHA-256, as _keys names a map


class DiagramError(Exception):
    """Graphviz is missing or failed: an environment problem, not the content's."""


# --- running Graphviz, with a cache --------------------------------------------------
# The graphviz package is imported where dot runs: an up-to-date build never needs it.

def dot_identity() -> str | None:
    """Which `dot` would run: its resolved path, mtime and size; None when there is none."""
    dot = shutil.which("dot")
    if dot is None:
        return None
    resolved = Path(dot).resolve()
    stat = resolved.stat()
    return f"{resolved}:{stat.st_mtime_ns}:{stat.st_size}"


@dataclass
class DiagramRenderer:
    cache: CacheLayout
    jobs: int = os.cpu_count() or 1
    rendered: int = 0
    from_cache: int = 0
    used: set[str] = field(default_factory=set)  # the cached files this build's maps are
    _recording: list[set[str]] = field(default_factory=list)

    def render(self, sources: list[str]) -> list[str]:
        """One SVG per DOT source, in order; only sources not in the cache run dot."""
        keys = self._keys(sources)
        folder = self.cache.diagrams
        missing = {key: source for key, source in zip(keys, sources, strict=True)
                   if not (folder / f"{key}.svg").is_file()}
        self.from_cache += len(set(keys)) - len(missing)
        laid_out = self._run_dot(missing) if missing else {}
        for key, svg in laid_out.items():
            with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
                write_atomically(folder / f"{key}.svg", svg)
        self.rendered += len(missing)
        return [laid_out[key] if key in laid_out else (folder / f"{key}.svg").read_text(encoding="utf-8")
                for key in keys]

    def kept(self, sources: list[str]) -> None:
        """Maps this process laid out for the last build and keeps: counted as from the cache."""
        self._keys(sources)
        self.from_cache += len(set(sources))

    @contextmanager
    def recording(self) -> Iterator[set[str]]:
        """The keys of the maps laid out, taken from the cache or kept inside the block:
        what a version rendered once needs of the cache for as long as it is kept."""
        keys: set[str] = set()
        self._recording.append(keys)
        try:
            yield keys
        finally:
            self._recording.remove(keys)

    def keep(self, keys: Iterable[str]) -> None:
        """Maps that pages rendered in an earlier build show: kept in the cache, so that a
        version rendered later from much the same content finds its layouts there."""
        self._note_used([key for key in keys if _DIAGRAM_KEY.fullmatch(key)])

    def _note_used(self, keys: list[str]) -> None:
        self.used.update(keys)
        for recorded in self._recording:
            recorded.update(keys)

    def _keys(self, sources: list[str]) -> list[str]:
        """Each source's file name in the cache (without `.svg`), noted as used."""
        identity = dot_identity()
        if identity is None:
            raise DiagramError("Graphviz `dot` was not found on PATH; install Graphviz "
                               "(Debian/Ubuntu: apt-get install graphviz; macOS: brew install "
                               "graphviz)")
        version = self._graphviz_version(identity)
        keys = [hashlib.sha256(f"{version}\0{source}".encode()).hexdigest() for source in sources]
        self._note_used(keys)
        return keys

    def _run_dot(self, sources: dict[str, str]) -> dict[str, str]:
        import graphviz

        def lay_out(source: str) -> str:
            try:
                return graphviz.pipe("dot", "svg", source.encode(), quiet=True).decode()
            except (graphviz.CalledProcessError, graphviz.ExecutableNotFound) as failed:
                raise DiagramError(f"Graphviz failed: {str(failed)[:500]}") from None

        with ThreadPoolExecutor(max_workers=max(1, min(self.jobs, len(sources)))) as pool:
            return dict(zip(sources, pool.map(lay_out, sources.values()), strict=True))

    def _graphviz_version(self, identity: str) -> str:
        """`dot -V`, remembered per dot binary so a warm build starts no process."""
        memo = self.cache.graphviz_version
        try:
            remembered = json.loads(memo.read_text())
            if remembered.get("identity") == identity:
                return remembered["version"]
        except (OSError, ValueError):
            pass
        import graphviz

        try:
            version = ".".join(map(str, graphviz.version()))
        except (graphviz.CalledProcessError, graphviz.ExecutableNotFound, RuntimeError) as failed:
            raise DiagramError(f"cannot run Graphviz `dot -V`: {failed}") from None
        with contextlib.suppress(OSError):
            write_atomically(memo, json.dumps({"identity": identity, "version": version}))
        return version
