"""Cause and effect between objectives, and a team's line of sight up to finance."""

from __future__ import annotations

from stratmap.model.content import Objective
from stratmap.model.graph import CauseEffectGraph

PERSPECTIVE = {"F": "financial", "C": "customer", "I": "internal", "L": "learning"}


def graph(**drives: list[str]) -> CauseEffectGraph:
    """`graph(I1=["C1"], C1=["F1"], F1=[])`: objectives by id, perspective from the letter."""
    return CauseEffectGraph.of(
        Objective(id=oid, title=oid, perspective=PERSPECTIVE[oid[0]], drives=targets)
        for oid, targets in drives.items())


# L1 → I1 → C1 → F1;  I1 → C3 (a dead end);  I2 → C2 → F2;  I3 → C1 and I3 → C2
ORG = dict(L1=["I1"], I1=["C1", "C3"], C1=["F1"], C3=[], I2=["C2"], C2=["F2"], F1=[], F2=[],
           I3=["C1", "C2"])


def test_line_of_sight_follows_every_path_up_to_finance_and_no_further():
    nodes, edges = graph(**ORG).line_of_sight(["I1"])
    assert nodes == {"I1", "C1", "F1"}  # not C3 (no path up), not L1 (a cause, not an effect)
    assert edges == {("I1", "C1"), ("C1", "F1")}


def test_line_of_sight_of_several_objectives_joins_their_paths():
    nodes, edges = graph(**ORG).line_of_sight(["I3", "I2"])
    assert nodes == {"I3", "I2", "C1", "C2", "F1", "F2"}
    assert edges == {("I3", "C1"), ("I3", "C2"), ("I2", "C2"), ("C1", "F1"), ("C2", "F2")}


def test_a_teams_own_objective_is_in_sight_even_without_a_path_to_finance():
    nodes, edges = graph(**ORG).line_of_sight(["C3"])
    assert (nodes, edges) == ({"C3"}, set())


def test_unknown_objectives_are_left_out_and_the_answer_is_the_same_for_any_order():
    cause_effect = graph(**ORG)
    assert cause_effect.line_of_sight(["I1", "X9"]) == cause_effect.line_of_sight(["I1"])
    assert cause_effect.line_of_sight(["I2", "I1"]) == cause_effect.line_of_sight(["I1", "I2"])


def test_drives_to_unknown_or_repeated_objectives_make_no_edge():
    cause_effect = graph(C1=["F1", "F1", "F9"], F1=[])
    assert cause_effect.edges == [("C1", "F1")]
    assert cause_effect.causes["F1"] == ["C1"]


def test_a_cycle_is_found_and_named_from_start_to_start():
    cycles = graph(C1=["C2"], C2=["I1"], I1=["C1"], F1=[]).find_cycles()
    assert cycles == [["C1", "C2", "I1", "C1"]]
    assert graph(**ORG).find_cycles() == []


def test_an_arrow_into_a_lower_perspective_points_down():
    cause_effect = graph(C1=["I1"], I1=["F1"], F1=[])
    assert cause_effect.points_down(("C1", "I1"))
    assert not cause_effect.points_down(("I1", "F1"))


def test_an_objectives_neighbourhood_is_its_causes_and_effects():
    assert graph(**ORG).neighbourhood("C1") == {"C1", "F1", "I1", "I3"}
