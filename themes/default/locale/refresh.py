"""Keep the default theme's catalogs in step with its templates.

    python themes/default/locale/refresh.py          # extract, update every .po, compile .mo

Extracts every string the templates mark (`_()`, `ngettext()`, `{% trans %}`) and the
labels declared with `N_` in stratmap/site/i18n.py, merges them into each language's
messages.po (new strings come in untranslated, so the catalog test names them), and
compiles messages.mo, which the package ships.
"""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

LOCALE = Path(__file__).parent
THEME = LOCALE.parent
SITE_PACKAGE = THEME.parent.parent / "generator/stratmap/site"
JINJA = {"extensions": "jinja2.ext.i18n", "trim_blocks": "True", "lstrip_blocks": "True"}


def template_catalog() -> Catalog:
    """Every message of the theme and the labels the site's code declares."""
    catalog = Catalog(project="stratmap default theme", charset="utf-8")
    sources = [(THEME / "templates", [("**.html", "jinja2")], {"**.html": JINJA}, None),
               (SITE_PACKAGE, [("i18n.py", "python")], {}, {"N_": None, "_": None})]
    for folder, methods, options, keywords in sources:
        extra = {"keywords": keywords} if keywords else {}
        for filename, line, message, comments, context in extract_from_dir(
                str(folder), methods, options, **extra):
            catalog.add(message, locations=[(filename, line)], auto_comments=comments, context=context)
    return catalog


def compiled(po_path: Path) -> bytes:
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def languages() -> list[Path]:
    return sorted(p for p in LOCALE.iterdir() if (p / "LC_MESSAGES").is_dir())


def main() -> None:
    template = template_catalog()
    for folder in languages():
        po_path = folder / "LC_MESSAGES/messages.po"
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=folder.name)
        catalog.update(template, no_fuzzy_matching=True)
        with po_path.open("wb") as handle:
            write_po(handle, catalog, omit_header=False, sort_output=True, include_lineno=False)
        (folder / "LC_MESSAGES/messages.mo").write_bytes(compiled(po_path))
        missing = [m.id for m in catalog if m.id and not m.string]
        print(f"{folder.name}: {len(catalog)} messages, {len(missing)} untranslated")


if __name__ == "__main__":
    main()
