"""Reads: what a page looked at while it rendered, so the next build knows when to render it again.

Templates never see the model itself. They get proxies (`TrackedView`, `TrackedModel`,
`TrackedItem`, `TrackedMapping`) that note every field of every content item they touch,
which ids they listed, and which derived things (the graph, the earlier versions, the
change since the last version) they used; Sphinx records a document's dependencies the
same way. Methods of our own classes run *through* the proxy, so what `view.team_kpi()`
or `model.ancestors()` reads is noted too. The next build digests the current value of
every read any page made, against its own model, and reuses a page only when none of its
reads' digests changed. Nothing lists templates or fields by hand, and a user theme that
shows more of the model simply reads more.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from enum import Enum
from typing import Any

from pydantic import BaseModel

from ..cache.digests import code_digest
from ..model.content import Guidance, Objective, Perspective, Strategy, StrategyModel, Team
from ..model.settings import Settings
from ..source.load import Document

# A read is a tuple of strings:
#   ("item", kind, key, field)   a field (or property) of one content item; field "*" is all of it
#   ("exists", kind, key)        whether an item is there
#   ("ids", kind)                which items of a kind there are, in order
#   ("view", name)               a derived value of the version (see VIEW_READS)
#   ("query", method, *args)     the result of a StrategyModel method, items in it by name
#   ("map", name)                the DOT source of one of the version's maps
Read = tuple[str, ...]
MISSING = "\0missing"
COLLECTIONS = {"objectives": "objective", "teams": "team", "guidance": "guidance"}
SINGLES = {"settings": "settings", "strategy": "strategy"}
ITEM_KINDS: dict[type, str] = {Settings: "settings", Strategy: "strategy", Objective: "objective",
                               Team: "team", Guidance: "guidance"}


class ReadLog:
    """The reads of one page, and one proxy per item so that `is` still works."""

    def __init__(self) -> None:
        self.reads: set[Read] = set()
        self._proxies: dict[tuple[str, str], TrackedItem] = {}

    def note(self, *read: str) -> None:
        self.reads.add(read)

    def item(self, kind: str, key: str, item: Any) -> TrackedItem:
        proxy = self._proxies.get((kind, key))
        if proxy is None:
            proxy = self._proxies[(kind, key)] = TrackedItem(item, kind, key, self)
        return proxy


# (class, name) → our method of that name or None; asked for every attribute a template
# reads, hundreds of thousands of times a build, so each answer is found once
_OWN_METHODS: dict[tuple[type, str], Callable | None] = {}


def _own_method(cls: type, name: str) -> Callable | None:
    """A plain function defined by one of our classes (not pydantic's), to run through a proxy."""
    if (cls, name) not in _OWN_METHODS:
        _OWN_METHODS[(cls, name)] = _find_own_method(cls, name)
    return _OWN_METHODS[(cls, name)]


def _find_own_method(cls: type, name: str) -> Callable | None:
    for klass in cls.__mro__:
        if name in vars(klass):
            attribute = vars(klass)[name]
            mine = klass.__module__.startswith("stratmap.")
            return attribute if mine and callable(attribute) and not isinstance(attribute, type) else None
    return None


class TrackedItem:
    """One content item (the strategy, an objective, a team, a guidance topic, the settings)."""

    __slots__ = ("_item", "_key", "_kind", "_log")

    def __init__(self, item: Any, kind: str, key: str, log: ReadLog):
        self._item, self._kind, self._key, self._log = item, kind, key, log

    def __getattr__(self, name: str) -> Any:
        method = _own_method(type(self._item), name)
        if method is not None:
            return functools.partial(method, self)
        value = getattr(self._item, name)
        if callable(value) and not isinstance(value, (BaseModel, type)):  # pydantic's: model_dump
            self._log.note("item", self._kind, self._key, "*")
        else:
            self._log.note("item", self._kind, self._key, name)
        return value

    def __eq__(self, other: object) -> bool:
        return self._item is (other._item if isinstance(other, TrackedItem) else other)

    def __hash__(self) -> int:
        return id(self._item)

    def __repr__(self) -> str:
        return f"Tracked({self._kind} {self._key})"


class TrackedMapping(Mapping):
    """`model.objectives`, `model.teams`, `model.guidance`: listing them reads their ids."""

    def __init__(self, items: dict[str, Any], kind: str, log: ReadLog):
        self._items, self._kind, self._log = items, kind, log

    def __getitem__(self, key: str) -> TrackedItem:
        item = self._items.get(key)
        if item is None:
            self._log.note("ids", self._kind)
            raise KeyError(key)
        self._log.note("exists", self._kind, key)
        return self._log.item(self._kind, key, item)

    def __contains__(self, key: object) -> bool:
        self._log.note("ids", self._kind)
        return key in self._items

    def __iter__(self) -> Iterator[str]:
        self._log.note("ids", self._kind)
        return iter(self._items)

    def __len__(self) -> int:
        self._log.note("ids", self._kind)
        return len(self._items)


class TrackedModel:
    """The StrategyModel with its items and collections tracked. Its methods are queries:
    each call is noted with its arguments, and its result digested with the items in it
    named, not digested whole. `teams_on("C2")` depends on which teams serve C2 and their
    priorities on it; what the page then reads of those teams is noted as it reads it."""

    __slots__ = ("_log", "_model")

    def __init__(self, model: StrategyModel, log: ReadLog):
        self._model, self._log = model, log

    def __getattr__(self, name: str) -> Any:
        if name in SINGLES:
            return self._log.item(SINGLES[name], "", getattr(self._model, name))
        if name in COLLECTIONS:
            return TrackedMapping(getattr(self._model, name), COLLECTIONS[name], self._log)
        if _own_method(StrategyModel, name) is None:
            raise AttributeError(f"pages read the model through its fields and methods, not `{name}`")
        return functools.partial(self._query, name)

    def _query(self, name: str, *arguments: Any) -> Any:
        self._log.note("query", name, *map(_argument_key, arguments))
        raw = getattr(self._model, name)(*(_unwrapped(a) for a in arguments))
        return _tracked_result(raw, self._log)


def whole(item: Any) -> Any:
    """The item itself, for a computation that takes all of it (a diff of a team's plan):
    noted as a read of the whole item when it is tracked."""
    if isinstance(item, TrackedItem):
        item._log.note("item", item._kind, item._key, "*")
        return item._item
    return item


def _argument_key(argument: Any) -> str:
    if isinstance(argument, TrackedItem):
        return f"@{argument._kind}:{argument._key}"
    if isinstance(argument, Perspective):
        return f"%{argument.value}"
    if isinstance(argument, str):
        return f"={argument}"
    raise TypeError(f"a model query took a {type(argument).__name__}; say how to record it")


def _argument_value(model: StrategyModel, key: str) -> Any:
    if key.startswith("@"):
        kind, _, item_key = key[1:].partition(":")
        return _lookup(model, kind, item_key)
    return Perspective(key[1:]) if key.startswith("%") else key[1:]


def _unwrapped(argument: Any) -> Any:
    return argument._item if isinstance(argument, TrackedItem) else argument


def _item_ref(item: Any) -> tuple[str, str] | None:
    """(kind, key) of a content item; None for anything else."""
    kind = ITEM_KINDS.get(type(item))
    if kind is None:
        return None
    return kind, item.id if kind == "objective" else getattr(item, "slug", "")


def _tracked_result(value: Any, log: ReadLog) -> Any:
    ref = _item_ref(value)
    if ref is not None:
        return log.item(*ref, value)
    if isinstance(value, list):
        return [_tracked_result(v, log) for v in value]
    if isinstance(value, tuple):
        return tuple(_tracked_result(v, log) for v in value)
    return value  # ids, values, sub-objects of items: digested as they are


def _referenced(value: Any) -> Any:
    """A query's result as JSON-able data, each content item in it as its (kind, key)."""
    ref = _item_ref(value)
    if ref is not None:
        return ["\0item", *ref]
    if isinstance(value, (list, tuple)):
        return [_referenced(v) for v in value]
    return _plain(value)


class _Plain:
    """Data that is JSON-able already: its digest needs no second walk through it."""

    __slots__ = ("data",)

    def __init__(self, data: Any):
        self.data = data


# Derived values of a version that pages may read, each with the digest of what it
# depends on. `changes` is digested by what it is computed from (every item and the
# earlier versions), so checking whether a page is reusable never computes a diff.
VIEW_READS: dict[str, Callable[[Any, "ReadResolver"], Any]] = {
    "graph": lambda view, _: [view.graph.edges, view.graph.perspective_of],
    "earlier": lambda view, _: [(e.info.name, e.info.commit) for e in view.earlier],
    "previous": lambda view, _: [(e.info.name, e.info.commit) for e in view.earlier[-1:]],
    "changes": lambda view, resolver: [resolver.whole_model(), VIEW_READS["earlier"](view, resolver)],
    "pages_by_file": lambda view, _: view.pages_by_file,
}


# Queries whose result is all of the model, item by item: their digest is the model's
# (each item's digest is worked out once a build), not that of their large result.
WHOLE_MODEL_QUERIES = frozenset({"to_data"})


class TrackedView:
    """A VersionView as one page sees it: its model tracked, its methods run through it."""

    __slots__ = ("_log", "_view", "model")

    def __init__(self, view: Any, log: ReadLog):
        self._view, self._log = view, log
        self.model = TrackedModel(view.model, log)

    @property
    def info(self) -> Any:
        return self._view.info  # part of every page's fingerprint

    @property
    def log(self) -> ReadLog:
        return self._log

    def item(self, item: Any) -> TrackedItem:
        """A page's own subject (its objective or team), tracked."""
        ref = _item_ref(item)
        assert ref is not None, "a page's subject is a content item"
        return self._log.item(*ref, item)

    def __getattr__(self, name: str) -> Any:
        if name in VIEW_READS:
            self._log.note("view", name)
            return getattr(self._view, name)
        attribute = getattr(type(self._view), name, None)
        if isinstance(attribute, (property, functools.cached_property)):
            getter = attribute.fget if isinstance(attribute, property) else attribute.func
            assert getter is not None
            return getter(self)
        method = _own_method(type(self._view), name)
        if method is not None:
            return functools.partial(method, self)
        raise AttributeError(f"`{name}` of the view is not recorded: add it to VIEW_READS")


# Queries whose value depends on one team alone (named by their first argument) and on
# their arguments: remembered between builds like a read of that team's fields.
TEAM_QUERIES = frozenset({"approval_of"})

Remembered = dict[Read, tuple[str, str]]  # read → (the source it was digested from, its digest)


class ReadResolver:
    """The current digest of any read, against one version's view (memoised per build).

    A read of one content item depends on nothing but the file the item comes from (and
    our code): its digest is remembered from the last build with the digest of that
    file's text, and reused while the file is the same. Every other read (lists, queries
    across items, derived values) is digested anew each build."""

    def __init__(self, view: Any, map_sources: dict[str, str], remembered: Remembered | None = None):
        self.view = view
        self.map_sources = map_sources
        self.remembered = remembered or {}
        self.to_remember: Remembered = {}
        self.digests: dict[Read, str] = {}  # every read digested this build
        self._code = code_digest()[:16]
        self._item_sources = self._item_file_digests()  # looked up for every read: a plain dict

    def digest(self, read: Read) -> str:
        found = self.digests.get(read)
        if found is None:
            source = self._source_of(read)
            known = self.remembered.get(read) if source else None
            found = known[1] if known is not None and known[0] == source else value_digest(self._value(read))
            if source:
                self.to_remember[read] = (source, found)
            self.digests[read] = found
        return found

    def changed(self, digests: dict[Read, str]) -> set[Read]:
        """Of reads digested in an earlier build (`digests`), those whose digest differs now."""
        return {read for read, before in digests.items() if self.digest(read) != before}

    def _source_of(self, read: Read) -> str | None:
        """The digest of the one file a read depends on, with our code's; None for others."""
        if read[0] == "item":
            return self._item_sources.get((read[1], read[2]))
        if read[0] == "query" and read[1] in TEAM_QUERIES and len(read) > 2 and read[2].startswith("="):
            return self._item_sources.get(("team", read[2][1:]))
        return None

    def _item_file_digests(self) -> dict[tuple[str, str], str]:
        """(kind, key) → the digest of the item's file, with our code's, for every content
        item that has a file of its own (not the settings or the strategy: their reads
        are digested anew)."""
        model = self.view.model
        return {(kind, key): f"{self._code}:{item.source.digest}"
                for name, kind in COLLECTIONS.items() for key, item in getattr(model, name).items()
                if item.source.digest}

    def whole_model(self) -> str:
        model = self.view.model
        return value_digest([self.digest(("item", *key, "*")) for key in _item_keys(model)])

    def _value(self, read: Read) -> Any:
        kind, *rest = read
        if kind == "item":
            item = _lookup(self.view.model, rest[0], rest[1])
            if item is None:
                return MISSING
            return whole_item(item) if rest[2] == "*" else getattr(item, rest[2], MISSING)
        if kind == "exists":
            return _lookup(self.view.model, rest[0], rest[1]) is not None
        if kind == "ids":
            return list(getattr(self.view.model, _collection_of(rest[0])))
        if kind == "view":
            return VIEW_READS[rest[0]](self.view, self)
        if kind == "query" and rest[0] in WHOLE_MODEL_QUERIES:
            return self.whole_model()
        if kind == "query":
            arguments = [_argument_value(self.view.model, key) for key in rest[1:]]
            if any(a is None for a in arguments):
                return MISSING
            return _Plain(_referenced(getattr(self.view.model, rest[0])(*arguments)))
        if kind == "map":
            return self.map_sources.get(rest[0], MISSING)
        raise ValueError(f"unknown read {read}")


def _collection_of(kind: str) -> str:
    return _COLLECTION_OF[kind]


_COLLECTION_OF = {kind: name for name, kind in COLLECTIONS.items()}


def _lookup(model: StrategyModel, kind: str, key: str) -> Any:
    if kind in ("settings", "strategy"):
        return getattr(model, kind)
    return getattr(model, _collection_of(kind)).get(key)


def _item_keys(model: StrategyModel) -> list[tuple[str, str]]:
    return [("settings", ""), ("strategy", ""), *(("objective", k) for k in model.objectives),
            *(("team", k) for k in model.teams), *(("guidance", k) for k in model.guidance)]


def whole_item(item: Any) -> Any:
    """Everything an item holds: its typed fields, its body and file, its slug."""
    if not hasattr(item, "_source"):  # the settings: no file of their own among the content
        return item.model_dump(mode="json")
    return [item.model_dump(mode="json"), item.body, item.file, getattr(item, "slug", "")]


def value_digest(value: Any) -> str:
    if type(value) is str:  # most reads are one text field: no need to build JSON for it
        return hashlib.sha256(b"s" + value.encode("utf-8", "surrogatepass")).hexdigest()
    data = value.data if type(value) is _Plain else _plain(value)
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, default=_scalar).encode()).hexdigest()


def _plain(value: Any) -> Any:
    """JSON-able data for a value a page may read; order is kept (it shows on pages)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, Document):
        return [value.data, value.body, value.file]
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(_plain(v) for v in value)
    if isinstance(value, dict):
        return [[_plain(k), _plain(v)] for k, v in value.items()]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _plain(dataclasses.asdict(value))
    raise TypeError(f"a page read a {type(value).__name__}, which has no digest; say how to digest it")


def _scalar(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"no digest for {type(value).__name__}")
