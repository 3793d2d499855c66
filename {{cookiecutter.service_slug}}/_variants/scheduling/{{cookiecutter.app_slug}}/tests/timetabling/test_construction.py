"""Construction: when the periods model with its soft terms finds no placement in its share of
the budget, the model without them still gives the search a timetable; with every room
allowed, the greedy room pass needs no CP-SAT fallback."""

from __future__ import annotations

import random

import pytest

from ...timetabling.demo import DATA_DIR
from ...timetabling.formats import read_problem
from ...timetabling.generator import construction
from ...timetabling.generator.indexed_problem import IndexedProblem
from ...timetabling.generator.rooms import greedy_rooms
from ...timetabling.verifier import verify
from .solving import solve_constructed


def test_without_a_scored_placement_in_time_any_placement_is_taken(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A zero share leaves the scored model CP-SAT's shortest limit (0.05 s), too short for
    # comp07 under UD5 (windows and student load on 77 curricula): as when one thread is too
    # slow for those terms.
    monkeypatch.setattr(construction, "FIRST_SOLUTION_SHARE", 0.0)
    problem = read_problem(DATA_DIR / "comp07.ectt")
    res = solve_constructed(problem, formulation="UD5", time_limit=60.0, workers=2)
    assert res.assignments, res.infeasible
    # Only the scored model sets a lower bound: none here, so the unscored one placed them.
    assert res.bound is None
    v = verify(problem, res.assignments, formulation="UD5")
    assert v.hard_violations == 0 and v.total_cost == res.cost


@pytest.mark.parametrize("name", ["comp01.ctt", "comp07.ctt"])
def test_greedy_rooms_never_fail_when_every_room_is_allowed(name: str) -> None:
    # UD2 allows every room to every course, and the periods model puts at most |rooms|
    # lectures in a period: the greedy pass then always finds rooms (UD2 runs never reach
    # `rooms_by_cp`), whatever the placement.
    comp = IndexedProblem(read_problem(DATA_DIR / name), "UD2")
    assert all(len(allowed) == comp.R for allowed in comp.room_allowed)
    rng = random.Random(5)
    for _ in range(30):
        load = [0] * comp.T
        periods: list[list[int]] = []
        for c in range(comp.C):
            open_periods = [t for t in range(comp.T) if load[t] < comp.R]
            chosen = rng.sample(open_periods, comp.lectures[c])
            for t in chosen:
                load[t] += 1
            periods.append(chosen)
        state = greedy_rooms(comp, periods)
        assert state is not None
        assert [sorted(t for t, _ in lecs) for lecs in state] == [sorted(ts) for ts in periods]
        taken = [(t, r) for lecs in state for t, r in lecs]
        assert len(taken) == len(set(taken))  # no room holds two lectures at once
