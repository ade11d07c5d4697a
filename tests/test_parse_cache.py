"""The parse cache: a build parses only the files that changed since the last one, and
never lets a cached parse hide an edit or an error."""

from __future__ import annotations

import datetime as dt
import json
import shutil

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import copy_demo
from stratmap.cache.signing import verified
from stratmap.source.parse_cache import ParseCache
from stratmap.source.trees import WorkingTree
from stratmap.validate import validate

AS_OF = dt.date(2026, 11, 1)  # the minimal fixture is clean as of then


KEY = b"k" * 32  # this user's key, as cache/signing.py keeps it


def cache_file(tmp_path):
    return tmp_path / "cache" / "parsed.json"


def disk_cache(tmp_path):
    return ParseCache(cache_file(tmp_path), KEY)


def stored(tmp_path) -> dict[str, str]:
    """The parsed files the cache file holds, by key, under their signature."""
    return json.loads(verified(KEY, cache_file(tmp_path).read_bytes()))["yaml"]


def test_a_cached_parse_validates_exactly_like_a_fresh_one(tmp_path):
    root = copy_demo(tmp_path / "demo")
    fresh = validate(WorkingTree(root), AS_OF)
    first = disk_cache(tmp_path)
    validate(WorkingTree(root), AS_OF, first)
    first.save()
    cached = validate(WorkingTree(root), AS_OF, disk_cache(tmp_path))
    assert cached.findings == fresh.findings  # positions included: they come from the cache
    assert cached.model.to_data() == fresh.model.to_data()


def test_an_edit_after_caching_is_parsed_and_its_error_reported(repo, tmp_path):
    cache = disk_cache(tmp_path)
    assert validate(WorkingTree(repo.root), AS_OF, cache).ok
    cache.save()
    team = repo.root / "content/teams/sales.md"
    team.write_text(team.read_text().replace("leader: Head of Sales", "leader: [Head of Sales"))
    result = validate(WorkingTree(repo.root), AS_OF, disk_cache(tmp_path))
    assert [(f.rule, f.file) for f in result.errors()] == [("bad-yaml", "content/teams/sales.md")]


def test_a_damaged_cache_is_ignored(repo, tmp_path):
    cache_file(tmp_path).parent.mkdir()
    cache_file(tmp_path).write_bytes(b"\x80\x05 not a pickle")
    assert validate(WorkingTree(repo.root), AS_OF, disk_cache(tmp_path)).ok


def test_the_cache_keeps_only_what_the_last_run_parsed(repo, tmp_path):
    cache = disk_cache(tmp_path)
    validate(WorkingTree(repo.root), AS_OF, cache)
    cache.save()
    before = len(stored(tmp_path))
    repo.remove("content/guidance/" + next((repo.root / "content/guidance").iterdir()).name)
    cache = disk_cache(tmp_path)
    validate(WorkingTree(repo.root), AS_OF, cache)
    cache.save()
    assert len(stored(tmp_path)) == before - 1


def test_a_process_that_validates_again_saves_every_file_it_still_uses(repo, tmp_path):
    """serve reads unchanged files from memory; what it saves for the next process must
    still hold them all, not just the files its last rebuild parsed."""
    cache = disk_cache(tmp_path)
    validate(WorkingTree(repo.root), AS_OF, cache)
    cache.save()
    every_file = set(stored(tmp_path))
    team = repo.root / "content/teams/sales.md"
    team.write_text(team.read_text().replace("leader: ", "leader: VP Sales #", 1))
    validate(WorkingTree(repo.root), AS_OF, cache)
    cache.save()
    saved = set(stored(tmp_path))
    assert len(saved) == len(every_file) and len(saved - every_file) == 1  # the edited file's new parse
    next_process = disk_cache(tmp_path)
    validate(WorkingTree(repo.root), AS_OF, next_process)
    # every file found in the cache, none parsed anew
    assert next_process._used.keys() == saved
    assert all(next_process._used[key] is next_process._saved[key] for key in saved)


def test_one_cache_serves_a_process_that_validates_again_and_again(repo, tmp_path):
    """`stratmap serve` keeps one cache in memory; every run must see the latest edits."""
    cache = disk_cache(tmp_path)
    team = repo.root / "content/teams/sales.md"
    for leader in ("Head of Sales", "VP Sales", "Chief Revenue Officer"):
        team.write_text(team.read_text().replace("leader: ", f"leader: {leader} #", 1))
        cached = validate(WorkingTree(repo.root), AS_OF, cache)
        cache.save()
        fresh = validate(WorkingTree(repo.root), AS_OF)
        assert cached.findings == fresh.findings
        assert cached.model.teams["sales"].leader == leader


def test_dates_and_keys_that_look_like_the_codec_survive_the_cache(tmp_path):
    """JSON has no dates, so the cache tags them; a key of the content's own that looks
    like a tag must come back as the same mapping, not as a date."""
    text = 'when: 2026-03-31\nat: 2026-03-31T10:00:00Z\nodd: {"\\0d": "2026-01-01"}\n'
    first = disk_cache(tmp_path)
    fresh = first.parse(text, "x.yaml", first_line=1, allow_empty=False)
    first.save()
    cached = disk_cache(tmp_path).parse(text, "x.yaml", first_line=1, allow_empty=False)
    assert cached == fresh
    assert cached[0]["odd"] == {"\0d": "2026-01-01"} and cached[0]["when"] == dt.date(2026, 3, 31)


KEYS = st.text(alphabet="\0dtx ", max_size=3)
LEAVES = st.one_of(st.none(), st.booleans(), st.integers(), st.text(alphabet="\0dtx -0123", max_size=6),
                   st.dates(), st.datetimes())
VALUES = st.recursive(LEAVES, lambda inner: st.lists(inner, max_size=3) |
                      st.dictionaries(KEYS, inner, max_size=3), max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(KEYS, VALUES, max_size=4))
def test_any_values_come_back_from_the_cache_as_they_went_in(data):
    """Dates, NULs in keys and texts, mappings that look like a tagged date: the decoder
    picks how much decoding an entry needs from its text, and must never pick too little."""
    from stratmap.source.parse_cache import _decoded, _Entry
    from stratmap.source.positions import Positions

    stored = _Entry((data, Positions(""))).encoded()
    assert _decoded(_Entry(text=stored)) == (data, Positions(""))


def test_a_process_that_validates_again_types_only_the_files_that_changed(repo, tmp_path):
    """serve keeps one cache: an unchanged file's typed item is the same object as last
    time, an edited file's is new, and a file with a mistake reports it every time."""
    cache = disk_cache(tmp_path)
    first = validate(WorkingTree(repo.root), AS_OF, cache)
    sales = repo.root / "content/teams/sales.md"
    sales.write_text(sales.read_text().replace("leader: Head of Sales", "leader: Head of Revenue"))
    second = validate(WorkingTree(repo.root), AS_OF, cache)
    assert second.model.strategy is first.model.strategy
    assert first.model.objectives and all(second.model.objectives[key] is objective
                                          for key, objective in first.model.objectives.items())
    assert second.model.teams["sales"] is not first.model.teams["sales"]
    assert second.model.teams["sales"].leader == "Head of Revenue"
    assert second.model.to_data() == validate(WorkingTree(repo.root), AS_OF).model.to_data()
    sales.write_text(sales.read_text().replace("leader: Head of Revenue", 'leader: ""'))
    for _ in range(2):
        again = validate(WorkingTree(repo.root), AS_OF, cache)
        assert [(f.rule, f.file) for f in again.errors()] == [("missing-field", "content/teams/sales.md")]


def test_a_file_read_again_unchanged_is_the_same_document_and_an_edit_a_new_one(repo, tmp_path):
    """serve keeps one cache: a file whose bytes did not change is not decoded, split or
    looked up again; one whose bytes changed is, even back to an earlier text."""
    cache = disk_cache(tmp_path)
    sales = repo.root / "content/teams/sales.md"
    original = sales.read_text()
    first = validate(WorkingTree(repo.root), AS_OF, cache).model.teams["sales"].source
    assert validate(WorkingTree(repo.root), AS_OF, cache).model.teams["sales"].source is first
    sales.write_text(original.replace("Forecast weekly", "Forecast daily"))
    edited = validate(WorkingTree(repo.root), AS_OF, cache).model.teams["sales"]
    assert edited.source is not first and "Forecast daily" in edited.priorities[1].plan
    sales.write_text(original)
    back = validate(WorkingTree(repo.root), AS_OF, cache).model.teams["sales"]
    assert back.source.digest == first.digest and back.priorities[1].plan.startswith("Forecast weekly")


def test_kept_plan_digests_follow_every_edit_of_a_plan(repo, tmp_path):
    """serve works a plan's digest out once per text of its file: an edited plan gets its
    new digest, so an approval never outlives the plan it approved."""
    from stratmap.model.approval import plan_digest

    cache = disk_cache(tmp_path)
    sales = repo.root / "content/teams/sales.md"
    original = sales.read_text()
    seen = set()
    for text in (original, original.replace("Forecast weekly", "Forecast daily"), original):
        sales.write_text(text)
        model = validate(WorkingTree(repo.root), AS_OF, cache).model
        fresh = validate(WorkingTree(repo.root), AS_OF).model
        assert model.plan_digests == fresh.plan_digests == {"sales": plan_digest(fresh.teams["sales"])}
        seen.add(model.plan_digests["sales"])
    assert len(seen) == 2 and cache.plan_digests


def test_kept_findings_of_the_plans_follow_every_change_they_depend_on(tmp_path):
    """serve looks again only at the plans whose file changed, unless what the per-plan
    rules read of the rest changed: the settings' limit, review period and roles, the date,
    the version before, the ids a plan names, the files its body may link to. After each
    such change the findings are a fresh validation's."""
    from stratmap.model.approval import PlanStamp

    root = copy_demo(tmp_path / "demo")
    cache = ParseCache()

    def findings(as_of=AS_OF, previous=None):
        kept = validate(WorkingTree(root), as_of, cache, previous).findings
        assert kept == validate(WorkingTree(root), as_of, None, previous).findings
        return {(f.rule, f.file) for f in kept}

    def edit(relpath, old, new):
        path = root / relpath
        assert old in path.read_text()
        path.write_text(path.read_text().replace(old, new))

    east = "content/teams/enterprise-east.md"
    before = findings()
    assert findings(as_of=dt.date(2027, 6, 1)) - before >= {("stale-review", east)}
    edit("stratmap.yaml", "review_every_days: 92", "review_every_days: 5")
    assert ("stale-review", east) in findings() - before
    edit("stratmap.yaml", "max_priorities_per_team: 3", "max_priorities_per_team: 1")
    assert ("too-many-priorities", east) in findings() - before
    edit("stratmap.yaml", "name: Account Executive", "name: Account Lead")
    assert ("unknown-role", east) in findings() - before
    edit(east, "stop_doing:\n  - what: Discounts above 15% without the deal desk\n    why: Protects "
         "margin (F2).\n  - what: Attending RFPs we did not shape\n    why: We lose 9 in 10 of them.",
         "stop_doing: []")
    assert ("no-stop-doing", east) in findings() - before
    stamp = PlanStamp("0" * 16, "2026-09-30")  # approved on the same day, another plan
    assert ("changed-after-approval", east) in findings(previous=lambda: {"enterprise-east": stamp})
    # what a plan names, and what its body links to, changed in other files
    assert ("dangling-reference", east) not in findings()  # (the version before no longer given)
    edit(east, "{kpi: nps, target: 42, actual: 35}", "{kpi: nps, target: 42, actual: 35, as_of: 2026-10-25}")
    assert ("stale-actual", east) not in findings()
    edit("stratmap.yaml", "review_every_days: 5", "review_every_days: 5\n  actual_max_age_days: 3")
    assert ("stale-actual", east) in findings() - before
    edit("content/objectives/C2.md", "- id: nps", "- id: net-promoter")
    assert ("dangling-reference", east) in findings() - before
    edit(east, "Northeast and Southeast", "Northeast and Southeast ([handover](../guidance/handover.md))")
    assert ("broken-link", east) not in findings()
    (root / "content/guidance/handover.md").unlink()
    assert ("broken-link", east) in findings() - before
    (root / "content/teams/enterprise.md").unlink()  # east's parent
    assert ("dangling-reference", east) in findings() - before


def test_a_file_the_no_change_check_read_is_loaded_from_those_bytes_once(repo):
    """A build hashes every file to know whether anything changed, then loads them: each
    file is read once. The bytes are taken after the same checks as a read, and once."""
    tree = WorkingTree(repo.root)
    sales = "content/teams/sales.md"
    on_disk = (repo.root / sales).read_text()
    tree.read_before(sales, on_disk.replace("name: Sales", "name: Sales (as hashed)").encode())
    assert validate(tree, AS_OF).model.teams["sales"].name == "Sales (as hashed)"
    assert validate(tree, AS_OF).model.teams["sales"].name == "Sales"


def test_bytes_read_before_never_stand_in_for_a_file_that_leads_outside(repo, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text("---\nname: TOPSECRET\n---\n")
    sales = repo.root / "content/teams/sales.md"
    sales.unlink()
    sales.symlink_to(secret)
    tree = WorkingTree(repo.root)
    tree.read_before("content/teams/sales.md", secret.read_bytes())
    result = validate(tree, AS_OF)
    assert [(f.rule, f.file) for f in result.errors()] == [("not-a-file", "content/teams/sales.md")]
    assert "TOPSECRET" not in repr(result.findings)


# --- what a commit could plant, and `validate` reusing a build's cache ------------------

def test_a_cache_file_this_user_did_not_sign_is_ignored(repo, tmp_path):
    """A commit can put any file in .stratmap-cache/: one not signed with this user's key
    holds no parse that is used, whatever it says."""
    ours = disk_cache(tmp_path)
    validate(WorkingTree(repo.root), AS_OF, ours)
    ours.save()
    again = disk_cache(tmp_path)
    assert again._saved and not again.foreign  # our own file: every parse found
    other_key = ParseCache(cache_file(tmp_path), b"x" * 32)
    assert other_key._saved == {} and other_key.foreign
    cache_file(tmp_path).write_bytes(verified(KEY, cache_file(tmp_path).read_bytes()))  # unsigned
    unsigned = disk_cache(tmp_path)
    assert unsigned._saved == {} and unsigned.foreign
    assert validate(WorkingTree(repo.root), AS_OF, unsigned).ok


def test_links_in_bodies_come_from_the_cache_and_follow_every_edit(repo, tmp_path):
    """A body's links to content files are kept by its text: the next process finds the
    same broken link at the same place without parsing, and sees an edit of the body."""
    def broken(cache):
        result = validate(WorkingTree(repo.root), AS_OF, cache)
        assert result.findings == validate(WorkingTree(repo.root), AS_OF).findings
        return [(f.file, f.line, f.column, f.message) for f in result.findings if f.rule == "broken-link"]

    sales = repo.root / "content/teams/sales.md"
    sales.write_text(sales.read_text() + "\nSee [the plan](../objectives/C1.md) and [old](gone.md).\n")
    first = disk_cache(tmp_path)
    found = broken(first)
    assert [(file, message) for file, _, _, message in found] == \
        [("content/teams/sales.md", "link to `gone.md`: no such content file")]
    first.save()
    second = disk_cache(tmp_path)
    assert broken(second) == found
    assert second._links_used and all(second._links_used[key] is second._links_saved[key]
                                      for key in second._links_used)  # none parsed anew
    sales.write_text(sales.read_text().replace("(gone.md)", "(../objectives/C1.md)"))
    assert broken(second) == []
    sales.write_text(sales.read_text().replace("(../objectives/C1.md)", "(../objectives/C1%2Emd)", 1)
                     .replace("C1.md)", "Z9.md)"))
    assert [message for *_, message in broken(second)] == \
        ["link to `../objectives/Z9.md`: no such content file"]


LOADED_AFTER_VALIDATE = """
import sys
from stratmap.cli import main
try:
    main(["validate", sys.argv[1]])
except SystemExit:
    pass
print("LOADED", sorted(name for name in ("yaml", "markdown_it") if name in sys.modules))
"""


def _validate_in_a_process(root) -> tuple[str, list[str]]:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", LOADED_AFTER_VALIDATE, str(root)],
                          capture_output=True, text=True, timeout=120)
    report, _, loaded = done.stdout.rpartition("LOADED ")
    return report, json.loads(loaded.replace("'", '"'))


def test_validate_reuses_the_cache_a_build_left_and_loads_no_parser(git_repo, tmp_path):
    """`validate` as a pre-commit hook: after a build, it parses only what changed, so an
    unchanged repository is validated without PyYAML or markdown-it (40 ms of 220)."""
    from conftest import run

    root = git_repo.root
    sales = root / "content/teams/sales.md"
    sales.write_text(sales.read_text() + "\nSee [the plan](../objectives/C1.md) and [old](gone.md).\n")
    git_repo.commit("a link", "2026-09-01T12:00:00+00:00")
    git_repo.tag("strategy/2026-Q3", "2026-10-02T12:00:00+00:00")
    sales.write_text(sales.read_text().replace("Forecast weekly", "Forecast daily"))  # the version before differs
    assert run("build", str(root), "-q", "--out", str(tmp_path / "site")).exit_code == 0
    shutil.copytree(root, tmp_path / "never-built", ignore=shutil.ignore_patterns(".stratmap-cache"))
    fresh, loaded = _validate_in_a_process(tmp_path / "never-built")
    assert "gone.md" in fresh and "changed-after-approval" in fresh and loaded == ["markdown_it", "yaml"]
    _validate_in_a_process(root)  # parses the version before's plan, which the build did not keep
    assert _validate_in_a_process(root) == (fresh, [])
    assert not (tmp_path / "never-built/.stratmap-cache").exists()  # validate makes no cache folder


def test_validate_never_overwrites_a_cache_file_it_did_not_write(repo, tmp_path):
    from conftest import run, validate_json
    from stratmap.source.parse_cache import parse_cache_for

    before = validate_json(repo.root)
    assert run("build", str(repo.root), "-q", "--out", str(tmp_path / "site")).exit_code == 0
    planted = parse_cache_for(repo.root).path
    planted.write_bytes(b'{"yaml": {}, "links": {}}')
    assert validate_json(repo.root) == before
    assert planted.read_bytes() == b'{"yaml": {}, "links": {}}'


def test_a_tag_of_the_working_tree_is_validated_from_the_parses_its_last_build_kept(git_repo, monkeypatch):
    """Publishing the draft: the new tag holds the files the working tree's last build
    parsed, so validating it parses nothing (its YAML, or its bodies' links) again."""
    import stratmap.source.parse_cache as parse_cache_module
    import stratmap.source.yaml_values as yaml_values
    from stratmap.build import BuildOptions, build_site

    git_repo.write("stratmap.yaml", "versions: {draft: Next}\n")
    sales = git_repo.root / "content/teams/sales.md"
    sales.write_text(sales.read_text() + "\nSee [the plan](../objectives/C1.md).\n")
    git_repo.commit("q2", "2026-06-30T12:00:00+00:00")
    git_repo.tag("strategy/2026-Q2", "2026-06-30T12:00:00+00:00")
    sales.write_text(sales.read_text().replace("Forecast weekly", "Forecast daily"))
    build_site(BuildOptions(git_repo.root))
    git_repo.commit("q3", "2026-09-30T12:00:00+00:00")
    git_repo.tag("strategy/2026-Q3", "2026-09-30T12:00:00+00:00")
    parsed: list[str] = []
    for module, name in ((yaml_values, "parse_yaml"), (parse_cache_module, "content_links")):
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda text, relpath, *rest, real=real, **options:
                            parsed.append(relpath) or real(text, relpath, *rest, **options))
    tagged = build_site(BuildOptions(git_repo.root))
    assert tagged.versions_rendered >= 1 and (git_repo.root / "output/2026-Q3/index.html").is_file()
    assert parsed == ["stratmap.yaml"]  # once: the working tree's, which a build reads first of all
