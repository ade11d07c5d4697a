"""Content, tags, settings and the cache are untrusted (issue "Safe by construction",
items 2–7, 9–13, 16–18): each hostile input gets a finding with file and line, or is
refused, and none runs code, reads outside the repository or crashes the tool."""

from __future__ import annotations

import http.client
import json
import os
import pickle
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import git, run, run_process, validate_json
from stratmap.cache.digests import code_digest

GENERATOR = Path(__file__).parent.parent / "generator" / "stratmap"


class _Planted:
    """Unpickling this runs code: it creates the file named."""

    def __init__(self, path: str):
        self.path = path

    def __reduce__(self):
        return (os.system, (f"touch {self.path}",))


def test_no_module_of_ours_can_load_code_from_a_file():
    for module in GENERATOR.rglob("*.py"):
        text = module.read_text()
        for forbidden in ("import pickle", "import marshal", "FileSystemBytecodeCache(", "import shelve"):
            assert forbidden not in text, (module, forbidden)


def _plant_parse_cache(folder: Path, proof: Path) -> None:
    """A parse cache file, under each name a version of stratmap looked for, that runs
    code if anything unpickles it."""
    folder.mkdir(parents=True)
    for suffix in ("pickle", "json"):
        (folder / f"{code_digest()[:16]}.{suffix}").write_bytes(pickle.dumps(_Planted(str(proof))))


def test_a_committed_cache_link_is_refused_and_nothing_is_unpickled(git_repo, tmp_path):
    proof = tmp_path / "code-ran"
    _plant_parse_cache(git_repo.root / "data" / "parsed", proof)
    (git_repo.root / ".stratmap-cache").symlink_to("data")
    git(git_repo.root, "add", "-f", "data", ".stratmap-cache")
    git_repo.commit("plant a cache", "2026-02-01T12:00:00+00:00")
    result = run_process("build", str(git_repo.root))
    assert result.returncode == 1 and "[tracked-cache]" in result.stderr and "symbolic link" in result.stderr
    assert not proof.exists()


def test_an_untracked_cache_link_is_refused_too(repo, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (repo.root / ".stratmap-cache").symlink_to(tmp_path / "elsewhere")
    result = run_process("build", str(repo.root))
    assert result.returncode == 1 and "is a symbolic link" in result.stderr


def test_a_planted_parse_cache_is_read_as_data_never_run(repo, tmp_path):
    proof = tmp_path / "code-ran"
    _plant_parse_cache(repo.root / ".stratmap-cache" / "parsed", proof)
    result = run_process("build", str(repo.root), "-q")
    assert result.returncode == 0, result.stderr
    assert not proof.exists()


def test_compiled_templates_with_a_wrong_signature_are_ignored(tmp_path):
    from jinja2 import Environment
    from jinja2.bccache import Bucket

    from stratmap.cache.bytecode import SignedBytecodeCache

    environment = Environment()
    code = environment.compile("{{ 6 * 7 }}", "page.html")
    writer = SignedBytecodeCache(tmp_path, b"k" * 32)
    written = Bucket(environment, "page", "checksum")
    written.code = code
    writer.dump_bytecode(written)
    honest = Bucket(environment, "page", "checksum")
    SignedBytecodeCache(tmp_path, b"k" * 32).load_bytecode(honest)
    assert honest.code is not None  # the same key: reused
    forged = Bucket(environment, "page", "checksum")
    SignedBytecodeCache(tmp_path, b"x" * 32).load_bytecode(forged)
    assert forged.code is None  # a file another key signed (or nobody did) never runs


# --- tags (items 3 and 9) ---------------------------------------------------------------

def _published_paths(root: Path) -> list[str]:
    return [v["path"] for v in json.loads((root / "output/versions.json").read_text())]


def test_tags_whose_folder_is_reserved_or_taken_are_reported_and_skipped(git_repo):
    git_repo.write("stratmap.yaml", "title: T\nversions: {tags: 'strategy/*', draft: index.html}\n")
    git_repo.commit("settings", "2026-02-01T12:00:00+00:00")
    for name in ("index.html", "404.html", "versions.js", "versions.json", "Q1", "q1"):
        git_repo.tag(f"strategy/{name}", "2026-02-01T12:00:00+00:00")
    result = run_process("build", str(git_repo.root), "-q")
    assert result.returncode == 0, result.stderr
    for name in ("index.html", "404.html", "versions.js", "versions.json"):
        assert f"tag `strategy/{name}` is not published: its folder `{name}` is reserved" in result.stderr
    assert "already tag strategy/Q1's" in result.stderr or "already tag strategy/q1's" in result.stderr
    paths = _published_paths(git_repo.root)
    assert len(paths) == 2 and paths[-1] == "index.html-draft/"
    assert (git_repo.root / "output/index.html").is_file() and (git_repo.root / "output/versions.js").is_file()


def test_tags_on_a_tree_or_a_blob_are_reported_and_skipped(git_repo):
    git_repo.tag("strategy/2026-Q1", "2026-02-01T12:00:00+00:00")
    tree = git(git_repo.root, "rev-parse", "HEAD^{tree}").strip()
    blob = git(git_repo.root, "rev-parse", "HEAD:stratmap.yaml").strip()
    git(git_repo.root, "tag", "strategy/a-tree", tree)
    git(git_repo.root, "tag", "-a", "strategy/a-blob", "-m", "blob", blob)
    result = run_process("build", str(git_repo.root), "-q")
    assert result.returncode == 0, result.stderr
    assert "tag `strategy/a-tree` is not published: it points at a tree" in result.stderr
    assert "tag `strategy/a-blob` is not published: it points at a blob" in result.stderr
    assert _published_paths(git_repo.root) == ["2026-Q1/", "next/"]  # the tag and the draft


def test_a_file_name_that_is_not_utf8_in_a_tag(git_repo):
    (git_repo.root / os.fsdecode(b"notes-\xff.txt")).write_text("x")
    (git_repo.root / "content/guidance" / os.fsdecode(b"bad-\xff.md")).write_text("---\ntitle: x\ndo: [x]\n---\n")
    git_repo.commit("odd names", "2026-02-01T12:00:00+00:00")
    git_repo.tag("strategy/2026-Q1", "2026-02-01T12:00:00+00:00")
    (git_repo.root / "content/guidance" / os.fsdecode(b"bad-\xff.md")).unlink()
    result = run_process("build", str(git_repo.root), "-q")
    assert result.returncode == 1 and "Traceback" not in result.stderr  # the newest tag must validate
    assert "[bad-file-name]" in result.stderr and "bad-\ufffd.md" in result.stderr


def test_a_recursive_alias_only_in_an_old_tag_skips_that_tag(git_repo):
    git_repo.write("content/strategy.md", "---\ntitle: &t [*t]\n---\n")
    git_repo.commit("recursive", "2026-02-01T12:00:00+00:00")
    git_repo.tag("strategy/2026-Q1", "2026-02-01T12:00:00+00:00")
    git(git_repo.root, "checkout", "-q", "HEAD~1", "--", "content/strategy.md")
    git_repo.commit("fixed", "2026-03-01T12:00:00+00:00")
    git_repo.tag("strategy/2026-Q2", "2026-03-01T12:00:00+00:00")
    result = run_process("build", str(git_repo.root), "-q")
    assert result.returncode == 0, result.stderr
    assert "content/strategy.md:2:8: error: an alias refers to a list or mapping that contains it" in result.stderr
    diff = run_process("diff", "2026-Q1", cwd=git_repo.root)
    assert diff.returncode == 1 and "Traceback" not in diff.stderr


# --- content and settings (items 4, 6, 7, 10–13) ------------------------------------------

def test_recursive_alias_is_a_finding(repo):
    repo.write("content/strategy.md", "---\ntitle: &t [*t]\n---\n")
    code, findings = validate_json(repo.root)
    assert code == 1 and [(f["rule"], f["line"]) for f in findings] == [("bad-yaml", 2)]


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", "1e309", "9" * 5000])
def test_numbers_must_be_finite_and_of_sensible_size(repo, value):
    text = (repo.root / "content/objectives/F1.md").read_text()
    repo.write("content/objectives/F1.md", text.replace("target: 14", f"target: {value}"))
    code, findings = validate_json(repo.root)
    assert code == 1
    assert [f["rule"] for f in findings] == ["bad-number"] and findings[0]["line"]


def test_strategy_json_is_strict_json(built_demo):
    def refuse(constant):
        raise ValueError(constant)
    json.loads((built_demo / "latest/strategy.json").read_text(), parse_constant=refuse)


def test_ids_and_titles_have_length_limits(repo):
    text = (repo.root / "content/objectives/C1.md").read_text()
    repo.write("content/objectives/C1.md", text.replace("id: C1", "id: C" + "1" * 300)
               .replace("title: Expand", "title: " + "x" * 17000 + " Expand"))
    code, findings = validate_json(repo.root)
    assert code == 1
    assert {(f["rule"], f["line"]) for f in findings} >= {("too-long", 2), ("too-long", 3)}


def test_a_link_to_a_file_outside_the_repository_is_never_read(repo, tmp_path):
    secret = tmp_path / "secrets.md"
    secret.write_text("---\nname: TOPSECRET-VALUE\n---\n")
    (repo.root / "content/teams/sales.md").unlink()
    (repo.root / "content/teams/sales.md").symlink_to(secret)
    result = run_process("build", str(repo.root))
    assert result.returncode == 1
    assert "content/teams/sales.md:1:1: error: `content/teams/sales.md` leads outside the strategy folder" in result.stderr
    assert "TOPSECRET" not in result.stderr + result.stdout


def test_a_content_folder_that_links_outside_the_repository_is_never_read(repo, tmp_path):
    outside = tmp_path / "outside-teams"
    outside.mkdir()
    (outside / "sales.md").write_text("---\nname: TOPSECRET-VALUE\n---\n")
    shutil.rmtree(repo.root / "content/teams")
    (repo.root / "content/teams").symlink_to(outside)
    result = run_process("build", str(repo.root))
    assert result.returncode == 1
    assert "content/teams: error: folder `content/teams` leads outside the strategy folder" in result.stderr
    assert "[not-a-file]" in result.stderr and "TOPSECRET" not in result.stderr + result.stdout
    assert not (repo.root / "output").exists()


def test_a_content_root_that_links_outside_the_repository_is_never_read(repo, tmp_path):
    """The build walks the content folder first (for its stamp) and then takes what it
    found there as checked: a content folder that is itself a link leading outside must
    not make its files look like the repository's own."""
    outside = tmp_path / "outside-content"
    shutil.copytree(repo.root / "content", outside)
    (outside / "teams/sales.md").write_text((outside / "teams/sales.md").read_text()
                                            .replace("name: Sales", "name: TOPSECRET-VALUE"))
    shutil.rmtree(repo.root / "content")
    (repo.root / "content").symlink_to(outside)
    result = run_process("build", str(repo.root))
    assert result.returncode == 1 and "content folder `content/`" in result.stderr
    assert "TOPSECRET" not in result.stderr + result.stdout
    assert not (repo.root / "output").exists()


def test_a_content_folder_that_links_to_nothing_is_named(repo):
    shutil.rmtree(repo.root / "content/guidance")
    (repo.root / "content/guidance").symlink_to("nowhere")
    code, findings = validate_json(repo.root)
    assert code == 1
    errors = [f for f in findings if f["severity"] == "error"]
    assert [(f["rule"], f["file"]) for f in errors] == [("not-a-file", "content/guidance")]
    assert "symbolic link to nothing" in errors[0]["message"]


def test_a_tagged_content_folder_that_links_inside_is_read_through_the_link(git_repo):
    shutil.move(git_repo.root / "content/teams", git_repo.root / "plans")
    (git_repo.root / "content/teams").symlink_to("../plans")
    git_repo.commit("plans kept beside the content", "2026-02-01T12:00:00+00:00")
    git_repo.tag("strategy/2026-Q1", "2026-02-01T12:00:00+00:00")
    result = run_process("build", str(git_repo.root), "-q")
    assert result.returncode == 0, result.stderr
    # the tag publishes the team the working tree does: nothing dropped because git keeps
    # the folder as a link
    for version in ("2026-Q1", "next"):
        assert (git_repo.root / "output" / version / "teams/sales/index.html").is_file(), version


@pytest.mark.parametrize("leads_outside", [True, False], ids=["outside", "to-nothing"])
def test_a_tagged_content_folder_that_links_outside_or_to_nothing_is_named_not_dropped(
        git_repo, tmp_path, leads_outside):
    outside = tmp_path / "outside-guidance"
    outside.mkdir()
    (outside / "discovery.md").write_text("---\ntitle: TOPSECRET-VALUE\ndo: [x]\n---\n")
    shutil.rmtree(git_repo.root / "content/guidance")
    (git_repo.root / "content/guidance").symlink_to(outside if leads_outside else "nowhere")
    git_repo.commit("guidance elsewhere", "2026-02-01T12:00:00+00:00")
    git_repo.tag("strategy/2026-Q1", "2026-02-01T12:00:00+00:00")
    git(git_repo.root, "checkout", "-q", "HEAD~1", "--", "content/guidance")  # only the tag has it
    result = run_process("build", str(git_repo.root), "-q")
    assert result.returncode == 1, result.stderr  # the newest tag must validate, and it does not
    assert result.stderr.startswith("== strategy/2026-Q1\ncontent/guidance: error: folder "
                                    "`content/guidance` is a symbolic link ")
    assert ("that leads outside the strategy folder" if leads_outside else "to nothing") in result.stderr
    assert "[not-a-file]" in result.stderr and "TOPSECRET" not in result.stderr + result.stdout


def test_a_link_inside_the_repository_is_fine(repo):
    shared = repo.write("shared/discovery.md", (repo.root / "content/guidance/discovery.md").read_text())
    (repo.root / "content/guidance/discovery.md").unlink()
    (repo.root / "content/guidance/discovery.md").symlink_to(shared)
    assert validate_json(repo.root)[0] == 0


def test_what_is_no_file_is_named_not_dropped(repo):
    guidance = repo.root / "content/guidance"
    (guidance / "dangling.md").symlink_to("nowhere.md")
    (guidance / "loop.md").symlink_to("loop.md")
    os.mkfifo(guidance / "pipe.md")
    (guidance / "folder.md").mkdir()
    code, findings = validate_json(repo.root)
    assert code == 1
    found = {f["file"]: f["message"] for f in findings if f["rule"] == "not-a-file"}
    assert "symbolic link to nothing" in found["content/guidance/dangling.md"]
    assert "loops" in found["content/guidance/loop.md"]
    assert "not a regular file" in found["content/guidance/pipe.md"]
    assert "is a folder" in found["content/guidance/folder.md"]


@pytest.mark.parametrize("settings, rule", [
    ("theme: /", "unsafe-path"), ("content_dir: /", "unsafe-path"),
    ("content_dir: ../content", "unsafe-path"), ("content_dir: 'content/ '", "unsafe-path"),
    ("theme: ../elsewhere", "unsafe-path"), ("output_dir: content", "unsafe-path"),
    ("base_url: 'javascript:alert(document.domain)//'", "bad-url"),
    ("base_url: //evil.example/", "bad-url"),
])
def test_settings_that_leave_the_repository_or_inject_are_errors(repo, settings, rule):
    repo.write("stratmap.yaml", f"title: T\n{settings}\n")
    code, findings = validate_json(repo.root)
    assert code == 1 and [(f["rule"], f["file"], f["line"]) for f in findings] == [(rule, "stratmap.yaml", 2)]


def test_a_theme_folder_that_links_outside_is_refused(repo, tmp_path):
    (tmp_path / "outside-theme/templates").mkdir(parents=True)
    (repo.root / "mytheme").symlink_to(tmp_path / "outside-theme")
    repo.write("stratmap.yaml", "title: T\ntheme: mytheme\n")
    result = run_process("build", str(repo.root))
    assert result.returncode == 2 and "leads outside" in result.stderr


def test_deeply_nested_html_builds_quickly_and_is_shown_as_text(repo):
    levels = 180_000  # ~2 MB: the largest file a strategy may hold
    text = (repo.root / "content/teams/sales.md").read_text()
    repo.write("content/teams/sales.md", text + "\n" + "<div>" * levels + "deep" + "</div>" * levels + "\n")
    result = subprocess.run([sys.executable, "-m", "stratmap", "build", str(repo.root), "-q"],
                            capture_output=True, text=True, timeout=90)
    assert result.returncode == 0, result.stderr
    assert "[html-too-deep]" in result.stderr and "nests 180,000 elements deep" in result.stderr
    page = (repo.root / "output/latest/teams/sales/index.html").read_text()
    assert "&lt;div&gt;&lt;div&gt;" in page and "<div><div><div>" not in page


# --- what the commands print (items 16 and 18) ---------------------------------------------

def test_diff_output_is_inert_in_a_terminal_and_in_a_pull_request(git_repo):
    git_repo.tag("strategy/2026-Q1", "2026-02-01T12:00:00+00:00")
    text = (git_repo.root / "content/objectives/C1.md").read_text()
    hostile = 'Grow \\e]0;owned\\a\\e[31m @acme/sales see https://evil.example\\nInjected line'
    git_repo.write("content/objectives/C1.md", text.replace("title: Expand", f'title: "{hostile}" #'))
    shown = run_process("diff", cwd=git_repo.root)
    assert shown.returncode == 0, shown.stderr
    assert "\x1b" not in shown.stdout and "\x07" not in shown.stdout
    assert not any(line.startswith("Injected line") for line in shown.stdout.splitlines())
    comment = run_process("diff", "--format", "markdown", cwd=git_repo.root).stdout
    assert "@acme" not in comment and "https://evil" not in comment
    assert not any(line.lstrip().startswith("Injected") for line in comment.splitlines())


def test_new_refuses_a_name_with_a_trailing_newline(repo):
    result = run("new", "objective", "Z9\n", "--dir", str(repo.root))
    assert result.exit_code == 2
    assert not list((repo.root / "content/objectives").glob("Z9*"))


# --- serve (item 17) -----------------------------------------------------------------------

def test_serve_answers_only_loopback_hosts_and_redirects_folders_to_their_slash(repo):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "stratmap", "serve", str(repo.root), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def get(path: str, host: str) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", path, headers={"Host": host})
        return connection.getresponse()

    try:
        for _ in range(300):
            try:
                if get("/latest/index.html", f"localhost:{port}").status == 200:
                    break
            except OSError:
                pass
            import time
            time.sleep(0.2)
        assert get("/latest/index.html", f"127.0.0.1:{port}").status == 200
        assert get("/latest/index.html", f"[::1]:{port}").status == 200
        assert get("/latest/index.html", "evil.example").status == 421
        assert get("/latest/index.html", f"rebind.evil.example:{port}").status == 421
        moved = get("/latest/teams/sales?x=1", f"localhost:{port}")
        assert moved.status == 301 and moved.getheader("Location") == "/latest/teams/sales/?x=1"
    finally:
        server.terminate()
        server.communicate(timeout=30)
