"""Graph: cause and effect between objectives, and a team's line of sight up to finance."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

from .content import Objective, Perspective

Edge = tuple[str, str]  # (cause, effect)


@dataclass
class CauseEffectGraph:
    perspective_of: dict[str, Perspective]
    effects: dict[str, list[str]] = field(default_factory=dict)
    causes: dict[str, list[str]] = field(default_factory=dict)
    # line of sight by starting objectives: every team page asks, many teams share theirs
    _sight: dict[frozenset[str], tuple[set[str], set[Edge]]] = field(
        default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, objectives: Iterable[Objective]) -> "CauseEffectGraph":
        objectives = list(objectives)
        graph = cls({o.id: o.perspective for o in objectives})
        for objective in objectives:
            graph.effects[objective.id] = [d for d in dict.fromkeys(objective.drives)
                                           if d in graph.perspective_of]
            graph.causes.setdefault(objective.id, [])
        for cause, effects in graph.effects.items():
            for effect in effects:
                graph.causes.setdefault(effect, []).append(cause)
        return graph

    @property
    def edges(self) -> list[Edge]:
        return [(cause, effect) for cause, effects in self.effects.items() for effect in effects]

    def points_down(self, edge: Edge) -> bool:
        cause, effect = edge
        return self.perspective_of[effect].rank > self.perspective_of[cause].rank

    def find_cycles(self) -> list[list[str]]:
        """One cycle per strongly connected knot, each as [a, b, ..., a]."""
        cycles: list[list[str]] = []
        state: dict[str, int] = {}  # 1 = on the current path, 2 = done
        for start in self.effects:
            if state.get(start):
                continue
            path: list[str] = [start]
            iterators = [iter(self.effects[start])]
            state[start] = 1
            while iterators:
                successor = next(iterators[-1], None)
                if successor is None:
                    state[path.pop()] = 2
                    iterators.pop()
                elif state.get(successor) == 1:
                    cycles.append([*path[path.index(successor):], successor])
                elif not state.get(successor):
                    state[successor] = 1
                    path.append(successor)
                    iterators.append(iter(self.effects[successor]))
        return cycles

    def reachable_from(self, starts: Iterable[str], step: dict[str, list[str]]) -> set[str]:
        seen, stack = set(starts), list(starts)
        while stack:
            for nxt in step.get(stack.pop(), []):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return seen

    def line_of_sight(self, objective_ids: Iterable[str]) -> tuple[set[str], set[Edge]]:
        """The objectives and arrows on every causal path from these objectives up to the
        financial perspective (the objectives themselves are always included)."""
        asked = frozenset(objective_ids)
        if asked not in self._sight:
            self._sight[asked] = self._line_of_sight(asked)
        return self._sight[asked]

    def _line_of_sight(self, objective_ids: frozenset[str]) -> tuple[set[str], set[Edge]]:
        starts = {o for o in objective_ids if o in self.perspective_of}
        downstream = self.reachable_from(starts, self.effects)
        on_path = downstream & self._reaches_finance
        nodes = starts | on_path
        edges = {(c, e) for c, e in self.edges if c in nodes and e in on_path and c in downstream}
        return nodes, edges

    @functools.cached_property
    def _reaches_finance(self) -> set[str]:
        """Every objective with a causal path up to the financial perspective (the same for
        every team, so computed once; the graph is not changed after `of`)."""
        financial = [o for o, p in self.perspective_of.items() if p is Perspective.FINANCIAL]
        return self.reachable_from(financial, self.causes)

    def paths_to_finance(self, objective_id: str, limit: int = 12) -> list[list[str]]:
        """The causal paths from an objective up to the financial perspective, shortest
        first (at most `limit`): the line of sight in words. A financial objective is its
        own path; one with no path up has none."""
        if objective_id not in self._reaches_finance:
            return []
        paths: list[list[str]] = []
        stack = [[objective_id]]
        while stack:
            path = stack.pop()
            last = path[-1]
            if self.perspective_of.get(last) is Perspective.FINANCIAL:
                paths.append(path)
                if len(paths) >= 4 * limit:  # enough to pick the shortest from
                    break
                continue
            stack += [[*path, nxt] for nxt in reversed(self.effects.get(last, []))
                      if nxt in self._reaches_finance and nxt not in path]
        return sorted(paths, key=len)[:limit]

    def neighbourhood(self, objective_id: str) -> set[str]:
        return {objective_id, *self.effects.get(objective_id, []),
                *self.causes.get(objective_id, [])}
