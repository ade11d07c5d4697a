"""KPI import: actuals from a CRM or BI export (CSV) into the content files (SPEC §4).

Each row names an objective, a KPI and a value (and optionally a date, a team and a
comment). A row sets that KPI's `actual` and `as_of` (or the team's actual for it); the
actual it replaces goes to `history` when it had a date. Every row is checked, every edit
made in memory and the edited repository validated before one file is written: all or
nothing. Only the edited values change in a file (see source/roundtrip.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import functools
import multiprocessing
import os
import re
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .findings import printable
from .model.content import StrategyModel
from .source.frontmatter import LoadError
from .source.parse_cache import ParseCache
from .source.roundtrip import EditableFile, NotRoundTrippable, block_sequence, flow_mapping, set_after
from .source.trees import WorkingTree
from .validate import errors_after_edits, validate
from .write import write_atomically

COLUMNS = ("objective", "kpi", "value", "date", "team", "comment")
REQUIRED = ("objective", "kpi", "value")
MAX_CSV_BYTES = 20 * 1024 * 1024


class ImportFailed(Exception):
    """The CSV or the edits it asks for are wrong: nothing was written (exit code 1)."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Reading:
    """One row of the CSV: a value for one KPI (or one team's share of it) on one date."""

    line: int
    objective: str
    kpi: str
    team: str | None
    value: float
    on: dt.date
    comment: str | None

    @property
    def target(self) -> tuple[str, str, str | None]:
        return self.objective, self.kpi, self.team

    def label(self) -> str:
        return f"{self.objective}/{self.kpi}" + (f" for team {self.team}" if self.team else "")


@dataclass
class KpiUpdate:
    label: str
    old: float | None
    old_as_of: dt.date | None
    new: float
    new_as_of: dt.date
    to_history: list[tuple[dt.date, float]] = field(default_factory=list)

    def summary(self) -> str:
        before = "none" if self.old is None else f"{_plain_number(self.old)}" + (
            f" ({self.old_as_of})" if self.old_as_of else "")
        moved = f"; {len(self.to_history)} to history" if self.to_history else ""
        return f"{self.label}: {before} → {_plain_number(self.new)} ({self.new_as_of}){moved}"


@dataclass
class ImportPlan:
    updates: list[KpiUpdate]
    texts: dict[str, tuple[str, str]]  # relpath → (text before, text after)

    def diff(self) -> str:
        return "".join("".join(difflib.unified_diff(before.splitlines(True), after.splitlines(True),
                                                     f"a/{path}", f"b/{path}"))
                       for path, (before, after) in self.texts.items())


# --- reading the CSV ---------------------------------------------------------------------

def parse_columns(spec: str | None) -> dict[str, str]:
    """`objective=Objective ID,value=Value` → {"objective": "Objective ID", ...}; the
    columns not named keep their own names."""
    mapping = {name: name for name in COLUMNS}
    for part in (spec or "").split(","):
        if not part.strip():
            continue
        ours, sep, theirs = part.partition("=")
        if not sep or ours.strip() not in COLUMNS or not theirs.strip():
            raise ImportFailed([f"--columns: `{part.strip()}` is not COLUMN=HEADER with COLUMN one "
                                f"of {', '.join(COLUMNS)}"])
        mapping[ours.strip()] = theirs.strip()
    return mapping


def read_csv(path: Path, columns: dict[str, str], default_date: dt.date,
             delimiter: str = ",") -> list[Reading]:
    raw = path.read_bytes()
    if len(raw) > MAX_CSV_BYTES:
        raise ImportFailed([f"{path.name}: {len(raw):,} bytes; the limit is {MAX_CSV_BYTES:,}"])
    try:
        text = raw.decode("utf-8-sig")  # a spreadsheet's byte order mark is no part of a header
    except UnicodeDecodeError as problem:
        raise ImportFailed([f"{path.name}: byte {problem.start} is not UTF-8; export the CSV as "
                            "UTF-8"]) from None
    rows = list(csv.reader(text.splitlines(), delimiter=delimiter))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise ImportFailed([f"{path.name}: the file is empty; it needs a header line "
                            f"({', '.join(REQUIRED)}) and one row per KPI"])
    header = [cell.strip() for cell in rows[0]]
    where = _column_positions(path.name, header, columns, delimiter)
    readings, problems = [], []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            readings.append(_reading(number, row, where, default_date))
        except ValueError as problem:
            problems.append(f"{path.name}:{number}: {problem}")
    if problems:
        raise ImportFailed(problems)
    if not readings:
        raise ImportFailed([f"{path.name}: a header but no rows; nothing to import"])
    return readings


def _column_positions(name: str, header: list[str], columns: dict[str, str],
                      delimiter: str) -> dict[str, int]:
    if len(header) == 1 and ";" in header[0] and delimiter != ";":
        raise ImportFailed([f"{name}:1: the columns are separated by `;` (a spreadsheet set to a "
                            "European locale); export with commas, or pass --delimiter ';'"])
    where = {ours: header.index(theirs) for ours, theirs in columns.items() if theirs in header}
    missing = [f"`{columns[c]}`" + ("" if columns[c] == c else f" (for {c})")
               for c in REQUIRED if c not in where]
    if missing:
        found = ", ".join(f"`{printable(h)}`" for h in header)
        raise ImportFailed([f"{name}:1: no column {', '.join(missing)}; the header has {found}. "
                            "Name your export's columns with --columns objective=...,kpi=...,value=..."])
    return where


def _reading(line: int, row: list[str], where: dict[str, int], default_date: dt.date) -> Reading:
    def cell(column: str) -> str:
        position = where.get(column)
        return row[position].strip() if position is not None and position < len(row) else ""

    objective, kpi = cell("objective"), cell("kpi")
    if not objective or not kpi:
        raise ValueError("the objective and the KPI must both be given")
    return Reading(line, objective, kpi, cell("team") or None, parse_number(cell("value")),
                   _date(cell("date"), default_date), cell("comment") or None)


_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")  # 1,234,567.89
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_number(text: str) -> float:
    """A value as exports write it: `1234.5`, `1,234.5`, `12%`, ` 7 `. Anything else (a
    decimal comma, a currency sign, two dots) is refused, never guessed at."""
    value = text.strip().removesuffix("%").strip()
    if not value:
        raise ValueError("no value")
    if _GROUPED.match(value):
        value = value.replace(",", "")
    if not _PLAIN.match(value):
        hint = " (a decimal comma? write 1234.5)" if "," in value else ""
        raise ValueError(f"`{printable(text.strip())}` is not a number{hint}")
    return float(value)


def _date(text: str, default: dt.date) -> dt.date:
    if not text:
        return default
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"`{printable(text)}` is not a date; write it as YYYY-MM-DD") from None


# --- turning readings into edits ---------------------------------------------------------

def plan_import(root: Path, readings: list[Reading], model: StrategyModel,
                jobs: int = os.cpu_count() or 1) -> ImportPlan:
    """Every edit the readings ask for, made in memory; ImportFailed names each bad row.
    Files are edited in parallel when there are many: reading YAML with its comments kept
    is the slow part of an import."""
    groups: dict[tuple[str, str, str | None], list[Reading]] = {}
    for reading in readings:
        groups.setdefault(reading.target, []).append(reading)
    by_file: dict[str, list[list[Reading]]] = {}
    problems: list[str] = []
    for group in groups.values():
        group.sort(key=lambda r: r.on)
        try:
            by_file.setdefault(_file_for(model, group), []).append(group)
        except ValueError as problem:
            problems.append(f"line {group[0].line}: {problem}")
    if problems:
        raise ImportFailed(problems)
    edited = _in_parallel(functools.partial(_edit_file, root), list(by_file.items()), jobs)
    problems = [problem for result in edited for problem in result.problems]
    if problems:
        raise ImportFailed(problems)
    return ImportPlan([u for result in edited for u in result.updates],
                      {r.relpath: (r.before, r.after) for r in edited if r.before != r.after})


def _file_for(model: StrategyModel, group: list[Reading]) -> str:
    """The file a group of readings edits, once the model says each names something real."""
    first = group[0]
    on_one_day = [r for r in group if sum(other.on == r.on for other in group) > 1]
    if on_one_day:
        lines = ", ".join(str(line) for line in sorted(r.line for r in on_one_day))
        raise ValueError(f"{first.label()} is given twice for one date (lines {lines}); keep one row")
    objective = model.objectives.get(first.objective)
    if objective is None:
        raise ValueError(f"no objective `{printable(first.objective)}`")
    if objective.kpi(first.kpi) is None:
        known = ", ".join(k.id for k in objective.kpis) or "none"
        raise ValueError(f"objective {objective.id} has no KPI `{printable(first.kpi)}` (its KPIs: {known})")
    if first.team is None:
        return objective.file
    team = model.teams.get(first.team)
    if team is None:
        raise ValueError(f"no team `{printable(first.team)}`")
    if len(group) > 1:
        raise ValueError(f"{first.label()}: a team's actual keeps no history; give one row")
    if first.comment:
        raise ValueError(f"{first.label()}: a comment belongs to the objective's KPI, not a team's")
    if not any(p.objective == first.objective and any(k.kpi == first.kpi for k in p.kpis)
               for p in team.priorities):
        raise ValueError(f"team {team.slug} has no target for {first.objective}/{first.kpi}; add "
                         "one to its plan before importing its actual")
    return team.file


@dataclass
class _EditedFile:
    relpath: str
    before: str
    after: str
    updates: list[KpiUpdate]
    problems: list[str]


def _edit_file(root: Path, job: tuple[str, list[list[Reading]]]) -> _EditedFile:
    relpath, groups = job
    before = (root / relpath).read_text(encoding="utf-8")
    try:
        edited = EditableFile.parse(before, relpath)
        updates = []
        for group in groups:
            first = group[0]
            mapping = _kpi_mapping(edited, first.kpi) if first.team is None else \
                _team_kpi_mapping(edited, first.objective, first.kpi)
            updates.append(_set_actual(edited.editing(mapping), first.label(), group,
                                       keeps_history=first.team is None))
        return _EditedFile(relpath, before, edited.text(), updates, [])
    except LoadError as unreadable:  # YAML that validates, yet ruamel reads more strictly
        return _EditedFile(relpath, before, before, [], [f"{relpath}: {unreadable.finding.message}"])
    except NotRoundTrippable as problem:
        return _EditedFile(relpath, before, before, [], [str(problem)])


PARALLEL_FROM = 40  # files; below this, starting workers costs more than it saves


def _in_parallel(work: Callable[[Any], _EditedFile], jobs: list[Any], workers: int) -> list[_EditedFile]:
    if workers <= 1 or len(jobs) < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return [work(job) for job in jobs]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(work, jobs, chunksize=max(1, len(jobs) // (workers * 4))))


def _kpi_mapping(edited: EditableFile, kpi_id: str) -> Any:
    return next(k for k in edited.data["kpis"] if str(k["id"]) == kpi_id)


def _team_kpi_mapping(edited: EditableFile, objective_id: str, kpi_id: str) -> Any:
    for priority in edited.data.get("priorities") or []:
        if str(priority.get("objective")) == objective_id:
            for team_kpi in priority.get("kpis") or []:
                if str(team_kpi.get("kpi")) == kpi_id:
                    return team_kpi
    return None


def _set_actual(mapping: Any, label: str, group: list[Reading], keeps_history: bool) -> KpiUpdate:
    newest = group[-1]
    old = mapping.get("actual")  # ruamel's own number types: made plain to leave a worker
    update = KpiUpdate(label, None if old is None else float(old),
                       _as_date(mapping.get("as_of")), newest.value, newest.on)
    earlier = [(r.on, r.value) for r in group[:-1]]
    replaced_on = update.old_as_of
    if keeps_history and update.old is not None and replaced_on is not None and replaced_on < newest.on \
            and replaced_on not in {on for on, _ in earlier}:
        earlier.append((replaced_on, update.old))
    if earlier:
        _add_history(mapping, earlier)
        update.to_history = sorted(earlier)
    set_after(mapping, "actual", _plain_number(newest.value), after="target")
    set_after(mapping, "as_of", newest.on, after="actual")
    if newest.comment:
        set_after(mapping, "comment", newest.comment, after="as_of")
    return update


def _add_history(mapping: Any, points: Iterable[tuple[dt.date, float]]) -> None:
    history = mapping.get("history")
    if history is None:
        history = block_sequence()
        set_after(mapping, "history", history, after="as_of" if "as_of" in mapping else "actual")
    for on, value in sorted(points):
        dated = {_as_date(point.get("date")): index for index, point in enumerate(history)}
        if on in dated:
            history[dated[on]]["value"] = _plain_number(value)
            continue
        position = sum(1 for day in dated if day is not None and day < on)
        history.insert(position, flow_mapping(date=on, value=_plain_number(value)))


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _plain_number(value: Any) -> Any:
    """31.0 → 31, so an import writes what a person would."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


# --- the command -------------------------------------------------------------------------

def import_kpis(root: Path, csv_path: Path, columns: dict[str, str], default_date: dt.date,
                delimiter: str = ",", dry_run: bool = False) -> ImportPlan:
    """Check, plan, validate the result, then write every edited file (unless `dry_run`)."""
    parsed = ParseCache()  # the second validation parses only the files the import edits
    before = validate(WorkingTree(root), default_date, parsed)
    if before.model is None:
        raise ImportFailed(["the strategy does not validate; fix it first (`stratmap validate`)"])
    readings = read_csv(csv_path, columns, default_date, delimiter)
    plan = plan_import(root, readings, before.model)
    errors = errors_after_edits(root, {p: t for p, (_, t) in plan.texts.items()}, default_date, parsed)
    if errors:
        raise ImportFailed(errors)
    if not dry_run:
        for path, (_, text) in plan.texts.items():
            write_atomically(root / path, text)
    return plan
