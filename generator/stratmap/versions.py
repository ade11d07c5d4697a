"""Versions: published quarters are git tags; the working tree may be a draft.

Files of a tagged version are read straight from git objects (one `git ls-tree` and one
`git cat-file --batch` per version), so a build never checks out, stashes or otherwise
touches the user's working tree, index or HEAD.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .load import SourceTree, WorkingTree
from .model import VersionSettings

WORKING_TREE_NAME = "current"  # the only version when nothing is tagged and no draft is named
RESERVED_PATHS = {"latest", "assets"}


class GitError(Exception):
    """git is missing or a ref is unknown: an environment or usage problem."""


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
    path = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "version"
    return f"{path}-version" if path.lower() in RESERVED_PATHS else path


def tag_prefix(glob: str) -> str:
    """The part of a tag glob before its first wildcard: `strategy/*` → `strategy/`."""
    match = re.search(r"[*?\[]", glob)
    return glob[:match.start()] if match else glob


def git(root: Path, *args: str, input_bytes: bytes | None = None) -> bytes:
    try:
        result = subprocess.run(["git", "-C", str(root), *args], input=input_bytes,
                                capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    if result.returncode != 0:
        raise GitError(result.stderr.decode(errors="replace").strip() or f"git {args[0]} failed")
    return result.stdout


def git_top(root: Path) -> Path | None:
    """The top folder of the git repository holding root, or None outside git."""
    repository = repository_of(root)
    return repository[0] if repository else None


def repository_of(root: Path) -> tuple[Path, str] | None:
    """(the git top level, root's path inside it) — or None outside git."""
    try:
        top = Path(git(root, "rev-parse", "--show-toplevel").decode().strip())
    except GitError:
        return None
    inside = root.resolve().relative_to(top.resolve()).as_posix()
    return top, "" if inside == "." else inside


@dataclass
class GitTree:
    """A SourceTree over one commit; every blob is read in a single cat-file process."""

    top: Path
    commit: str
    prefix: str  # the strategy folder inside the repository, "" at its top
    _sizes: dict[str, tuple[str, int]] | None = None  # relpath → (blob id, size)
    _blobs: dict[str, bytes] | None = None

    def _listing(self) -> dict[str, tuple[str, int]]:
        if self._sizes is None:
            spec = [self.prefix] if self.prefix else []
            out = git(self.top, "ls-tree", "-r", "-l", "-z", self.commit, "--", *spec)
            self._sizes = {}
            for entry in out.split(b"\0"):
                if not entry:
                    continue
                meta, path = entry.decode().split("\t", 1)
                _, kind, blob, size = meta.split()
                if kind == "blob":
                    relative = path[len(self.prefix) + 1:] if self.prefix else path
                    self._sizes[relative] = (blob, int(size))
        return self._sizes

    def _read_all(self, limit: int = 2 * 1024 * 1024) -> dict[str, bytes]:
        if self._blobs is None:
            wanted = {path: blob for path, (blob, size) in self._listing().items()
                      if size <= limit and (path.endswith(".md") or path.endswith(".yaml"))}
            out = git(self.top, "cat-file", "--batch",
                      input_bytes="".join(f"{blob}\n" for blob in wanted.values()).encode())
            self._blobs, offset = {}, 0
            for path in wanted:
                header_end = out.index(b"\n", offset)
                size = int(out[offset:header_end].split()[2])
                self._blobs[path] = out[header_end + 1:header_end + 1 + size]
                offset = header_end + 1 + size + 1
        return self._blobs

    def size(self, relpath: str) -> int | None:
        entry = self._listing().get(relpath)
        return entry[1] if entry else None

    def read_bytes(self, relpath: str) -> bytes:
        blobs = self._read_all()
        if relpath in blobs:
            return blobs[relpath]
        blob = self._listing()[relpath][0]
        return git(self.top, "cat-file", "blob", blob)

    def list_markdown(self, folder: str) -> list[str]:
        return sorted(p for p in self._listing()
                      if str(PurePosixPath(p).parent) == folder and p.endswith(".md"))

    def is_dir(self, relpath: str) -> bool:
        return any(p.startswith(relpath.rstrip("/") + "/") for p in self._listing())


def _tags(top: Path, glob: str) -> list[tuple[str, str, dt.date]]:
    """(tag, commit, date) of the tags that match the glob, oldest first."""
    fields = ["%(refname:strip=2)", "%(objecttype)", "%(objectname)", "%(*objectname)",
              "%(taggerdate:short)", "%(committerdate:short)", "%(*committerdate:short)"]
    out = git(top, "for-each-ref", "--format=" + "%00".join(fields), "refs/tags")
    tags = []
    for line in out.decode().splitlines():
        name, kind, obj, peeled, tagger, committer, peeled_committer = line.split("\0")
        if not fnmatch.fnmatchcase(name, glob):
            continue
        if kind == "tag" and not peeled:
            continue
        commit = peeled if kind == "tag" else obj
        date = tagger or committer or peeled_committer
        tags.append((name, commit, dt.date.fromisoformat(date)))
    return sorted(tags, key=lambda t: (t[2], t[0]))


def discover(root: Path, settings: VersionSettings) -> list[Version]:
    """Every version to publish, oldest first; the draft (if any) last."""
    working = WorkingTree(root)
    repository = repository_of(root)
    if repository is None:
        return [_working_version(settings, working, None)]
    top, prefix = repository
    prefix_length = len(tag_prefix(settings.tags))
    versions = [Version(tag[prefix_length:] or tag, version_path(tag[prefix_length:] or tag), date,
                        GitTree(top, commit, prefix), False, commit, tag)
                for tag, commit, date in _tags(top, settings.tags)]
    head = _head_commit(top)
    if not versions:
        return [_working_version(settings, working, head)]
    if settings.draft:
        versions.append(_working_version(settings, working, head))
    return versions


def _working_version(settings: VersionSettings, tree: WorkingTree, commit: str | None) -> Version:
    name = settings.draft or WORKING_TREE_NAME
    return Version(name, version_path(name).lower(), None, tree,
                   draft=bool(settings.draft), commit=commit)


def _head_commit(top: Path) -> str | None:
    try:
        return git(top, "rev-parse", "--verify", "-q", "HEAD").decode().strip() or None
    except GitError:
        return None  # a repository with no commit yet


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
