"""Themes: where a site's templates and static files come from.

A theme is the built-in `default`, or a folder holding only the templates and static
files it overrides; the rest comes from the default theme.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
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


