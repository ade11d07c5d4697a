"""JSON Schemas for editors, generated from the model (never written by hand)."""

from __future__ import annotations

import json

from .model.content import FILE_KINDS

SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"


def schema_file_name(kind: str) -> str:
    return "stratmap.schema.json" if kind == "stratmap.yaml" else f"{kind}.schema.json"


def schemas() -> dict[str, dict]:
    """File name → JSON Schema, one per kind of file (stratmap.yaml and each front matter)."""
    result = {}
    for kind, model in FILE_KINDS.items():
        schema = model.model_json_schema(mode="validation")
        schema["$schema"] = SCHEMA_URI
        schema["title"] = f"stratmap {kind}" if kind != "stratmap.yaml" else "stratmap.yaml"
        result[schema_file_name(kind)] = schema
    from .diff.format import json_schema
    diff_schema = json_schema()
    diff_schema["$schema"] = SCHEMA_URI
    diff_schema["title"] = "stratmap diff --format json"
    result["diff.schema.json"] = diff_schema
    return result


def dump(schema: dict) -> str:
    return json.dumps(schema, indent=2, sort_keys=False) + "\n"
