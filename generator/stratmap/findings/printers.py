"""How findings are printed: for people (text), tools (json) and GitHub Actions (github)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from . import Finding


def summary(findings: list[Finding]) -> str:
    errors = sum(f.is_error for f in findings)
    warnings = len(findings) - errors
    if not findings:
        return "no problems found"
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def _place(finding: Finding) -> str:
    place = finding.file
    if finding.line:
        place += f":{finding.line}"
        if finding.column:
            place += f":{finding.column}"
    return place


def findings_as_text(findings: list[Finding]) -> str:
    lines = [f"{_place(f)}: {f.severity}: {f.message} [{f.rule}]" for f in findings]
    return "\n".join([*lines, summary(findings)])


def findings_as_json(findings: list[Finding]) -> str:
    """A list of {severity, rule, message, file, line, column}; line/column may be null."""
    return json.dumps([f.to_dict() for f in findings], indent=2)


def _escape_property(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A") \
        .replace(":", "%3A").replace(",", "%2C")


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def findings_as_github(findings: list[Finding]) -> str:
    """GitHub Actions workflow commands: annotations on the pull request's files."""
    lines = []
    for f in findings:
        properties = [f"file={_escape_property(f.file)}"]
        if f.line:
            properties.append(f"line={f.line}")
        if f.column:
            properties.append(f"col={f.column}")
        properties.append(f"title={_escape_property(f.rule)}")
        lines.append(f"::{f.severity} {','.join(properties)}::{_escape_data(f.message)}")
    lines.append(summary(findings))
    return "\n".join(lines)


FINDING_FORMATS = {"text": findings_as_text, "json": findings_as_json, "github": findings_as_github}


@dataclass
class VersionFindings:
    """What one version's validation says, as the build prints it."""

    label: str  # a tag, "draft Next" or "working tree"
    findings: list[Finding]
    skipped: bool = False  # a tagged version left out of the site because it does not validate

    def to_dict(self) -> dict:
        return {"label": self.label, "skipped": self.skipped,
                "findings": [f.to_dict() for f in self.findings]}

    @classmethod
    def from_dict(cls, data: dict) -> "VersionFindings":
        return cls(data["label"], [Finding.from_dict(f) for f in data["findings"]], data["skipped"])


def by_version(reports: list[VersionFindings]) -> str:
    """Findings of a build, under a heading per version when there are several."""
    blocks = []
    for report in reports:
        if not report.findings and not report.skipped:
            continue
        lines = [findings_as_text(report.findings)]
        if len(reports) > 1:
            verdict = " (skipped: it does not validate)" if report.skipped else ""
            lines.insert(0, f"== {report.label}{verdict}")
        blocks.append("\n".join(lines))
    return "\n".join(blocks)
