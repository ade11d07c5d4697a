"""Every malformed file: exit 1, a message with file and line, never a traceback."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from conftest import run_process, validate_json
from stratmap.source.trees import WorkingTree
from stratmap.validate import validate

OBJECTIVE = "content/objectives/C1.md"

BAD_FILES = [
    # (name, file, bytes, rule, line)
    ("yaml syntax", OBJECTIVE, b"---\nid: C1\ntitle: [unclosed\n---\n", "bad-yaml", 4),
    ("tab indentation", OBJECTIVE, b"---\nid: C1\n\ttitle: x\n---\n", "bad-yaml", 3),
    ("unclosed front matter", OBJECTIVE, b"---\nid: C1\ntitle: x\n", "unclosed-front-matter", 1),
    ("no front matter", OBJECTIVE, b"# Just markdown\n", "no-front-matter", 1),
    ("list for mapping", OBJECTIVE, b"---\n- id: C1\n---\n", "not-a-mapping", 2),
    ("empty file", OBJECTIVE, b"", "empty-file", 1),
    ("empty front matter", OBJECTIVE, b"---\n---\nbody\n", "not-a-mapping", 1),
    ("non-utf8", OBJECTIVE, b"---\nid: C1\ntitle: Caf\xe9\n---\n", "not-utf8", 3),
    ("wrong type", OBJECTIVE, b"---\nid: C1\ntitle: x\nperspective: customer\ndrives: F1\n---\n",
     "wrong-type", 5),
    ("bad date", "content/teams/sales.md", b"---\nname: S\nreviewed_on: 2026-13-45\n---\n",
     "bad-date", 3),
    ("path-escaping id", OBJECTIVE, b"---\nid: ../x\ntitle: x\nperspective: customer\n---\n",
     "bad-id", 2),
    ("python tag", OBJECTIVE, b"---\nid: !!python/object/apply:os.system [echo hi]\n---\n",
     "bad-yaml", 2),
    ("duplicate key", OBJECTIVE, b"---\nid: C1\nid: C2\n---\n", "duplicate-key", 3),
    ("bad settings", "stratmap.yaml", b"rules: {max_objectives: many}\n", "wrong-type", 1),
    ("settings typo", "stratmap.yaml", b"titel: x\n", "unknown-field", 1),
    ("settings syntax", "stratmap.yaml", b"title: [x\n", "bad-yaml", 2),
    ("non-slug file name", "content/guidance/Bad Name.md", b"---\ntitle: x\ndo: [y]\n---\n",
     "bad-slug", 1),
]


@pytest.mark.parametrize("name, relpath, data, rule, line", BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_malformed_file_is_reported_with_file_and_line(repo, name, relpath, data, rule, line):
    repo.write_bytes(relpath, data)
    code, findings = validate_json(repo.root)
    assert code == 1
    assert (findings[0]["rule"], findings[0]["file"], findings[0]["line"]) == (rule, relpath, line)


def test_alias_bomb_is_stopped_fast(repo):
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for index, name in enumerate("bcdefghi"):
        previous = "abcdefghi"[index]
        levels.append(f"{name}: &{name} [{','.join(['*' + previous] * 9)}]")
    repo.write("content/guidance/bomb.md", "---\n" + "\n".join(levels) + "\n---\n")
    started = time.perf_counter()
    code, findings = validate_json(repo.root)
    elapsed = time.perf_counter() - started
    assert code == 1 and findings[0]["rule"] == "yaml-too-large"
    assert elapsed < 10  # a safety net against hanging, not a speed target


def test_oversized_file_is_refused_before_reading(repo):
    repo.write_bytes(OBJECTIVE, b"---\nid: C1\n---\n" + b"x" * (2 * 1024 * 1024 + 1))
    code, findings = validate_json(repo.root)
    assert code == 1 and findings[0]["rule"] == "file-too-large"


def test_a_build_refuses_an_oversized_file_and_builds_once_it_is_fixed(repo):
    """The build hashes every file before it loads them; one too large to load is hashed
    in pieces, never held whole, and reported like any other mistake."""
    original = (repo.root / OBJECTIVE).read_bytes()
    repo.write_bytes(OBJECTIVE, original + b"x" * (2 * 1024 * 1024 + 1))
    result = run_process("build", str(repo.root))
    assert result.returncode == 1 and "[file-too-large]" in result.stderr
    repo.write_bytes(OBJECTIVE, original)
    assert run_process("build", str(repo.root)).returncode == 0


def test_missing_settings_file(repo):
    repo.remove("stratmap.yaml")
    code, findings = validate_json(repo.root)
    assert code == 1 and findings[0]["file"] == "stratmap.yaml"
    assert findings[0]["rule"] == "missing-file"


def test_missing_content_folder(repo):
    repo.write("stratmap.yaml", "content_dir: nowhere\n")
    code, findings = validate_json(repo.root)
    assert code == 1 and "nowhere" in findings[0]["message"]


def test_missing_strategy_file(repo):
    repo.remove("content/strategy.md")
    code, findings = validate_json(repo.root)
    assert code == 1 and findings[0]["file"] == "content/strategy.md"


def test_unreadable_file(repo):
    # Root reads any file whatever its mode, so make the read itself fail.
    class DeniedTree(WorkingTree):
        def read_bytes(self, relpath: str) -> bytes:
            if relpath == OBJECTIVE:
                raise PermissionError(13, "Permission denied")
            return super().read_bytes(relpath)

    findings = validate(DeniedTree(repo.root), dt.date(2026, 11, 1)).findings
    assert [(f.rule, f.file) for f in findings] == [("unreadable-file", OBJECTIVE)]
    assert "Permission denied" in findings[0].message


def test_real_process_prints_no_traceback(repo):
    repo.write_bytes(OBJECTIVE, b"---\nid: [1, 2\n---\n")
    result = run_process("validate", str(repo.root))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "content/objectives/C1.md:3:1: error: YAML syntax error" in result.stdout
