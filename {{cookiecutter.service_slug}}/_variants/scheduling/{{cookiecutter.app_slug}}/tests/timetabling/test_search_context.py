"""SearchContext.solve_model: past its soft limit an optimising solve ends once it has a
solution, whether the caller passes a callback of its own or none."""

from __future__ import annotations

import random
import time

import pytest
from ortools.sat.python import cp_model

from ...timetabling.demo import DATA_DIR
from ...timetabling.formats import read_problem
from ...timetabling.generator.context import Clock, FirstSolution, Reporter, SearchContext
from ...timetabling.generator.indexed_problem import IndexedProblem

LIMIT = 120.0  # the solve's own limit: far above anything a soft stop should take
PROOF = 10.0  # CP-SAT, one thread, does not prove the model's optimum in this time


def _context() -> SearchContext:
    clock = Clock(LIMIT, None)
    comp = IndexedProblem(read_problem(DATA_DIR / "toy.ctt"), "UD2")
    return SearchContext(comp, clock, Reporter(clock, None), 1, 1, (), frozenset(), 0)


def _max_cut(nodes: int = 150, edges: int = 900) -> cp_model.CpModel:
    """Max-cut on a random graph: the first cut comes at once, the proof of the best one does
    not (the linear relaxation is weak), so only a stop ends the solve early."""
    rng = random.Random(7)
    model = cp_model.CpModel()
    side = [model.new_bool_var(f"side{i}") for i in range(nodes)]
    cut = []
    for k in range(edges):
        a, b = rng.sample(range(nodes), 2)
        crossing = model.new_bool_var(f"cut{k}")
        # An edge counts only when its ends are on different sides.
        model.add_bool_or([side[a], side[b]]).only_enforce_if(crossing)
        model.add_bool_or([side[a].Not(), side[b].Not()]).only_enforce_if(crossing)
        cut.append(crossing)
    model.maximize(sum(cut))
    return model


class _Counting(FirstSolution):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def on_solution_callback(self) -> None:
        super().on_solution_callback()
        self.count += 1


def test_the_model_is_not_solved_to_optimality_quickly() -> None:
    # The control for the test below: without a soft limit the solve runs its whole limit.
    _, status = _context().solve_model(_max_cut(), limit=PROOF)
    assert status == cp_model.FEASIBLE


@pytest.mark.parametrize("own_callback", [False, True])
def test_a_soft_limit_ends_the_solve_soon_after_a_solution(own_callback: bool) -> None:
    callback = _Counting() if own_callback else None
    started = time.monotonic()
    solver, status = _context().solve_model(
        _max_cut(), limit=LIMIT, soft_limit=0.2, callback=callback
    )
    assert time.monotonic() - started < PROOF
    assert status == cp_model.FEASIBLE
    assert solver.objective_value > 0
    if callback is not None:
        assert callback.solved and callback.count >= 1
