"""How `stratmap diff` prints a StrategyDiff: text for a terminal, Markdown for a
pull-request comment, JSON (the StrategyDiff models) for tools."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from ..findings import printable
from .compute import FieldChange, KpiMove, ObjectiveChange, StrategyDiff, TeamChange, WordDiff

SIGNS = {"added": "+", "removed": "-", "changed": "~"}


def _value(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


CONTEXT_WORDS = 6


def _words(diff: WordDiff) -> str:
    """A word diff on one line, changes shown as [+added+] and [-removed-]; long
    unchanged runs keep a few words of context either side."""
    out = []
    last = len(diff.segments) - 1
    for index, (op, text) in enumerate(diff.segments):
        if op == "=":
            out.append(_context(text, after_change=index > 0, before_change=index < last))
        else:
            wrapper = "[+{}+]" if op == "+" else "[-{}-]"
            out.append(_edges(text, wrapper.format(" ".join(text.split()))))
    return re.sub(" {2,}", " ", "".join(out)).strip()


def _context(text: str, after_change: bool, before_change: bool) -> str:
    """An unchanged run of words: the words next to a change, and … for the rest."""
    words = text.split()
    if len(words) > 2 * CONTEXT_WORDS:
        words = [*(words[:CONTEXT_WORDS] if after_change else []), "…",
                 *(words[-CONTEXT_WORDS:] if before_change else [])]
    return _edges(text, " ".join(words))


def _edges(original: str, shown: str) -> str:
    """`shown` with the space `original` had at either end (words stay apart)."""
    lead = " " if original[:1].isspace() else ""
    trail = " " if original[-1:].isspace() else ""
    return lead + shown + trail


def _field_lines(fields: Iterable[FieldChange]) -> list[str]:
    return [f"{f.field}: {_value(f.old)} → {_value(f.new)}" for f in fields]


def _move_text(move: KpiMove) -> str:
    verdict = "" if move.better is None else (" (better)" if move.better else " (worse)")
    return f"KPI {move.kpi} {move.field}: {_dated(move.old, move.old_as_of)} → " \
           f"{_dated(move.new, move.new_as_of)}{verdict}"


def _dated(value: object, as_of: str | None) -> str:
    """An actual with its date, when it has one: `29 (2026-06-30)`."""
    return f"{_value(value)} ({as_of})" if as_of and value is not None else _value(value)


def _list(label: str, items: list[str]) -> list[str]:
    return [f"{label}: {', '.join(items)}"] if items else []


def objective_details(change: ObjectiveChange, with_body: bool = True) -> list[str]:
    if change.kind != "changed":
        return []
    lines = [f"renamed from “{change.renamed_from}”"] if change.renamed_from else []
    lines += [line for line in _field_lines(change.fields) if not line.startswith("title:")]
    lines += _list("arrows added to", change.arrows_added) + _list("arrows removed to", change.arrows_removed)
    lines += _list("KPIs added", change.kpis_added) + _list("KPIs removed", change.kpis_removed)
    lines += [_move_text(m) for m in change.kpi_moves]
    lines += _list("initiatives added", change.initiatives_added)
    lines += _list("initiatives removed", change.initiatives_removed)
    lines += [f"initiative “{s.title}”: {s.old} → {s.new}" for s in change.initiative_status]
    lines += [f"initiative {line}" for line in _field_lines(change.initiatives_changed)]
    if change.body and with_body:
        lines.append("description: " + _words(change.body))
    return lines


def team_details(change: TeamChange, with_body: bool = True) -> list[str]:
    if change.kind != "changed":
        return []
    lines = _field_lines(change.fields)
    lines += _list("priorities added", change.priorities_added)
    lines += _list("priorities removed", change.priorities_removed)
    lines += [f"priority re-pointed: {r.old} → {r.new}" for r in change.priorities_repointed]
    for priority in change.priorities_changed:
        parts = []
        if priority.plan and with_body:
            parts.append("plan: " + _words(priority.plan))
        parts += _list("roles added", priority.roles_added) + _list("roles removed", priority.roles_removed)
        parts += _list("roles changed", priority.roles_changed)
        parts += [f"team KPI {k.field}: {_value(k.old)} → {_value(k.new)}" for k in priority.team_kpis]
        lines += [f"priority {priority.objective}: {part}" for part in parts]
    lines += _list("changes added", change.changes_added) + _list("changes removed", change.changes_removed)
    lines += _list("stops doing", change.stop_doing_added)
    lines += _list("no longer stops doing", change.stop_doing_removed)
    lines += [f"change {line}" for line in _field_lines(change.changes_changed)]
    lines += [f"stop doing {line}" for line in _field_lines(change.stop_doing_changed)]
    if change.body and with_body:
        lines.append("plan text: " + _words(change.body))
    return lines


def guidance_details(change, with_body: bool = True) -> list[str]:
    if change.kind != "changed":
        return []
    return (_field_lines(change.fields) + _list("do added", change.do_added) +
            _list("do removed", change.do_removed) + _list("don't added", change.dont_added) +
            _list("don't removed", change.dont_removed) +
            (["text: " + _words(change.body)] if change.body and with_body else []))


def strategy_details(diff: StrategyDiff, with_body: bool = True) -> list[str]:
    lines = _field_lines(diff.strategy)
    lines += _list("imperatives added", diff.imperatives_added)
    lines += _list("imperatives removed", diff.imperatives_removed)
    lines += _field_lines(diff.imperatives_changed)
    lines += [f"tradeoff added: {t}" for t in diff.tradeoffs_added]
    lines += [f"tradeoff removed: {t}" for t in diff.tradeoffs_removed]
    lines += [f"interlock added: {t}" for t in diff.interlocks_added]
    lines += [f"interlock removed: {t}" for t in diff.interlocks_removed]
    if diff.body and with_body:
        lines.append("text: " + _words(diff.body))
    return lines


def _sections(diff: StrategyDiff) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    """(section title, [(headline, detail lines)]) in a fixed order."""
    sections = []
    if diff.strategy_changed:
        sections.append(("Strategy", [("~ strategy", strategy_details(diff))]))
    if diff.objectives:
        sections.append(("Objectives", [(f"{SIGNS[c.kind]} {c.id} {c.title}", objective_details(c))
                                        for c in diff.objectives]))
    if diff.teams:
        sections.append(("Teams", [(f"{SIGNS[c.kind]} {c.slug} ({c.name})", team_details(c))
                                   for c in diff.teams]))
    if diff.guidance:
        sections.append(("Guidance", [(f"{SIGNS[c.kind]} {c.slug} ({c.title})", guidance_details(c))
                                      for c in diff.guidance]))
    return sections


def _one_line(text: str) -> str:
    """Content on one line of output: no line breaks of its own, nothing a terminal or
    a comment would act on (escape sequences, bidirectional overrides)."""
    return printable(re.sub(r"[\r\n\u2028\u2029]+", " ", text))


def diff_as_text(diff: StrategyDiff) -> str:
    lines = [f"Changes from {diff.old or '(nothing)'} to {diff.new}: {diff.summary()}"]
    for title, entries in _sections(diff):
        lines += ["", title]
        for headline, details in entries:
            lines.append(f"  {headline}")
            lines += [f"      {d}" for d in details]
    return "\n".join(_one_line(line) for line in lines)


_ZERO_WIDTH_SPACE = "&#8203;"


def _md(text: str) -> str:
    """Content placed into a pull-request comment, inert: Markdown and HTML escaped, on
    one line, no @mention and no autolinked address."""
    text = _one_line(text).replace("&", "&amp;")
    for character in "\\`*_{}[]<>()#|!~":
        text = text.replace(character, "\\" + character)
    text = text.replace("@", "@" + _ZERO_WIDTH_SPACE)  # no mention notifies anyone
    text = re.sub(r"(?i)(www)\.", r"\1" + _ZERO_WIDTH_SPACE + ".", text)
    return re.sub(r"(?i)([a-z][a-z0-9+.-]*):(?=//)", r"\1:" + _ZERO_WIDTH_SPACE, text)


def diff_as_markdown(diff: StrategyDiff) -> str:
    lines = [f"### Strategy changes: {_md(diff.old or '(nothing)')} → {_md(diff.new)}", "",
             f"**{_md(diff.summary())}**"]
    if diff.kpi_moves:
        lines += ["", "| Objective | KPI | What | Old | New | |", "|---|---|---|---:|---:|---|"]
        for move in diff.kpi_moves:
            verdict = "" if move.better is None else ("better" if move.better else "worse")
            lines.append(f"| {_md(move.objective)} | {_md(move.name)} | {move.field} | "
                         f"{_md(_dated(move.old, move.old_as_of))} | "
                         f"{_md(_dated(move.new, move.new_as_of))} | {verdict} |")
    for title, entries in _sections(diff):
        lines += ["", f"<details><summary><b>{title}</b> ({len(entries)})</summary>", ""]
        for headline, details in entries:
            lines.append(f"- **{_md(headline)}**")
            lines += [f"  - {_md(d)}" for d in details]
        lines += ["", "</details>"]
    return "\n".join(lines)


def diff_as_json(diff: StrategyDiff) -> str:
    data = diff.model_dump(mode="json")
    data["summary"] = diff.summary()
    return json.dumps(data, indent=2, ensure_ascii=False)


def json_schema() -> dict:
    schema = StrategyDiff.model_json_schema()
    schema["properties"]["summary"] = {"type": "string", "description": "The one-line summary."}
    schema["required"] = [*schema.get("required", []), "summary"]
    return schema


DIFF_FORMATS = {"text": diff_as_text, "markdown": diff_as_markdown, "json": diff_as_json}
