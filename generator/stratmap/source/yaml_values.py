"""YAML → plain values that remember where every key and item stood.

YAML is composed with PyYAML's *safe* loader and turned into plain values by hand, which
lets us record positions, reject duplicate keys and unknown tags, and stop alias bombs
before they expand.
"""

from __future__ import annotations

import math
from typing import Any

import yaml

from ..findings import Finding, Position, error
from .frontmatter import LoadError, Parsed
from .positions import Positions, PositionsWriter, pointer_step

# Front matter holds at most a few thousand values; far more means an alias bomb.
MAX_YAML_NODES = 100_000
MAX_YAML_DEPTH = 50  # front matter needs five levels; far more is a mistake or an attack
MAX_INTEGER_DIGITS = 18  # a count or amount beyond this is no figure of a sales strategy

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


def parse_yaml(text: str, relpath: str, *, first_line: int, allow_empty: bool) -> Parsed:
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
            return {}, Positions()
        raise LoadError(error("not-a-mapping", "front matter is empty; it must be a mapping of "
                              "`key: value` lines", relpath, Position(max(first_line - 1, 1), 1)))
    converter = _NodeConverter(relpath, first_line)
    if not isinstance(node, yaml.MappingNode):
        raise LoadError(error("not-a-mapping", f"expected a mapping of `key: value` lines, found "
                              f"{_node_kind(node)}", relpath, converter.position(node)))
    converter.positions.add("", converter.position(node))
    data = converter.convert(node, "", 0)
    return data, converter.positions.done()


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
        self.positions = PositionsWriter()
        self.budget = MAX_YAML_NODES
        self.open_nodes: set[int] = set()  # the nodes being converted: an alias back to one recurses

    def position(self, node: yaml.Node) -> Position:
        return Position(node.start_mark.line + self.first_line, node.start_mark.column + 1)

    def fail(self, rule: str, message: str, node: yaml.Node) -> LoadError:
        return LoadError(error(rule, message, self.relpath, self.position(node)))

    def convert(self, node: yaml.Node, at: str, depth: int) -> Any:
        """`node` as plain values; `at` is its JSON Pointer, `depth` how deep it nests."""
        self.budget -= 1
        if self.budget < 0:
            raise self.fail("yaml-too-large", f"YAML expands to more than {MAX_YAML_NODES:,} values "
                            "(aliases that repeat aliases?); write the values out", node)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        if id(node) in self.open_nodes:
            raise self.fail("bad-yaml", "an alias refers to a list or mapping that contains it, "
                            "so it never ends; write the value out", node)
        if depth >= MAX_YAML_DEPTH:
            raise self.fail("yaml-too-deep", f"YAML nests lists or mappings more than "
                            f"{MAX_YAML_DEPTH} deep; flatten it", node)
        self.open_nodes.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                self._require_tag(node, _TAG + "map")
                return self._mapping(node, at, depth)
            self._require_tag(node, _TAG + "seq")
            items = []
            for index, item in enumerate(node.value):
                item_at = f"{at}/{index}"
                self.positions.add(item_at, self.position(item))
                items.append(self.convert(item, item_at, depth + 1))
            return items
        finally:
            self.open_nodes.discard(id(node))

    def _require_tag(self, node: yaml.Node, expected: str) -> None:
        if node.tag != expected:
            raise self.fail("bad-yaml", f"YAML tag `{node.tag}` is not allowed; only plain "
                            "lists, mappings, text, numbers, booleans, dates and null are", node)

    def _mapping(self, node: yaml.MappingNode, at: str, depth: int) -> dict[str, Any]:
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
            key_at = at + pointer_step(key)
            self.positions.add(key_at, here, self.position(value_node)
                               if isinstance(value_node, yaml.ScalarNode) else None)
            result[key] = self.convert(value_node, key_at, depth + 1)
        return result

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        build = _SCALAR_BUILDERS.get(node.tag)
        if build is None:
            self._require_tag(node, _TAG + "str")  # raises: an unknown tag
            return node.value
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
