"""How `stratmap diff` prints a StrategyDiff: text for a terminal, Markdown for a
pull-request comment, JSON (the StrategyDiff models) for tools."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..findings import printable
from ..model.approval import ApprovalState
from .compute import (
    FieldChange,
    KpiMove,
    KpiTarget,
    ObjectiveChange,
    StrategyDiff,
    TeamChange,
    WordDiff,
    count,
)

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


# the words a reader knows for the fields whose names are not plain English
FIELD_LABELS = {
    "approved_by": "approved by", "approved_on": "approval date", "approved_digest": "approval",
    "reviewed_on": "last review", "as_of": "date of the actual", "history points": "earlier actuals",
    "at_risk_below": "at-risk threshold", "revenue_target": "revenue target", "parent": "part of",
    "due": "due date", "drives": "drives", "stop_doing": "stop doing", "applies_to": "applies to",
}


def field_label(name: str) -> str:
    """`approved_on` → `approval date`; a prefix naming the item (`“Training” owner`,
    `grow-core.title`) is kept, the field itself put in words."""
    prefix, _, field = name.rpartition("” ")
    if not prefix and "." in name:
        prefix, _, field = name.rpartition(".")
        prefix = f"“{prefix}"
    label = FIELD_LABELS.get(field, field.replace("_", " "))
    return f"{prefix}” {label}" if prefix else label


def _field_lines(fields: Iterable[FieldChange], names: dict[str, str] | None = None) -> list[str]:
    """`label: old → new`; `names` turns slugs into names (a team's `parent`)."""
    def shown(value: Any) -> str:
        return names.get(value, _value(value)) if names and isinstance(value, str) else _value(value)
    return [f"{field_label(f.field)}: {shown(f.old)} → {shown(f.new)}" for f in fields]


def _with_unit(value: object, unit: str) -> str:
    shown = _value(value)
    return f"{shown} {unit}" if unit and isinstance(value, (int, float)) else shown


_MEASURED_IN_UNITS = {"target", "actual", "baseline"}


def move_verdict(move: KpiMove) -> str:
    """Targets are raised or lowered; only actuals get better or worse."""
    if move.field == "target" and isinstance(move.old, (int, float)) and isinstance(move.new, (int, float)):
        return "raised" if move.new > move.old else "lowered"
    if move.better is None:
        return ""
    return "better" if move.better else "worse"


def move_value(move: KpiMove, side: str) -> str:
    """One side of a move, with its unit and, for an actual, its date: `29 % (2026-06-30)`."""
    value, as_of = (move.old, move.old_as_of) if side == "old" else (move.new, move.new_as_of)
    shown = _with_unit(value, move.unit) if move.field in _MEASURED_IN_UNITS else _value(value)
    return f"{shown} ({as_of})" if as_of and value is not None else shown


def _move_text(move: KpiMove) -> str:
    verdict = move_verdict(move)
    return (f"KPI {move.name} {field_label(move.field)}: {move_value(move, 'old')} → {move_value(move, 'new')}"
            + (f" ({verdict})" if verdict else ""))


def _kpi_target_text(kpi: KpiTarget) -> str:
    aim = f"target {_with_unit(kpi.target, kpi.unit)}"
    if kpi.baseline is not None:
        aim += f" from {_with_unit(kpi.baseline, kpi.unit)}"
    return f"KPI {kpi.name}: {aim}" + (f", due {kpi.due}" if kpi.due else "")


def _list(label: str, items: Iterable[str]) -> list[str]:
    items = list(items)
    return [f"{label}: {', '.join(items)}"] if items else []


def _labels(diff: StrategyDiff | None, ids: list[str]) -> list[str]:
    return [diff.objective_label(i) if diff else i for i in ids]


def objective_details(change: ObjectiveChange, diff: StrategyDiff | None = None,
                      with_body: bool = True) -> list[str]:
    if change.kind == "removed":
        return []
    lines = []
    if change.kind == "added":
        lines.append(f"perspective: {change.perspective}" + (f"; owner: {change.owner}" if change.owner else ""))
    if change.renamed_from:
        lines.append(f"renamed from “{change.renamed_from}”")
    lines += [line for line in _field_lines(change.fields) if not line.startswith("title:")]
    drives = "drives" if change.kind == "added" else "now drives"
    lines += _list(drives, _labels(diff, change.arrows_added))
    lines += _list("no longer drives", _labels(diff, change.arrows_removed))
    lines += [_kpi_target_text(k) for k in change.kpi_targets]
    lines += _list("KPIs removed", change.kpis_removed)
    # a comment is Markdown: pages show it rendered (in their KPI table), not as source here
    lines += [_move_text(m) if with_body or m.field != "comment" else f"KPI {m.name}: new comment"
              for m in change.kpi_moves]
    lines += _list("initiatives added" if change.kind == "changed" else "initiatives",
                   change.initiatives_added)
    lines += _list("initiatives removed", change.initiatives_removed)
    lines += [f"initiative “{s.title}”: {s.old} → {s.new}" for s in change.initiative_status]
    lines += [f"initiative {line}" for line in _field_lines(change.initiatives_changed)]
    if change.body and with_body:
        lines.append("description: " + _words(change.body))
    return lines


def approval_text(change: TeamChange) -> str:
    if change.approval is ApprovalState.DRAFT:
        return "approval: none yet (a draft plan)"
    when = f" on {change.approved_on}" if change.approved_on else ""
    if change.approval is ApprovalState.CHANGED:
        return f"approval: CHANGED WITHOUT NEW APPROVAL (last approved by {change.approved_by}{when})"
    return f"approval: approved by {change.approved_by}{when}"


def team_details(change: TeamChange, diff: StrategyDiff | None = None,
                 with_body: bool = True) -> list[str]:
    if change.kind == "removed":
        return []
    if change.kind == "added":
        lines = [f"leader: {change.leader}"] if change.leader else []
        lines.append(approval_text(change))
        lines += [f"priority {n}: {label}" for n, label in
                  enumerate(_labels(diff, change.priorities_added), start=1)]
        lines += _list("changes", change.changes_added)
        lines += _list("stops doing", change.stop_doing_added)
        return lines
    lines = [approval_text(change)] if change.approval is ApprovalState.CHANGED else []
    lines += _field_lines((f for f in change.fields if f.field != "approved_digest"),
                          diff.team_names if diff else None)
    lines += _list("priorities added", _labels(diff, change.priorities_added))
    lines += _list("priorities removed", _labels(diff, change.priorities_removed))
    lines += [f"priority re-pointed: {old} → {new}" for old, new in
              zip(_labels(diff, [r.old for r in change.priorities_repointed]),
                  _labels(diff, [r.new for r in change.priorities_repointed]), strict=True)]
    for priority in change.priorities_changed:
        parts = []
        if priority.plan and with_body:
            parts.append("plan: " + _words(priority.plan))
        parts += _list("roles added", priority.roles_added) + _list("roles removed", priority.roles_removed)
        parts += _list("roles changed", priority.roles_changed)
        parts += [_team_kpi_text(k) for k in priority.team_kpis]
        label = _labels(diff, [priority.objective])[0]
        lines += [f"priority {label}: {part}" for part in parts]
    lines += _list("changes added", change.changes_added) + _list("changes removed", change.changes_removed)
    lines += _list("stops doing", change.stop_doing_added)
    lines += _list("no longer stops doing", change.stop_doing_removed)
    lines += [f"change {line}" for line in _field_lines(change.changes_changed)]
    lines += [f"stop doing {line}" for line in _field_lines(change.stop_doing_changed)]
    if change.body and with_body:
        lines.append("plan text: " + _words(change.body))
    return lines


def _team_kpi_text(change: FieldChange) -> str:
    """A team's target for a KPI set, dropped, or moved (its target, actual, date)."""
    old, new = change.old or {}, change.new or {}
    if not old:
        return f"team target for KPI {change.field} set: {_value(new.get('target'))}"
    if not new:
        return f"team target for KPI {change.field} dropped"
    moved = [f"{field_label(name)} {_value(old.get(name))} → {_value(new.get(name))}"
             for name in ("target", "actual", "as_of") if old.get(name) != new.get(name)]
    return f"team KPI {change.field}: {'; '.join(moved)}"


def guidance_details(change, diff: StrategyDiff | None = None, with_body: bool = True) -> list[str]:
    if change.kind != "changed":
        return []
    return (_field_lines(change.fields) + _list("do added", change.do_added) +
            _list("do removed", change.do_removed) + _list("don't added", change.dont_added) +
            _list("don't removed", change.dont_removed) +
            (["text: " + _words(change.body)] if change.body and with_body else []))


def strategy_details(diff: StrategyDiff, with_body: bool = True) -> list[str]:
    lines = _field_lines(diff.strategy)
    lines += _list("imperatives added", map(diff.imperative_label, diff.imperatives_added))
    lines += _list("imperatives removed", map(diff.imperative_label, diff.imperatives_removed))
    lines += _field_lines(diff.imperatives_changed)
    lines += [f"tradeoff added: {t}" for t in diff.tradeoffs_added]
    lines += [f"tradeoff removed: {t}" for t in diff.tradeoffs_removed]
    lines += [f"interlock added: {t}" for t in diff.interlocks_added]
    lines += [f"interlock removed: {t}" for t in diff.interlocks_removed]
    if diff.body and with_body:
        lines.append("text: " + _words(diff.body))
    return lines


@dataclass
class Section:
    """One part of a diff as printed: a title and entries (a headline, detail lines), or
    plain lines; `collapsed` is what it shrinks to when a comment must be cut short."""

    title: str
    entries: list[tuple[str, list[str]]]
    collapsed: str


def _sections(diff: StrategyDiff) -> list[Section]:
    """The parts of a diff, most important first: what a reviewer must act on (findings,
    plans changed without approval), then what moved, then the rest."""
    sections = []
    if diff.findings:
        errors = sum(f.severity == "error" for f in diff.findings)
        sections.append(Section("Problems this change introduces", [
            (f"{f.severity}: {f.file}{f':{f.line}' if f.line else ''}: {f.message} [{f.rule}]", [])
            for f in diff.findings], f"{errors} errors and {len(diff.findings) - errors} warnings"))
    unapproved = diff.changed_without_approval
    if unapproved:
        sections.append(Section("Changed without new approval", [
            (f"{t.name} ({t.slug}): last approved by {t.approved_by}"
             + (f" on {t.approved_on}" if t.approved_on else ""), []) for t in unapproved],
            f"{len(unapproved)} team plans"))
    if diff.strategy_changed:
        sections.append(Section("Strategy", [("~ strategy", strategy_details(diff))], "the strategy changed"))
    if diff.objectives:
        sections.append(Section("Objectives", [
            (f"{SIGNS[c.kind]} {c.title} ({c.id})", objective_details(c, diff)) for c in diff.objectives],
            count(len(diff.objectives), "objective")))
    teams = [t for t in diff.teams if not t.only_redated]
    redated = diff.redated_teams
    if teams or redated:
        entries = [(f"{SIGNS[c.kind]} {c.name} ({c.slug})", team_details(c, diff)) for c in teams]
        if redated:
            entries.append((f"reviewed with no change to the plan: "
                            f"{', '.join(t.name for t in redated)}", []))
        sections.append(Section("Teams", entries, count(len(diff.teams), "team")))
    if diff.guidance:
        sections.append(Section("Guidance", [
            (f"{SIGNS[c.kind]} {c.title} ({c.slug})", guidance_details(c, diff)) for c in diff.guidance],
            count(len(diff.guidance), "guidance topic")))
    return sections


def _one_line(text: str) -> str:
    """Content on one line of output: no line breaks of its own, nothing a terminal or
    a comment would act on (escape sequences, bidirectional overrides)."""
    return printable(re.sub(r"[\r\n\u2028\u2029]+", " ", text))


def _kpi_section(diff: StrategyDiff) -> Section | None:
    if not diff.kpi_moves:
        return None
    return Section("KPI moves", [(_move_text(m) + f" — {diff.objective_label(m.objective)}", [])
                                 for m in diff.kpi_moves], count(len(diff.kpi_moves), "KPI move"))


def _in_order(diff: StrategyDiff) -> list[Section]:
    """Every section in the order they are shown: findings and approvals first."""
    sections = _sections(diff)
    kpis = _kpi_section(diff)
    if kpis:
        after = sum(s.title in ("Problems this change introduces", "Changed without new approval")
                    for s in sections)
        sections.insert(after, kpis)
    return sections


def diff_as_text(diff: StrategyDiff) -> str:
    lines = [f"Changes from {diff.old or '(nothing)'} to {diff.new}: {diff.summary()}"]
    for section in _in_order(diff):
        lines += ["", section.title]
        for headline, details in section.entries:
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


# GitHub refuses a comment over 65,536 characters; leave room for what CI adds around it
COMMENT_LIMIT = 60_000
SHOWN_WHEN_CUT = 20  # findings listed when the comment has to be cut short
_OPEN_SECTIONS = ("Problems this change introduces", "Changed without new approval")


def _markdown_section(section: Section, diff: StrategyDiff) -> str:
    if section.title == "KPI moves":
        rows = ["| Objective | KPI | What | Old | New | |", "|---|---|---|---:|---:|---|"]
        rows += [f"| {_md(diff.objective_label(m.objective))} | {_md(m.name)} | {m.field} | "
                 f"{_md(move_value(m, 'old'))} | {_md(move_value(m, 'new'))} | {move_verdict(m)} |"
                 for m in diff.kpi_moves]
        body = "\n".join(rows)
    else:
        items = []
        for headline, details in section.entries:
            items.append(f"- **{_md(headline)}**")
            items += [f"  - {_md(d)}" for d in details]
        body = "\n".join(items)
    if section.title in _OPEN_SECTIONS:
        return f"#### {section.title} ({len(section.entries)})\n\n{body}"
    return f"<details><summary><b>{section.title}</b> ({len(section.entries)})</summary>\n\n{body}\n\n</details>"


def _collapsed_section(section: Section) -> str:
    if section.title == "Problems this change introduces":
        shown = "\n".join(f"- **{_md(h)}**" for h, _ in section.entries[:SHOWN_WHEN_CUT])
        rest = len(section.entries) - SHOWN_WHEN_CUT
        return (f"#### {section.title} ({len(section.entries)})\n\n{shown}"
                + (f"\n- … and {rest} more: run `stratmap validate`" if rest > 0 else ""))
    return f"**{section.title}**: {_md(section.collapsed)} (left out to fit the comment)"


def diff_as_markdown(diff: StrategyDiff, limit: int = COMMENT_LIMIT) -> str:
    """A pull-request comment: the summary, what to act on, then the rest. Over `limit`
    characters, the least important sections shrink to counts, and a line says so."""
    head = [f"### Strategy changes: {_md(diff.old or '(nothing)')} → {_md(diff.new)}", "",
            f"**{_md(diff.summary())}**"]
    sections = _in_order(diff)
    blocks = [_markdown_section(s, diff) for s in sections]
    cut: list[str] = []

    def text() -> str:
        note = [] if not cut else ["", f"_Cut to fit a comment: {', '.join(cut)} shown as counts. "
                                       "Run `stratmap diff --format markdown` for all of it._"]
        return "\n\n".join(["\n".join(head + note), *blocks])

    # least important first: guidance, teams, objectives, strategy, KPI moves, approvals, findings
    for index in reversed(range(len(sections))):
        if len(text()) <= limit:
            break
        blocks[index] = _collapsed_section(sections[index])
        cut.insert(0, sections[index].title)
    result = text()
    if len(result) > limit:  # only a summary this long is left: say where it stops
        result = result[:limit - 80].rsplit("\n", 1)[0] + "\n\n_… cut at the comment's limit._"
    return result


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
