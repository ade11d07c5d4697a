"""The reader's language: every UI string of the default theme translated in every
shipped language, catalogs compiled as shipped, a German demo without English UI words,
dates and numbers the locale's way, and a user theme that adds a language."""

from __future__ import annotations

import html
import re
import shutil
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from conftest import REPO_ROOT, copy_demo, run

sys.path.insert(0, str(REPO_ROOT / "themes/default/locale"))
from refresh import compiled, languages, template_catalog

SHIPPED = ["de", "es", "fr", "ja"]


def _catalog(language: str):
    with (REPO_ROOT / f"themes/default/locale/{language}/LC_MESSAGES/messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


def test_the_default_theme_ships_these_languages():
    assert [p.name for p in languages()] == SHIPPED


@pytest.mark.parametrize("language", SHIPPED)
def test_every_ui_string_has_a_translation(language):
    catalog = _catalog(language)
    untranslated = []
    for message in template_catalog():
        if not message.id:
            continue
        found = catalog.get(message.id[0] if isinstance(message.id, tuple) else message.id)
        strings = found.string if found else None
        if not found or not strings or (isinstance(strings, tuple) and not all(strings)) or found.fuzzy:
            untranslated.append(message.id)
    assert untranslated == []


@pytest.mark.parametrize("language", SHIPPED)
def test_the_shipped_mo_is_the_compiled_po(language):
    folder = REPO_ROOT / f"themes/default/locale/{language}/LC_MESSAGES"
    assert (folder / "messages.mo").read_bytes() == compiled(folder / "messages.po"), \
        "run python themes/default/locale/refresh.py"


def _visible(page: str) -> str:
    body = re.sub(r"<(svg|script|style)\b.*?</\1>", " ", page[page.index("<body"):], flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


@pytest.fixture(scope="module")
def german_demo(tmp_path_factory) -> Path:
    from stratmap.build import BuildOptions, build_site

    root = copy_demo(tmp_path_factory.mktemp("de"))
    settings = root / "stratmap.yaml"
    settings.write_text(settings.read_text() + "language: de\n")
    build_site(BuildOptions(root))
    return root


def test_a_german_build_shows_no_english_ui_string(german_demo):
    content = " ".join(p.read_text() for p in (german_demo / "content").rglob("*.md"))
    german = _catalog("de")
    checked = [m.id for m in german if isinstance(m.id, str) and m.id and m.string != m.id
               and " " in m.id and "%(" not in m.id and m.id not in content]
    assert len(checked) > 100
    pages = list((german_demo / "output").rglob("*.html"))
    assert len(pages) > 30
    for page in pages:
        text = re.sub(r"\s+", " ", _visible(page.read_text()))
        left = [message for message in checked if message in text]
        assert left == [], page
    home = (german_demo / "output/next/index.html").read_text()
    assert '<html lang="de">' in home and "Strategiekarte" in home


def test_german_dates_and_numbers(german_demo):
    objective = re.sub(r"\s+", " ", _visible((german_demo / "output/next/objectives/F1/index.html").read_text()))
    assert "Stand 15.11.2026" in objective  # as of 2026-11-15
    assert re.search(r"\b41,2 USD m\b", objective)  # a decimal comma


def test_a_user_theme_adds_a_language_and_an_unknown_one_is_refused(tmp_path):
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    root = copy_demo(tmp_path / "demo")
    folder = root / "mytheme/locale/nl/LC_MESSAGES"
    folder.mkdir(parents=True)
    catalog = Catalog(locale="nl")
    catalog.add("Strategy map", "Strategiekaart")
    with (folder / "messages.mo").open("wb") as handle:
        write_mo(handle, catalog)
    settings = root / "stratmap.yaml"
    original = settings.read_text()
    settings.write_text(original.replace("theme: default", "theme: mytheme") + "language: nl\n")
    assert run("build", str(root), "-q").exit_code == 0
    home = (root / "output/next/index.html").read_text()
    assert '<html lang="nl">' in home and "Strategiekaart" in home
    settings.write_text(original + "language: it\n")
    refused = run("build", str(root), "-q")
    assert refused.exit_code == 2 and "no translation of the theme into `it`" in refused.output
    shutil.rmtree(root / "mytheme")


def test_every_label_the_code_hands_the_templates_is_declared_for_translation():
    """Statuses, perspectives, kinds, sections and field names reach the pages through
    `_()` as values, where extraction cannot see them: site/i18n.py declares them, and
    a label added to the code without being declared would stay English."""
    from stratmap.diff.format import field_label
    from stratmap.model.content import DEFAULT_PERSPECTIVE_TITLES, ChangeKind, InitiativeStatus, Kpi
    from stratmap.model.status import Status
    from stratmap.site.i18n import MODEL_LABELS
    from stratmap.site.routes import OVERVIEWS, SECTIONS

    shown = {s.label for s in Status} | set(DEFAULT_PERSPECTIVE_TITLES.values())
    shown |= {k.value for k in ChangeKind} | {s.value.replace("-", " ") for s in InitiativeStatus}
    shown |= {"added", "removed", "changed", "Edit this page", "View source"}
    shown |= {label for label, _ in SECTIONS} | {title for _, _, title in OVERVIEWS}
    # a KPI move names the field it moved; `history` moves are told as "history points"
    moved = [name for name in Kpi.model_fields if name not in ("id", "history")] + ["history points"]
    shown |= {field_label(name) for name in moved}
    assert shown - set(MODEL_LABELS) == set()
