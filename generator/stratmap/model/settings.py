"""Settings: the typed stratmap.yaml, and the base class of every content model.
"""

from __future__ import annotations

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
from .types import Strict, Title, rule_error

# --- stratmap.yaml -----------------------------------------------------------------

class VersionSettings(Strict):
    tags: str = Field("strategy/*", description="Glob of git tags that are published versions.")
    draft: str | None = Field(None, description="Label of the working tree as a draft version; "
                                                "null: the draft is not published.")


class RuleSettings(Strict):
    max_priorities_per_team: int = Field(3, ge=0)
    max_objectives: int = Field(25, ge=0)
    review_every_days: int = Field(92, ge=1)
    actual_max_age_days: int = Field(45, ge=1, description="An actual older than this (before "
                                     "the version's date) is stale.")
    at_risk_below: float = Field(0.7, ge=0, le=1,
                                 description="KPI progress ratio below which a KPI is off track.")



# a path the site is served from: `/`, `/strategy/`; or a web address, used in links only
_BASE_PATH = re.compile(r"/(?!/)[A-Za-z0-9._~!$&'()*+,;=:@%/-]*\Z")
_BASE_ADDRESS = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?\Z")


def _folder_in_repository(value: str) -> str:
    try:
        return folder_in_repository(value)
    except ValueError as problem:
        raise rule_error("unsafe-path", str(problem)) from None


class Settings(Strict):
    title: Title = "Sales Strategy"
    base_url: str = Field("/", description="Path prefix where the site is served (`/`, "
                                           "`/strategy/`), or an http(s) address used in links.")
    content_dir: str = "content"
    theme: str = Field("default", description="A built-in theme name or a folder.")
    output_dir: str = "output"
    versions: VersionSettings = Field(default_factory=VersionSettings)
    rules: RuleSettings = Field(default_factory=RuleSettings)

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        if _BASE_PATH.match(value) or _BASE_ADDRESS.match(value):
            return value
        raise rule_error("bad-url", f"`{value}` is neither a path that starts with `/` (e.g. "
                         "`/strategy/`) nor an http(s) address")

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


