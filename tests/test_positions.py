"""Positions: every key and item of the front matter is found where YAML put it, whatever
its key holds, and a parse cache that lies about them cannot break a build."""

from __future__ import annotations

import json

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from stratmap.cache.signing import signed, verified
from stratmap.findings import Position
from stratmap.source.frontmatter import parse_yaml
from stratmap.source.parse_cache import ParseCache
from stratmap.source.positions import Positions

# keys with every character that means something in a pointer or in the stored text
keys = st.lists(st.sampled_from(["a", "0", "~", "/", "\t", "\n", "~0", "~1", " ", "é"]),
                min_size=1, max_size=4).map("".join)
values = st.recursive(st.integers(0, 9) | st.text(alphabet="xy", max_size=3),
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
                      max_leaves=12)


def start(node: yaml.Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


def expected_positions(node: yaml.Node, path: tuple = ()) -> dict[tuple, tuple[Position, Position | None]]:
    """Every path's position, and its scalar value's, read straight off PyYAML's nodes."""
    found: dict[tuple, tuple[Position, Position | None]] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key_path = (*path, key_node.value)
            found[key_path] = (start(key_node),
                               start(value_node) if isinstance(value_node, yaml.ScalarNode) else None)
            found |= expected_positions(value_node, key_path)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            found[(*path, index)] = (start(item), None)
            found |= expected_positions(item, (*path, index))
    return found


@settings(max_examples=80, deadline=None)
@given(st.dictionaries(keys, values, min_size=1, max_size=4))
def test_every_path_is_found_where_yaml_put_it(data):
    text = yaml.safe_dump(data, allow_unicode=True)
    parsed, positions = parse_yaml(text, "f.yaml", first_line=1, allow_empty=False)
    assert parsed == data
    for path, (position, value) in expected_positions(yaml.compose(text)).items():
        assert (positions.get(path), positions.value(path)) == (position, value), path


def test_an_unknown_path_falls_back_to_its_nearest_known_ancestor():
    _, positions = parse_yaml("a:\n  b: [1, 2]\nc: x\n", "f.yaml", first_line=5, allow_empty=False)
    assert positions.nearest(("a", "b", 1)) == Position(6, 10)
    assert positions.nearest(("a", "missing", 3)) == Position(5, 1)
    assert positions.nearest(("nowhere",)) == Position(5, 1)  # the mapping itself
    assert positions.of_value(("c",)) == Position(7, 4)
    assert positions.of_value(("a",)) == Position(5, 1)  # no scalar value: the key


def test_positions_from_a_cache_that_lies_point_at_the_file_not_a_traceback(tmp_path):
    """Even a cache signed with this user's key (so trusted) that holds nonsense."""
    cache_path, key = tmp_path / "parsed.json", b"k" * 32
    cache = ParseCache(cache_path, key)
    cache.parse("a: 1\n", "f.yaml", first_line=2, allow_empty=False)
    cache.save()
    stored = json.loads(verified(key, cache_path.read_bytes()))
    (entry_key, text), = stored["yaml"].items()
    data, _ = json.loads(text)
    stored["yaml"][entry_key] = json.dumps([data, "\n\tx\t1\n/a\t99999999999\t2\n"])
    cache_path.write_bytes(signed(key, json.dumps(stored).encode()))
    _, positions = ParseCache(cache_path, key).parse("a: 1\n", "f.yaml", first_line=2, allow_empty=False)
    assert positions.nearest(("a",)) == Position(1, 1)
    stored["yaml"][entry_key] = json.dumps([data, [["a"], 2, 1]])  # not what this version writes: parsed again
    cache_path.write_bytes(signed(key, json.dumps(stored).encode()))
    _, positions = ParseCache(cache_path, key).parse("a: 1\n", "f.yaml", first_line=2, allow_empty=False)
    assert positions == Positions("\n\t2\t1\n/a\t2\t1\t2\t4\n")


def test_keys_that_look_like_pointers_or_lines_are_never_taken_for_others():
    text = 'a: [x, y]\n"a/1": z\n"~1": w\n"b\\n/c": v\n'
    _, positions = parse_yaml(text, "f.yaml", first_line=1, allow_empty=False)
    assert positions.get(("a", 1)) == Position(1, 8)
    assert positions.get(("a/1",)) == Position(2, 1)
    assert positions.get(("~1",)) == Position(3, 1)
    assert positions.get(("/",)) is None
    assert positions.get(("b\n/c",)) == Position(4, 1)
    assert positions.get(("c",)) is None


def test_a_typed_item_keeps_where_its_values_stood_but_not_the_values(repo):
    """Every file's values, as YAML gave them, are let go once typed: the model holds the
    typed ones, and a build held both (13 MB at 3,000 teams)."""
    import datetime as dt

    from stratmap.source.load import Document, Source
    from stratmap.source.trees import WorkingTree
    from stratmap.validate import validate

    model = validate(WorkingTree(repo.root), dt.date(2026, 11, 1)).model
    assert model is not None
    team = next(iter(model.teams.values()))
    assert type(team.source) is Source and not isinstance(team.source, Document)
    text = (repo.root / team.file).read_text().splitlines()
    line, column = team.source.where_value("leader")
    assert text[line - 1][column - 1:].startswith(team.leader)
