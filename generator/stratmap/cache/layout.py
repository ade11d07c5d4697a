"""The cache folder's layout: every path under `.stratmap-cache/`, named in one place.

Everything here is data the build wrote and checks before use (JSON, SVG, HTML); nothing
in it is ever unpickled or run. (Compiled templates are the user's: cache/bytecode.py.)
Keys that depend on the code carry `code_digest()`, so an upgraded stratmap starts afresh.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .digests import code_digest, folder_key

CACHE_FOLDER = ".stratmap-cache"


@dataclass(frozen=True)
class CacheLayout:
    root: Path
    # the entries of tagged versions asked for: a build keeps these and removes the rest
    asked: set[Path] = field(default_factory=set, compare=False, hash=False, repr=False)

    @classmethod
    def of(cls, project_root: Path) -> CacheLayout:
        return cls(project_root / CACHE_FOLDER)

    @property
    def lock(self) -> Path:
        """Held while a build runs: one build of a repository at a time."""
        return self.root / "build.lock"

    @property
    def parsed(self) -> Path:
        """The working tree's parsed files (how a file parses depends on our code)."""
        return self.root / "parsed" / f"{code_digest()[:16]}.json"

    @property
    def diagrams(self) -> Path:
        """One SVG per DOT source and Graphviz version."""
        return self.root / "diagrams"

    @property
    def graphviz_version(self) -> Path:
        return self.root / "graphviz-version.json"

    def validated_tag(self, key: str) -> Path:
        """A tag's findings and KPI values, validated once."""
        path = self.root / "validated" / f"{key}.json"
        self.asked.add(path)
        return path

    def tag_parses(self, key: str) -> Path:
        """The newest tag's parsed files, kept from when it was validated: the next tag's
        build reads it again for what changed since."""
        path = self.root / "validated" / f"{key}.parses"
        self.asked.add(path)
        return path

    def rendered_tag(self, key: str) -> Path:
        """A tag's pages, rendered once (a `.pages` record beside it marks them complete
        and names the maps they show)."""
        path = self.root / "versions" / key
        self.asked.add(path)
        return path

    def page_records(self, version_folder: Path) -> Path:
        """What each page of the working tree's version read when it was last rendered."""
        return self.root / "pages" / f"{folder_key(version_folder)}.json"

    def published_tags(self, output: Path) -> Path:
        """Which tag copies are in an output folder, and their files' (size, mtime, inode)."""
        return self.root / "published" / f"{folder_key(output)}.json"

    def stamp(self, output: Path) -> Path:
        """The inputs of the last build into an output folder: an up-to-date build stops here."""
        return self.root / "stamps" / f"{folder_key(output)}.json"

    def standby(self, output: Path) -> Path:
        """The output's previous tree, kept for the next build to update (see standby.py)."""
        return self.root / "standby" / folder_key(output)

    def standby_record(self, output: Path) -> Path:
        return self.root / "standby" / f"{folder_key(output)}.json"


def user_cache() -> Path:
    """This user's stratmap folder, outside any repository (XDG's cache folder)."""
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(home) / "stratmap"


def compiled_templates() -> Path:
    """Compiled templates: the user's, not a repository's. The built-in theme's are the
    same for every repository (compiling them took 0.2 s of every cold build); a
    repository's own templates are told apart by path, and Jinja checks each entry against
    its template's source. They depend on the environment's options, which live in the
    code."""
    return user_cache() / "templates" / code_digest()[:16]
