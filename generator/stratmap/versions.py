"""Versions: published quarters are git tags; the working tree may be a draft.

Files of a tagged version are read straight from git objects (one `git ls-tree` and one
`git cat-file --batch` per version), so a build never checks out, stashes or otherwise
touches the user's working tree, index or HEAD.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model.settings import VersionSettings
from .source.git import GitError, GitTree, SkippedTag, git, head_commit, matching_tags, repository_of
from .source.trees import SourceTree, WorkingTree
from .write import OUTPUT_MARKER

WORKING_TREE_NAME = "current"  # the only version when nothing is tagged and no draft is named
# names at the top of the output that are not versions (compared case-insensitively: a
# site may be copied to a file system that ignores case)
RESERVED_PATHS = {"latest", "assets", "index.html", "404.html", "versions.js", "versions.json",
                  "feed.xml", OUTPUT_MARKER}


@dataclass(frozen=True)
class Version:
    name: str
    path: str  # the folder under the output
    date: dt.date | None
    tree: SourceTree = field(compare=False, repr=False)
    draft: bool = False
    commit: str | None = None
    tag: str | None = None

    @property
    def as_of(self) -> dt.date:
        """The date that review deadlines are measured against."""
        return self.date if self.tag and self.date else dt.date.today()


@dataclass(frozen=True)
class VersionInfo:
    """A published version as the switcher and versions.json know it."""

    name: str
    title: str
    path: str  # folder under the output, e.g. "2026-Q3"
    date: str | None
    latest: bool
    draft: bool
    commit: str | None = None
    tag: str | None = None  # None for the working tree
    available: bool = True  # False: a tagged version that failed validation

    def identity(self) -> dict[str, Any]:
        """What a version's own pages may say of it: nothing that a newer tag changes
        (`latest`, `available`), so a tagged version's pages can be reused as they are."""
        return {"name": self.name, "title": self.title, "date": self.date, "path": f"{self.path}/",
                "draft": self.draft, "tag": self.tag, "commit": self.commit}

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "date": self.date,
                "path": f"{self.path}/", "latest": self.latest, "draft": self.draft,
                "available": self.available}


def version_path(name: str) -> str:
    """A version's folder: its name with anything but letters, digits, `.`, `_`, `-` made a
    hyphen. The caller makes sure it is neither reserved nor taken."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "version"


def tag_prefix(glob: str) -> str:
    """The part of a tag glob before its first wildcard: `strategy/*` → `strategy/`."""
    match = re.search(r"[*?\[]", glob)
    return glob[:match.start()] if match else glob



def discover(root: Path, settings: VersionSettings) -> list[Version]:
    """Every version to publish, oldest first; the draft (if any) last."""
    return discover_all(root, settings, repository_of(root))[0]


def discover_all(root: Path, settings: VersionSettings,
                 repository: tuple[Path, str] | None) -> tuple[list[Version], list[SkippedTag]]:
    """The versions to publish, and the matching tags that cannot be, with the reason;
    `repository` is what repository_of(root) says. Every version gets a folder of its own:
    a tag whose folder would be reserved or another tag's is skipped; the draft, which is
    the user's work, gets another folder."""
    working = WorkingTree(root)
    if repository is None:
        return [_working_version(settings, working, None, set())], []
    top, prefix = repository
    prefix_length = len(tag_prefix(settings.tags))
    tags, skipped = matching_tags(top, settings.tags)
    versions: list[Version] = []
    taken: dict[str, str] = {}  # folder, lower-cased → the tag that has it
    for tag, commit, date in tags:
        name = tag[prefix_length:] or tag
        path = version_path(name)
        if path.lower() in RESERVED_PATHS:
            skipped.append(SkippedTag(tag, f"its folder `{path}` is reserved for the site itself; "
                                           "rename the tag"))
        elif path.lower() in taken:
            skipped.append(SkippedTag(tag, f"its folder `{path}` is already tag "
                                           f"{taken[path.lower()]}'s; rename one of them"))
        else:
            taken[path.lower()] = tag
            versions.append(Version(name, path, date, GitTree(top, commit, prefix), False, commit, tag))
    head = head_commit(top)
    if not versions:
        return [_working_version(settings, working, head, set())], skipped
    if settings.draft:
        versions.append(_working_version(settings, working, head, set(taken)))
    return versions, skipped


def _working_version(settings: VersionSettings, tree: WorkingTree, commit: str | None,
                     taken: set[str]) -> Version:
    name = settings.draft or WORKING_TREE_NAME
    path = version_path(name).lower()
    candidates = [path, f"{path}-draft", *(f"{path}-draft-{n}" for n in range(2, len(taken) + 3))]
    path = next(p for p in candidates if p not in taken and p not in RESERVED_PATHS)
    return Version(name, path, None, tree, draft=bool(settings.draft), commit=commit)


def newest_published(root: Path, settings: VersionSettings) -> Version | None:
    """The newest tagged version, or None when nothing is published yet."""
    return next((v for v in reversed(discover(root, settings)) if v.tag), None)


def resolve_ref(root: Path, ref: str, settings: VersionSettings) -> Version:
    """A version name, tag, branch or commit → that version (for `stratmap diff`)."""
    repository = repository_of(root)
    if repository is None:
        raise GitError(f"`{ref}`: {root} is not in a git repository")
    top, prefix = repository
    for version in discover(root, settings):
        if ref in (version.name, version.tag) and version.tag:
            return version
    try:
        commit = git(top, "rev-parse", "--verify", "-q", f"{ref}^{{commit}}").decode().strip()
    except GitError:
        raise GitError(f"unknown version or git ref `{ref}`") from None
    return Version(ref, version_path(ref), None, GitTree(top, commit, prefix), False, commit, None)
