"""A user theme overrides only what it holds; the default theme ships inside the wheel."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

from conftest import REPO_ROOT, copy_demo, run


def test_a_theme_folder_overrides_only_its_own_templates_and_files(tmp_path):
    root = copy_demo(tmp_path / "demo")
    (root / "brand/templates").mkdir(parents=True)
    (root / "brand/static").mkdir()
    (root / "brand/templates/team.html").write_text(
        '{% extends "base.html" %}{% block content %}<h1>Our own team page: {{ team.name }}</h1>{% endblock %}')
    (root / "brand/static/style.css").write_text("body { color: rebeccapurple; }")
    settings = root / "stratmap.yaml"
    settings.write_text(settings.read_text().replace("theme: default", "theme: brand"))
    result = run("build", str(root), "-q")
    assert result.exit_code == 0, result.output
    site = root / "output/latest"
    assert "Our own team page: Enterprise East" in (site / "teams/enterprise-east/index.html").read_text()
    assert "Strategy map" in (site / "index.html").read_text()  # the default home page
    assert (root / "output/assets/style.css").read_text() == "body { color: rebeccapurple; }"
    assert (root / "output/assets/site.js").is_file()  # not overridden: the default's


def test_an_unknown_theme_is_an_environment_error(tmp_path):
    root = copy_demo(tmp_path / "demo")
    settings = root / "stratmap.yaml"
    settings.write_text(settings.read_text().replace("theme: default", "theme: nowhere"))
    result = run("build", str(root), "-q")
    assert result.exit_code == 2 and "theme `nowhere`" in result.output


@pytest.mark.slow
def test_the_wheel_carries_the_theme_and_builds_a_site(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels),
                    str(REPO_ROOT)], check=True, capture_output=True, timeout=600)
    wheel = next(wheels.glob("stratmap-*.whl"))
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        assert "stratmap/themes/default/templates/base.html" in names
        assert "stratmap/themes/default/static/site.js" in names
        archive.extractall(unpacked)
    demo = copy_demo(tmp_path / "demo")
    # the unpacked wheel first on the path: this is the package as `pip install .` lays it out
    result = subprocess.run(
        [sys.executable, "-c", "import stratmap, sys; print(stratmap.__file__, file=sys.stderr); "
         "from stratmap.cli import main; main()", "build", str(demo), "-q"],
        env={**os.environ, "PYTHONPATH": str(unpacked)}, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert str(unpacked) in result.stderr.splitlines()[0]
    assert (demo / "output/latest/teams/enterprise-east/index.html").is_file()


def test_a_page_of_a_user_template_is_never_stale(tmp_path):
    """Pages of the default theme depend on what they show; a user's template may show
    anything, so its pages depend on everything: an incremental build equals a clean one."""
    import shutil

    from conftest import snapshot
    from stratmap.build import BuildOptions, build_site
    root = copy_demo(tmp_path / "demo")
    (root / "brand/templates").mkdir(parents=True)
    (root / "brand/templates/roles.html").write_text(  # the default shows no targets here
        '{% extends "base.html" %}{% block content %}{% for t in model.teams.values() %}'
        '{% for p in t.priorities %}{% for k in p.kpis %}<p>{{ t.name }} {{ k.target }}</p>'
        '{% endfor %}{% endfor %}{% endfor %}{% endblock %}')
    settings = root / "stratmap.yaml"
    settings.write_text(settings.read_text().replace("theme: default", "theme: brand"))
    build_site(BuildOptions(root))
    team = root / "content/teams/enterprise-east.md"
    team.write_text(team.read_text().replace("{kpi: nps, target: 42", "{kpi: nps, target: 45"))
    build_site(BuildOptions(root))
    assert "Enterprise East 45" in (root / "output/next/roles/index.html").read_text()
    clean = tmp_path / "clean"
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns("output", ".stratmap-cache"))
    build_site(BuildOptions(clean))
    assert snapshot(root / "output") == snapshot(clean / "output")
