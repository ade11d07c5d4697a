"""Reused pages are exactly what a clean build would write: edit every kind of file, build
incrementally, and compare with a build from scratch, byte for byte."""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager

import pytest

from conftest import copy_demo, snapshot
from stratmap.build import BuildOptions, build_site

EDITS = {
    "team plan text": ("content/teams/enterprise-east.md", "Northeast and Southeast", "Northeast"),
    "priority plan": ("content/teams/enterprise-east.md", "before the proposal.", "before any proposal."),
    "team priority": ("content/teams/enterprise-east.md", "objective: L1", "objective: L2"),
    "team kpi target": ("content/teams/enterprise-east.md", "{kpi: nps, target: 42", "{kpi: nps, target: 45"),
    "team role": ("content/teams/sales-development.md", "six-touch", "seven-touch"),
    "team name": ("content/teams/enterprise.md", "name: Enterprise Sales", "name: Enterprise"),
    "team parent": ("content/teams/mid-market-emea.md", "parent: mid-market", "parent: sales"),
    "objective title": ("content/objectives/I4.md", "Multi-thread every", "Multi-thread each"),
    "objective arrow": ("content/objectives/L3.md", "drives: [I1]", "drives: [I1, I2]"),
    "kpi actual": ("content/objectives/C3.md", "actual: 52", "actual: 44"),
    "guidance item": ("content/guidance/handover.md", "within five days", "within three days"),
    "guidance scope": ("content/guidance/forecast-calls.md", "objectives: [I2]", "objectives: [I2, C1]"),
    "strategy vision": ("content/strategy.md", "Be the system of record", "Be the platform"),
    "strategy title": ("content/strategy.md", "title: FY2027 Sales Strategy", "title: FY2027 Plan"),
    "settings": ("stratmap.yaml", "at_risk_below: 0.7", "at_risk_below: 0.5"),
}


@contextmanager
def edited(root, relpath: str, old: str, new: str):
    """Edit a file for the length of a test; then restore it and build again, so the
    module's warm site is as it was for the next test."""
    path = root / relpath
    original = path.read_text()
    assert old in original
    path.write_text(original.replace(old, new))
    try:
        yield
    finally:
        path.write_text(original)
        build_site(BuildOptions(root))


@pytest.fixture(scope="module")
def warm_demo(tmp_path_factory):
    root = copy_demo(tmp_path_factory.mktemp("warm") / "demo")
    build_site(BuildOptions(root, force=True))
    return root



# Every field of every kind is edited by tests/test_mutation_oracle.py on a small fixture;
# here, on the demo's larger graph and hierarchy, the edits whose effect spreads across
# items: a priority moved, a team re-parented or renamed, an arrow added, a guidance topic
# re-scoped, an actual that recolours maps and team pages.
ACROSS_ITEMS = ["team priority", "team parent", "team name", "objective arrow", "guidance scope",
                "kpi actual"]


@pytest.mark.parametrize("name", ACROSS_ITEMS)
def test_incremental_build_equals_a_clean_build(warm_demo, tmp_path, name):
    with edited(warm_demo, *EDITS[name]):
        incremental = build_site(BuildOptions(warm_demo, force=True))
        assert incremental.pages_reused > 0
        clean_root = tmp_path / "clean"
        shutil.copytree(warm_demo, clean_root, ignore=shutil.ignore_patterns("output", ".stratmap-cache"))
        build_site(BuildOptions(clean_root, force=True))
        assert snapshot(warm_demo / "output") == snapshot(clean_root / "output")


def test_a_second_build_renders_no_page(warm_demo):
    result = build_site(BuildOptions(warm_demo, force=True))
    assert result.pages_reused == result.pages
    assert result.diagrams_rendered == 0


def rendered_pages(root, edit) -> set[str]:
    """The pages of the working tree's version that a build after `edit` wrote anew."""
    before = inodes(root / "output/next")
    with edited(root, *edit):
        build_site(BuildOptions(root))
        after = inodes(root / "output/next")
    return {page for page, inode in after.items() if before.get(page) != inode}


def test_a_role_edit_renders_only_the_pages_that_show_the_role(warm_demo):
    # its team's page, the page of the objective that priority is on (it lists the teams
    # on it, each with its priority) and the role's page (a first version's changes page
    # shows nothing of it); the scorecard and alignment read which objectives the team
    # serves and its targets, not what its plan asks of roles
    assert rendered_pages(warm_demo, EDITS["team role"]) == {
        "teams/sales-development/index.html", "objectives/I1/index.html",
        "roles/sales-development-representative/index.html"}


def test_an_up_to_date_build_does_nothing_but_still_reports(tmp_path):
    from conftest import run_process
    root = copy_demo(tmp_path / "demo")
    first = run_process("build", str(root), "-q")
    assert first.returncode == 0
    before = snapshot(root / "output")
    again = run_process("build", str(root), "-q")
    assert again.returncode == 0 and again.stdout.startswith("up to date")
    assert again.stderr == first.stderr  # the same warnings, said again
    assert snapshot(root / "output") == before
    forced = run_process("build", str(root), "-q", "--force")
    assert forced.stdout.startswith("built ") and "346" not in forced.stdout


def test_any_input_change_ends_up_to_date(tmp_path):
    root = copy_demo(tmp_path / "demo")
    build_site(BuildOptions(root))
    assert build_site(BuildOptions(root)).up_to_date
    (root / "content/guidance/crm-hygiene.md").write_text(
        (root / "content/guidance/crm-hygiene.md").read_text().replace("CRM hygiene", "CRM care"))
    assert not build_site(BuildOptions(root)).up_to_date
    assert build_site(BuildOptions(root)).up_to_date
    (root / "content/objectives/notes.txt").write_text("any file under content counts")
    assert not build_site(BuildOptions(root)).up_to_date
    import shutil
    shutil.rmtree(root / "output")
    assert not build_site(BuildOptions(root)).up_to_date


def test_a_stop_doing_edit_leaves_sub_teams_and_objectives_alone(warm_demo):
    # mid-market is the parent of mid-market-emea and has priorities on C1 and I3; only
    # its own page shows what it stops doing
    edit = ("content/teams/mid-market.md", "Custom demos for deals", "Custom demos")
    assert rendered_pages(warm_demo, edit) == {"teams/mid-market/index.html"}


def inodes(site) -> dict[str, int]:
    """Page → inode: a page reused from the last build is a hard link to the same file."""
    return {p.relative_to(site).as_posix(): p.stat().st_ino for p in site.rglob("*.html")}


def test_a_target_edit_leaves_the_teams_and_guidance_pages_alone(warm_demo):
    # the teams list and the guidance show no priority of a team; alignment reads which
    # objectives its priorities are on, not their KPIs (each field of a list of records
    # is read as a column of it); the role pages read what roles are asked (a query's
    # result), which a target is not
    assert rendered_pages(warm_demo, EDITS["team kpi target"]) == {
        "teams/enterprise-east/index.html", "objectives/C2/index.html", "scorecard/index.html"}


def test_a_priority_plan_edit_renders_the_team_and_its_objective_only(warm_demo):
    # the objective's page lists the teams on it with their priorities; the scorecard and
    # alignment show which objectives the team serves, and its targets, not its plans
    assert rendered_pages(warm_demo, EDITS["priority plan"]) == {
        "teams/enterprise-east/index.html", "objectives/I4/index.html"}


def test_a_plan_text_edit_renders_only_the_team_page(warm_demo):
    # the overview pages show every team's front matter but no plan's text
    assert rendered_pages(warm_demo, EDITS["team plan text"]) == {"teams/enterprise-east/index.html"}


def recorded_queries(root) -> list[tuple[str, ...]]:
    """Every query read the pages of the demo's version made, as the last build saved them."""
    import json
    [records] = (root / ".stratmap-cache/pages").glob("*.json")
    return [tuple(read) for read in json.loads(records.read_text())["reads"] if read[0] == "query"]


def copied(tmp_path, fixture: str):
    """The demo, or a fixture of tests/fixtures/, copied into tmp_path."""
    from conftest import FIXTURES
    if fixture == "demo":
        return copy_demo(tmp_path / "demo")
    return shutil.copytree(FIXTURES / fixture, tmp_path / fixture)


def model_of(root):
    """The validated model of a strategy folder, as of today."""
    import datetime as dt

    from stratmap.source.trees import WorkingTree
    from stratmap.validate import validate
    return validate(WorkingTree(root), dt.date.today()).model


@pytest.mark.parametrize("fixture", ["demo", "every-field"])
def test_every_query_gives_the_same_through_the_proxy_that_notes_its_reads(tmp_path, fixture):
    """serve reuses a query's value while nothing it read changed; what it read is noted by
    running it through a proxy of the model. That is right only if the proxy answers every
    query exactly as the model does."""
    from stratmap.site.reads import WHOLE_MODEL_QUERIES, ReadLog, query_value
    root = copied(tmp_path, fixture)
    build_site(BuildOptions(root))
    model = model_of(root)
    noted = set()
    for query in (q for q in recorded_queries(root) if q[1] not in WHOLE_MODEL_QUERIES):
        log = ReadLog()
        assert query_value(model, query, log) == query_value(model, query), query
        assert log.reads, f"{query} read nothing"
        noted.add(query[1])
    assert {"guidance_for_team", "teams_on", "subteams", "role_asks", "role_index"} <= noted


@pytest.mark.parametrize("fixture", ["demo", "every-field"])
def test_the_guidance_of_a_team_or_an_objective_is_each_topic_for_it_once_in_file_order(tmp_path, fixture):
    """The guidance queries look topics up by whom they are for: they must give what a
    walk through every topic gives, a topic for a team both by name and by an objective once."""
    model = model_of(copied(tmp_path, fixture))
    topics = list(model.guidance.values())
    for team in model.teams.values():
        served = {p.objective for p in team.priorities}
        assert model.guidance_for_team(team) == [
            g for g in topics if g.applies_to.everyone or team.slug in g.applies_to.teams
            or served & set(g.applies_to.objectives)], team.slug
    for objective in model.objectives:
        assert model.guidance_for_objective(objective) == [
            g for g in topics if g.applies_to.everyone or objective in g.applies_to.objectives]
    if fixture == "demo":  # discounting: for enterprise-west by name and by its priority on F2
        west = model.teams["enterprise-west"]
        assert "F2" in {p.objective for p in west.priorities}
        assert [g.slug for g in model.guidance_for_team(west)].count("discounting") == 1


def test_a_guidance_query_reads_whom_topics_are_for_not_every_topic(tmp_path):
    """Each team page asks for its guidance: read through the noting proxy, a walk through
    every topic noted 40 reads a team (0.2 s more at 1,000 teams).
    The query reads the model's index of audiences, and of its team only what picks them."""
    from stratmap.site.reads import ReadLog, query_value
    model = model_of(copy_demo(tmp_path / "demo"))
    log = ReadLog()
    query_value(model, ("query", "guidance_for_team", "@team:enterprise-east"), log)
    assert ("index", "guidance_audiences") in log.reads
    assert not [read for read in log.reads if read[1] == "guidance"], sorted(log.reads)
    assert {read[3] for read in log.reads if read[0] == "item"} <= {"slug", "priorities.#", "priorities.objective"}


def test_a_query_that_counts_what_an_index_lists_takes_none_of_it(tmp_path):
    """A query runs through proxies that hand out each item of an index as the query takes
    it: role_index counts each role's asks and teams (thousands at 1,000 teams), so it
    takes no team of them, and still gives what the model gives."""
    from stratmap.site.reads import ReadLog, query_value
    model = model_of(copy_demo(tmp_path / "demo"))
    log = ReadLog()
    counted = query_value(model, ("query", "role_index"), log)
    assert counted == query_value(model, ("query", "role_index"))
    assert any(asks for _, _, _, _, asks, _ in counted)
    assert not [key for key in log._proxies if key[0] == "team"], sorted(log._proxies)


def test_a_page_asks_each_proxy_for_each_name_once(tmp_path, monkeypatch):
    """A page notes what it reads through proxies of the view, the model and each item. A
    scorecard row reads the same objective's id and title as the row before (3,000 rows at
    1,000 teams): each proxy keeps what it answered, so a name is worked out, and its read
    noted, once per page (the mutation tests check that the pages stay right)."""
    from collections import Counter

    from stratmap.site import reads
    asked: Counter = Counter()
    kept = []  # every proxy asked, kept alive so that no two share an id
    for proxy in (reads.TrackedItem, reads.TrackedView, reads.TrackedModel):
        real = proxy.__getattr__

        def counted(self, name, real=real):
            if not name.startswith("__"):  # (what Jinja and markupsafe look for, and are told no)
                kept.append(self)
                asked[(id(self), name)] += 1
            return real(self, name)
        monkeypatch.setattr(proxy, "__getattr__", counted)
    root = copy_demo(tmp_path / "demo")
    build_site(BuildOptions(root, jobs=1))
    assert asked and max(asked.values()) == 1, asked.most_common(3)


def test_a_whole_item_is_digested_by_its_file_never_typed_out(tmp_path, monkeypatch):
    """All of a content item comes from its file, so the file's digest stands for a read of
    the whole item (a team's diff, the whole model behind strategy.json): a build never
    types every item out as JSON to digest the model (0.15 s at 1,000 teams)."""
    from stratmap.cache.digests import code_digest
    from stratmap.model.content import Guidance, Objective, Team
    from stratmap.site import reads
    from stratmap.site.view import VersionView
    from stratmap.versions import VersionInfo

    model = model_of(copy_demo(tmp_path / "demo"))
    resolver = reads.ReadResolver(VersionView(model, VersionInfo("Next", "Next", "next", None, False, True)))
    real = reads.whole_item

    def typed_out(item):
        assert not isinstance(item, (Objective, Team, Guidance)), f"{item} typed out"
        return real(item)  # the settings and the strategy: digested whole, as before
    monkeypatch.setattr(reads, "whole_item", typed_out)
    team = model.teams["enterprise-east"]
    assert resolver.digest(("item", "team", "enterprise-east", "*")) == \
        f"{code_digest()[:16]}:{team.source.digest}"
    assert resolver.whole_model()


def test_in_serve_an_edit_re_runs_only_the_queries_that_read_what_changed(warm_demo, monkeypatch):
    """A process that builds again keeps what each query read: a plan's text is read by no
    query, so none runs again; a moved priority re-runs only those that read that team's
    priorities, or an index made from them."""
    import stratmap.site.reads as reads
    build_site(BuildOptions(warm_demo, force=True, serving=True))  # and what queries read
    runs: list[tuple[str, ...]] = []
    real = reads.query_value

    def noted(model, read, log=None):
        if log is not None:
            runs.append(read)
        return real(model, read, log)
    monkeypatch.setattr(reads, "query_value", noted)
    with edited(warm_demo, *EDITS["team plan text"]):
        build_site(BuildOptions(warm_demo, serving=True))
        assert runs == []
    runs.clear()
    with edited(warm_demo, *EDITS["team priority"]):
        build_site(BuildOptions(warm_demo, serving=True))
        # that team's own queries, and those over an index of every team's priorities
        # (teams_on, the roles); not the others of each team and objective
        assert ("query", "guidance_for_team", "@team:enterprise-east") in runs
        assert not [read for read in runs if read[1] in ("subteams", "guidance_for_objective")]
        assert len(runs) < len(recorded_queries(warm_demo)) / 2


def test_in_serve_a_rebuild_reads_back_no_record_its_last_build_wrote(tmp_path, monkeypatch):
    """serve's process wrote the stamp, the standby's record and the pages' records last
    time: while each file is the one it wrote, it takes them from memory (the stamp names
    every warning, the records every file: thousands at 3,000 teams). A record another
    process replaced is read."""
    import json
    from pathlib import Path

    from stratmap.cache.layout import CacheLayout
    root = copy_demo(tmp_path / "demo")
    options = BuildOptions(root, serving=True)
    plan = root / "content/teams/enterprise-east.md"
    text = plan.read_text()
    build_site(options)
    plan.write_text(text.replace("Northeast and Southeast", "Northeast"))
    build_site(options)  # the first to leave a standby
    read: list[str] = []
    real = Path.read_text

    def noted(path, *args, **kwargs):
        if path.parent.name in ("stamps", "standby", "pages"):
            read.append(path.parent.name)
        return real(path, *args, **kwargs)
    monkeypatch.setattr(Path, "read_text", noted)
    plan.write_text(text)
    assert not build_site(options).up_to_date
    assert read == [], read
    stamp = CacheLayout.of(root).stamp(root / "output")
    replaced = stamp.with_suffix(".new")  # as another process writes it: a new file
    replaced.write_text(json.dumps({**json.loads(real(stamp)), "inputs": "another"}))
    os.replace(replaced, stamp)
    assert not build_site(options).up_to_date  # its inputs are not these
    assert read == ["stamps"]


def test_in_serve_an_edit_looks_again_only_at_the_queries_that_read_the_edited_item(warm_demo, monkeypatch):
    """A query none of whose reads is of the edited item keeps its digest unlooked-at: the
    work of a rebuild follows the edit, not the number of queries."""
    from stratmap.site.reads import ReadResolver
    build_site(BuildOptions(warm_demo, force=True, serving=True))
    looked_at: list[tuple[str, ...]] = []
    real = ReadResolver._same

    def same(self, shape):
        looked_at.append(shape)
        return real(self, shape)
    monkeypatch.setattr(ReadResolver, "_same", same)
    with edited(warm_demo, *EDITS["team plan text"]):
        build_site(BuildOptions(warm_demo, serving=True))
        queries = len(recorded_queries(warm_demo))
        assert 0 < len(looked_at) < queries / 4


SERVE_CHAIN = ["team plan text", "team parent", "team priority", "objective arrow", "team name",
               "guidance scope", "kpi actual"]


def test_in_serve_a_chain_of_edits_equals_a_clean_build_at_every_step(tmp_path):
    """serve carries each query's digest and what it read from build to build while nothing
    it read changes; edit after edit in one process, of items that queries read across each
    other, every site equals a clean build of the same files."""
    root = copy_demo(tmp_path / "demo")
    build_site(BuildOptions(root, force=True, serving=True))
    for step, name in enumerate(SERVE_CHAIN):
        relpath, old, new = EDITS[name]
        (root / relpath).write_text((root / relpath).read_text().replace(old, new))
        build_site(BuildOptions(root, serving=True))
        clean_root = tmp_path / f"clean-{step}"
        shutil.copytree(root, clean_root, ignore=shutil.ignore_patterns("output", ".stratmap-cache"))
        build_site(BuildOptions(clean_root, force=True))
        assert snapshot(root / "output") == snapshot(clean_root / "output"), f"after: {name}"


def test_in_serve_the_pages_by_what_they_read_are_kept_true_from_build_to_build(tmp_path):
    """serve keeps the pages by what they read, and after each build changes only the
    entries of the pages rendered again: edit after edit, they must be what a walk through
    every page's record makes, or a page that read what an edit changed would be reused."""
    from stratmap.cache.layout import CacheLayout
    from stratmap.cache.pages import Manifest, readers_of
    root = copy_demo(tmp_path / "demo")
    build_site(BuildOptions(root, force=True, serving=True))
    records = CacheLayout.of(root).page_records(root / "output/next")
    for name in SERVE_CHAIN:
        relpath, old, new = EDITS[name]
        (root / relpath).write_text((root / relpath).read_text().replace(old, new))
        assert build_site(BuildOptions(root, serving=True)).rendered
        kept = Manifest(records, root / "output/next").load()
        assert kept is not None and kept.readers is not None, name
        assert ({read: sorted(pages) for read, pages in kept.readers.items()}
                == {read: sorted(pages) for read, pages in readers_of(kept.records).items()}), name


def test_page_records_saved_and_read_back_are_the_records_a_build_made(tmp_path):
    """The records of a version's pages go to the cache after the swap and come back in
    the next process: each page's base, its reads and its file as written; each read's
    digest; every read of one item even when no page read it (its file may come back); a
    page whose file is gone is left out."""
    from stratmap.cache.pages import KnownReads, Manifest, PageRecord

    folder = tmp_path / "current"
    (folder / "teams/east").mkdir(parents=True)
    (folder / "index.html").write_text("home")
    (folder / "teams/east/index.html").write_text("east")
    name, plan = ("item", "team", "east", "name"), ("item", "team", "east", "priorities")
    teams_on = ("query", "teams_on", "C1")
    unused_query, unused_item = ("query", "role_asks", "gone"), ("exists", "team", "west")
    records = {"index.html": PageRecord("home-base", [teams_on, name]),
               "teams/east/index.html": PageRecord("east-base", [name, plan]),
               "teams/gone/index.html": PageRecord("gone-base", [plan])}
    known = KnownReads({name: "d-name", plan: "d-plan", teams_on: "d-q", unused_query: "d-u",
                        unused_item: "d-w"}, {("team", "east"): "code:file"})
    Manifest(tmp_path / "records.json", folder).save(records, known, {"key": "words"})
    (tmp_path / "copy.json").write_bytes((tmp_path / "records.json").read_bytes())  # not in this process's memory

    read = Manifest(tmp_path / "copy.json", folder).load()

    assert read is not None
    assert {path: (r.base, r.reads) for path, r in read.records.items()} == {
        "index.html": ("home-base", [teams_on, name]), "teams/east/index.html": ("east-base", [name, plan])}
    east = (folder / "teams/east/index.html").stat()
    assert read.records["teams/east/index.html"].file == [east.st_size, east.st_mtime_ns, east.st_ino]
    assert read.known.digests == {teams_on: "d-q", name: "d-name", plan: "d-plan", unused_item: "d-w"}
    assert read.known.items == {("team", "east"): "code:file"} and read.words == {"key": "words"}


@pytest.mark.parametrize("size", [0, 1, 999, 1000, 2501])
def test_page_records_written_in_pieces_are_the_json_of_them_whole(size):
    import json

    from stratmap.cache.pages import _json_object_in_pieces

    fields = {"reads": [["item", "team", str(n), "name"] for n in range(size)],
              "pages": {f"teams/{n}/index.html": ["base", [n, n + 1], None] for n in range(size)},
              "words": {}, "items": [], "n": size, "text": "\"<é>\""}
    assert "".join(_json_object_in_pieces(fields)) == json.dumps(fields, separators=(",", ":"))


def test_a_pages_base_follows_each_part_of_its_place_in_the_site():
    """serve keeps each page's base by what it is made of: a new title, template or
    breadcrumb trail (a renamed ancestor), or a new version base, gives a new base."""
    from dataclasses import replace

    from stratmap.site.render import PageBases
    from stratmap.site.routes import Page
    page = Page("teams/a/index.html", "team.html", "A", [("Teams", "teams/index.html"), ("A", "teams/a/index.html")])
    kept = PageBases()
    first = kept.of("version", [page])
    assert kept.of("version", [page]) == first == PageBases().of("version", [page])
    for moved in (replace(page, title="B"), replace(page, template="other.html"),
                  replace(page, breadcrumbs=[("Top", "teams/top/index.html"), *page.breadcrumbs])):
        kept.of("version", [page])  # the last build's, each time
        assert kept.of("version", [moved]) != first
    kept.of("version", [page])
    assert kept.of("another version", [page]) != first


def test_a_query_that_gives_records_out_whole_depends_on_all_of_them(tmp_path):
    """A query run through the noting proxy that hands out a team's priorities themselves
    (not a field of them) depends on every field of every priority: its value is them."""
    from stratmap.site.reads import ReadLog, _plain
    model = model_of(copy_demo(tmp_path / "demo"))
    log = ReadLog()
    priorities = log.item("team", "enterprise-east", model.teams["enterprise-east"]).priorities
    assert _plain(priorities) == [p.model_dump(mode="json") for p in model.teams["enterprise-east"].priorities]
    assert log.reads == {("item", "team", "enterprise-east", "priorities")}
    first = ReadLog()
    record = next(iter(first.item("team", "enterprise-east", model.teams["enterprise-east"]).priorities))
    assert record.objective == "C2" and str(record) == str(model.teams["enterprise-east"].priorities[0])
    assert first.reads == {("item", "team", "enterprise-east", read) for read in
                           ("priorities.#", "priorities.objective", "priorities")}


def test_records_in_a_record_of_a_query_value_are_noted_in_the_querys_log(tmp_path):
    """A query's value digested field by field: a record proxy inside a dataclass notes its
    read in the log the query runs with (a deep copy would note it in a copy of the log)."""
    import dataclasses

    from stratmap.site.reads import ReadLog, _plain

    @dataclasses.dataclass
    class Holder:
        name: str
        held: object

    model = model_of(copy_demo(tmp_path / "demo"))
    log = ReadLog()
    priorities = log.item("team", "enterprise-east", model.teams["enterprise-east"]).priorities
    assert not log.reads  # handed out as columns: nothing is read yet
    plain = _plain(Holder("east", priorities))
    assert plain == [["name", "east"], ["held", [p.model_dump(mode="json")
                                                 for p in model.teams["enterprise-east"].priorities]]]
    assert log.reads == {("item", "team", "enterprise-east", "priorities")}
