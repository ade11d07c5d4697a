"""The mutation oracle: whatever field of whatever content kind changes, an incremental
build writes exactly what a clean build writes — with the default theme, and with a user
theme in which every template shows fields the default one does not.

The mutations are generated from the model (every field of Settings, Strategy, Objective,
Team, Guidance and of the models nested in them), applied to tests/fixtures/every-field
(which sets every field), kept when the result still validates, and built twice.
"""

from __future__ import annotations

import datetime as dt
import enum
import shutil
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from conftest import FIXTURES, GitRepo, git, snapshot
from stratmap.build import BuildOptions, build_site
from stratmap.model.content import Guidance, Objective, Strategy, Team
from stratmap.model.settings import Settings
from stratmap.source.frontmatter import split_front_matter
from stratmap.source.trees import WorkingTree
from stratmap.validate import validate

FIXTURE = FIXTURES / "every-field"
TEMPLATES = FIXTURES.parent.parent / "themes/default/templates"
KINDS: dict[str, type[BaseModel]] = {"stratmap.yaml": Settings, "content/strategy.md": Strategy}
KINDS |= {f"content/objectives/{p.name}": Objective for p in (FIXTURE / "content/objectives").glob("*.md")}
KINDS |= {f"content/teams/{p.name}": Team for p in (FIXTURE / "content/teams").glob("*.md")}
KINDS |= {f"content/guidance/{p.name}": Guidance for p in (FIXTURE / "content/guidance").glob("*.md")}
# settings that move or rename the site rather than change what it shows
NOT_MUTATED = {("content_dir",), ("output_dir",), ("theme",), ("versions",)}


def read(relpath: str) -> tuple[dict[str, Any], str | None]:
    text = (FIXTURE / relpath).read_text()
    if relpath.endswith(".yaml"):
        return yaml.safe_load(text), None
    front, _, body, _ = split_front_matter(text, relpath)
    return yaml.safe_load(front), body


def dump(data: dict[str, Any], body: str | None) -> str:
    front = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return front if body is None else f"---\n{front}---\n{body}"


def model_of(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds, itself or as the items of a list; None for plain values."""
    for candidate in (annotation, *typing.get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
        for inner in typing.get_args(candidate):
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return inner
    return None


def field_paths(kind: type[BaseModel], data: Any, prefix: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """(path, annotation) of every field of `kind`, and of the models nested in it (their
    first item, for lists), as this fixture's data has them."""
    for name, info in kind.model_fields.items():
        path = (*prefix, name)
        yield path, info.annotation
        nested = model_of(info.annotation)
        value = data.get(name) if isinstance(data, dict) else None
        if nested is not None and isinstance(value, list) and value:
            yield from field_paths(nested, value[0], (*path, 0))
        elif nested is not None and isinstance(value, dict):
            yield from field_paths(nested, value, path)


def values_seen(name: str) -> list[Any]:
    """Every value any file of the fixture gives a field of this name: ids to point at."""
    found: list[Any] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == name and item not in found:
                    found.append(item)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
    for relpath in KINDS:
        walk(read(relpath)[0])
    found += [p.stem for p in (FIXTURE / "content/teams").glob("*.md")] if name == "parent" else []
    return found


def candidates(annotation: Any, current: Any, name: str) -> Iterator[Any]:
    """Other values for a field, most likely valid first."""
    optional = typing.get_origin(annotation) in (typing.Union, types.UnionType)
    options = [a for a in typing.get_args(annotation) if a is not type(None)] if optional else [annotation]
    if current is not None and type(None) in typing.get_args(annotation):
        yield None
    for option in options:
        origin = typing.get_origin(option)
        if origin is typing.Annotated:
            option = typing.get_args(option)[0]
            origin = None
        if option is bool:
            yield not current
        elif option in (int, float):
            yield (current or 0) + 1
        elif option is dt.date:
            yield (current or dt.date(2026, 6, 30)) + dt.timedelta(days=1)
        elif isinstance(option, type) and issubclass(option, enum.Enum):
            yield from (m.value for m in option if m.value != current)
        elif option is str:
            yield from (v for v in values_seen(name) if v != current and isinstance(v, str))
            yield f"{current or 'New'} (changed)"
        elif origin is list and isinstance(current, list):
            if current:
                yield current[:-1]
                yield [*current, current[0]]
                yield list(reversed(current))
            yield [*current, *(v for v in values_seen("objective") if v not in current)][:len(current) + 1]
        elif origin is dict and isinstance(current, dict):
            if current:
                key = next(iter(current))
                yield {**current, key: f"{current[key]} (changed)"}
            yield {**current, "New Role": "Does something new."}
        elif model_of(option) is not None and current is None:
            continue


def set_path(data: Any, path: tuple, value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def get_path(data: Any, path: tuple) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


@dataclass(frozen=True)
class Mutation:
    """One field of one content kind, to be changed in the first file of that kind where
    another value still validates (page reads are recorded per field, not per file)."""

    label: str  # e.g. "Objective:kpis.0.target"
    kind: type[BaseModel]
    files: tuple[str, ...]  # the fixture's files of this kind that hold the field
    path: tuple
    annotation: Any


def mutations() -> list[Mutation]:
    found: dict[tuple[type[BaseModel], tuple], Mutation] = {}
    for relpath, kind in KINDS.items():
        data, _ = read(relpath)
        for path, annotation in field_paths(kind, data):
            if path in NOT_MUTATED or (model_of(annotation) is not None and typing.get_origin(annotation) is not list):
                continue
            known = found.get((kind, path))
            files = (*known.files, relpath) if known else (relpath,)
            found[(kind, path)] = Mutation(f"{kind.__name__}:{'.'.join(map(str, path))}", kind,
                                           files, path, annotation)
    return list(found.values())


def mutated_file(pristine: Path, mutation: Mutation) -> tuple[str, str] | None:
    """(file, its mutated text) for the first file of the mutation's kind that takes one."""
    for relpath in mutation.files:
        text = first_valid(pristine, f"{relpath}:{mutation.label}", relpath, mutation.path,
                           mutation.annotation)
        if text is not None:
            return relpath, text
    return None


_FIRST_VALID: dict[str, str | None] = {}  # label → mutated text; the same for both themes


def first_valid(pristine: Path, label: str, relpath: str, path: tuple, annotation: Any) -> str | None:
    """The text of the file with the first candidate value that still validates and
    changes the model, tried on a pristine copy of the fixture (left as it was)."""
    if label in _FIRST_VALID:
        return _FIRST_VALID[label]
    original = (pristine / relpath).read_text()
    before = validate(WorkingTree(pristine), dt.date(2026, 11, 1)).model
    assert before is not None
    data, body = read(relpath)
    found = None
    for value in candidates(annotation, get_path(data, path), str(path[-1])):
        mutated, _ = read(relpath)
        try:
            set_path(mutated, path, value)
        except (KeyError, IndexError, TypeError):
            continue
        (pristine / relpath).write_text(dump(mutated, body))
        after = validate(WorkingTree(pristine), dt.date(2026, 11, 1)).model
        (pristine / relpath).write_text(original)
        if after is not None and after.to_data() != before.to_data():  # valid, and a change
            found = dump(mutated, body)
            break
    _FIRST_VALID[label] = found
    return found


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("pristine") / "strategy"
    shutil.copytree(FIXTURE, root)
    return root


SHOWN_MORE = {  # the user theme's extra: the leader on the teams list, as a team reported
    "team_tree.html": ("{{ m.team_link(t) }}", "{{ m.team_link(t) }} ({{ t.leader }})"),
}


def user_theme(folder: Path) -> None:
    """A copy of every default template that also shows, at its end, one field of every
    item of one kind; between them they show every field of every kind."""
    shows = [(collection, name) for collection, kind in (("objectives", Objective), ("teams", Team),
                                                          ("guidance", Guidance))
             for name in kind.model_fields]
    shows += [("strategy", name) for name in Strategy.model_fields]
    templates = sorted(p.name for p in TEMPLATES.glob("*.html"))
    (folder / "templates").mkdir(parents=True)
    for n, name in enumerate(templates):
        text = (TEMPLATES / name).read_text()
        if name in SHOWN_MORE:
            text = text.replace(*SHOWN_MORE[name])
        extra = "".join(_show(*shows[i]) for i in range(n, len(shows), len(templates)))
        if "{% endblock %}" in text and name not in ("base.html", "macros.html", "redirect.html", "404.html"):
            head, _, tail = text.rpartition("{% endblock %}")
            text = f"{head}{extra}{{% endblock %}}{tail}"
        (folder / "templates" / name).write_text(text)


def _show(collection: str, name: str) -> str:
    if collection == "strategy":
        return f"<p class=extra>{{{{ model.strategy.{name} }}}}</p>"
    return (f"<p class=extra>{{% for item in model.{collection}.values() %}}"
            f"{{{{ item|attr('{name}') }}}};{{% endfor %}}</p>")


@dataclass
class Warm:
    repository: GitRepo
    serving: bool  # built as serve builds: queries and maps reused by what they read

    @property
    def root(self) -> Path:
        return self.repository.root


@pytest.fixture(scope="module", params=["default theme", "user theme", "default theme, as serve builds"])
def warm(request, tmp_path_factory) -> Warm:
    root = tmp_path_factory.mktemp("oracle") / "strategy"
    shutil.copytree(FIXTURE, root)
    if request.param == "user theme":
        user_theme(root / "shows-more")
        settings = root / "stratmap.yaml"
        settings.write_text(settings.read_text().replace("theme: default", "theme: shows-more"))
    repository = GitRepo(root)
    git(root, "init", "-q", "-b", "main")
    repository.commit("Q1", "2026-03-31T12:00:00+00:00")
    repository.tag("strategy/2026-Q1", "2026-03-31T12:00:00+00:00")
    serving = request.param.endswith("as serve builds")
    build_site(BuildOptions(root, serving=serving))
    return Warm(repository, serving)


@pytest.mark.parametrize("mutation", mutations(), ids=lambda m: m.label)
def test_an_incremental_build_equals_a_clean_one(warm, pristine, tmp_path, mutation):
    root, label = warm.root, mutation.label
    found = mutated_file(pristine, mutation)
    if found is None:
        pytest.skip(f"no other value of {label} validates in any file")
    relpath, text = found
    original = (root / relpath).read_text()
    if relpath == "stratmap.yaml" and (root / "shows-more").is_dir():
        text = text.replace("theme: default", "theme: shows-more")
    # (the next mutation's incremental build also undoes this one: one build fewer each)
    (root / relpath).write_text(text)
    try:
        build_site(BuildOptions(root, jobs=1, serving=warm.serving))
        build_site(BuildOptions(root, out=tmp_path / "clean", jobs=1))
    finally:
        (root / relpath).write_text(original)
    assert snapshot(root / "output") == snapshot(tmp_path / "clean"), f"{label}: a reused page is stale"


def test_the_oracle_covers_every_field_of_every_kind():
    covered = {(m.kind, m.path[0]) for m in mutations()}
    for kind in (Strategy, Objective, Team, Guidance):
        assert {(kind, name) for name in kind.model_fields} <= covered, kind


def test_the_user_theme_shows_the_leader_on_the_teams_list(tmp_path):
    user_theme(tmp_path)
    assert "t.leader" in (tmp_path / "templates/team_tree.html").read_text()
