"""Guard: which folder a build may replace, and which cache it may trust.

A build replaces its output folder whole. Pointed at the wrong place, that would delete
someone's work, so before anything is read or written the output must be a folder of its
own: never the repository, a folder above it, the content, the theme or the cache, never
a symbolic link, and, when it exists, a site an earlier build made (it carries the marker
file) or empty. MkDocs refuses overlapping docs and site folders; we go further.

The cache folder holds what earlier builds on this machine made. A commit must never be
able to plant it: a cache that git tracks, or that is a link, is refused.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .write import OUTPUT_MARKER


class UnsafeOutput(Exception):
    """The output folder may not be replaced: nothing was touched (exit code 2)."""


@dataclass(frozen=True)
class ProtectedFolders:
    """What a build reads or must keep; the output may not be, hold or sit in any of them
    (the repository itself may hold the output, but not be it)."""

    repository: Path  # the folder of stratmap.yaml
    git_top: Path | None  # the top of its git repository, if any
    content: Path
    cache: Path
    themes: tuple[Path, ...]  # the user's theme folders (a built-in theme is not theirs)


def output_folder(requested: Path) -> Path:
    """The absolute output path, with the folders above it resolved but not the output
    itself: a link as the output is refused, never followed."""
    absolute = Path(os.path.abspath(requested))
    if absolute.is_symlink():
        raise UnsafeOutput(f"the output {requested} is a symbolic link; stratmap never follows a "
                           "link as its output (it would replace the folder the link points to). "
                           "Remove the link or point --out at a real folder")
    return absolute.parent.resolve() / absolute.name


def check_output(output: Path, protected: ProtectedFolders, *, built_here_before: bool,
                 clean_out: bool) -> None:
    """Raise UnsafeOutput unless `output` (from `output_folder`) may be replaced whole.
    `built_here_before`: the cache remembers a build into this folder (outputs made before
    the marker file existed); `clean_out`: the user allows replacing a folder of theirs."""
    for keep in _repository_and_above(protected):
        if output == keep or keep.is_relative_to(output):
            raise UnsafeOutput(f"the output {output} holds the strategy repository {keep}: a build "
                               "replaces its output whole and would delete it. Choose a folder "
                               "of its own, e.g. `output`")
    for name, folder in _inner_folders(protected):
        if output == folder or output.is_relative_to(folder) or folder.is_relative_to(output):
            raise UnsafeOutput(f"the output {output} overlaps the {name} ({folder}): a build "
                               "replaces its output whole. Choose a folder of its own, e.g. `output`")
    if not output.exists():
        return
    if not output.is_dir():
        raise UnsafeOutput(f"the output {output} is a file, not a folder; choose another path")
    if os.path.ismount(output):
        raise UnsafeOutput(f"the output {output} is a mount point, which cannot be swapped "
                           "atomically; point --out at a folder inside it")
    if (output / OUTPUT_MARKER).is_file() or built_here_before or clean_out:
        return
    if any(output.iterdir()):
        raise UnsafeOutput(f"the output {output} holds files that no stratmap build made; a build "
                           "replaces its output whole and would delete them. Choose an empty or "
                           "new folder, or pass --clean-out to replace this one and everything in it")


def _repository_and_above(protected: ProtectedFolders) -> list[Path]:
    tops = [protected.repository, *([protected.git_top] if protected.git_top else [])]
    return [top.resolve() for top in tops]


def _inner_folders(protected: ProtectedFolders) -> list[tuple[str, Path]]:
    folders = [("content folder", protected.content), ("cache folder", protected.cache),
               *(("theme", theme) for theme in protected.themes)]
    if protected.git_top:
        folders.append(("git folder", protected.git_top / ".git"))
    return [(name, Path(os.path.abspath(folder)).resolve()) for name, folder in folders]


class UntrustedCache(Exception):
    """The cache folder could have come from a commit: the build stops (exit code 1)."""

    def __init__(self, message: str, relpath: str):
        super().__init__(message)
        self.relpath = relpath


def check_cache(cache: Path, tracked: dict[Path, str]) -> None:
    """Raise UntrustedCache when a commit could have put the cache there: it is a link, or
    git tracks anything in it (`tracked`: from tracked_by_git, by its own path or by where
    it leads)."""
    if cache.is_symlink():
        raise UntrustedCache(f"{cache.name} is a symbolic link: a build trusts what it finds in its "
                             "cache, so the cache must be a folder this machine's builds made; "
                             f"remove the link (`rm {cache.name}`) and build again", cache.name)
    if cache in tracked:
        raise UntrustedCache(f"git tracks files in {cache.name}/: a build trusts what it finds "
                             "there, so it must come from this machine's builds, never from a "
                             f"commit; remove it with `git rm -r --cached {cache.name}` and list it "
                             "in .gitignore", tracked[cache])


def tracked_by_git(root: Path, *folders: Path) -> dict[Path, str]:
    """Those of these folders in which git tracks something, each with one such path
    (relative to root). A folder counts by its own path and by the path it resolves to,
    so a tracked link to it, or into it, is found. What a commit put there is content,
    and content is untrusted."""
    from .source.git import GitError, git

    inside = root.resolve()
    names: dict[Path, set[Path]] = {}
    for folder in folders:
        lexical = Path(os.path.abspath(folder))
        candidates = {lexical, lexical.parent.resolve() / lexical.name}
        if folder.exists():
            candidates.add(folder.resolve())
        # (git refuses a path outside the repository; no commit can put files there anyway)
        names[folder] = {c for c in candidates if c.is_relative_to(inside)}
    asked = sorted({str(c) for found in names.values() for c in found})
    if not asked:
        return {}
    try:
        listed = git(root, "ls-files", "-z", "--", *asked)
    except GitError:  # not a repository, or no git: nothing is tracked
        return {}
    tracked: dict[Path, str] = {}
    for relpath in filter(None, listed.decode(errors="replace").split("\0")):
        path = inside / relpath  # git lists paths relative to root, without links to follow
        for folder, candidates in names.items():
            if folder not in tracked and any(path.is_relative_to(c) for c in candidates):
                tracked[folder] = relpath
    return tracked
