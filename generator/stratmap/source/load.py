"""Load: a tree's files → documents that remember where every value came from.

Files are read through a `SourceTree`, so the same loader reads the working tree and,
for published versions, a git commit.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..findings import Finding, Position, error, printable
from .frontmatter import LoadError, parse_yaml, split_front_matter
from .parse_cache import ParseCache
from .positions import Positions
from .trees import NotARegularFile, SourceTree

SETTINGS_FILE = "stratmap.yaml"
MAX_FILE_BYTES = 2 * 1024 * 1024
SLUG = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
MAX_ID_LENGTH = 64  # ids and slugs become folder names; every file system holds these


@dataclass
class Source:
    """What a typed item keeps of its file: the file, its Markdown body and where every
    key and item of its front matter stands."""

    file: str
    positions: Positions = field(default_factory=Positions)
    body: str = ""
    body_line: int = 1
    # of the file's path and whole text: what a content item made from it depends on
    # (reads.py remembers a page's reads of an item by it); "" when not known
    digest: str = ""

    @property
    def stem(self) -> str:
        return _stem(self.file)

    def where(self, *path: str | int) -> Position:
        """The position of `path`, or of its nearest ancestor we know."""
        return self.positions.nearest(path)

    def where_value(self, *path: str | int) -> Position:
        """Where the value at `path` starts, when it is a scalar; else as `where`."""
        return self.positions.of_value(path)


@dataclass
class Document(Source):
    """One file's YAML as plain values, besides its source. The values are needed until
    the file is typed: an item keeps only its `source()`, so that a build does not hold
    every file's values twice, as YAML gave them and as typed (13 MB at 3,000 teams)."""

    data: dict[str, Any] = field(default_factory=dict)

    def source(self) -> Source:
        return Source(self.file, self.positions, self.body, self.body_line, self.digest)


@dataclass
class LoadedRepository:
    settings: Document | None
    strategy: Document | None
    objectives: list[Document]
    teams: list[Document]
    guidance: list[Document]
    findings: list[Finding]



def find_project_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` that holds a stratmap.yaml."""
    for folder in [start, *start.parents]:
        if (folder / SETTINGS_FILE).is_file():
            return folder
    return None



def load_repository(tree: SourceTree, cache: ParseCache | None = None) -> LoadedRepository:
    findings: list[Finding] = []
    cache = cache or ParseCache()

    def attempt(relpath: str, parse) -> Document | None:
        try:
            return parse(tree, relpath, cache)
        except LoadError as problem:
            findings.append(problem.finding)
            return None

    settings = attempt(SETTINGS_FILE, _load_settings_file)
    content_dir = _content_dir(settings)
    loaded = LoadedRepository(settings, None, [], [], [], findings)
    if not tree.is_dir(content_dir):
        findings.append(error(
            "missing-file", f"content folder `{content_dir}/` not found; create it with a "
            f"strategy.md, or set `content_dir` in {SETTINGS_FILE}", SETTINGS_FILE,
            settings.where("content_dir") if settings else None))
        return loaded
    loaded.strategy = attempt(f"{content_dir}/strategy.md", _load_front_matter_file)
    for folder, documents, needs_slug in (("objectives", loaded.objectives, False),
                                          ("teams", loaded.teams, True),
                                          ("guidance", loaded.guidance, True)):
        try:
            relpaths = tree.list_markdown(f"{content_dir}/{folder}")
        except NotARegularFile as problem:  # a folder that links outside: none of it is read
            findings.append(error("not-a-file", f"folder `{content_dir}/{folder}` {problem}; none of "
                                  "its files is read", f"{content_dir}/{folder}"))
            continue
        for relpath in relpaths:
            if not relpath.isprintable():
                findings.append(error(
                    "bad-file-name", f"file name `{printable(relpath)}` is not UTF-8 or holds "
                    "control characters; rename the file", printable(relpath), Position(1, 1)))
                continue
            stem = _stem(relpath)
            if needs_slug and not (SLUG.match(stem) and len(stem) <= MAX_ID_LENGTH):
                findings.append(error(
                    "bad-slug", f"file name `{stem}` is not a valid slug: use at most "
                    f"{MAX_ID_LENGTH} lower-case letters, digits and hyphens, starting with a letter "
                    "or digit (e.g. `enterprise-east.md`)", relpath, Position(1, 1)))
                continue
            document = attempt(relpath, _load_front_matter_file)
            if document is not None:
                documents.append(document)
    return loaded


def _stem(relpath: str) -> str:
    """A file's name without its extension: a team's or guidance topic's slug."""
    return posixpath.splitext(posixpath.basename(relpath))[0]


def content_dir_of(tree: SourceTree) -> str:
    """The content folder that stratmap.yaml names (or the default)."""
    try:
        return _content_dir(load_settings_document(tree))
    except LoadError:
        return _content_dir(None)


def load_settings_document(tree: SourceTree, cache: ParseCache | None = None) -> Document:
    """stratmap.yaml alone; raises LoadError when it is missing or malformed."""
    return _load_settings_file(tree, SETTINGS_FILE, cache)


def folder_in_repository(value: str) -> str:
    """A folder named in stratmap.yaml, in the one form every stage reads; ValueError
    saying what is wrong when it is no plain folder inside the repository."""
    if value != value.strip() or not value or "\\" in value or not value.isprintable():
        raise ValueError(f"`{value}` must be a plain folder name relative to stratmap.yaml, "
                         "without spaces around it or backslashes")
    normal = posixpath.normpath(value)
    if posixpath.isabs(normal) or normal == ".." or normal.startswith("../"):
        raise ValueError(f"`{value}` leads outside the strategy repository; name a folder inside it")
    return normal


def _content_dir(settings: Document | None) -> str:
    value = settings.data.get("content_dir") if settings else None
    # A wrong value is reported by the model, which fails validation; until then, the default.
    try:
        normal = folder_in_repository(value) if isinstance(value, str) else "content"
    except ValueError:
        return "content"
    return normal if normal != "." else "content"


def _size(tree: SourceTree, relpath: str) -> int | None:
    """The file's size, None when it is missing, LoadError when it is no file to read."""
    try:
        return tree.size(relpath)
    except NotARegularFile as problem:
        raise LoadError(error("not-a-file", f"`{printable(relpath)}` {problem}", printable(relpath),
                              Position(1, 1))) from None


def _load_settings_file(tree: SourceTree, relpath: str, cache: ParseCache | None = None) -> Document:
    size = _size(tree, relpath)
    if size is None:
        raise LoadError(error("missing-file", f"{SETTINGS_FILE} not found; create one (every key "
                              "is optional, an empty file will do) or run `stratmap init`",
                              relpath))
    text = _decoded(_read_bytes(tree, relpath, size), relpath)
    parse = cache.parse if cache else parse_yaml
    data, positions = parse(text, relpath, first_line=1, allow_empty=True)
    return Document(relpath, positions, data=data)


def _load_front_matter_file(tree: SourceTree, relpath: str, cache: ParseCache) -> Document:
    size = _size(tree, relpath)
    if size is None:
        raise LoadError(error("missing-file", f"{relpath} not found; every strategy needs one "
                              "with at least a `title` in its front matter", relpath))
    raw = _read_bytes(tree, relpath, size)
    known = cache.known_document(relpath, raw)
    if known is not None:
        return known
    text = _decoded(raw, relpath)
    front_matter, first_line, body, body_line = split_front_matter(text, relpath)
    data, positions = cache.parse(front_matter, relpath, first_line=first_line, allow_empty=False)
    document = Document(relpath, positions, body, body_line,
                        hashlib.sha256(f"{relpath}\0{text}".encode()).hexdigest()[:32], data)
    cache.remember_document(relpath, raw, document)
    return document


def _read_bytes(tree: SourceTree, relpath: str, size: int) -> bytes:
    if size > MAX_FILE_BYTES:
        raise LoadError(error("file-too-large", f"file is {size:,} bytes; the limit is "
                              f"{MAX_FILE_BYTES:,} (2 MiB): split it or remove embedded data",
                              relpath, Position(1, 1)))
    try:
        return tree.read_bytes(relpath)
    except OSError as problem:
        raise LoadError(error("unreadable-file", f"cannot read the file: {problem.strerror or problem}",
                              relpath)) from None


def _decoded(raw: bytes, relpath: str) -> str:
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as problem:
        before = raw[:problem.start]
        line = before.count(b"\n") + 1
        column = problem.start - (before.rfind(b"\n") + 1) + 1
        raise LoadError(error("not-utf8", f"byte 0x{raw[problem.start]:02x} is not UTF-8; save the "
                              "file as UTF-8", relpath, Position(line, column))) from None


