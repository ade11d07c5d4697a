"""Theme: the Jinja environment over a theme's folders (see theme_folders.py), and the
static files the site copies from them.

A theme is the built-in `default`, or a folder holding only the templates and static
files it overrides; the rest comes from the default theme.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    select_autoescape,
)

from ..cache.bytecode import signed_bytecode_cache
from .i18n import SOURCE_LANGUAGE, LocaleFormats, script_strings, template_gettext, translations_for


class Theme:
    """The default theme, with a user folder's templates and static files on top."""

    def __init__(self, folders: list[Path], key: str, compiled: Path | None = None,
                 language: str = SOURCE_LANGUAGE):
        """`compiled`: a folder that keeps compiled templates between builds (Jinja checks
        each against its source), which spares an incremental build compiling them again.
        `language`: the reader's; its catalogs come from the theme's folders."""
        self.folders = folders
        # theme_key(folders) digests every file, catalogs included; the language picks one
        self.key = f"{key}:{language}"
        self.language = language
        if compiled is not None:
            try:
                compiled.mkdir(parents=True, exist_ok=True)
            except OSError:  # no user cache folder to write: templates compile in memory
                compiled = None
        self.environment = Environment(
            loader=ChoiceLoader([FileSystemLoader(str(f / "templates")) for f in self.folders]),
            autoescape=select_autoescape(default_for_string=True, default=True),
            undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
            bytecode_cache=signed_bytecode_cache(compiled) if compiled else None)
        translations = translations_for(folders, language)
        self.environment.globals.update(template_gettext(translations))
        formats = LocaleFormats(language)
        self.environment.filters["number"] = formats.number
        self.environment.filters["date"] = formats.date
        self.environment.globals["language"] = language
        self.environment.globals["script_strings"] = script_strings(translations)

    def static_files(self) -> dict[str, Path]:
        """Relative path → file; a user theme's file replaces the default's of the same name."""
        files: dict[str, Path] = {}
        for folder in reversed(self.folders):
            files |= _files_in(folder / "static")
        return files

    def render(self, template: str, **context: Any) -> str:
        return self.environment.get_template(template).render(**context)

    def version_note(self) -> Callable[..., str] | None:
        """The macro that writes what a page says of its version (version_note.html), when
        it is the only template that asks whether a version is the newest: then a page of a
        version that stops being the newest differs from before only in that note."""
        for name in self.environment.list_templates(extensions=["html"]):
            if name != VERSION_NOTE and _ASKS_LATEST.search(self._source(name)):
                return None
        module: Any = self.environment.get_template(VERSION_NOTE).module
        return cast(Callable[..., str], module.version_note)

    def _source(self, name: str) -> str:
        loader = self.environment.loader
        assert loader is not None
        return loader.get_source(self.environment, name)[0]


VERSION_NOTE = "version_note.html"
# `version.latest`, `info["latest"]`: not `latest/index.html`, a link to the newest version
_ASKS_LATEST = re.compile(r"""[.\[]\s*["']?latest\b""")


def _files_in(folder: Path) -> dict[str, Path]:
    """Relative path → file, for every file below `folder` (none when it is missing)."""
    if not folder.is_dir():
        return {}
    return {path.relative_to(folder).as_posix(): path for path in sorted(folder.rglob("*"))
            if path.is_file()}


# English figures, for files read by tools (scorecard.csv) and the charts' own labels
format_number = LocaleFormats(SOURCE_LANGUAGE).number
