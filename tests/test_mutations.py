"""Property: whatever a mutation does to a valid repository, validate ends in 0 or 1 with
findings that name a file — never an exception."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES
from stratmap.source.trees import WorkingTree
from stratmap.validate import validate

FILES = sorted(str(p.relative_to(FIXTURES / "minimal"))
               for p in (FIXTURES / "minimal").rglob("*") if p.is_file())

garbage = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                    st.text(max_size=20), st.lists(st.text(max_size=5), max_size=3),
                    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
                    st.sampled_from(["2026-13-45", "../x", "F9", "C1", "nps", "", "{{ 7*7 }}"]))


def _split(text: str) -> tuple[dict, str, bool]:
    if text.startswith("---\n"):
        _, front, body = text.split("---\n", 2)
        return yaml.safe_load(front) or {}, body, True
    return yaml.safe_load(text) or {}, "", False


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


@st.composite
def mutation(draw):
    relpath = draw(st.sampled_from(FILES))
    data, body, front_matter = _split((FIXTURES / "minimal" / relpath).read_text())
    paths = [p for p in _paths(data) if p]
    kind = draw(st.sampled_from(["delete", "replace", "raw-garbage", "truncate"]))
    if kind in ("delete", "replace") and paths:
        path = draw(st.sampled_from(paths))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        if kind == "delete":
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(garbage)
        dumped = yaml.safe_dump(data, allow_unicode=True)
        text = f"---\n{dumped}---\n{body}" if front_matter else dumped
        return relpath, text.encode()
    original = (FIXTURES / "minimal" / relpath).read_bytes()
    if kind == "truncate":
        return relpath, original[:draw(st.integers(0, len(original)))]
    position = draw(st.integers(0, len(original)))
    return relpath, original[:position] + draw(st.binary(max_size=12)) + original[position:]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.lists(mutation(), min_size=1, max_size=3))
def test_validate_never_raises(tmp_path: Path, changes):
    root = tmp_path / "mutated"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(FIXTURES / "minimal", root)
    for relpath, data in changes:
        (root / relpath).write_bytes(data)
    validation = validate(WorkingTree(root), dt.date(2026, 11, 1))
    assert all(f.file for f in validation.findings)
    assert validation.ok == (validation.model is not None)
    if not validation.ok:
        assert any(f.is_error for f in validation.findings)
