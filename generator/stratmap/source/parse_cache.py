"""Parse cache: parsed YAML, and the links in Markdown bodies, kept between runs as JSON
(never code), signed with this user's key (cache/signing.py).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from ..cache.layout import CacheLayout
from ..cache.signing import machine_key, read_signed, signed
from ..markdown.links import ContentLink, ContentTarget, content_links, may_link_to_content
from ..write import write_atomically
from .frontmatter import Parsed, parse_yaml
from .positions import Positions

T = TypeVar("T")


class ParseCache:
    """Parsed YAML by a digest of its text (and where it sits), kept between builds in the
    cache folder: a build then parses only the files that changed. Parsing is most of the
    time validation takes. Only what this run parsed is saved, so the cache never grows.
    The file is JSON: a cache is never trusted to hold code (no pickle).

    Each entry is kept as its own JSON text, decoded when a file asks for it and written
    back as it was read: saving after one edit encodes one entry, not all of them.

    The file is kept only when `key` signs it: one that is not signed with it (planted by
    a commit, or left by another machine) is ignored, and `foreign` says so."""

    def __init__(self, path: Path | None = None, key: bytes | None = None, *,
                 reading: ParseCache | None = None):
        """`reading`: another cache whose parses this one may take, without counting them
        as used there (a tag's files are mostly those the working tree's cache holds)."""
        self.path = path if key is not None else None
        self._key = key
        self._reading = reading
        self._saved: dict[str, _Entry] = {}
        self._used: dict[str, _Entry] = {}
        # the links to content files in each Markdown body, as JSON, by the body's digest
        self._links_saved: dict[str, str] = {}
        self._links_used: dict[str, str] = {}
        self.foreign = False
        # what later stages made of a file, by the file's digest: its typed item, a team
        # plan's digest, what the checks found in a plan. In memory only, for as long as
        # this cache lives (serve keeps one between builds)
        self.made: dict[Any, Any] = {}
        self.plan_digests: dict[str, str] = {}
        self.checked: Any = None  # what the checks found in each plan (check.KeptFindings)
        # a content file's bytes as last read, the document made of them and the key of
        # its parse, by path: a file read again unchanged is the same document, made once
        self._documents: dict[str, tuple[bytes, Any, str]] = {}
        self._last_key: dict[str, str] = {}  # by path: the key of the file's last parse
        if self.path is not None and key is not None:
            self._load(self.path, key)

    def _load(self, path: Path, key: bytes) -> None:
        payload = read_signed(key, path)
        if payload is None:
            self.foreign = path.exists() or path.is_symlink()
            return
        with contextlib.suppress(ValueError, TypeError, KeyError, IndexError):
            # (what an older version wrote stays unread: its files are parsed again)
            self._saved, self._links_saved = _entries_of(payload)

    def parse(self, text: str, relpath: str, *, first_line: int, allow_empty: bool) -> Parsed:
        key = hashlib.sha256(f"{relpath}\0{first_line}\0{allow_empty}\0{text}".encode()).hexdigest()
        entry = self._entry(key)
        parsed = _decoded(entry) if entry is not None else None
        if entry is None or parsed is None:  # a file that fails to parse raises here, never kept
            parsed = parse_yaml(text, relpath, first_line=first_line, allow_empty=allow_empty)
            entry = _Entry(parsed)
        self._used[key] = entry
        self._last_key[relpath] = key
        return parsed

    def _through(self, own: Callable[[ParseCache, str], T | None], key: str) -> T | None:
        """What `own` finds under `key` in this cache, else in those it reads through."""
        found = own(self, key)
        if found is None and self._reading is not None:
            found = self._reading._through(own, key)
        return found

    def _entry(self, key: str) -> _Entry | None:
        """A file's parse."""
        return self._through(ParseCache._own_entry, key)

    def _own_entry(self, key: str) -> _Entry | None:
        return self._used.get(key) or self._saved.get(key)

    def _links_text(self, key: str) -> str | None:
        """A body's links, as JSON."""
        return self._through(ParseCache._own_links_text, key)

    def _own_links_text(self, key: str) -> str | None:
        return self._links_used.get(key) or self._links_saved.get(key)

    def known_document(self, relpath: str, raw: bytes) -> Any | None:
        """The document made of exactly these bytes when the file was last loaded, if
        any. Its parse counts as used: saved for the next process like any other."""
        known = self._documents.get(relpath)
        if known is None or known[0] != raw:
            return None
        _, document, key = known
        entry = self._own_entry(key)
        if entry is not None:
            self._used[key] = entry
        return document

    def remember_document(self, relpath: str, raw: bytes, document: Any) -> None:
        """`document` was just made of `raw`, after its front matter was parsed here."""
        self._documents[relpath] = (raw, document, self._last_key[relpath])

    def content_links(self, body: str, source_file: str) -> list[ContentLink]:
        """markdown.links.content_links, kept: a body read before is not parsed again (nor
        markdown-it loaded, when no body changed)."""
        if not may_link_to_content(body):
            return []
        key = hashlib.sha256(f"{source_file}\0{body}".encode()).hexdigest()
        text = self._links_text(key)
        links = _links_decoded(text) if text is not None else None
        if text is None or links is None:
            links = content_links(body, source_file)
            text = _ENTRY_JSON.encode([[link.href, link.target.content_file, link.target.fragment,
                                        link.line, link.column] for link in links])
        self._links_used[key] = text
        return links

    def save(self) -> None:
        """Keep what this run parsed, on disk and for the next run of the same process."""
        changed = self._used.keys() != self._saved.keys() or \
            self._links_used.keys() != self._links_saved.keys()
        if self.path is not None and self._key is not None and changed:
            with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
                write_atomically(self.path, signed(self._key, _encode_cache(self._used, self._links_used)))
        self._saved, self._used = self._used, {}
        self._links_saved, self._links_used = self._links_used, {}

    def save_last_parses(self, path: Path, key: bytes | None) -> None:
        """The last parse of each file this cache was asked for (the files of the version
        validated last through it), saved as a cache of their own, signed with `key` (none
        is saved without one)."""
        if key is None:
            return
        last = {parse: self._used[parse] for parse in self._last_key.values() if parse in self._used}
        with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
            write_atomically(path, signed(key, _encode_cache(last, {})))


def parse_cache_for(root: Path) -> ParseCache:
    """The project's parse cache, as the last run left it (parsing depends on our code)."""
    return ParseCache(CacheLayout.of(root).parsed, machine_key())


def cache_a_build_left(root: Path) -> ParseCache:
    """For a command that only reads the repository (`validate`): the parse cache a build
    left, read and written back. One in memory only when no build made the cache folder
    (such a command makes no folder), when a folder on the way is a link (which could lead
    out of the repository), or when the file is not one this user's stratmap wrote (it is
    never overwritten: a commit may have put it there)."""
    layout = CacheLayout.of(root)
    folder = layout.parsed.parent
    if layout.root.is_symlink() or folder.is_symlink() or not folder.is_dir():
        return ParseCache()
    cache = parse_cache_for(root)
    return ParseCache() if cache.foreign else cache


# one encoder, made once: json.dumps with any option makes a new one per call
_ENTRY_JSON = json.JSONEncoder(allow_nan=False, separators=(",", ":"))


class _Entry:
    """One file's parse: its JSON text as stored, its values once decoded, or both."""

    __slots__ = ("parsed", "text")

    def __init__(self, parsed: Parsed | None = None, text: str | None = None):
        self.parsed, self.text = parsed, text

    def encoded(self) -> str:
        if self.text is None:
            assert self.parsed is not None
            data, positions = self.parsed
            self.text = _ENTRY_JSON.encode([_encode_value(data), positions.text])
        return self.text


def _decoded(entry: _Entry) -> Parsed | None:
    """The entry's values; None when its stored text is not what this version writes."""
    if entry.parsed is None:
        text = entry.text or ""
        try:
            data, positions = json.loads(text, object_hook=_decoder_for(text))
        except (ValueError, TypeError):
            return None
        if not isinstance(data, dict) or not isinstance(positions, str):
            return None
        entry.parsed = (data, Positions(positions))
    return entry.parsed


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


def _decoder_for(text: str) -> Callable[[dict[str, Any]], Any] | None:
    """The least an entry's objects need decoding (a fresh process decodes every entry).
    JSON writes NUL as \\u0000: an entry without one holds no date; one whose every NUL is
    single holds no key of the content's own that starts with NUL."""
    if "\\u0000" not in text:
        return None
    return _decode_object if '"\\u0000\\u0000' in text else _decode_date


def _decode_date(pairs: dict[str, Any]) -> Any:
    if len(pairs) == 1:
        if _DATE in pairs:
            return dt.date.fromisoformat(pairs[_DATE])
        if _DATETIME in pairs:
            return dt.datetime.fromisoformat(pairs[_DATETIME])
    return pairs


def _decode_object(pairs: dict[str, Any]) -> Any:
    if len(pairs) == 1 and (_DATE in pairs or _DATETIME in pairs):
        return _decode_date(pairs)
    if any(k.startswith(_NUL) for k in pairs):
        return {k.removeprefix(_NUL): v for k, v in pairs.items()}
    return pairs


def _links_decoded(text: str) -> list[ContentLink] | None:
    try:
        return [ContentLink(href, ContentTarget(content_file, fragment), line, column)
                for href, content_file, fragment, line, column in json.loads(text)]
    except (ValueError, TypeError):
        return None


def _encode_cache(entries: dict[str, _Entry], links: dict[str, str]) -> bytes:
    return json.dumps({"yaml": {key: entry.encoded() for key, entry in entries.items()}, "links": links},
                      separators=(",", ":")).encode()


def _entries_of(raw: bytes) -> tuple[dict[str, _Entry], dict[str, str]]:
    stored = json.loads(raw)
    entries, links = stored["yaml"], stored["links"]
    if not all(isinstance(text, str) for kept in (entries, links) for text in kept.values()):
        raise ValueError("not a parse cache of this version")
    return {key: _Entry(text=text) for key, text in entries.items()}, dict(links)
