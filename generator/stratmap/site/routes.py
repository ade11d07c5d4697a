"""Routes: the page table (which pages a version has, their paths, titles, breadcrumbs).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..diff.format import guidance_details, objective_details, strategy_details, team_details

# --- pages ---------------------------------------------------------------------------------

class Deferred:
    """A page value worth computing only when the page is rendered (not reused)."""

    def __init__(self, compute: Callable[[], Any]):
        self._compute = compute

    @functools.cached_property
    def value(self) -> Any:
        return self._compute()


@dataclass
class Page:
    path: str  # relative to the version root, e.g. "teams/east/index.html"
    template: str
    title: str
    context: dict[str, Any] = field(default_factory=dict)
    breadcrumbs: list[tuple[str, str]] = field(default_factory=list)  # (label, path)

    @property
    def to_root(self) -> str:
        """From this page to the version root."""
        return "../" * self.path.count("/")


def objective_path(objective_id: str) -> str:
    return f"objectives/{objective_id}/index.html"


def team_path(slug: str) -> str:
    return f"teams/{slug}/index.html"


CHANGE_DETAILS = {"objective": objective_details, "team": team_details,
                  "guidance": guidance_details, "strategy": strategy_details}

SECTIONS = [("Strategy", "index.html"), ("Scorecard", "scorecard/index.html"),
            ("Alignment", "alignment/index.html"), ("Teams", "teams/index.html"),
            ("Roles", "roles/index.html"),
            ("Guidance", "guidance/index.html"), ("Changes", "changes/index.html")]


