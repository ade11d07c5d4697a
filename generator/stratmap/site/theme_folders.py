"""Where a theme's files are: a built-in theme, or a folder of the repository on top of the
default one. Kept apart from theme.py so that finding them needs no Jinja (an up-to-date
build digests the theme's files and stops there).
"""

from __future__ import annotations

from pathlib import Path

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
