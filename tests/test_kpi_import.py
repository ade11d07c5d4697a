"""`stratmap kpi import`: real CSV files into real repositories, all or nothing, every
byte not edited kept (comments, quoting, flow style, the Markdown body)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, run, snapshot, validate_json

IMPORT = FIXTURES / "kpi-import"
OBJECTIVE, TEAM = "content/objectives/C1.md", "content/teams/sales.md"


@pytest.fixture
def importing(repo):
    """The minimal repository with the import fixture's objective and team files."""
    repo.write(OBJECTIVE, (IMPORT / "objective-before.md").read_text())
    repo.write(TEAM, (IMPORT / "team-before.md").read_text())
    assert validate_json(repo.root)[0] == 0
    return repo


def kpi_import(repo, csv_text: str | bytes, *args: str):
    csv_file = repo.root.parent / "export.csv"
    if isinstance(csv_text, bytes):
        csv_file.write_bytes(csv_text)
    else:
        csv_file.write_text(csv_text, encoding="utf-8")
    return run("kpi", "import", str(csv_file), "--dir", str(repo.root), "--date", "2026-10-31", *args)


def test_an_import_changes_only_the_values_and_keeps_every_other_byte(importing):
    result = kpi_import(importing, (IMPORT / "export.csv").read_text())
    assert result.exit_code == 0, result.output
    assert (importing.root / OBJECTIVE).read_text() == (IMPORT / "objective-after.md").read_text()
    assert (importing.root / TEAM).read_text() == (IMPORT / "team-after.md").read_text()
    assert "C1/nrr: 108 (2026-09-30) → 110.5 (2026-10-31); 1 to history" in result.output
    assert validate_json(importing.root) == (0, [])


def test_export_headers_are_mapped_with_columns(importing):
    export = ('"Objective ID","Metric","Value","As of"\n'
              'C1,nrr,111,2026-10-15\n')
    result = kpi_import(importing, export, "--columns",
                        "objective=Objective ID,kpi=Metric,value=Value,date=As of")
    assert result.exit_code == 0, result.output
    text = (importing.root / OBJECTIVE).read_text()
    assert "    actual: 111\n    as_of: 2026-10-15\n" in text


def test_a_dry_run_prints_the_diff_and_writes_nothing(importing):
    before = snapshot(importing.root)
    result = kpi_import(importing, "objective,kpi,value\nC1,nrr,111\n", "--dry-run")
    assert result.exit_code == 0, result.output
    assert ("-    actual: 108\n-    as_of: 2026-09-30\n+    actual: 111\n+    as_of: 2026-10-31\n"
            in result.output) and "nothing was written" in result.output
    assert snapshot(importing.root) == before


def test_rows_for_one_kpi_on_several_dates_fill_its_history(importing):
    export = "objective,kpi,value,date\nC1,nrr,109,2026-10-15\nC1,nrr,111,2026-10-31\nC1,nrr,106,2026-07-31\n"
    assert kpi_import(importing, export).exit_code == 0
    text = (importing.root / OBJECTIVE).read_text()
    assert ("    actual: 111\n    as_of: 2026-10-31\n    history:\n"
            "      - {date: 2026-06-30, value: 104}\n      - {date: 2026-07-31, value: 106}\n"
            "      - {date: 2026-09-30, value: 108}\n      - {date: 2026-10-15, value: 109}\n") in text


def test_an_actual_without_a_date_is_replaced_not_kept(repo):
    assert kpi_import(repo, "objective,kpi,value\nF1,arr,12\n").exit_code == 0
    text = (repo.root / "content/objectives/F1.md").read_text()
    assert "actual: 12, as_of: 2026-10-31}" in text and "history" not in text


def test_a_byte_order_mark_is_no_part_of_the_header(importing):
    result = kpi_import(importing, "\ufeffobjective,kpi,value\nC1,nrr,111\n".encode())
    assert result.exit_code == 0, result.output
    assert "actual: 111" in (importing.root / OBJECTIVE).read_text()


@pytest.mark.parametrize("export, says", [
    ("objective,kpi,value\nC9,nrr,1\n", "line 2: no objective `C9`"),
    ("objective,kpi,value\nC1,nope,1\n", "objective C1 has no KPI `nope` (its KPIs: nrr, logos)"),
    ("objective,kpi,value,team\nC1,nrr,1,nobody\n", "no team `nobody`"),
    ("objective,kpi,value,team\nC1,logos,1,sales\n", "team sales has no target for C1/logos"),
    ("objective,kpi,value\nC1,nrr,\"12,5\"\n", "export.csv:2: `12,5` is not a number (a decimal comma?"),
    ("objective,kpi,value\nC1,nrr,1.234.5\n", "`1.234.5` is not a number"),
    ("objective,kpi,value\nC1,nrr,$12\n", "`$12` is not a number"),
    ("objective,kpi,value,date\nC1,nrr,1,31/10/2026\n", "`31/10/2026` is not a date"),
    ("objective,value\nC1,1\n", "export.csv:1: no column `kpi`"),
    ("objective,kpi,value\nC1,nrr,1\nC1,nrr,2\n", "C1/nrr is given twice for one date (lines 2, 3)"),
    ("", "the file is empty"),
    ("objective,kpi,value\n", "a header but no rows"),
    ("objective;kpi;value\nC1;nrr;1\n", "separated by `;`"),
    ("objective,kpi,value\nC1,nrr,1\nC1,logos,-5\nC9,x,1\n", "no objective `C9`"),  # all or nothing
    ("objective,kpi,value,team,comment\nC1,nrr,1,sales,why\n", "a comment belongs to the objective"),
])
def test_every_error_names_its_line_and_leaves_every_file_untouched(importing, export, says):
    before = snapshot(importing.root)
    result = kpi_import(importing, export)
    assert result.exit_code == 1
    assert says in result.output and "nothing was written" in result.output
    assert snapshot(importing.root) == before


def test_a_semicolon_export_imports_with_its_delimiter(importing):
    result = kpi_import(importing, "objective;kpi;value\nC1;nrr;111\n", "--delimiter", ";")
    assert result.exit_code == 0, result.output


def test_a_strategy_that_does_not_validate_is_not_touched(importing):
    """An import starts from a strategy that validates, and leaves one that does."""
    text = (importing.root / OBJECTIVE).read_text().replace("  - id: nrr\n", "  - id: nrr\n    bogus: 1\n")
    importing.write(OBJECTIVE, text)
    before = snapshot(importing.root)
    result = kpi_import(importing, "objective,kpi,value\nC1,nrr,1\n")
    assert result.exit_code == 1 and "does not validate" in result.output
    assert snapshot(importing.root) == before


ROW = st.tuples(st.sampled_from([("C1", "nrr"), ("C1", "logos"), ("F1", "arr")]),
                st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).map(lambda v: round(v, 3)),
                st.dates(dt.date(2025, 1, 1), dt.date(2026, 10, 31)))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(ROW, min_size=1, max_size=6, unique_by=lambda r: (r[0], r[2])))
def test_any_valid_rows_import_and_the_strategy_still_validates(tmp_path_factory, rows):
    import shutil

    from conftest import Repo
    repo = Repo(tmp_path_factory.mktemp("prop") / "strategy")
    shutil.copytree(FIXTURES / "minimal", repo.root)
    repo.write(OBJECTIVE, (IMPORT / "objective-before.md").read_text())
    export = "objective,kpi,value,date\n" + "".join(f"{o},{k},{v!r},{d}\n" for (o, k), v, d in rows)
    result = kpi_import(repo, export)
    assert result.exit_code == 0, result.output
    code, findings = validate_json(repo.root)
    assert code == 0 and not [f for f in findings if f["severity"] == "error"], findings


def test_files_edited_by_parallel_workers_come_out_the_same(importing, monkeypatch):
    import stratmap.kpi_import

    monkeypatch.setattr(stratmap.kpi_import, "PARALLEL_FROM", 1)  # the 300-team import forks workers
    result = kpi_import(importing, (IMPORT / "export.csv").read_text())
    assert result.exit_code == 0, result.output
    assert (importing.root / OBJECTIVE).read_text() == (IMPORT / "objective-after.md").read_text()
    assert (importing.root / TEAM).read_text() == (IMPORT / "team-after.md").read_text()
    assert "C1/nrr for team sales: 109 → 112 (2026-10-31)" in result.output


def test_a_file_that_would_be_reformatted_is_refused(importing):
    """Lists indented by four: written back, every list would move, not only the KPI's."""
    text = (IMPORT / "objective-before.md").read_text().replace("\n  ", "\n    ")
    text = text.replace("---\nExpansion", "initiatives:\n    - {title: Reviews}\n---\nExpansion")
    importing.write(OBJECTIVE, text)
    assert validate_json(importing.root)[0] == 0
    before = snapshot(importing.root)
    result = kpi_import(importing, "objective,kpi,value\nC1,nrr,111\n")
    assert result.exit_code == 1, result.output
    assert "writing it back would also change line" in result.output and "nothing was written" in result.output
    assert snapshot(importing.root) == before
