"""How findings are printed: for people (text), tools (json) and GitHub Actions (github)."""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass

from . import Finding, has_errors


@dataclass
class Outcome:
    """What validate says about a tree, as each format prints it."""

    findings: list[Finding]
    strict: bool = False  # warnings fail the run
    checks_skipped: str | None = None  # why the rules across files did not run
    path_prefix: str = ""  # the strategy folder inside the git repository, for annotations

    @property
    def warnings(self) -> int:
        return sum(not f.is_error for f in self.findings)

    @property
    def failed(self) -> bool:
        return has_errors(self.findings) or self.checks_skipped is not None or \
            (self.strict and self.warnings > 0)

    def verdict(self) -> str:
        text = summary(self.findings)
        if self.strict and self.warnings and not has_errors(self.findings):
            text += f"; failing because of {_count(self.warnings, 'warning')} (--strict)"
        return text

    def severity_of(self, finding: Finding) -> str:
        return "error" if self.strict else str(finding.severity)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"


def summary(findings: list[Finding]) -> str:
    if not findings:
        return "no problems found"
    errors = sum(f.is_error for f in findings)
    return f"{_count(errors, 'error')}, {_count(len(findings) - errors, 'warning')}"


def _place(finding: Finding) -> str:
    place = finding.file
    if finding.line:
        place += f":{finding.line}"
        if finding.column:
            place += f":{finding.column}"
    return place


def findings_as_text(findings: list[Finding]) -> str:
    return outcome_as_text(Outcome(findings))


def outcome_as_text(outcome: Outcome) -> str:
    lines = [f"{_place(f)}: {f.severity}: {f.message} [{f.rule}]" for f in outcome.findings]
    if outcome.checks_skipped:
        lines.append(f"note: {outcome.checks_skipped}")
    return "\n".join([*lines, outcome.verdict()])


def outcome_as_json(outcome: Outcome) -> str:
    """{findings: [{severity, rule, message, file, line, column}], failed, strict,
    checks_skipped}; line/column may be null."""
    return json.dumps({"findings": [f.to_dict() for f in outcome.findings], "failed": outcome.failed,
                       "strict": outcome.strict, "checks_skipped": outcome.checks_skipped,
                       "summary": outcome.verdict()}, indent=2)


def _escape_property(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A") \
        .replace(":", "%3A").replace(",", "%2C")


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def outcome_as_github(outcome: Outcome) -> str:
    """GitHub Actions workflow commands: annotations on the pull request's files, whose
    paths are relative to the repository's top, wherever the strategy sits in it. Under
    --strict a warning fails the job, so it is annotated as the error it is."""
    lines = []
    for f in outcome.findings:
        properties = [f"file={_escape_property(posixpath.join(outcome.path_prefix, f.file))}"]
        if f.line:
            properties.append(f"line={f.line}")
        if f.column:
            properties.append(f"col={f.column}")
        properties.append(f"title={_escape_property(f.rule)}")
        lines.append(f"::{outcome.severity_of(f)} {','.join(properties)}::{_escape_data(f.message)}")
    if outcome.checks_skipped:
        lines.append(f"::notice title=checks skipped::{_escape_data(outcome.checks_skipped)}")
    lines.append(outcome.verdict())
    return "\n".join(lines)


OUTCOME_FORMATS = {"text": outcome_as_text, "json": outcome_as_json, "github": outcome_as_github}


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
