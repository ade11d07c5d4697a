"""JSON Schemas for editors, generated from the model (never written by hand)."""

from __future__ import annotations

import ast
import inspect
import itertools
import json
from typing import Any

from .model.content import FILE_KINDS

SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"
_FILE_DESCRIPTIONS = {
    "stratmap.yaml": "The settings of a strategy repository: title, versions, rules, roles.",
    "strategy": "The front matter of content/strategy.md: vision, imperatives, tradeoffs.",
    "objective": "The front matter of content/objectives/<id>.md: an objective and its KPIs.",
    "team": "The front matter of content/teams/<slug>.md: a team's alignment plan.",
    "guidance": "The front matter of content/guidance/<slug>.md: what to do and not to do.",
}


def schema_file_name(kind: str) -> str:
    return "stratmap.schema.json" if kind == "stratmap.yaml" else f"{kind}.schema.json"


# One whole, valid file of each kind (as SPEC §2 shows them): editors offer them, and a
# test checks that each validates against its schema and stratmap's own model.
EXAMPLES: dict[str, dict[str, Any]] = {
    "stratmap.yaml": {
        "title": "Acme Sales Strategy", "base_url": "/", "versions": {"tags": "strategy/*", "draft": "Next"},
        "rules": {"max_priorities_per_team": 3, "at_risk_below": 0.7},
        "repo_url": "https://github.com/acme/strategy",
        "roles": [{"name": "Account Executive", "aliases": ["AE"],
                   "description": "Owns the deal from qualification to close."}]},
    "strategy": {
        "title": "FY2027 Sales Strategy", "organization": "Acme Corp", "period": "FY2027",
        "starts": "2027-01-01", "ends": "2027-12-31",
        "vision": "Be the system of record for mid-market logistics.",
        "revenue_target": {"amount": 48000000, "currency": "USD"},
        "imperatives": [{"id": "win-enterprise", "title": "Win in enterprise accounts"}],
        "tradeoffs": ["We will not chase deals under $10k ARR."],
        "interlocks": [{"function": "Marketing", "commitment": "1,200 enterprise MQLs per quarter"}]},
    "objective": {
        "id": "C2", "title": "Be the trusted advisor of enterprise buyers", "perspective": "customer",
        "imperative": "win-enterprise", "owner": "VP Sales", "drives": ["F1"],
        "kpis": [{"id": "nps", "name": "Enterprise NPS", "unit": "pts", "baseline": 22, "target": 40,
                  "actual": 31, "as_of": "2026-09-30", "milestones": [{"date": "2027-06-30", "target": 31}]}],
        "initiatives": [{"title": "Executive sponsor programme", "owner": "CRO office",
                         "due": "2027-03-31", "status": "in-progress"}]},
    "team": {
        "name": "Enterprise East", "leader": "Dana Ruiz", "reviewed_on": "2026-09-30",
        "priorities": [{"objective": "C2", "plan": "QBRs with the top 20 accounts.",
                        "kpis": [{"kpi": "nps", "target": 42}],
                        "roles": {"Account Executive": "Runs the QBR."}}],
        "changes": [{"kind": "skills", "what": "Value-selling certification for all AEs",
                     "owner": "Enablement", "due": "2026-12-15"}],
        "stop_doing": [{"what": "Discounts above 15% without deal desk", "why": "Protects margin"}]},
    "guidance": {
        "title": "Discovery calls", "applies_to": {"objectives": ["C2"]},
        "do": ["Lead with the buyer's business outcome"], "dont": ["Demo before the pain is qualified"]},
}


def _field_docstrings() -> dict[str, dict[str, str]]:
    """Class name → field → the docstring under the field, in the model's modules."""
    from .model import content, settings
    found: dict[str, dict[str, str]] = {}
    for module in (content, settings):
        tree = ast.parse(inspect.getsource(module))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef):
                continue
            for field, after in itertools.pairwise(node.body):
                if isinstance(field, ast.AnnAssign) and isinstance(field.target, ast.Name) and \
                        isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant) and \
                        isinstance(after.value.value, str):
                    found.setdefault(node.name, {})[field.target.id] = inspect.cleandoc(after.value.value)
    return found


def _describe(schema: dict, root: str, docs: dict[str, dict[str, str]]) -> None:
    """Give every property without a description its field's docstring."""
    for name, part in [(root, schema), *schema.get("$defs", {}).items()]:
        for field, prop in part.get("properties", {}).items():
            if "description" not in prop and field in docs.get(name, {}):
                prop["description"] = docs[name][field]


def schemas() -> dict[str, dict]:
    """File name → JSON Schema, one per kind of file (stratmap.yaml and each front matter)."""
    result = {}
    docs = _field_docstrings()
    for kind, model in FILE_KINDS.items():
        schema = model.model_json_schema(mode="validation")
        _describe(schema, model.__name__, docs)
        schema["$schema"] = SCHEMA_URI
        schema["title"] = f"stratmap {kind}" if kind != "stratmap.yaml" else "stratmap.yaml"
        schema["description"] = _FILE_DESCRIPTIONS[kind]
        schema["examples"] = [EXAMPLES[kind]]
        result[schema_file_name(kind)] = schema
    from .diff.format import json_schema
    diff_schema = json_schema()
    diff_schema["$schema"] = SCHEMA_URI
    diff_schema["title"] = "stratmap diff --format json"
    result["diff.schema.json"] = diff_schema
    return result


def dump(schema: dict) -> str:
    return json.dumps(schema, indent=2, sort_keys=False) + "\n"
