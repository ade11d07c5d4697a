"""Settings: the typed stratmap.yaml, and the base class of every content model.
"""

from __future__ import annotations

import functools
import posixpath
import re

from pydantic import (
    Field,
    ValidationInfo,
    field_validator,
)

from ..cache.layout import CACHE_FOLDER
from ..source.load import (
    folder_in_repository,
)
from .types import Strict, Text, Title, rule_error

# --- stratmap.yaml -----------------------------------------------------------------

class VersionSettings(Strict):
    tags: str = Field("strategy/*", description="Glob of git tags that are published versions.")
    draft: str | None = Field(None, description="Label of the working tree as a draft version; "
                                                "null: the draft is not published.")


class RuleSettings(Strict):
    max_priorities_per_team: int = Field(3, ge=0)
    """A team plan with more priorities than this is unfocused (warning `too-many-priorities`)."""
    max_objectives: int = Field(25, ge=0)
    """More objectives than this make a map nobody reads (warning `too-many-objectives`)."""
    review_every_days: int = Field(92, ge=1)
    """A plan not reviewed for longer than this is overdue (warning `stale-review`)."""
    actual_max_age_days: int = Field(45, ge=1, description="An actual older than this (before "
                                     "the version's date) is stale.")
    at_risk_below: float = Field(0.7, ge=0, le=1,
                                 description="KPI progress ratio below which a KPI is off track.")


class RoleDefinition(Strict):
    """A kind of seller the plans may name in a priority's `roles`."""

    name: Title = Field(description="The role as plans name it, e.g. `Account Executive`.")
    aliases: list[Title] = Field(default_factory=list, description="Other names for the role "
                                 "(e.g. `AE`), matched case-insensitively in plans.")
    description: Text = Field("", description="What the role does, shown on its page.")

    def names(self) -> list[str]:
        return [self.name, *self.aliases]


# a path the site is served from: `/`, `/strategy/`; or a web address, used in links only
_BASE_PATH = re.compile(r"/(?!/)[A-Za-z0-9._~!$&'()*+,;=:@%/-]*\Z")
_EDIT_PATH = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=:@%-][A-Za-z0-9._~!$&'()*+,;=:@%/-]*\Z")
_BASE_ADDRESS = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?\Z")


def _folder_in_repository(value: str) -> str:
    try:
        return folder_in_repository(value)
    except ValueError as problem:
        raise rule_error("unsafe-path", str(problem)) from None


class Settings(Strict):
    title: Title = "Sales Strategy"
    """The site's title, in every page's header."""
    base_url: str = Field("/", description="Path prefix where the site is served (`/`, "
                                           "`/strategy/`), or an http(s) address used in links.")
    content_dir: str = "content"
    """The folder of the Markdown content, inside the repository."""
    theme: str = Field("default", description="A built-in theme name or a folder.")
    output_dir: str = "output"
    """Where `stratmap build` writes the site; a folder of its own."""
    versions: VersionSettings = Field(default_factory=VersionSettings)
    """Which git tags are published versions, and whether the working tree is a draft."""
    rules: RuleSettings = Field(default_factory=RuleSettings)
    """Thresholds of the warnings."""
    repo_url: str | None = Field(None, description="Where the repository lives, e.g. "
                                 "`https://github.com/acme/strategy`: pages link to their source.")
    edit_uri: str | None = Field(None, description="Path under `repo_url` to edit a file (default "
                                 "`edit/main/` on GitHub and other hosts, `-/edit/main/` on GitLab).")
    language: str = Field("en", pattern=r"^[a-z]{2,3}(_[A-Z]{2})?$", description="The language "
                          "of the theme's words, dates and numbers: en, de, fr, es or ja (a theme "
                          "folder can add others).")
    roles: list[RoleDefinition] = Field(default_factory=list, description="The catalog of seller "
                                        "roles; with one, plans may name only these roles.")

    def role_named(self, name: str) -> RoleDefinition | None:
        """The catalog's role that `name` (or an alias of it) names, ignoring case."""
        return self._roles_by_name.get(name.casefold())

    @functools.cached_property
    def _roles_by_name(self) -> dict[str, RoleDefinition]:
        """Every name and alias of the catalog, folded: asked for every role of every plan.
        (Settings are never changed once read.) The first role to claim a name keeps it."""
        by_name: dict[str, RoleDefinition] = {}
        for role in self.roles:
            for name in role.names():
                by_name.setdefault(name.casefold(), role)
        return by_name

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        if _BASE_PATH.match(value) or _BASE_ADDRESS.match(value):
            return value
        raise rule_error("bad-url", f"`{value}` is neither a path that starts with `/` (e.g. "
                         "`/strategy/`) nor an http(s) address")

    @field_validator("repo_url")
    @classmethod
    def _repo_url(cls, value: str | None) -> str | None:
        if value is None or _BASE_ADDRESS.match(value):
            return value.rstrip("/") + "/" if value else value
        raise rule_error("bad-url", f"`{value}` is not an http(s) address, e.g. "
                         "`https://github.com/acme/strategy`")

    @field_validator("edit_uri")
    @classmethod
    def _edit_uri(cls, value: str | None) -> str | None:
        if value is None or _EDIT_PATH.match(value):
            return value
        raise rule_error("bad-url", f"`{value}` is not a path under `repo_url`, e.g. `edit/main/`")

    @field_validator("content_dir")
    @classmethod
    def _content_dir(cls, value: str) -> str:
        normal = _folder_in_repository(value)
        if normal == ".":
            raise rule_error("unsafe-path", "the content must be a folder of its own, e.g. `content`")
        return normal

    @field_validator("theme")
    @classmethod
    def _theme(cls, value: str) -> str:
        return _folder_in_repository(value)

    @field_validator("output_dir")
    @classmethod
    def _output_dir(cls, value: str, info: ValidationInfo) -> str:
        """What can be told from the text alone; the build checks the real folders."""
        normal = posixpath.normpath(value.strip()) if value.strip() else "."
        if normal == "." or normal == "/" or set(normal.split("/")) <= {".."}:
            raise rule_error("unsafe-path", f"`{value}` is the strategy repository or a folder "
                             "above it; a build replaces its output whole and would delete it. "
                             "Use a folder of its own, e.g. `output`")
        for name, folder in (("content_dir", info.data.get("content_dir")), ("theme", info.data.get("theme")),
                             ("cache", CACHE_FOLDER), ("git folder", ".git")):
            if folder and folder != "default" and (
                    normal == folder or normal.startswith(folder + "/") or folder.startswith(normal + "/")):
                raise rule_error("unsafe-path", f"`{value}` overlaps the {name} `{folder}`; a build "
                                 "replaces its output whole. Use a folder of its own, e.g. `output`")
        return value


