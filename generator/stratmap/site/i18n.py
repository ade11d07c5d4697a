"""The reader's language: the theme's UI strings through gettext catalogs, dates and
numbers the locale's way.

Every theme folder may hold `locale/<language>/LC_MESSAGES/messages.mo`; the default
theme ships en (its msgids), de, fr, es and ja, and a user theme can add a language or
override strings (its catalog is merged over the default's). Labels the model decides
(statuses, perspectives, kinds) and the strings of site.js are declared below with `N_`
so that extraction finds them.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_decimal
from babel.support import Translations
from markupsafe import Markup, escape

from .theme_folders import BUILTIN_THEMES, ThemeError

SOURCE_LANGUAGE = "en"  # the templates are written in it: its catalog is the msgids
DOMAIN = "messages"


def N_(message: str) -> str:  # gettext's name for "mark for extraction"
    return message


# shown by the theme, decided by the model
MODEL_LABELS = [
    N_("On track"), N_("At risk"), N_("Off track"), N_("No data"),
    N_("Financial"), N_("Customer"), N_("Internal processes"), N_("Learning & growth"),
    N_("skills"), N_("process"), N_("technology"), N_("projects"), N_("values"), N_("other"),
    N_("planned"), N_("in progress"), N_("done"), N_("blocked"), N_("dropped"),
    N_("added"), N_("removed"), N_("changed"),
    N_("Edit this page"), N_("View source"),
    # sections and the pages' titles (routes.py)
    N_("Strategy"), N_("Scorecard"), N_("Alignment"), N_("Teams"), N_("Roles"), N_("People"),
    N_("Initiatives"), N_("Guidance"), N_("Changes"), N_("What changed"),
    # what a KPI move changed (diff/format.py's field labels)
    N_("target"), N_("actual"), N_("baseline"), N_("date of the actual"), N_("earlier actuals"),
    N_("comment"), N_("source"), N_("due date"), N_("milestones"), N_("direction"), N_("unit"),
    N_("name"), N_("at-risk threshold"),
]
# the strings site.js writes into pages (handed over in the body's data-strings)
SCRIPT_STRINGS = [
    N_("Full screen"), N_("Zoom in"), N_("Zoom out"), N_("Fit"), N_("Close"),
    N_("Map: drag or use the arrow keys to move, pinch or + and - to zoom, 0 to fit"),
    N_("No results for"), N_("result"), N_("results"), N_("latest"), N_("unavailable"),
    N_("This page does not exist in"), N_("Open the home page of"),
    N_("Read this page in"), N_("the current version"),
    N_("This page is not in"), N_("go to its home page"),
    N_("The last rebuild failed; this page is the last good build."),
]


class UnknownLanguage(ThemeError):
    """No theme folder has a catalog for the language stratmap.yaml asks for."""


def translations_for(folders: Iterable[Path], language: str) -> gettext.NullTranslations:
    """The catalogs of `language` from the theme's folders, the user's over the default's."""
    if language == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    merged: Translations | None = None
    for folder in reversed(list(folders)):  # the default theme first, the user's on top
        found = Translations.load(str(folder / "locale"), [language], DOMAIN)
        if isinstance(found, Translations):
            merged = found if merged is None else merged.merge(found)
    if merged is None:
        raise UnknownLanguage(f"no translation of the theme into `{language}`: the default theme "
                              f"has {', '.join(shipped_languages())}; a theme folder can add "
                              f"locale/{language}/LC_MESSAGES/{DOMAIN}.mo")
    return merged


def shipped_languages() -> list[str]:
    locale = BUILTIN_THEMES / "default" / "locale"
    found = sorted(p.name for p in locale.iterdir() if (p / "LC_MESSAGES").is_dir()) if locale.is_dir() else []
    return [SOURCE_LANGUAGE, *found]


def template_gettext(translations: gettext.NullTranslations) -> dict[str, Any]:
    """`_`, `gettext` and `ngettext` for the templates, with the meaning of Jinja's newstyle
    gettext (variables by name, escaped; `num` for plurals) but each message looked up once:
    a build makes hundreds of thousands of these calls, and Jinja's i18n extension spent
    more time in its wrappers than the lookup."""
    lookup = functools.lru_cache(maxsize=None)(translations.gettext)
    plural = functools.lru_cache(maxsize=None)(translations.ngettext)

    # Messages are text, never HTML, and escaped: a template may hand `_` a title from the
    # content (`_(page.title)`), which must not become markup (Jinja's newstyle would trust it).
    def translate(message: str, **variables: Any) -> Markup:
        text = escape(lookup(message))
        return text % variables if variables else text

    def translate_plural(singular: str, plural_form: str, num: int, **variables: Any) -> Markup:
        return escape(plural(singular, plural_form, num)) % {"num": num, **variables}

    return {"_": translate, "gettext": translate, "ngettext": translate_plural}


def script_strings(translations: gettext.NullTranslations) -> dict[str, str]:
    return {message: translations.gettext(message) for message in SCRIPT_STRINGS}


class LocaleFormats:
    """Numbers and dates as the reader's language writes them. English keeps ISO dates
    (2026-09-30), which every reader of a strategy in English can read unambiguously."""

    def __init__(self, language: str):
        self.language = language
        try:
            self.locale: Locale | None = Locale.parse(language) if language != SOURCE_LANGUAGE else None
        except (ValueError, UnknownLocaleError):
            self.locale = None

    def number(self, value: float | None) -> str:
        if value is None:
            return "—"
        if self.locale is None:
            if float(value).is_integer():
                return f"{int(value):,}"
            return f"{value:,.2f}".rstrip("0").rstrip(".")
        return format_decimal(value, format="#,##0.##", locale=self.locale)

    def date(self, value: dt.date | str | None) -> str:
        if value is None or value == "":
            return ""
        if self.locale is None:
            return value if isinstance(value, str) else value.isoformat()
        day = dt.date.fromisoformat(value) if isinstance(value, str) else value
        return format_date(day, format="medium", locale=self.locale)
