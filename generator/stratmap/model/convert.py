"""Convert: loaded documents → typed model, with findings that name file and line.
"""

from __future__ import annotations

import difflib
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import (
    BaseModel,
    ValidationError,
)
from pydantic_core import ErrorDetails

from ..findings import Finding, error, has_errors
from ..source.frontmatter import LoadError
from ..source.load import (
    Document,
    LoadedRepository,
    load_settings_document,
)
from ..source.parse_cache import ParseCache
from ..source.trees import SourceTree
from .content import Content, Guidance, Objective, SlugNamed, Strategy, StrategyModel, Team
from .settings import Settings
from .types import RULE_ERROR

# --- documents → model ---------------------------------------------------------------

@dataclass
class ModelResult:
    model: StrategyModel | None  # None when any file failed to type-check
    findings: list[Finding]


# A file's typed item and the findings typing it gave, by (kind, the file's digest): the
# same text at the same path types the same. Items are never changed once made.
TypedItems = dict[tuple[type, str], tuple[Any, tuple[Finding, ...]]]


def to_model(loaded: LoadedRepository, typed: TypedItems | None = None,
             plan_digests: dict[str, str] | None = None) -> ModelResult:
    """The model of a repository's files. `typed`: items typed before (a process that builds
    again and again keeps them), reused for files with the same text; new ones are added.
    `plan_digests`: team plans' digests by their file's digest, kept the same way."""
    findings = list(loaded.findings)
    settings = Settings()
    if loaded.settings is not None:
        settings = _typed(Settings, loaded.settings, findings, typed) or settings
    strategy = _typed(Strategy, loaded.strategy, findings, typed) if loaded.strategy else None
    objectives: dict[str, Objective] = {}
    for document in loaded.objectives:
        objective = _typed(Objective, document, findings, typed)
        if objective is None:
            continue
        if objective.id in objectives:
            findings.append(error("duplicate-id", f"objective id `{objective.id}` is already used "
                                  f"by {objectives[objective.id].file}; give each objective its "
                                  "own id", document.file, document.where("id")))
            continue
        objectives[objective.id] = objective
    teams = _typed_by_slug(Team, loaded.teams, findings, typed)
    guidance = _typed_by_slug(Guidance, loaded.guidance, findings, typed)
    if strategy is None or has_errors(findings):
        return ModelResult(None, findings)
    model = StrategyModel(settings=settings, strategy=strategy, objectives=objectives,
                          teams=teams, guidance=guidance)
    model._plan_digests_by_file = plan_digests
    return ModelResult(model, findings)


def load_settings(tree: SourceTree, cache: ParseCache | None = None) -> tuple[Settings | None, list[Finding]]:
    """The typed stratmap.yaml of a tree, or None with the findings that say why not."""
    try:
        document = load_settings_document(tree, cache)
    except LoadError as problem:
        return None, [problem.finding]
    findings: list[Finding] = []
    return _typed(Settings, document, findings), findings


def _typed_by_slug(kind: type[SlugNamed], documents: list[Document],
                   findings: list[Finding], typed: TypedItems | None) -> dict:
    by_slug = {}
    for document in documents:
        item = _typed(kind, document, findings, typed)
        if item is not None:
            by_slug[document.stem] = item
    return by_slug


def _typed(kind: type[BaseModel], document: Document, findings: list[Finding],
           typed: TypedItems | None = None):
    known = typed.get((kind, document.digest)) if typed is not None and document.digest else None
    if known is None:
        known = _type(kind, document)
        if typed is not None and document.digest:
            typed[(kind, document.digest)] = known
    findings.extend(known[1])
    return known[0]


def _type(kind: type[BaseModel], document: Document) -> tuple[Any, tuple[Finding, ...]]:
    """One file's item (None when it does not type-check), and what is wrong with it."""
    blanks: list[Finding] = []
    _written_empty(document, document.data, (), blanks)
    gaps = tuple(blanks)
    try:
        item = kind.model_validate(document.data)
    except ValidationError as invalid:
        return None, (*gaps, *_findings_from(invalid, kind, document))
    if gaps:
        return None, gaps
    if isinstance(item, Content):
        item._source = document.source()
    if isinstance(item, SlugNamed):
        item._slug = document.stem
    return item, ()


def _written_empty(document: Document, value: dict | list, path: tuple, found: list[Finding]) -> None:
    """Each key or list item below `value` written as `""`: a gap left to fill, never a value.
    (Left out, an optional field is simply absent; a required one is reported as missing.)
    Every file of a fresh build is walked: a path is made only on the way to a mapping or
    list."""
    for key, item in value.items() if isinstance(value, dict) else enumerate(value):
        if isinstance(item, str):
            if not item.strip():
                found.append(error("missing-field", f"`{dotted((*path, key))}` is empty; write a "
                                   "value, or remove the line", document.file,
                                   document.where_value(*path, key)))
        elif isinstance(item, (dict, list)):
            _written_empty(document, item, (*path, key), found)


def _findings_from(invalid: ValidationError, kind: type[BaseModel],
                   document: Document) -> list[Finding]:
    findings, seen = [], set()
    for problem in invalid.errors(include_url=False):
        location = tuple(part for part in problem["loc"] if part != "[key]")
        if location in seen:  # a union reports one problem per member: say it once
            continue
        seen.add(location)
        rule, message = _describe(problem, location, kind)
        if problem["type"] == "missing":
            position = document.where(*location[:-1])
        elif problem["type"] == "extra_forbidden":
            position = document.where(*location)
        else:  # the value is wrong: point at it, not at its key
            position = document.where_value(*location)
        findings.append(error(rule, message, document.file, position))
    return findings


def _describe(problem: ErrorDetails, location: tuple, kind: type[BaseModel]) -> tuple[str, str]:
    kind_of_error = problem["type"]
    name = dotted(location)
    given = problem.get("input")
    if kind_of_error == "extra_forbidden":
        known = _known_fields(kind, location[:-1])
        guess = difflib.get_close_matches(str(location[-1]), known, n=1, cutoff=0.6)
        hint = f"did you mean `{guess[0]}`?" if guess else \
            f"known fields here: {', '.join(f'`{k}`' for k in known)}"
        return "unknown-field", f"unknown field `{name}`; {hint}"
    if kind_of_error == RULE_ERROR:
        return problem["ctx"]["rule"], f"`{name}`: {problem['ctx']['message']}"
    if kind_of_error == "string_too_long":
        return "too-long", (f"`{name}` is {len(str(given)):,} characters long; the limit is "
                            f"{problem['ctx']['max_length']}: shorten it (a long text belongs in "
                            "the Markdown body)")
    if kind_of_error == "finite_number":
        return "bad-number", f"`{name}`: `{given}` is not a finite number"
    if kind_of_error == "missing":
        return "missing-field", f"missing required field `{name}`; add `{location[-1]}: ...`"
    if kind_of_error.startswith(("date_", "datetime_")):
        return "bad-date", (f"`{name}`: `{given}` is not a date; write it as YYYY-MM-DD, "
                            "e.g. 2027-03-31")
    if kind_of_error == "enum":
        return "bad-value", f"`{name}`: {problem['msg']} (got `{given}`)"
    shown = given if isinstance(given, (str, int, float, bool)) or given is None \
        else type(given).__name__
    return "wrong-type", f"`{name}`: {problem['msg']} (got `{shown}`)"


def dotted(location: tuple) -> str:
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(front matter)"


def _known_fields(kind: type[BaseModel], location: tuple) -> list[str]:
    """The field names allowed at `location` inside `kind`, found by walking its types."""
    current: Any = kind
    for part in location:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = current.model_fields.get(str(part))
        if field is None:
            return []
        current = _element_type(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _element_type(annotation: Any) -> Any:
    """list[X] → X, X | None → X; the model type a nested mapping is checked against."""
    while True:
        arguments = [a for a in typing.get_args(annotation) if a is not type(None)]
        if typing.get_origin(annotation) in (list, typing.Union) or \
                type(annotation).__name__ == "UnionType":
            if not arguments:
                return annotation
            annotation = arguments[0]
            continue
        return annotation
