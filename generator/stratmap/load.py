"""Load: files → documents that remember where every value came from.

Files are read through a `SourceTree`, so the same loader reads the working tree and,
for published versions, a git commit. YAML is composed with PyYAML's *safe* loader and
turned into plain values by hand, which lets us record positions, reject duplicate keys
and unknown tags, and stop alias bombs before they expand.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import math
import os
import posixpath
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

from .findings import Finding, Position, error, printable
from .write import write_atomically

SETTINGS_FILE = "stratmap.yaml"
MAX_FILE_BYTES = 2 * 1024 * 1024
# Front matter holds at most a few thousand values; far more means an alias bomb.
MAX_YAML_NODES = 100_000
MAX_YAML_DEPTH = 50  # front matter needs five levels; far more is a mistake or an attack
MAX_INTEGER_DIGITS = 18  # a count or amount beyond this is no figure of a sales strategy
SLUG = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
MAX_ID_LENGTH = 64  # ids and slugs become folder names; every file system holds these

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_constructor = yaml.constructor.SafeConstructor()
_TAG = "tag:yaml.org,2002:"
_SCALAR_BUILDERS = {
    _TAG + "str": lambda node: node.value,
    _TAG + "null": lambda node: None,
    _TAG + "bool": _constructor.construct_yaml_bool,
    _TAG + "int": _constructor.construct_yaml_int,
    _TAG + "float": _constructor.construct_yaml_float,
    _TAG + "timestamp": _constructor.construct_yaml_timestamp,
}

PathKey = tuple[str | int, ...]
Parsed = tuple[dict[str, Any], dict[PathKey, Position]]  # a file's values, and where each stands


class SourceTree(Protocol):
    """Where a strategy's files come from: a folder, or a commit in git."""

    def size(self, relpath: str) -> int | None:
        """Bytes in the file, or None when there is no such file."""

    def read_bytes(self, relpath: str) -> bytes: ...

    def list_markdown(self, folder: str) -> list[str]:
        """Relative paths of the `*.md` files directly inside `folder`, sorted."""

    def is_dir(self, relpath: str) -> bool: ...


class NotARegularFile(Exception):
    """A content path that is not a plain file inside the repository; says what it is."""


@dataclass(frozen=True)
class WorkingTree:
    """The strategy folder on disk. Content is untrusted: a path counts only when it is a
    regular file inside the folder (a link is fine when it leads to one)."""

    root: Path

    @functools.cached_property
    def _resolved_root(self) -> Path:  # resolved once: every file read asks for it
        return self.root.resolve()

    def _inside(self, relpath: str) -> Path:
        path = self.root / relpath
        try:
            resolved = path.resolve(strict=True)
        except FileNotFoundError:
            if path.is_symlink():
                raise NotARegularFile("is a symbolic link to nothing (its target is missing)") from None
            raise
        except (OSError, RuntimeError):
            raise NotARegularFile("is a symbolic link that loops") from None
        if not resolved.is_relative_to(self._resolved_root):
            raise NotARegularFile("leads outside the strategy folder (a symbolic link?); "
                                  "content must be a file inside it")
        return resolved

    def _regular_file(self, relpath: str) -> tuple[Path, os.stat_result] | None:
        """The file and its status; None when missing, NotARegularFile when no file."""
        try:
            path = self._inside(relpath)
            info = os.stat(path)
        except FileNotFoundError:
            return None
        if stat.S_ISDIR(info.st_mode):
            raise NotARegularFile("is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise NotARegularFile("is not a regular file (a pipe, socket or device)")
        return path, info

    def size(self, relpath: str) -> int | None:
        found = self._regular_file(relpath)
        return found[1].st_size if found else None

    def read_bytes(self, relpath: str) -> bytes:
        found = self._regular_file(relpath)  # never open a pipe or a path that leads outside
        if found is None:
            raise FileNotFoundError(relpath)
        return found[0].read_bytes()

    def list_markdown(self, folder: str) -> list[str]:
        """Every `*.md` entry, whatever it is: the loader reports those that are no file."""
        if not self.is_dir(folder):
            return []
        return sorted(f"{folder}/{p.name}" for p in (self.root / folder).iterdir() if p.name.endswith(".md"))

    def is_dir(self, relpath: str) -> bool:
        try:
            return self._inside(relpath).is_dir()
        except (OSError, NotARegularFile):
            return False


@dataclass
class Document:
    """One file's YAML as plain values, with the position of every key and item."""

    file: str
    data: dict[str, Any]
    positions: dict[PathKey, Position] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1

    @property
    def stem(self) -> str:
        return Path(self.file).stem

    def where(self, *path: str | int) -> Position:
        """The position of `path`, or of its nearest ancestor we know."""
        key = tuple(path)
        while key:
            if key in self.positions:
                return self.positions[key]
            key = key[:-1]
        return self.positions.get((), Position(1, 1))


@dataclass
class LoadedRepository:
    settings: Document | None
    strategy: Document | None
    objectives: list[Document]
    teams: list[Document]
    guidance: list[Document]
    findings: list[Finding]


class LoadError(Exception):
    def __init__(self, finding: Finding):
        super().__init__(finding.message)
        self.finding = finding


def find_project_root(start: Path) -> Path | None:
    """The nearest folder at or above `start` that holds a stratmap.yaml."""
    for folder in [start, *start.parents]:
        if (folder / SETTINGS_FILE).is_file():
            return folder
    return None


class ParseCache:
    """Parsed YAML by a digest of its text (and where it sits), kept between builds in the
    cache folder: a build then parses only the files that changed. Parsing is most of the
    time validation takes. Only what this run parsed is saved, so the cache never grows.
    The file is JSON: a cache is never trusted to hold code (no pickle)."""

    def __init__(self, path: Path | None = None):
        self.path = path
        self._saved: dict[str, Parsed] = {}
        self._used: dict[str, Parsed] = {}
        if path is not None:
            try:
                self._saved = _decode_cache(path.read_bytes())
            except (OSError, ValueError, TypeError, KeyError, IndexError):
                self._saved = {}  # missing, or not what this version writes: parse again

    def parse(self, text: str, relpath: str, *, first_line: int, allow_empty: bool) -> Parsed:
        key = hashlib.sha256(f"{relpath}\0{first_line}\0{allow_empty}\0{text}".encode()).hexdigest()
        parsed = self._used.get(key) or self._saved.get(key)
        if parsed is None:  # a file that fails to parse raises here, and is never kept
            parsed = parse_yaml(text, relpath, first_line=first_line, allow_empty=allow_empty)
        self._used[key] = parsed
        return parsed

    def save(self) -> None:
        """Keep what this run parsed, on disk and for the next run of the same process."""
        if self.path is not None and self._used.keys() != self._saved.keys():
            write_atomically(self.path, _encode_cache(self._used))
        self._saved, self._used = self._used, {}


# JSON has no dates: a date is {"\0d": iso}, a datetime {"\0t": iso}, and a key of the
# content's own that starts with NUL gets one more, so no content can pass for a date.
_DATE, _DATETIME, _NUL = "\0d", "\0t", "\0"


def _encode_value(value: Any) -> Any:
    if isinstance(value, dict):
        return {(_NUL + k if k.startswith(_NUL) else k): _encode_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encode_value(v) for v in value]
    if isinstance(value, dt.datetime):
        return {_DATETIME: value.isoformat()}
    if isinstance(value, dt.date):
        return {_DATE: value.isoformat()}
    return value


def _decode_object(pairs: dict[str, Any]) -> Any:
    if len(pairs) == 1:
        if _DATE in pairs:
            return dt.date.fromisoformat(pairs[_DATE])
        if _DATETIME in pairs:
            return dt.datetime.fromisoformat(pairs[_DATETIME])
    if any(k.startswith(_NUL) for k in pairs):
        return {k.removeprefix(_NUL): v for k, v in pairs.items()}
    return pairs


def _encode_cache(entries: dict[str, Parsed]) -> bytes:
    return json.dumps({key: [_encode_value(data), [[list(path), *where] for path, where in positions.items()]]
                       for key, (data, positions) in entries.items()},
                      allow_nan=False, separators=(",", ":")).encode()


def _decode_cache(raw: bytes) -> dict[str, Parsed]:
    entries = json.loads(raw, object_hook=_decode_object)
    return {key: (data, {tuple(path): Position(line, column) for path, line, column in positions})
            for key, (data, positions) in entries.items()}


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
        for relpath in tree.list_markdown(f"{content_dir}/{folder}"):
            if not relpath.isprintable():
                findings.append(error(
                    "bad-file-name", f"file name `{printable(relpath)}` is not UTF-8 or holds "
                    "control characters; rename the file", printable(relpath), Position(1, 1)))
                continue
            if needs_slug and not (SLUG.match(Path(relpath).stem) and len(Path(relpath).stem) <= MAX_ID_LENGTH):
                findings.append(error(
                    "bad-slug", f"file name `{Path(relpath).stem}` is not a valid slug: use at most "
                    f"{MAX_ID_LENGTH} lower-case letters, digits and hyphens, starting with a letter "
                    "or digit (e.g. `enterprise-east.md`)", relpath, Position(1, 1)))
                continue
            document = attempt(relpath, _load_front_matter_file)
            if document is not None:
                documents.append(document)
    return loaded


def content_dir_of(tree: SourceTree) -> str:
    """The content folder that stratmap.yaml names (or the default)."""
    try:
        return _content_dir(load_settings_document(tree))
    except LoadError:
        return _content_dir(None)


def load_settings_document(tree: SourceTree) -> Document:
    """stratmap.yaml alone; raises LoadError when it is missing or malformed."""
    return _load_settings_file(tree, SETTINGS_FILE)


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
    if _size(tree, relpath) is None:
        raise LoadError(error("missing-file", f"{SETTINGS_FILE} not found; create one (every key "
                              "is optional, an empty file will do) or run `stratmap init`",
                              relpath))
    text = _read_text(tree, relpath)
    parse = cache.parse if cache else parse_yaml
    data, positions = parse(text, relpath, first_line=1, allow_empty=True)
    return Document(relpath, data, positions)


def _load_front_matter_file(tree: SourceTree, relpath: str, cache: ParseCache) -> Document:
    if _size(tree, relpath) is None:
        raise LoadError(error("missing-file", f"{relpath} not found; every strategy needs one "
                              "with at least a `title` in its front matter", relpath))
    text = _read_text(tree, relpath)
    front_matter, first_line, body, body_line = split_front_matter(text, relpath)
    data, positions = cache.parse(front_matter, relpath, first_line=first_line, allow_empty=False)
    return Document(relpath, data, positions, body, body_line)


def _read_text(tree: SourceTree, relpath: str) -> str:
    size = _size(tree, relpath) or 0
    if size > MAX_FILE_BYTES:
        raise LoadError(error("file-too-large", f"file is {size:,} bytes; the limit is "
                              f"{MAX_FILE_BYTES:,} (2 MiB): split it or remove embedded data",
                              relpath, Position(1, 1)))
    try:
        raw = tree.read_bytes(relpath)
    except OSError as problem:
        raise LoadError(error("unreadable-file", f"cannot read the file: {problem.strerror or problem}",
                              relpath)) from None
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as problem:
        before = raw[:problem.start]
        line = before.count(b"\n") + 1
        column = problem.start - (before.rfind(b"\n") + 1) + 1
        raise LoadError(error("not-utf8", f"byte 0x{raw[problem.start]:02x} is not UTF-8; save the "
                              "file as UTF-8", relpath, Position(line, column))) from None


def split_front_matter(text: str, relpath: str) -> tuple[str, int, str, int]:
    """(front matter, its first line, body, the body's first line)."""
    if not text.strip():
        raise LoadError(error("empty-file", "file is empty; it needs YAML front matter between "
                              "`---` lines, then Markdown", relpath, Position(1, 1)))
    lines = text.splitlines(keepends=True)
    if lines[0].rstrip() != "---":
        raise LoadError(error("no-front-matter", "file must start with a `---` line that opens "
                              "the YAML front matter", relpath, Position(1, 1)))
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip() in ("---", "..."):
            return "".join(lines[1:index]), 2, "".join(lines[index + 1:]), index + 2
    raise LoadError(error("unclosed-front-matter", "front matter opened by `---` on line 1 is "
                          "never closed: add a `---` line after the YAML", relpath, Position(1, 1)))


def parse_yaml(text: str, relpath: str, *, first_line: int,
               allow_empty: bool) -> Parsed:
    try:
        node = yaml.compose(text, Loader=_Loader)
    except RecursionError:
        raise LoadError(error("yaml-too-deep", f"YAML nests lists or mappings more than "
                              f"{MAX_YAML_DEPTH} deep; flatten it", relpath,
                              Position(first_line, 1))) from None
    except yaml.MarkedYAMLError as problem:
        raise LoadError(_yaml_syntax_finding(problem, relpath, first_line)) from None
    except yaml.YAMLError as problem:  # errors without a mark, e.g. from the reader
        raise LoadError(error("bad-yaml", f"YAML error: {problem}", relpath,
                              Position(first_line, 1))) from None
    if node is None:
        if allow_empty:
            return {}, {}
        raise LoadError(error("not-a-mapping", "front matter is empty; it must be a mapping of "
                              "`key: value` lines", relpath, Position(max(first_line - 1, 1), 1)))
    converter = _NodeConverter(relpath, first_line)
    if not isinstance(node, yaml.MappingNode):
        raise LoadError(error("not-a-mapping", f"expected a mapping of `key: value` lines, found "
                              f"{_node_kind(node)}", relpath, converter.position(node)))
    converter.positions[()] = converter.position(node)
    data = converter.convert(node, ())
    return data, converter.positions


def _yaml_syntax_finding(problem: yaml.MarkedYAMLError, relpath: str, first_line: int) -> Finding:
    mark = problem.problem_mark or problem.context_mark
    position = Position(mark.line + first_line, mark.column + 1) if mark else Position(first_line, 1)
    description = problem.problem or "syntax error"
    if problem.context:
        description = f"{problem.context}, {description}"
    hint = ""
    if "'\\t'" in description or "\t" in description:
        hint = "; YAML does not allow tabs for indentation: use spaces"
    elif "mapping values are not allowed" in description:
        hint = "; quote a value that contains `: `"
    return error("bad-yaml", f"YAML syntax error: {description}{hint}", relpath, position)


def _node_kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    return f"the text `{str(node.value)[:40]}`"


class _NodeConverter:
    def __init__(self, relpath: str, first_line: int):
        self.relpath = relpath
        self.first_line = first_line
        self.positions: dict[PathKey, Position] = {}
        self.budget = MAX_YAML_NODES
        self.open_nodes: set[int] = set()  # the nodes being converted: an alias back to one recurses

    def position(self, node: yaml.Node) -> Position:
        return Position(node.start_mark.line + self.first_line, node.start_mark.column + 1)

    def fail(self, rule: str, message: str, node: yaml.Node) -> LoadError:
        return LoadError(error(rule, message, self.relpath, self.position(node)))

    def convert(self, node: yaml.Node, path: PathKey) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise self.fail("yaml-too-large", f"YAML expands to more than {MAX_YAML_NODES:,} values "
                            "(aliases that repeat aliases?); write the values out", node)
        if not isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            return self._scalar(node)
        if id(node) in self.open_nodes:
            raise self.fail("bad-yaml", "an alias refers to a list or mapping that contains it, "
                            "so it never ends; write the value out", node)
        if len(path) >= MAX_YAML_DEPTH:
            raise self.fail("yaml-too-deep", f"YAML nests lists or mappings more than "
                            f"{MAX_YAML_DEPTH} deep; flatten it", node)
        self.open_nodes.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                self._require_tag(node, _TAG + "map")
                return self._mapping(node, path)
            self._require_tag(node, _TAG + "seq")
            items = []
            for index, item in enumerate(node.value):
                self.positions.setdefault((*path, index), self.position(item))
                items.append(self.convert(item, (*path, index)))
            return items
        finally:
            self.open_nodes.discard(id(node))

    def _require_tag(self, node: yaml.Node, expected: str) -> None:
        if node.tag != expected:
            raise self.fail("bad-yaml", f"YAML tag `{node.tag}` is not allowed; only plain "
                            "lists, mappings, text, numbers, booleans, dates and null are", node)

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[str, Any]:
        result: dict[str, Any] = {}
        seen: dict[str, Position] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail("bad-yaml", "a key must be plain text, not a list or mapping", key_node)
            key = str(key_node.value)
            here = self.position(key_node)
            if key in seen:
                raise self.fail("duplicate-key", f"key `{key}` is given twice in one mapping (first "
                                f"on line {seen[key].line}); remove one", key_node)
            seen[key] = here
            self.positions.setdefault((*path, key), here)
            result[key] = self.convert(value_node, (*path, key))
        return result

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        build = _SCALAR_BUILDERS.get(node.tag)
        if build is None:
            self._require_tag(node, _TAG + "str")
        if node.tag in (_TAG + "int", _TAG + "float"):
            return self._number(node, build)
        try:
            return build(node)
        except (ValueError, yaml.YAMLError):
            # e.g. 2026-13-45 looks like a date but is none: keep the text, and let the
            # model report it against the field that wanted a date.
            return node.value

    def _number(self, node: yaml.ScalarNode, build: Any) -> int | float:
        """Finite numbers of a sensible size only: JSON, browsers and spreadsheets read
        neither NaN, infinity nor numbers of thousands of digits."""
        digits = sum(c.isdigit() for c in node.value)
        try:
            number = build(node) if digits <= 4 * MAX_INTEGER_DIGITS else None
        except (ValueError, yaml.YAMLError):
            number = None
        if number is None or not math.isfinite(number) or (
                isinstance(number, int) and abs(number) >= 10 ** MAX_INTEGER_DIGITS):
            raise self.fail("bad-number", f"`{node.value[:40]}` is no number a strategy can use: "
                            f"write a finite number of at most {MAX_INTEGER_DIGITS} digits", node)
        return number
