"""Parse cache: parsed YAML kept between builds, as JSON (never code).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from ..write import write_atomically
from .frontmatter import Parsed, parse_yaml
from .positions import Positions


class ParseCache:
    """Parsed YAML by a digest of its text (and where it sits), kept between builds in the
    cache folder: a build then parses only the files that changed. Parsing is most of the
    time validation takes. Only what this run parsed is saved, so the cache never grows.
    The file is JSON: a cache is never trusted to hold code (no pickle).

    Each entry is kept as its own JSON text, decoded when a file asks for it and written
    back as it was read: saving after one edit encodes one entry, not all of them."""

    def __init__(self, path: Path | None = None):
        self.path = path
        self._saved: dict[str, _Entry] = {}
        self._used: dict[str, _Entry] = {}
        # what later stages made of a file, by the file's digest: its typed item, a team
        # plan's digest, what the checks found in a plan. In memory only, for as long as this cache lives (serve keeps
        # one between builds)
        self.made: dict[Any, Any] = {}
        self.plan_digests: dict[str, str] = {}
        self.checked: Any = None  # what the checks found in each plan (check.KeptFindings)
        # a content file's bytes as last read, the document made of them and the key of
        # its parse, by path: a file read again unchanged is the same document, made once
        self._documents: dict[str, tuple[bytes, Any, str]] = {}
        self._last_key: dict[str, str] = {}  # by path: the key of the file's last parse
        if path is not None:
            try:
                self._saved = _entries_of(path.read_bytes())
            except (OSError, ValueError, TypeError, KeyError, IndexError):
                self._saved = {}  # missing, or not what this version writes: parse again

    def parse(self, text: str, relpath: str, *, first_line: int, allow_empty: bool) -> Parsed:
        key = hashlib.sha256(f"{relpath}\0{first_line}\0{allow_empty}\0{text}".encode()).hexdigest()
        entry = self._used.get(key) or self._saved.get(key)
        parsed = _decoded(entry) if entry is not None else None
        if entry is None or parsed is None:  # a file that fails to parse raises here, never kept
            parsed = parse_yaml(text, relpath, first_line=first_line, allow_empty=allow_empty)
            entry = _Entry(parsed)
        self._used[key] = entry
        self._last_key[relpath] = key
        return parsed

    def known_document(self, relpath: str, raw: bytes) -> Any | None:
        """The document made of exactly these bytes when the file was last loaded, if
        any. Its parse counts as used: saved for the next process like any other."""
        known = self._documents.get(relpath)
        if known is None or known[0] != raw:
            return None
        _, document, key = known
        entry = self._used.get(key) or self._saved.get(key)
        if entry is not None:
            self._used[key] = entry
        return document

    def remember_document(self, relpath: str, raw: bytes, document: Any) -> None:
        """`document` was just made of `raw`, after its front matter was parsed here."""
        self._documents[relpath] = (raw, document, self._last_key[relpath])

    def save(self) -> None:
        """Keep what this run parsed, on disk and for the next run of the same process."""
        if self.path is not None and self._used.keys() != self._saved.keys():
            write_atomically(self.path, _encode_cache(self._used))
        self._saved, self._used = self._used, {}


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
        try:
            data, positions = json.loads(entry.text or "", object_hook=_decode_object)
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


def _decode_object(pairs: dict[str, Any]) -> Any:
    if len(pairs) == 1:
        if _DATE in pairs:
            return dt.date.fromisoformat(pairs[_DATE])
        if _DATETIME in pairs:
            return dt.datetime.fromisoformat(pairs[_DATETIME])
    if any(k.startswith(_NUL) for k in pairs):
        return {k.removeprefix(_NUL): v for k, v in pairs.items()}
    return pairs


def _encode_cache(entries: dict[str, _Entry]) -> bytes:
    return json.dumps({key: entry.encoded() for key, entry in entries.items()}, separators=(",", ":")).encode()


def _entries_of(raw: bytes) -> dict[str, _Entry]:
    entries = json.loads(raw)
    if not isinstance(entries, dict) or not all(isinstance(text, str) for text in entries.values()):
        raise ValueError("not a parse cache of this version")
    return {key: _Entry(text=text) for key, text in entries.items()}
