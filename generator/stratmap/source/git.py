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
from dataclasses import dataclass, field
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
    # a link's text by its blob: a folder kept as a link is on the way of all its files
    _link_texts: dict[str, str] = field(default_factory=dict)

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

    def _link_target(self, relpath: str, blob: str) -> str:
        """Where the link at `relpath` leads, relative to the strategy folder."""
        if blob not in self._link_texts:
            self._link_texts[blob] = git(self.top, "cat-file", "blob", blob).decode("utf-8", "surrogateescape")
        target = self._link_texts[blob]
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(relpath), target))
        if target.startswith("/") or joined == ".." or joined.startswith("../"):
            raise NotARegularFile("is a symbolic link that leads outside the strategy folder; "
                                  "content must be inside it")
        return "" if joined == "." else joined

    def _through_links(self, relpath: str) -> str:
        """Where `relpath` leads, every link on its way followed (its own name's too), as
        the working tree's paths are: a folder git keeps as a link is read through it."""
        listing, links = self._listing(), 0
        resolved, rest = "", _parts(relpath)
        while rest:
            here = f"{resolved}/{rest[0]}" if resolved else rest[0]
            del rest[0]
            entry = listing.get(here)
            if entry is None or entry[0] != _SYMLINK_MODE:
                resolved = here
                continue
            links += 1
            if links > _MAX_LINKS:
                raise NotARegularFile("is a symbolic link that loops")
            resolved, rest = "", _parts(self._link_target(here, entry[1])) + rest
        return resolved

    def _follow(self, relpath: str) -> tuple[str, bool]:
        """Where `relpath` leads, and whether its own name is a link (else a path that is
        not there is simply missing)."""
        folder, name = posixpath.split(relpath)
        plain = posixpath.join(self._through_links(folder), name) if folder else name
        target = self._through_links(relpath)
        return target, target != plain

    def _target(self, relpath: str) -> str | None:
        """The file `relpath` names, every link followed; None when there is no such path."""
        target, linked = self._follow(relpath)
        if target in self._listing():
            return target
        if not linked:
            return None
        if self.is_dir(target):
            raise NotARegularFile("is a symbolic link to a folder, not a file")
        raise NotARegularFile("is a symbolic link to nothing (its target is missing)")

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
        """Every `*.md` entry directly inside `folder`, files and folders alike. A folder that
        is a link leading outside, to nothing or round in a loop raises NotARegularFile."""
        real, linked = self._follow(folder)
        if not self._holds(real):
            if linked and real not in self._listing():
                raise NotARegularFile("is a symbolic link to nothing (its target is missing)")
            return []
        prefix = f"{real}/" if real else ""
        names = {path[len(prefix):].split("/", 1)[0] for path in self._listing() if path.startswith(prefix)}
        return sorted(f"{folder}/{name}" for name in names if name.endswith(".md"))

    def is_dir(self, relpath: str) -> bool:
        try:
            return self._holds(self._through_links(relpath))
        except NotARegularFile:
            return False

    def _holds(self, real_folder: str) -> bool:
        """Whether a folder (no link on its way) holds anything: git keeps no empty one."""
        prefix = f"{real_folder}/" if real_folder else ""
        return any(path.startswith(prefix) for path in self._listing())


def _parts(relpath: str) -> list[str]:
    return [part for part in relpath.split("/") if part]


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
