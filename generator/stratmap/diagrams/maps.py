"""Maps: the diagrams of one version (strategy map, neighbourhoods, changes) as layouts.
"""

from __future__ import annotations

from dataclasses import dataclass

from .layout import (
    MapLayout,
)


@dataclass
class VersionMaps:
    strategy: tuple[MapLayout, str]
    neighbourhoods: dict[str, tuple[MapLayout, str]]
    changes: str | None

    @property
    def sources(self) -> dict[str, str]:
        """Map name → DOT source: what a page's map depends on."""
        return {"sm": self.strategy[0].dot,
                **{f"nb:{oid}": layout.dot for oid, (layout, _) in self.neighbourhoods.items()}}


# Below this many pages a pool of processes costs more than it saves.
