"""Every rule id is declared once (findings/rules.py), emitted only as declared, and
documented in the README; each rule `check` looks for has exactly one function."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from stratmap.check import CHECKS
from stratmap.findings import error, warning
from stratmap.findings.rules import RULES, Severity, UnknownRule

PROJECT = Path(__file__).resolve().parents[1]
PACKAGE = PROJECT / "generator" / "stratmap"

# Where a rule id is written in the source: the first argument of these calls…
_FIRST_ARGUMENT_OF = {"error", "warning", "rule_error", "fail"}


def _emitted_ids() -> dict[str, list[str]]:
    """Each rule id literal the package passes to a finding-making call, or returns as
    the rule of a pydantic error (model/convert.py), with where it is written."""
    found: dict[str, list[str]] = {}

    def note(node: ast.AST, where: str) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.setdefault(node.value, []).append(where)

    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            where = f"{path.relative_to(PACKAGE)}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in _FIRST_ARGUMENT_OF and node.args:
                    note(node.args[0], where)
                elif name == "names_its_rule" and len(node.args) > 1:
                    note(node.args[1], where)
            elif isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple) \
                    and len(node.value.elts) == 2 and path.name == "convert.py":
                note(node.value.elts[0], where)
    return found


def _readme_rules() -> dict[str, str]:
    """rule id → severity, from the table in the README's Rules section."""
    text = (PROJECT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n### Rules\n", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^\| `([a-z0-9-]+)` \| (error|warning) \|", section, re.MULTILINE))


def test_every_emitted_rule_id_is_declared():
    emitted = _emitted_ids()
    assert len(emitted) > 20, "the scan found too few rule ids to be looking in the right places"
    undeclared = {rule: where for rule, where in emitted.items() if rule not in RULES}
    assert not undeclared


def test_every_declared_rule_is_emitted_somewhere():
    emitted = set(_emitted_ids()) | set(CHECKS)
    assert not set(RULES) - emitted, "declared but never reported"


def test_the_readme_documents_exactly_the_declared_rules():
    documented = _readme_rules()
    assert documented == {rule.id: str(rule.severity) for rule in RULES.values()}


def test_each_checked_rule_is_declared_with_one_function():
    assert set(CHECKS) <= set(RULES)
    functions = list(CHECKS.values())
    assert len(functions) == len(set(functions)), "one function may serve only one rule"


def test_a_finding_for_an_undeclared_rule_or_severity_is_refused():
    with pytest.raises(UnknownRule):
        error("no-such-rule", "x", "f.md")
    with pytest.raises(UnknownRule):
        warning("duplicate-id", "declared as an error", "f.md")
    assert error("duplicate-id", "x", "f.md").severity is Severity.ERROR


def test_a_finding_keeps_every_field_through_its_dict_form():
    """A tag's findings are kept as dicts in the cache and read back on every build."""
    from dataclasses import fields

    from stratmap.findings import Finding, Position, warning

    finding = warning("no-kpi", "objective L4 has no KPI", "content/objectives/L4.md", Position(2, 1))
    assert list(finding.to_dict()) == [f.name for f in fields(Finding)]
    assert Finding.from_dict(finding.to_dict()) == finding
