"""Themes: where a site's templates and static files come from.

A theme is the built-in `default`, or a folder holding only the templates and static
files it overrides; the rest comes from the default theme.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    meta,
    select_autoescape,
)

from ..cache.bytecode import signed_bytecode_cache

BUILTIN_THEMES = Path(__file__).parent.parent / "themes"
if not BUILTIN_THEMES.is_dir():  # an editable install: the themes sit at the repository root
    BUILTIN_THEMES = Path(__file__).resolve().parents[3] / "themes"


class ThemeError(Exception):
    pass


def theme_folders(name_or_folder: str, project_root: Path) -> list[Path]:
    """The folders to look in, the user's first, the default theme last."""
    default = BUILTIN_THEMES / "default"
    if name_or_folder == "default":
        return [default]
    built_in = BUILTIN_THEMES / name_or_folder
    custom = built_in if built_in.is_dir() else project_root / name_or_folder
    if custom.is_dir() and custom is not built_in and \
            not custom.resolve().is_relative_to(project_root.resolve()):
        raise ThemeError(f"theme `{name_or_folder}` leads outside {project_root} (a symbolic "
                         "link?); a theme's templates run as code, so it must be a folder of the "
                         "repository or a built-in theme")
    if not custom.is_dir():
        names = ", ".join(sorted(p.name for p in BUILTIN_THEMES.iterdir()))
        raise ThemeError(f"theme `{name_or_folder}` is neither a built-in theme ({names}) nor a "
                         f"folder under {project_root}")
    return [custom, default]


def theme_key(folders: list[Path]) -> str:
    """A digest of every file of the theme: a theme change re-renders every page."""
    hasher = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                hasher.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return hasher.hexdigest()
class Theme:
    """The default theme, with a user folder's templates and static files on top."""

    def __init__(self, folders: list[Path], key: str, compiled: Path | None = None):
        """`compiled`: a folder that keeps compiled templates between builds (Jinja checks
        each against its source), which spares an incremental build compiling them again."""
        self.folders = folders
        self.key = key  # theme_key(folders): every file's digest, computed by the caller
        if compiled is not None:
            compiled.mkdir(parents=True, exist_ok=True)
        self.environment = Environment(
            loader=ChoiceLoader([FileSystemLoader(str(f / "templates")) for f in self.folders]),
            autoescape=select_autoescape(default_for_string=True, default=True),
            undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
            bytecode_cache=signed_bytecode_cache(compiled) if compiled else None)
        self.environment.filters["number"] = format_number

    def static_files(self) -> dict[str, Path]:
        """Relative path → file; a user theme's file replaces the default's of the same name."""
        files: dict[str, Path] = {}
        for folder in reversed(self.folders):
            files |= _files_in(folder / "static")
        return files

    def render(self, template: str, **context: Any) -> str:
        return self.environment.get_template(template).render(**context)

    @functools.cached_property
    def overridden(self) -> frozenset[str]:
        """The templates a user's theme replaces."""
        return frozenset(name for folder in self.folders[:-1] for name in _files_in(folder / "templates"))

    def opaque(self, templates: Iterable[str]) -> set[str]:
        """Those of these page templates that use a template of the user's theme, itself
        or through extends, include or import. We cannot know what such a page shows, so
        it depends on everything (the default theme's pages depend on what they show)."""
        if not self.overridden:
            return set()
        return {t for t in templates if (uses := self._uses(t)) & self.overridden or None in uses}

    def _uses(self, template: str) -> set[str | None]:
        """The template and every one it refers to, transitively; None for a name only
        known when it renders."""
        seen: set[str | None] = set()
        waiting: list[str | None] = [template]
        while waiting:
            name = waiting.pop()
            if name in seen:
                continue
            seen.add(name)
            if name is not None:
                source, _, _ = self.environment.loader.get_source(self.environment, name)
                waiting += meta.find_referenced_templates(self.environment.parse(source))
        return seen


def _files_in(folder: Path) -> dict[str, Path]:
    """Relative path → file, for every file below `folder` (none when it is missing)."""
    if not folder.is_dir():
        return {}
    return {path.relative_to(folder).as_posix(): path for path in sorted(folder.rglob("*"))
            if path.is_file()}


def format_number(value: float | None) -> str:
    if value is None:
        return "—"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


