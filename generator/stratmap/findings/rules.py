"""Every rule id stratmap reports, declared once: its severity and what it catches.

A finding can only be made for a rule declared here (`error()` and `warning()` refuse any
other id), and the README's Rules section lists the same ids; tests keep the three in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    catches: str


def _error(rule_id: str, catches: str) -> Rule:
    return Rule(rule_id, Severity.ERROR, catches)


def _warning(rule_id: str, catches: str) -> Rule:
    return Rule(rule_id, Severity.WARNING, catches)


_DECLARED = (
    # Reading files (source/)
    _error("missing-file", "stratmap.yaml, content/strategy.md or the content folder is missing"),
    _error("not-a-file", "a content path that is no regular file inside the strategy folder: "
                         "a link that leads outside, dangles or loops (a content folder too, "
                         "in a tag as in the working tree); a pipe; a folder `*.md`"),
    _error("bad-file-name", "a file name that is not UTF-8 or holds control characters"),
    _error("unreadable-file", "a file the operating system will not let us read"),
    _error("file-too-large", "a file over 2 MiB"),
    _error("not-utf8", "a file that is not UTF-8"),
    _error("empty-file", "an empty content file"),
    _error("no-front-matter", "a content file that does not start with `---`"),
    _error("unclosed-front-matter", "front matter without its closing `---`"),
    _error("bad-yaml", "YAML syntax (tabs included), YAML tags, keys that are not text"),
    _error("duplicate-key", "a key given twice in one mapping"),
    _error("not-a-mapping", "front matter that is not a mapping of `key: value` lines"),
    _error("yaml-too-large", "YAML that expands to too many values"),
    _error("yaml-too-deep", "YAML nested more than 50 deep"),
    # Typing fields (model/)
    _error("missing-field", "a required field left out or left empty (`leader: \"\"`); "
                            "guidance with neither `do` nor `dont`"),
    _error("unknown-field", "a field the format does not have (with a suggestion)"),
    _error("wrong-type", "a value of the wrong type"),
    _error("bad-value", "a value that is not one of those allowed"),
    _error("bad-date", "a date not written as YYYY-MM-DD"),
    _error("bad-number", "NaN, infinity or a number of more than 18 digits"),
    _error("bad-id", "an id that does not start with a letter or holds other characters"),
    _error("bad-slug", "a team slug or file name that is not lower-case letters, digits, `-`"),
    _error("too-long", "an id or slug over 64 characters, a title or name over 200"),
    _error("unsafe-path", "`content_dir` or `theme` outside the repository; an `output_dir` "
                          "that is the repository, a folder above it or one of its folders"),
    _error("bad-url", "a `base_url` that is neither a path nor an http(s) address; a bad "
                      "`repo_url` or `edit_uri`"),
    # Across files (model/ and check/)
    _error("duplicate-id", "an objective, imperative or KPI id used twice"),
    _error("dangling-reference", "a reference to an objective, KPI, imperative, team or "
                                 "perspective that does not exist"),
    _error("cycle", "a cycle in `drives` or in team parents"),
    _error("case-clash", "two objective ids, imperative ids or KPI ids of one objective that "
                         "differ only by case (their pages collide on case-insensitive disks)"),
    _warning("no-kpi", "an objective without a KPI"),
    _warning("no-line-of-sight", "an objective no team has a priority on"),
    _warning("undriven-financial", "a financial objective nothing drives"),
    _warning("arrow-down", "an objective driving one in a lower perspective"),
    _warning("too-many-objectives", "more objectives than `rules.max_objectives`"),
    _warning("stale-actual", "an actual dated more than `rules.actual_max_age_days` before "
                             "the version's date"),
    _warning("no-priorities", "a team plan without priorities"),
    _warning("too-many-priorities", "more priorities than `rules.max_priorities_per_team`"),
    _warning("not-approved", "a team plan without `approved_by`"),
    _warning("changed-after-approval", "a plan whose priorities, changes or stop-doing differ "
                                       "from what was approved"),
    _warning("duplicate-priority", "one objective in two priorities of one team"),
    _warning("unknown-role", "a role a plan names that the `roles` catalog does not have"),
    _warning("stale-review", "a plan not reviewed within `rules.review_every_days`"),
    _warning("no-stop-doing", "a team plan with nothing under `stop_doing`"),
    _warning("broken-link", "a Markdown link to a content file that does not exist"),
    _warning("html-too-deep", "raw HTML nested more than 64 elements deep (the body is shown as plain text)"),
    # Building (build.py)
    _error("tracked-cache", "a `.stratmap-cache` folder committed to the repository"),
    _warning("skipped-tag", "a version tag that points at no commit, or whose folder would "
                            "be reserved or another tag's"),
)

RULES: dict[str, Rule] = {rule.id: rule for rule in _DECLARED}


class UnknownRule(LookupError):
    """A finding made for an undeclared rule id, or with another severity: a bug in
    stratmap, never in the content."""


def declared(rule_id: str, severity: Severity) -> Rule:
    rule = RULES.get(rule_id)
    if rule is None or rule.severity is not severity:
        raise UnknownRule(f"rule `{rule_id}` is not declared as an {severity} in findings/rules.py")
    return rule
