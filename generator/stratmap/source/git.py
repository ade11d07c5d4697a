"""Git: the only module that runs git. Refs, tags and the files of one commit.

Files of a tagged version are read straight from git objects (one `git ls-tree` and one
`git cat-file --batch` per version), so a build never checks out, stashes or otherwise
touches the user's working tree, index or HEAD.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import posixpath
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .trees import NotARegularFile


class GitError(Exception):
    """git is missing or a ref is unknown: an environment or usage problem."""


def git(root: Path, *args: str, input_bytes: bytes | None = None) -> bytes:
    try:
        result = subprocess.run(["git", "-C", str(root), *args], input=input_bytes,
                                capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    if result.returncode != 0:
        raise GitError(result.stderr.decode(errors="replace").strip() or f"git {args[0]} failed")
    return result.stdout


def repository_of(root: Path) -> tuple[Path, str] | None:
    """(the git top level, root's path inside it) — or None outside git."""
    try:
        top = Path(git(root, "rev-parse", "--show-toplevel").decode().strip())
    except GitError:
        return None
    inside = root.resolve().relative_to(top.resolve()).as_posix()
    return top, "" if inside == "." else inside


_SYMLINK_MODE = "120000"
_MAX_LINKS = 8  # links followed one after another before the path is said to loop


@dataclass
class GitTree:
    """A SourceTree over one commit; every blob is read in a single cat-file process.
    A symbolic link in the commit is followed while it stays inside the strategy folder."""

    top: Path
    commit: str
    prefix: str  # the strategy folder inside the repository, "" at its top
    _entries: dict[str, tuple[str, str, int]] | None = None  # relpath → (mode, blob id, size)
    _blobs: dict[str, bytes] | None = None

    def _listing(self) -> dict[str, tuple[str, str, int]]:
        if self._entries is None:
            spec = [self.prefix] if self.prefix else []
            out = git(self.top, "ls-tree", "-r", "-l", "-z", self.commit, "--", *spec)
            self._entries = {}
            for entry in out.split(b"\0"):
                if not entry:
                    continue
                # a file name need not be UTF-8; such a name is kept as it is (surrogates)
                meta, path = entry.decode("utf-8", "surrogateescape").split("\t", 1)
                mode, kind, blob, size = meta.split()
                if kind == "blob":
                    relative = path[len(self.prefix) + 1:] if self.prefix else path
                    self._entries[relative] = (mode, blob, int(size))
        return self._entries

    def _target(self, relpath: str) -> str | None:
        """The path a link leads to, followed to a file; None when there is no such path."""
        for _ in range(_MAX_LINKS):
            entry = self._listing().get(relpath)
            if entry is None or entry[0] != _SYMLINK_MODE:
                return relpath if entry else None
            target = git(self.top, "cat-file", "blob", entry[1]).decode("utf-8", "surrogateescape")
            joined = posixpath.normpath(posixpath.join(posixpath.dirname(relpath), target))
            if target.startswith("/") or joined == ".." or joined.startswith("../"):
                raise NotARegularFile("is a symbolic link that leads outside the strategy folder; "
                                      "content must be a file inside it")
            if self.is_dir(joined):
                raise NotARegularFile("is a symbolic link to a folder, not a file")
            if joined not in self._listing():
                raise NotARegularFile("is a symbolic link to nothing (its target is missing)")
            relpath = joined
        raise NotARegularFile("is a symbolic link that loops")

    def _read_all(self, limit: int = 2 * 1024 * 1024) -> dict[str, bytes]:
        if self._blobs is None:
            wanted = {path: blob for path, (mode, blob, size) in self._listing().items()
                      if size <= limit and mode != _SYMLINK_MODE
                      and (path.endswith(".md") or path.endswith(".yaml"))}
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
        if relpath not in self._listing() and self.is_dir(relpath):
            raise NotARegularFile("is a folder, not a file")
        target = self._target(relpath)
        return self._listing()[target][2] if target else None

    def read_bytes(self, relpath: str) -> bytes:
        target = self._target(relpath)
        if target is None:
            raise FileNotFoundError(relpath)
        blobs = self._read_all()
        if target in blobs:
            return blobs[target]
        return git(self.top, "cat-file", "blob", self._listing()[target][1])

    def list_markdown(self, folder: str) -> list[str]:
        """Every `*.md` entry directly inside `folder`, files and folders alike."""
        names = set()
        for path in self._listing():
            if path.startswith(folder + "/"):
                first = path[len(folder) + 1:].split("/", 1)[0]
                if first.endswith(".md"):
                    names.add(f"{folder}/{first}")
        return sorted(names)

    def is_dir(self, relpath: str) -> bool:
        return any(p.startswith(relpath.rstrip("/") + "/") for p in self._listing())


@dataclass(frozen=True)
class SkippedTag:
    """A tag that matches the glob but cannot be published; the build says why."""

    tag: str
    reason: str


def matching_tags(top: Path, glob: str) -> tuple[list[tuple[str, str, dt.date]], list[SkippedTag]]:
    """(tag, commit, date) of the tags that match the glob, oldest first; and those that
    match but point at no commit (a tag may name a tree or a blob)."""
    fields = ["%(refname:strip=2)", "%(objecttype)", "%(objectname)", "%(*objecttype)",
              "%(*objectname)", "%(taggerdate:short)", "%(committerdate:short)",
              "%(*committerdate:short)"]
    out = git(top, "for-each-ref", "--format=" + "%00".join(fields), "refs/tags")
    tags, skipped = [], []
    for line in out.decode(errors="replace").splitlines():
        name, kind, obj, peeled_kind, peeled, tagger, committer, peeled_committer = line.split("\0")
        if not fnmatch.fnmatchcase(name, glob):
            continue
        if (peeled_kind or kind) != "commit":
            skipped.append(SkippedTag(name, f"it points at a {peeled_kind or kind}, not a commit"))
            continue
        commit = peeled if kind == "tag" else obj
        date = tagger or committer or peeled_committer
        tags.append((name, commit, dt.date.fromisoformat(date)))
    return sorted(tags, key=lambda t: (t[2], t[0])), skipped

def head_commit(top: Path) -> str | None:
    try:
        return git(top, "rev-parse", "--verify", "-q", "HEAD").decode().strip() or None
    except GitError:
        return None  # a repository with no commit yet




def git_folder(root: Path) -> Path | None:
    """The git folder that holds the repository's refs (the common one of a worktree),
    or None outside git."""
    try:
        return Path(git(root, "rev-parse", "--path-format=absolute", "--git-common-dir").decode().strip())
    except GitError:
        return None
