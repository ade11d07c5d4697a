"""Links from a page to the content file it shows: "Edit this page" where the file can
still change (the working tree), "View source" at the tag for a published version.

MkDocs' convention: `repo_url` plus `edit_uri` (default `edit/main/`, or `-/edit/main/`
on a GitLab host) plus the file's path in the repository.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from ..model.settings import Settings


@dataclass(frozen=True)
class SourceLink:
    url: str
    label: str  # "Edit this page" or "View source"


def source_link(settings: Settings, repository_prefix: str, tag: str | None,
                file: str) -> SourceLink | None:
    """`repository_prefix`: the strategy's folder inside the git repository ("" at its top)."""
    repo_url = settings.repo_url
    if not repo_url:
        return None
    path = quote(posixpath.join(repository_prefix, file))
    gitlab = "gitlab" in (urlsplit(repo_url).hostname or "")
    if tag:
        return SourceLink(f"{repo_url}{'-/' if gitlab else ''}blob/{quote(tag)}/{path}", "View source")
    edit_uri = settings.edit_uri if settings.edit_uri is not None else \
        ("-/edit/main/" if gitlab else "edit/main/")
    return SourceLink(f"{repo_url}{edit_uri.strip('/')}/{path}", "Edit this page")
