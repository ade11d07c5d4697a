"""Reads: what a page looked at while it rendered, so the next build knows when to render it again.

Templates never see the model itself. They get proxies (`TrackedView`, `TrackedModel`,
`TrackedItem`, `TrackedMapping`) that note every field of every content item they touch,
which ids they listed, and which derived things (the graph, the earlier versions, the
change since the last version) they used; Sphinx records a document's dependencies the
same way. Methods of our own classes run *through* the proxy, so what `view.team_kpi()`
or `model.subteams()` reads is noted too. The next build digests the current value of
every read any page made, against its own model, and reuses a page only when none of its
reads' digests changed. Nothing lists templates or fields by hand, and a user theme that
shows more of the model simply reads more.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import itertools
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from enum import Enum
from typing import Any

from pydantic import BaseModel

from ..cache.digests import code_digest
from ..cache.pages import ONE_ITEM_READS, KnownReads
from ..model.content import Guidance, Objective, Perspective, Strategy, StrategyModel, Team
from ..model.settings import Settings
from ..source.load import Source

# A read is a tuple of strings:
#   ("item", kind, key, field)   a field (or property) of one content item; field "*" is all of it;
#                                of a list of records, one column ("priorities.plan": every
#                                priority's plan) or its length ("priorities.#")
#   ("exists", kind, key)        whether an item is there
#   ("ids", kind)                which items of a kind there are, in order
#   ("view", name)               a derived value of the version (see VIEW_READS)
#   ("query", method, *args)     the result of a StrategyModel method, items in it by name
#   ("map", name)                the DOT source of one of the version's maps
#   ("index", name)              an index of the model a query used (see _QueryModel)
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

    def item(self, kind: str, key: str, item: Any, columns: bool = True) -> TrackedItem:
        """The page's one proxy of an item; `columns`: read its lists of records field by
        field (see `_TrackedRecords`), not whole."""
        proxy = self._proxies.get((kind, key))
        if proxy is None:
            proxy = self._proxies[(kind, key)] = TrackedItem(item, kind, key, self, columns)
        return proxy


# (class, name) → our method of that name or None; asked for every attribute a template
# reads, hundreds of thousands of times a build, so each answer is found once
_OWN_METHODS: dict[tuple[type, str], Callable | None] = {}


def _own_method(cls: type, name: str) -> Callable | None:
    """A plain function defined by one of our classes (not pydantic's), to run through a proxy."""
    found = _OWN_METHODS.get((cls, name), _NOT_ASKED)
    if found is _NOT_ASKED:
        found = _OWN_METHODS[(cls, name)] = _find_own_method(cls, name)
    return found


_NOT_ASKED: Any = object()


def _find_own_method(cls: type, name: str) -> Callable | None:
    for klass in cls.__mro__:
        if name in vars(klass):
            attribute = vars(klass)[name]
            mine = klass.__module__.startswith("stratmap.")
            return attribute if mine and callable(attribute) and not isinstance(attribute, type) else None
    return None


class _KeepsAnswers:
    """A proxy that keeps what it answered for each name (in its `__dict__`), so that the
    next look-up of the name is Python's own: the read is noted once per page either way,
    nothing changes while a page is made, and a page reads the same few fields of the
    same objective for each of thousands of rows."""

    __slots__ = ("__dict__",)

    def __getattr__(self, name: str) -> Any:
        answer = self.__dict__[name] = self._answer(name)
        return answer

    def _answer(self, name: str) -> Any:
        raise NotImplementedError


class TrackedItem(_KeepsAnswers):
    """One content item (the strategy, an objective, a team, a guidance topic, the settings)."""

    __slots__ = ("_in_columns", "_item", "_key", "_kind", "_log")

    def __init__(self, item: Any, kind: str, key: str, log: ReadLog, columns: bool = True):
        self._item, self._kind, self._key, self._log = item, kind, key, log
        self._in_columns = READ_IN_COLUMNS.get(kind, _NONE) if columns else _NONE

    def _answer(self, name: str) -> Any:
        return _read_of(self, self._item, name, name, "*", self._in_columns)

    def __eq__(self, other: object) -> bool:
        return self._item is (other._item if isinstance(other, TrackedItem) else other)

    def __hash__(self) -> int:
        return id(self._item)

    def __repr__(self) -> str:
        return f"Tracked({self._kind} {self._key})"


def _read_of(proxy: TrackedItem | _TrackedRecord, owner: Any, name: str, field: str, whole: str,
             in_columns: frozenset[str] = frozenset()) -> Any:
    """What a proxy of an item or of one of its records answers for `name`: one of our own
    methods, run through the proxy; one of the lists of records named in `in_columns`, as
    columns named after `field`; else the value, noted as a read of `field` (or of
    `whole`, all of `owner`, for a method of pydantic's: `model_dump` sees every field)."""
    method = _OWN_METHODS.get((type(owner), name), _NOT_ASKED)  # (asked for every field a page reads)
    if method is _NOT_ASKED:
        method = _own_method(type(owner), name)
    if method is not None:
        return functools.partial(method, proxy)
    value = getattr(owner, name)
    if name in in_columns and value:  # (an empty list is read whole: there is nothing in it to read apart)
        return _TrackedRecords(value, proxy._kind, proxy._key, field, proxy._log)
    pydantics = callable(value) and not isinstance(value, (BaseModel, type))
    proxy._log.reads.add(("item", proxy._kind, proxy._key, whole if pydantics else field))
    return value


# The lists of records a page reads field by field, as columns, by kind of item: a team's
# priorities, of which the pages that list every team (the scorecard, alignment) show a
# part. Any other list of records is read whole. Read in columns, an objective's KPIs
# (which each team page reads nearly whole, for their status) only made every team page's
# record longer, and with every list of records so read the records at 3,000 teams were
# 45 % bigger.
READ_IN_COLUMNS: dict[str, frozenset[str]] = {"team": frozenset({"priorities"})}
_NONE: frozenset[str] = frozenset()


class _ShownWhole:
    """A proxy of a list of records or of one record, shown, compared or handed on whole as
    the list or record itself would be, and then noted as read whole (`_whole`)."""

    __slots__ = ()

    def _whole(self) -> Any:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return self._whole() == (other._whole() if isinstance(other, _ShownWhole) else other)

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        return str(self._whole())

    def __repr__(self) -> str:
        return repr(self._whole())


class _TrackedRecords(_ShownWhole, Sequence):
    """A list of records in an item, as a page sees it: a field read of any of them is
    noted as that field's column across the list (`priorities.plan`: every priority's
    plan), and the list's length as `priorities.#`. So the scorecard, which shows which
    objectives a team serves and its targets, does not depend on what its plans say.
    Each record has one proxy for the page (made when the list is first looked into),
    which keeps what it answered: a team page walks its priorities a dozen times."""

    __slots__ = ("_count", "_key", "_kind", "_log", "_path", "_proxies", "_records")

    def __init__(self, records: list, kind: str, key: str, path: str, log: ReadLog):
        self._records, self._kind, self._key, self._path, self._log = records, kind, key, path, log
        self._count = ("item", kind, key, f"{path}.#")
        self._proxies: list[_TrackedRecord] | None = None

    def _counted(self) -> list[_TrackedRecord]:
        self._log.reads.add(self._count)
        proxies = self._proxies
        if proxies is None:
            proxies = self._proxies = [_TrackedRecord(r, self._kind, self._key, self._path, self._log)
                                       for r in self._records]
        return proxies

    def __getitem__(self, index: Any) -> Any:
        return self._counted()[index]

    def __iter__(self) -> Iterator:
        return iter(self._counted())

    def __len__(self) -> int:
        return len(self._counted())

    def _whole(self) -> list:
        self._log.reads.add(("item", self._kind, self._key, self._path))
        return self._records


class _TrackedRecord(_ShownWhole, _KeepsAnswers):
    """One record of a `_TrackedRecords`: what is read of it is noted as a column."""

    __slots__ = ("_key", "_kind", "_log", "_path", "_record")

    def __init__(self, record: Any, kind: str, key: str, path: str, log: ReadLog):
        self._record, self._kind, self._key, self._path, self._log = record, kind, key, path, log

    def _answer(self, name: str) -> Any:
        # a list of records in a record (a priority's KPIs) is one column, read whole
        return _read_of(self, self._record, name, f"{self._path}.{name}", self._path)

    def _whole(self) -> Any:
        self._log.reads.add(("item", self._kind, self._key, self._path))  # the column it is in
        return self._record


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


class TrackedModel(_KeepsAnswers):
    """The StrategyModel with its items and collections tracked. Its methods are queries:
    each call is noted with its arguments, and its result digested with the items in it
    named, not digested whole. `teams_on("C2")` depends on which teams serve C2 and their
    priorities on it; what the page then reads of those teams is noted as it reads it."""

    __slots__ = ("_log", "_model")

    def __init__(self, model: StrategyModel, log: ReadLog):
        self._model, self._log = model, log

    def _answer(self, name: str) -> Any:
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


def _item_of(key: str) -> tuple[str, str]:
    """(kind, key) of an item argument, recorded as `@kind:key`."""
    kind, _, item_key = key[1:].partition(":")
    return kind, item_key


def _argument_value(model: StrategyModel, key: str) -> Any:
    if key.startswith("@"):
        return _lookup(model, *_item_of(key))
    return Perspective(key[1:]) if key.startswith("%") else key[1:]


def _unwrapped(argument: Any) -> Any:
    return argument._item if isinstance(argument, TrackedItem) else argument


def _item_ref(item: Any) -> tuple[str, str] | None:
    """(kind, key) of a content item, or of its proxy; None for anything else."""
    if type(item) is TrackedItem:
        return item._kind, item._key
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
    kind = type(value)  # (by type first: thousands of values; isinstance of an ABC is slow)
    if kind in _LEAVES:
        return value
    if kind in _SEQUENCES:
        return [_referenced(v) for v in value]
    ref = _item_ref(value)
    if ref is not None:
        return ["\0item", *ref]
    if isinstance(value, (list, tuple)):  # a named tuple, say
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
    # (a list of pairs is what the walk through a mapping makes: the digest is the same)
    "pages_by_file": lambda view, _: _Plain(list(view.pages_by_file.items())),
}


# Queries whose result is all of the model, item by item: their digest is the model's
# (each item's digest is worked out once a build), not that of their large result.
WHOLE_MODEL_QUERIES = frozenset({"to_data"})


class TrackedView(_KeepsAnswers):
    """A VersionView as one page sees it: its model tracked, its methods run through it."""

    __slots__ = ("_log", "_view", "model")

    def __init__(self, view: Any, log: ReadLog):
        self._view, self._log = view, log
        self.model = TrackedModel(view.model, log)

    @property
    def info(self) -> Any:
        return self._view.info  # part of every page's base

    @property
    def log(self) -> ReadLog:
        return self._log

    def whole_view(self) -> Any:
        """The view itself, for a file that shows all of the model (strategy.json, search.js):
        noted as one read of the whole model, digested item by item (see WHOLE_MODEL_QUERIES),
        and then read untracked, which is much faster."""
        self._log.note("query", "to_data")
        return self._view

    def item(self, item: Any) -> TrackedItem:
        """A page's own subject (its objective or team), tracked. Its lists of records are
        read whole: the page shows nearly all of them, so reading them field by field would
        only cost time (a team page is most of the pages)."""
        ref = _item_ref(item)
        assert ref is not None, "a page's subject is a content item"
        return self._log.item(*ref, item, columns=False)

    def _answer(self, name: str) -> Any:
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


class _QueryModel(TrackedModel):
    """The model as one query sees it while what it reads is noted: the query, and every
    method of the model it calls, runs through this proxy, so each field of each item it
    touches is noted, and the query's value can be reused while none of them changed.

    An index of the model (`teams_by_parent`, `resolved_roles`: a cached property made
    once per model from every item) is noted as one read, ("index", name), digested from
    what making the index read (see ReadResolver); the query gets the model's own index,
    its items handed out through this query's proxies, so what it reads of them is noted."""

    __slots__ = ()

    def _answer(self, name: str) -> Any:
        if name in SINGLES or name in COLLECTIONS:
            return super()._answer(name)
        if name in INDEXES:
            return self._index(name)
        method = _own_method(StrategyModel, name)
        if method is None:
            raise AttributeError(f"a query read `{name}` of the model, which is not tracked")
        return functools.partial(method, self)

    def _index(self, name: str) -> Any:
        self._log.note("index", name)
        return _rebound(getattr(self._model, name), self._log)


class _IndexModel(_QueryModel):
    """The model while one of its indexes is made through it, to note what the index reads
    (an index made from another would hide what that one read)."""

    __slots__ = ()

    def _index(self, name: str) -> Any:
        raise AttributeError(f"an index read `{name}`, another index of the model, which is not tracked")


# the model's cached properties: derived from every item, once per model
INDEXES = frozenset(name for name, attribute in vars(StrategyModel).items()
                    if isinstance(attribute, functools.cached_property))


def index_reads(model: StrategyModel, name: str) -> set[Read]:
    """What making one of the model's indexes reads of it, and all of each record it holds
    (a query hands them out whole: `teams_on` gives each team's priority on an objective)."""
    log = ReadLog()
    _note_records_in(getattr(StrategyModel, name).func(_IndexModel(model, log)))
    return log.reads


def _note_records_in(value: Any) -> None:
    """Note every record proxy in `value` as read whole (a list, tuple, mapping or record of
    them), without making plain data of it as `_plain` would: an index holds every team's
    priorities, and dumping each one to digest nothing would cost more than the index."""
    kind = type(value)
    if isinstance(value, _ShownWhole):
        value._whole()
    elif kind is list or kind is tuple:
        for part in value:
            _note_records_in(part)
    elif kind is dict:
        for part in value.values():
            _note_records_in(part)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for part in dataclasses.fields(value):
            _note_records_in(getattr(value, part.name))


_LEAVES = frozenset({str, int, float, bool, type(None)})


def _rebound(value: Any, log: ReadLog) -> Any:
    """Part of an index, as a query gets it: each content item in it through the query's
    proxy (tuples at once; lists, mappings and records as they are looked into: a query
    may only count a role's thousands of asks)."""
    kind = type(value)
    if kind in _LEAVES:
        return value
    ref = _item_ref(value)
    if ref is not None:
        return log.item(*ref, value)
    if kind is list:
        return _ReboundList(value, log)
    if kind is tuple:
        return tuple(_rebound(v, log) for v in value)
    if kind is dict:
        return _ReboundMapping(value, log)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _ReboundRecord(value, log)
    return value


class _ReboundList(Sequence):
    __slots__ = ("_items", "_log")

    def __init__(self, items: list, log: ReadLog):
        self._items, self._log = items, log

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [_rebound(v, self._log) for v in self._items[index]]
        return _rebound(self._items[index], self._log)

    def __iter__(self) -> Iterator:
        log = self._log
        return (_rebound(v, log) for v in self._items)

    def __len__(self) -> int:
        return len(self._items)


_SEQUENCES = frozenset({list, tuple, _ReboundList})


class _ReboundMapping(Mapping):
    __slots__ = ("_items", "_log")

    def __init__(self, items: dict, log: ReadLog):
        self._items, self._log = items, log

    def __getitem__(self, key: Any) -> Any:
        return _rebound(self._items[key], self._log)

    def __iter__(self) -> Iterator:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


class _ReboundRecord(_KeepsAnswers):
    __slots__ = ("_log", "_record")

    def __init__(self, record: Any, log: ReadLog):
        self._record, self._log = record, log

    def _answer(self, name: str) -> Any:
        return _rebound(getattr(self._record, name), self._log)


def query_value(model: StrategyModel, read: Read, log: ReadLog | None = None) -> Any:
    """A query read's value as JSON-able data, items named; with `log`, run through the
    proxy that notes everything the query reads there."""
    name, *keys = read[1:]
    arguments = [_argument_value(model, key) for key in keys]
    if any(a is None for a in arguments):
        if log is not None:
            for key in keys:
                if key.startswith("@"):
                    log.note("exists", *_item_of(key))
        return MISSING
    if log is None:
        return _referenced(getattr(model, name)(*arguments))
    tracked = [log.item(*_item_of(key), a) if key.startswith("@") else a
               for key, a in zip(keys, arguments, strict=True)]
    return _referenced(getattr(StrategyModel, name)(_QueryModel(model, log), *tracked))


_FILE_KINDS = frozenset(COLLECTIONS.values())


@dataclasses.dataclass(frozen=True)
class QueryShape:
    """What one query read: for each kind of content item, which items and which of their
    fields (noted as a product: reading more than it did only costs a re-run), and the reads
    that are not of one item (lists, the settings, the strategy), compared as they are."""

    keys: dict[str, frozenset[str]]  # kind → the keys of the items it read (or looked for)
    fields: dict[str, frozenset[str]]  # kind → the fields it read of them
    others: tuple[Read, ...]

    @classmethod
    def of(cls, reads: set[Read]) -> QueryShape:
        keys: dict[str, set[str]] = {}
        fields: dict[str, set[str]] = {}
        others = []
        for read in reads:
            if read[0] in ONE_ITEM_READS and read[1] in _FILE_KINDS:
                keys.setdefault(read[1], set()).add(read[2])
                kind_fields = fields.setdefault(read[1], set())
                if read[0] == "item":
                    kind_fields.add(read[3])
            else:
                others.append(read)
        return cls({k: frozenset(v) for k, v in keys.items()}, {k: frozenset(v) for k, v in fields.items()},
                   tuple(sorted(others)))


class ReadResolver:
    """The current digest of any read, against one version's view (memoised per build),
    and what the next build needs to know of them (`known`).

    A read of one content item (a field, or whether it is there) depends on nothing but
    the file the item comes from (and our code): while that file's digest is the last
    build's, so is the read's. A query's value depends on what it read, noted when it ran
    (through `_QueryModel`): a process that builds again (serve) reuses it while none of
    that changed, so an edit of one team re-runs only the queries that read something of
    that team. Lists and derived values are digested anew each build."""

    def __init__(self, view: Any, before: KnownReads | None = None, note_queries: bool = False):
        """`note_queries`: run each query through the proxy that notes what it reads (for a
        process that builds again); else ask the model, which is faster."""
        self.view = view
        self.note_queries = note_queries
        self.map_sources: dict[str, str] = {}  # map name → DOT source, once the maps are made
        self.digests: dict[Read, str] = {}  # every read digested this build
        self.shapes: dict[Read, QueryShape] = {}  # what each query digested this build read
        self.maps: tuple[QueryShape, str, Any] | None = None  # what the maps read, their key, them
        self._before = before or KnownReads()
        self._whole_model: str | None = None
        self._items, unknown = self._item_file_digests()
        self._no_file_digest = unknown
        same = {key for key, source in self._items.items() if self._before.items.get(key) == source}
        self._same_items = same  # (kind, key): the item's file is the last build's
        self._changed_keys: dict[str, set[str]] = {}  # kind → keys of items changed, added or removed
        for kind, key in (self._items.keys() | self._before.items.keys() | unknown) - same:
            self._changed_keys.setdefault(kind, set()).add(key)

    def digest(self, read: Read) -> str:
        found = self.digests.get(read)
        if found is None:
            found = self._unchanged(read) or self._digest_anew(read)
            self.digests[read] = found
        return found

    def changed(self) -> set[Read]:
        """Of the reads the last build digested, those whose digest differs now (each one
        is digested now, so the next build can compare with all of them). Only these are
        digested again: the reads of items whose file changed, the queries that read of
        such an item or read something else that changed, and reads of no one item whose
        shape is unknown. The rest are taken as they were, with their shapes."""
        before, index = self._before, self._before.index
        items = {(kind, key) for kind, keys in self._changed_keys.items() for key in keys}
        suspects = {reader for item in items for reader in index.item_readers.get(item, ())}
        suspects.update(reader for read, readers in index.read_readers.items()
                        if self.digest(read) != before.digests.get(read) for reader in readers)
        again = {*index.unshaped, *suspects, *itertools.chain.from_iterable(
            index.groups[item] for item in index.groups.keys() - self._same_items)}
        shaped_now, self.shapes = self.shapes, dict(before.shapes)
        digested_now, self.digests = self.digests, dict(before.digests)
        for read in again:
            self.shapes.pop(read, None)
            self.digests.pop(read, None)
        self.shapes.update(shaped_now)
        self.digests.update(digested_now)
        return {read for read in again if self.digest(read) != before.digests.get(read)}

    def known(self) -> KnownReads:
        """What the next build compares with: every read's digest, every content item's file
        digest, what each query read, and the maps with what they read."""
        return KnownReads(self.digests, self._items, self.shapes, self.maps)

    def kept_maps(self, key: str) -> Any:
        """The last build's maps (kept in memory by a process that builds again), if they
        were made under the same `key` (the Graphviz binary) and nothing they read has
        changed; else None."""
        kept = self._before.maps
        if kept is None or kept[1] != key or not self._same(kept[0]):
            return None
        self.maps = kept
        return kept[2]

    def keep_maps(self, reads: set[Read], key: str, maps: Any) -> None:
        """The maps made now, and what they read, for the next build."""
        self.maps = (self._noted(reads), key, maps)

    def _unchanged(self, read: Read) -> str | None:
        """The last build's digest of a read that cannot have changed since, or None."""
        if read[0] in ONE_ITEM_READS:
            return self._before.digests.get(read) if (read[1], read[2]) in self._same_items else None
        if read[0] in ("query", "index"):
            shape = self._before.shapes.get(read)
            if shape is not None and self._same(shape):
                self.shapes[read] = shape
                return self._before.digests.get(read)
        return None

    def _same(self, shape: QueryShape) -> bool:
        """Whether everything a query read is as it was: of the items whose file changed,
        only the fields it read of them are compared."""
        before = self._before.digests
        for kind, keys in shape.keys.items():
            for key in keys & self._changed_keys.get(kind, set()):  # the smaller set is walked
                if (kind, key) not in self._items or (kind, key) not in self._before.items:
                    return False  # added, removed, or with no file digest to tell
                for name in shape.fields[kind]:
                    read = ("item", kind, key, name)
                    if read not in before or self.digest(read) != before[read]:
                        return False
        return all(self.digest(read) == before.get(read) for read in shape.others)

    def _digest_anew(self, read: Read) -> str:
        if read[0] == "item" and read[3] == "*" and (read[1], read[2]) in self._items:
            # all of an item comes from its file: the file's digest stands for it (it moves
            # also when only a comment does), which spares typing every item out as JSON
            # for the whole model's digest (0.15 s of a cold build at 1,000 teams)
            return self._items[(read[1], read[2])]
        if read[0] == "index":  # digested from what making it read: the model's own is used
            reads = index_reads(self.view.model, read[1])
            self.shapes[read] = self._noted(reads)
            return value_digest(sorted((*r, self.digests[r]) for r in reads))
        if read[0] != "query" or read[1] in WHOLE_MODEL_QUERIES or not self.note_queries:
            return value_digest(self._value(read))
        log = ReadLog()
        value = query_value(self.view.model, read, log)
        self.shapes[read] = self._noted(log.reads)
        return value_digest(_Plain(value))

    def _noted(self, reads: set[Read]) -> QueryShape:
        """The shape of what a query, an index or the maps read, each read digested now for
        the next build to compare with."""
        for read in reads:
            self.digest(read)
        return QueryShape.of(reads)

    def _item_file_digests(self) -> tuple[dict[tuple[str, str], str], set[tuple[str, str]]]:
        """(kind, key) → the digest of the item's file, with our code's, for every objective,
        team and guidance topic (not the settings or the strategy: their reads are digested
        anew); and the items with no file digest, which count as changed."""
        model, code = self.view.model, code_digest()[:16]
        digests, unknown = {}, set()
        for name, kind in COLLECTIONS.items():
            for key, item in getattr(model, name).items():
                if item.source.digest:
                    digests[(kind, key)] = f"{code}:{item.source.digest}"
                else:
                    unknown.add((kind, key))
        return digests, unknown

    def whole_model(self) -> str:
        """The digest of every item's (asked by more than one read a build: worked out once):
        the settings' and the strategy's, then each file's digest in the model's order (an
        item's as `_digest_anew` gives it, without a read of each: thousands, of which no
        page asks most), then the items with no file digest."""
        if self._whole_model is None:
            self._whole_model = value_digest([
                *(self.digest(("item", kind, "", "*")) for kind in SINGLES.values()),
                *self._items.values(),
                *(self.digest(("item", *key, "*")) for key in sorted(self._no_file_digest))])
        return self._whole_model

    def _value(self, read: Read) -> Any:
        kind, *rest = read
        if kind == "item":
            item = _lookup(self.view.model, rest[0], rest[1])
            if item is None:
                return MISSING
            return whole_item(item) if rest[2] == "*" else _field(item, rest[2])
        if kind == "exists":
            return _lookup(self.view.model, rest[0], rest[1]) is not None
        if kind == "ids":
            return _Plain(list(getattr(self.view.model, _collection_of(rest[0]))))  # keys: text
        if kind == "view":
            return VIEW_READS[rest[0]](self.view, self)
        if kind == "query" and rest[0] in WHOLE_MODEL_QUERIES:
            return self.whole_model()
        if kind == "query":
            return _Plain(query_value(self.view.model, read))
        if kind == "map":
            return self.map_sources.get(rest[0], MISSING)
        raise ValueError(f"unknown read {read}")


def _field(item: Any, name: str) -> Any:
    """An item's field, or a column of its records as `_TrackedRecords` notes it, one
    level deep (`priorities.plan`: each priority's plan; `priorities.#`: how many)."""
    field, _, column = name.partition(".")
    value = getattr(item, field, MISSING)
    if not column or value is MISSING:
        return value
    return len(value) if column == "#" else [getattr(record, column, MISSING) for record in value]


def _collection_of(kind: str) -> str:
    return _COLLECTION_OF[kind]


_COLLECTION_OF = {kind: name for name, kind in COLLECTIONS.items()}


def _lookup(model: StrategyModel, kind: str, key: str) -> Any:
    if kind in ("settings", "strategy"):
        return getattr(model, kind)
    return getattr(model, _collection_of(kind)).get(key)


def whole_item(item: Any) -> Any:
    """Everything an item holds: its typed fields, its body and file, its slug."""
    if not hasattr(item, "_source"):  # the settings: no file of their own among the content
        return item.model_dump(mode="json")
    return [item.model_dump(mode="json"), item.body, item.file, getattr(item, "slug", "")]


def value_digest(value: Any) -> str:
    if type(value) is str:  # most reads are one text field: no need to build JSON for it
        return hashlib.sha256(b"s" + value.encode("utf-8", "surrogatepass")).hexdigest()
    data = value.data if type(value) is _Plain else _plain(value)
    return hashlib.sha256(_VALUE_JSON.encode(data).encode()).hexdigest()


def _plain(value: Any) -> Any:
    """JSON-able data for a value a page may read; order is kept (it shows on pages)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, TrackedItem):  # in a query's value while what it reads is noted
        return _plain(value._item)
    if isinstance(value, _ShownWhole):  # noted as a read of all of it
        return _plain(value._whole())
    if isinstance(value, Source):
        return [value.file, value.digest, value.body, value.body_line, value.positions.text]
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(_plain(v) for v in value)
    if isinstance(value, dict):
        return [[_plain(k), _plain(v)] for k, v in value.items()]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # field by field (what asdict gives, without its deep copy: a proxy in a query's
        # value must note its read in the query's own log, not in a copy of it)
        return _plain({f.name: getattr(value, f.name) for f in dataclasses.fields(value)})
    raise TypeError(f"a page read a {type(value).__name__}, which has no digest; say how to digest it")


def _scalar(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"no digest for {type(value).__name__}")


# one encoder, made once: json.dumps with any option makes a new one per call
_VALUE_JSON = json.JSONEncoder(ensure_ascii=False, default=_scalar)
