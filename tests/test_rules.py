"""One case per rule of SPEC §3: the finding fires, with the right rule, file and line."""

from __future__ import annotations

import pytest

from conftest import run, validate_json

OBJECTIVE = "content/objectives/C1.md"
TEAM = "content/teams/sales.md"
GUIDANCE = "content/guidance/discovery.md"
STRATEGY = "content/strategy.md"


def objective(extra: str = "", *, drives: str = "[F1]", head: str = "id: C1") -> str:
    return (f"---\n{head}\ntitle: Expand\nperspective: customer\nimperative: grow-core\n"
            f"drives: {drives}\nkpis:\n  - {{id: nrr, name: NRR, target: 115, actual: 108}}\n"
            f"{extra}---\nBody.\n")


def team(priorities: str, extra: str = "stop_doing:\n  - what: x\n",
         approval: str = "approved_by: CEO\nreviewed_on: 2026-10-01\n") -> str:
    return f"---\nname: Sales\n{approval}priorities:\n{priorities}{extra}---\n"


BOTH_PRIORITIES = "  - objective: C1\n  - objective: F1\n"

ERRORS = [
    # (rule, file, text, line)
    ("unknown-field", OBJECTIVE, objective("drivs: [F1]\n"), 9),
    ("missing-field", OBJECTIVE, "---\nid: C1\ntitle: Expand\n---\n", 2),
    ("wrong-type", OBJECTIVE, objective().replace("target: 115", "target: lots"), 8),
    ("bad-date", OBJECTIVE, objective("initiatives:\n  - {title: x, due: 2026-13-45}\n"), 10),
    ("bad-id", OBJECTIVE, objective(head="id: ../x"), 2),
    ("duplicate-id", "content/objectives/C1b.md", objective(), 2),
    ("duplicate-id", OBJECTIVE, objective().replace(
        "actual: 108}", "actual: 108}\n  - {id: nrr, name: again, target: 1}"), 9),
    ("dangling-reference", OBJECTIVE, objective(drives="[F1, F9]"), 6),
    ("dangling-reference", OBJECTIVE, objective().replace("grow-core", "grow-cor"), 5),
    ("dangling-reference", OBJECTIVE, objective().replace("customer", "sales"), 4),
    ("dangling-reference", TEAM, team(BOTH_PRIORITIES + "  - objective: C7\n"), 8),
    ("dangling-reference", TEAM, team(BOTH_PRIORITIES + "    kpis:\n      - {kpi: nope, target: 3}\n"), 9),
    ("dangling-reference", TEAM, team(BOTH_PRIORITIES, extra="parent: nobody\nstop_doing: [{what: x}]\n"), 8),
    ("dangling-reference", GUIDANCE, "---\ntitle: T\napplies_to:\n  teams: [sales, nobody]\ndo: [x]\n---\n", 4),
    # F1 → C1 closes the loop C1 → F1; it is reported at C1's arrow, the first file read
    ("cycle", "content/objectives/F1.md", "---\nid: F1\ntitle: R\nperspective: financial\n"
     "drives: [C1]\nkpis: [{id: a, name: A, target: 1}]\n---\n", 6),
    ("missing-field", GUIDANCE, "---\ntitle: T\n---\n", 2),
    ("bad-yaml", OBJECTIVE, "---\nid: C1\n\ttitle: x\n---\n", 3),
    ("duplicate-key", OBJECTIVE, objective("title: Again\n"), 9),
    ("bad-slug", "content/teams/Big_Team.md", team(BOTH_PRIORITIES), 1),
    ("bad-slug", TEAM, team(BOTH_PRIORITIES, extra="parent: Not_A_Slug\n"), 8),
]


@pytest.mark.parametrize("rule, relpath, text, line", ERRORS,
                         ids=[f"{case[0]}-{i}" for i, case in enumerate(ERRORS)])
def test_error_rule_fires_at_its_line(repo, rule, relpath, text, line):
    repo.write(relpath, text)
    code, findings = validate_json(repo.root)
    assert code == 1
    matching = [f for f in findings if f["rule"] == rule and f["severity"] == "error"]
    assert matching, findings
    expected_file = OBJECTIVE if rule == "cycle" else relpath
    assert (matching[0]["file"], matching[0]["line"]) == (expected_file, line)


FINANCIAL_DRIVING_C1 = ("---\nid: F1\ntitle: R\nperspective: financial\ndrives: [C1]\n"
                        "kpis: [{id: a, name: A, target: 1}]\n---\n")

WARNINGS = [
    # (rule, files to write, (file, line) of the finding)
    ("no-kpi", {OBJECTIVE: objective().replace(
        "kpis:\n  - {id: nrr, name: NRR, target: 115, actual: 108}\n", "")}, (OBJECTIVE, 2)),
    ("no-line-of-sight", {TEAM: team("  - objective: F1\n")}, (OBJECTIVE, 2)),
    ("too-many-priorities", {TEAM: team(BOTH_PRIORITIES * 2)}, (TEAM, 5)),
    ("no-priorities", {TEAM: team("").replace("priorities:\n", "priorities: []\n")}, (TEAM, 2)),
    ("not-approved", {TEAM: team(BOTH_PRIORITIES, approval="")}, (TEAM, 2)),
    ("stale-review", {TEAM: team(BOTH_PRIORITIES, approval="approved_by: CEO\n"
                                 "reviewed_on: 2026-01-01\n")}, (TEAM, 4)),
    ("arrow-down", {OBJECTIVE: objective(drives="[]"), "content/objectives/F1.md": FINANCIAL_DRIVING_C1},
     ("content/objectives/F1.md", 5)),
    ("undriven-financial", {OBJECTIVE: objective(drives="[]")}, ("content/objectives/F1.md", 2)),
    ("no-stop-doing", {TEAM: team(BOTH_PRIORITIES, extra="")}, (TEAM, 2)),
    ("stale-actual", {OBJECTIVE: objective().replace("actual: 108}", "actual: 108, as_of: 2026-01-15}")},
     (OBJECTIVE, 8)),
    ("stale-actual", {TEAM: team("  - objective: F1\n  - objective: C1\n    kpis:\n      - {kpi: nrr, "
                                 "target: 3, actual: 2, as_of: 2026-01-15}\n")}, (TEAM, 9)),
    ("broken-link", {STRATEGY: "---\ntitle: S\nimperatives: [{id: grow-core, title: G}]\n---\n"
                     "Intro.\n\nSee [the plan](teams/nowhere.md).\n"}, (STRATEGY, 7)),
]


@pytest.mark.parametrize("rule, files, place", WARNINGS, ids=[c[0] for c in WARNINGS])
def test_warning_rule_fires_and_strict_fails(repo, rule, files, place):
    for relpath, text in files.items():
        repo.write(relpath, text)
    code, findings = validate_json(repo.root)
    assert code == 0
    matching = [f for f in findings if f["rule"] == rule]
    assert matching and all(f["severity"] == "warning" for f in matching), findings
    assert (matching[0]["file"], matching[0]["line"]) == place
    strict_code, _ = validate_json(repo.root, "--strict")
    assert strict_code == 1


def test_too_many_objectives_is_a_warning(repo):
    repo.write("stratmap.yaml", "rules: {max_objectives: 1}\n")
    code, findings = validate_json(repo.root)
    assert code == 0
    assert [f["file"] for f in findings if f["rule"] == "too-many-objectives"] == [STRATEGY]


def test_the_minimal_fixture_is_clean(repo):
    assert validate_json(repo.root) == (0, [])


def test_cycle_message_names_the_cycle(repo):
    repo.write("content/objectives/F1.md", "---\nid: F1\ntitle: R\nperspective: financial\n"
               "drives: [C1]\nkpis: [{id: a, name: A, target: 1}]\n---\n")
    _, findings = validate_json(repo.root)
    cycle = next(f for f in findings if f["rule"] == "cycle")
    assert "C1 → F1 → C1" in cycle["message"] or "F1 → C1 → F1" in cycle["message"]


def test_unknown_field_suggests_the_known_one(repo):
    repo.write(OBJECTIVE, objective("drivs: [F1]\n"))
    _, findings = validate_json(repo.root)
    assert "did you mean `drives`?" in findings[0]["message"]


def test_review_date_is_measured_against_as_of(repo):
    late = run("validate", str(repo.root), "--as-of", "2027-06-01")
    assert "[stale-review]" in late.output and late.exit_code == 0


def _strategy_with_body(body: str) -> str:
    return "---\ntitle: S\nimperatives: [{id: grow-core, title: G}]\n---\n" + body


def test_reference_style_link_to_a_missing_objective_is_a_broken_link(repo):
    repo.write(STRATEGY, _strategy_with_body("Intro.\n\nSee [the objective][m].\n\n"
                                             "[m]: objectives/C8.md\n"))
    _, findings = validate_json(repo.root)
    broken = [f for f in findings if f["rule"] == "broken-link"]
    assert [(f["line"], f["message"]) for f in broken] == [
        (7, "link to `objectives/C8.md`: no such content file")]


def test_links_are_found_where_markdown_finds_them(repo):
    """In a table cell and a list: reported. In a code span or block: not a link at all."""
    repo.write(STRATEGY, _strategy_with_body(
        "| who | plan |\n|---|---|\n| x | [plan](teams/gone.md) |\n\n"
        "- one\n  [two](objectives/C9.md)\n\n"
        "`[code](teams/none.md)`\n\n    [indented](teams/none.md)\n\n"
        "[ok](objectives/C1.md) and [ok too][c1]\n\n[c1]: objectives/C1.md#kpis\n"))
    _, findings = validate_json(repo.root)
    broken = [(f["line"], f["column"], f["message"].split("`")[1])
              for f in findings if f["rule"] == "broken-link"]
    assert broken == [(7, 14, "teams/gone.md"), (10, 9, "objectives/C9.md")]


def test_a_link_that_spells_md_with_an_escape_is_still_checked(repo):
    """`%2Emd` and `&#46;md` name a content file once unescaped, as the site reads them."""
    repo.write(STRATEGY, _strategy_with_body("[a](objectives/C8%2Emd) and [b](teams/gone&#46;md)\n"))
    _, findings = validate_json(repo.root)
    assert sorted(f["message"].split("`")[1] for f in findings if f["rule"] == "broken-link") == \
        ["objectives/C8%2Emd", "teams/gone.md"]
