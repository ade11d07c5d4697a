"""Write: build into a staging folder beside the output, swap it in only on success.

A failed or interrupted build leaves the previous output byte for byte as it was, and
there is no moment without a complete output: where the system allows, the staging
folder and the output trade places in one atomic rename (Linux's RENAME_EXCHANGE); else
two renames, and the next build puts back an output that a kill left between them.
Every output carries a marker file, so a later build knows the folder is its to replace
and which leftover staging folders beside it are its own to remove.

Files are never written through an existing link: a page copied or linked into the
staging folder is replaced, not overwritten, so no write reaches the cache or the live
output through a shared inode. Pages come from the cache as copies, never as links.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from .cache.standby import Standby

OUTPUT_MARKER = ".stratmap-output"
MARKER_TEXT = "This folder is a site built by stratmap; each build replaces all of it.\n"
STAGING_INFIX = ".building-"
# a file's contents: text, bytes, or text in pieces (a large file, never held whole)
FileData = str | bytes | Iterable[str]
RETIRED_INFIX = ".old-"


def write_atomically(path: Path, data: FileData) -> None:
    """Write a file so that a reader, or an interrupted run, never sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "wb") as file:
        _write_data(file, data)
    temporary.replace(path)


def _write_data(file: BinaryIO, data: FileData) -> None:
    for piece in [data] if isinstance(data, (str, bytes)) else data:
        file.write(piece.encode("utf-8") if isinstance(piece, str) else piece)


def user_folder_mode() -> int:
    """The mode a folder made with the user's umask gets (0755 under the usual 022)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o777 & ~umask


def test_hook(moment: str) -> None:
    """Tests kill a build at a named moment (STRATMAP_TEST_KILL_AT) to prove that no
    moment loses the site. Costs one dictionary look-up."""
    if os.environ.get("STRATMAP_TEST_KILL_AT") == moment:
        os.kill(os.getpid(), signal.SIGKILL)


def files_in(folder: Path | str) -> Iterator[tuple[str, str]]:
    """(file, its path relative to `folder`) for every file below `folder`."""
    top = os.fspath(folder)
    for directory, _, names in os.walk(top):
        # os.walk joins each folder onto `top`: its path inside is what follows (relpath
        # would make both absolute first, for each of thousands of folders)
        inside = directory[len(top):].lstrip(os.sep)
        for name in names:
            yield os.path.join(directory, name), f"{inside}/{name}" if inside else name


class TreeWriter:
    """Files into a folder nobody reads until it is complete. Plain strings and os calls,
    not pathlib: a build writes and links thousands of files, and pathlib's parsing cost
    more than the links themselves."""

    def __init__(self, root: Path):
        self.root = root
        self._folders_made: set[str] = set()

    def _destination(self, relpath: str) -> str:
        destination = os.path.join(self.root, relpath)
        folder = os.path.dirname(destination)
        if folder not in self._folders_made:  # many files share a folder: make it once
            os.makedirs(folder, exist_ok=True)
            self._folders_made.add(folder)
        return destination

    def write(self, relpath: str, data: FileData) -> None:
        _replace(self._destination(relpath), lambda destination: _create(destination, data))

    def write_in_worker(self, relpath: str, data: FileData) -> None:
        """`write` from a process forked from this one (pages render in workers, which
        write them too rather than send their HTML back): the file only. The parent then
        says `written(relpath)`."""
        TreeWriter.write(self, relpath, data)

    def written(self, relpath: str) -> None:
        """A worker wrote `relpath` (see `write_in_worker`)."""

    def link_file(self, source: Path | str, relpath: str) -> None:
        """Put a page of the previous output at relpath."""
        _replace(self._destination(relpath), lambda destination: _link_or_copy(source, destination))

    def link_tree(self, source: Path, relpath: str) -> None:
        """Another folder of this output (e.g. `latest/`), or of the previous output."""
        self._put_tree(source, relpath, lambda file, inside, to: self.link_file(file, to))

    def _put_tree(self, source: Path, relpath: str, put: Callable[[str, str, str], None]) -> None:
        """put(source file, its path inside source, its path in this tree) for every file."""
        for file, inside in files_in(source):
            put(file, inside, f"{relpath}/{inside}")


class SiteWriter(TreeWriter):
    """The whole site into a tree beside the output, exchanged with it on success.
    `output` must have passed `guard.check_output`: this class replaces it whole.

    The tree is made from nothing, or is a standby (cache/standby.py): the output's tree
    before the last build, of which only what differs from the new site is rewritten. The
    new site is the set of files put this build, each either the output's own file at
    that place (kept: linked, or left in the standby when it is up to date there) or a new
    one. With `keep_previous_in`, the previous output becomes the next build's standby."""

    def __init__(self, output: Path, standby: Standby | None = None, keep_previous_in: Path | None = None,
                 output_mirrors: dict[str, str] | None = None):
        """`output_mirrors`: the output's mirrors, as the last build recorded them."""
        self.output = output
        self.output.parent.mkdir(parents=True, exist_ok=True)
        self.standby = standby
        self.output_mirrors = output_mirrors or {}
        if standby is not None:
            self.staging = standby.folder
        else:
            self.staging = Path(tempfile.mkdtemp(prefix=f".{self.output.name}{STAGING_INFIX}",
                                                 dir=keep_previous_in or self.output.parent))
            # mkdtemp keeps a folder to its owner; a web server reads the site as another user
            os.chmod(self.staging, user_folder_mode())
        super().__init__(self.staging)
        self._real_staging = os.path.realpath(self.staging)
        self._checked_folders: set[str] = set()
        self.files: dict[str, bool] = {}  # the new site: path → differs from the output's file there
        self.mirrors: dict[str, str] = {}  # folder → the folder it links every file of
        if standby is None:
            self.write(OUTPUT_MARKER, MARKER_TEXT)  # first: a leftover staging folder is known as ours
        else:
            self._keep(OUTPUT_MARKER)
        self._after_commit: list[Callable[[], None]] = []
        self.committed = False
        self.previous: Path | None = None  # after commit: where the previous output now is, if kept
        self.not_recorded: list[str] = []  # after-commit records that failed, and why

    def __enter__(self) -> "SiteWriter":
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.commit()
        elif not self.committed:
            self.discard()

    # -- what the new site holds

    def write(self, relpath: str, data: FileData) -> None:
        self._put(relpath, False, lambda destination: _create(destination, data))

    def written(self, relpath: str) -> None:
        self.files[relpath] = True  # a new file: it differs from the output's

    def folder(self, folder: str) -> SiteFolder:
        """The files under `folder` (a version's), written by their path inside it."""
        return SiteFolder(self, folder)

    def link_file(self, source: Path | str, relpath: str) -> None:
        """A file that is already made: the output's own file at relpath is kept."""
        self._put(relpath, os.fspath(source) == os.path.join(self.output, relpath),
                  lambda destination: _link_or_copy(source, destination))

    def copy_tree(self, source: Path, relpath: str,
                  unchanged: Callable[[str], str | None] = lambda inside: None) -> None:
        """A folder of the cache: copied, so the output never shares storage with it; a
        file for which `unchanged` names an untouched copy in the last output is kept
        instead (`unchanged` takes the file's path inside `source`)."""
        def put(file: str, inside: str, to: str) -> None:
            existing = unchanged(inside)
            if existing is not None:
                self.link_file(existing, to)
            else:
                self._put(to, False, functools.partial(_copy, file))
        self._put_tree(source, relpath, put)

    def mirror(self, source: str, target: str) -> None:
        """Make folder `target` hold every file put under `source` so far (e.g. `latest/`)."""
        prefix = source + "/"
        # the output's `target` links the same version's files: one unchanged there is unchanged here
        same_as_before = self.output_mirrors.get(target) == source
        for relpath, differs in list(self.files.items()):
            if relpath.startswith(prefix):
                self._put(f"{target}/{relpath[len(prefix):]}", same_as_before and not differs,
                          functools.partial(_link_or_copy, os.path.join(self.staging, relpath)))
        self.mirrors[target] = source

    def new_file(self, relpath: str) -> Path:
        """A file of the new site, as put so far."""
        return self.staging / relpath

    def changed_under(self, folder: str) -> bool:
        prefix = folder + "/"
        return any(differs for relpath, differs in self.files.items() if relpath.startswith(prefix))

    def _keep(self, relpath: str) -> None:
        self.files[relpath] = False

    def _put(self, relpath: str, same_as_output: bool, make: Callable[[str], None]) -> None:
        standby = self.standby
        if same_as_output and standby is not None and relpath in standby.files \
                and relpath not in standby.outdated and relpath not in self.files:
            self.files[relpath] = False  # the standby's copy is the output's file: nothing to do
            return
        _replace(self._destination(relpath), make)  # the standby's older copy, if any
        self.files[relpath] = not same_as_output

    def _destination(self, relpath: str) -> str:
        destination = super()._destination(relpath)
        if self.standby is not None:
            self._check_inside(os.path.dirname(destination))
        return destination

    def _check_inside(self, folder: str) -> None:
        """A standby comes from the cache: never follow a link in it out of the tree."""
        if folder not in self._checked_folders:
            real = os.path.realpath(folder)
            if real != self._real_staging and not real.startswith(self._real_staging + os.sep):
                raise OSError(errno.EXDEV, "a folder of the standby tree leads out of it", folder)
            self._checked_folders.add(folder)

    # -- putting it in place

    def after_commit(self, action: Callable[[], None]) -> None:
        """Run `action` once the new output is in place (e.g. record what it holds)."""
        self._after_commit.append(action)

    def commit(self) -> None:
        self._remove_stale()
        test_hook("before-swap")
        if not self.output.exists():
            os.replace(self.staging, self.output)
        elif _exchange(self.staging, self.output):
            test_hook("after-exchange")
            self.previous = self.staging  # the previous output, now
        else:
            self._swap_in_two_steps()
        self.committed = True
        for action in self._after_commit:
            try:
                action()
            except OSError as problem:  # the site is in place: say so, don't report a failure
                self.not_recorded.append(f"{problem.strerror or problem}: {problem.filename or ''}")

    def _remove_stale(self) -> None:
        """The standby's files that the new site does not have, and the folders they leave empty."""
        if self.standby is None:
            return
        emptied: set[str] = set()
        for relpath in self.standby.files - self.files.keys():
            path = os.path.join(self.staging, relpath)
            self._check_inside(os.path.dirname(path))
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
            emptied.add(os.path.dirname(relpath))
        for folder in sorted(emptied, key=lambda f: f.count("/"), reverse=True):
            while folder:
                try:
                    os.rmdir(os.path.join(self.staging, folder))
                except OSError:  # not empty: a page still lives there
                    break
                folder = os.path.dirname(folder)

    def _swap_in_two_steps(self) -> None:
        """Where no atomic exchange exists: a kill between the renames leaves the last
        good site in the retired folder, and the next build's recover_leftovers puts it back."""
        retired = Path(tempfile.mkdtemp(prefix=f".{self.output.name}{RETIRED_INFIX}",
                                        dir=self.output.parent))
        os.replace(self.output, retired / "site")
        test_hook("between-swap-steps")
        os.replace(self.staging, self.output)
        shutil.rmtree(retired, ignore_errors=True)

    def discard(self) -> None:
        """A failed build: a standby is left as it is (its record is gone: the next build
        removes it); a tree made from nothing is removed now."""
        if self.standby is None:
            shutil.rmtree(self.staging, ignore_errors=True)


class SiteFolder:
    """A folder of the new site, its files written by their path inside it."""

    def __init__(self, site: SiteWriter, folder: str):
        self.site, self.prefix = site, folder + "/"

    def write(self, relpath: str, data: FileData) -> None:
        self.site.write(self.prefix + relpath, data)

    def write_in_worker(self, relpath: str, data: FileData) -> None:
        self.site.write_in_worker(self.prefix + relpath, data)

    def written(self, relpath: str) -> None:
        self.site.written(self.prefix + relpath)


def _replace(destination: str, make: Callable[[str], None]) -> None:
    try:
        make(destination)
    except FileExistsError:  # a link put there earlier: replace it, never write through it
        os.unlink(destination)
        make(destination)


def _create(destination: str, data: FileData) -> None:
    descriptor = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    with os.fdopen(descriptor, "wb") as file:
        _write_data(file, data)


def _link_or_copy(source: Path | str, destination: str) -> None:
    """A hard link where the file system allows (an unchanged page costs almost nothing),
    else a copy. An existing file at `destination` raises FileExistsError either way."""
    try:
        os.link(source, destination)
    except FileExistsError:
        raise
    except OSError:
        _copy(source, destination)


def _copy(source: Path | str, destination: str) -> None:
    """A copy that never writes into an existing file (it may be a link to another)."""
    with open(source, "rb") as original, open(destination, "xb") as copy:
        shutil.copyfileobj(original, copy)


def _is_ours(folder: Path) -> bool:
    return not folder.is_symlink() and (folder / OUTPUT_MARKER).is_file()


def recover_leftovers(output: Path) -> None:
    """What an interrupted build left beside the output: put the last good site back if
    a kill came between the two renames of a swap, then remove our leftover folders.
    Only folders that carry our marker are touched."""
    for leftover in sorted(output.parent.glob(f".{output.name}{RETIRED_INFIX}*")):
        site = leftover / "site"
        if not output.exists() and _is_ours(site):
            os.replace(site, output)
        if leftover.is_dir() and not leftover.is_symlink() and (
                not any(leftover.iterdir()) or _is_ours(leftover / "site")):
            shutil.rmtree(leftover, ignore_errors=True)
    for leftover in output.parent.glob(f".{output.name}{STAGING_INFIX}*"):
        if _is_ours(leftover):
            shutil.rmtree(leftover, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one atomic step; False where the system cannot."""
    if os.environ.get("STRATMAP_TEST_NO_EXCHANGE"):
        return False
    renameat2 = getattr(_libc(), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):  # old kernel, or a file system without it
        return False
    raise OSError(code, os.strerror(code), str(second))


@functools.cache
def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
