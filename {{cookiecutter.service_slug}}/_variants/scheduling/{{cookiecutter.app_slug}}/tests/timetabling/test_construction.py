"""Construction: when the periods model with its soft terms finds no placement in its share of
the budget, the model without them still gives the search a timetable."""

from __future__ import annotations

import pytest

from ...timetabling.demo import DATA_DIR
from ...timetabling.formats import read_problem
from ...timetabling.generator import construction
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
