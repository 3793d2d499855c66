"""Every soft term a formulation scores is optimised, and priced as the verifier prices it: the
annealer's cost of a move (the Python reference move by move, the compiled kernel over a whole
run) and the CP-SAT model's objective (a whole timetable, and a change of some courses).

comp01.ectt has double-lecture courses, rooms on three sites and daily lecture bounds, so every
term of UD3..UD5 shows up in its timetables.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from ortools.sat.python import cp_model

from ...timetabling.demo import demo_instance_path
from ...timetabling.formats import read_problem
from ...timetabling.formulations import FORMULATIONS, OPTIMISED
from ...timetabling.generator.annealing import anneal
from ...timetabling.generator.annealing_reference import Annealer
from ...timetabling.generator.indexed_problem import IndexedProblem, State
from ...timetabling.generator.objective import evaluate
from ...timetabling.generator.sub_model import FreeCourse, build_sub_model, free_courses
from ...timetabling.model import Problem
from ...timetabling.verifier import verify
from .solving import solve_constructed

# The formulations with the terms this file is about (UD1 and UD2's are tested in test_generator).
FORMULATION_NAMES = ["UD3", "UD4", "UD5"]


@pytest.fixture(scope="module")
def problem() -> Problem:
    return read_problem(demo_instance_path("comp01.ectt"))


@pytest.fixture(scope="module")
def starts(problem: Problem) -> dict[str, State]:
    """A constructed timetable per formulation (UD4 makes room constraints hard)."""
    return {name: _constructed(problem, name) for name in FORMULATION_NAMES}


def _constructed(problem: Problem, name: str) -> State:
    """The first timetable of the construction, before any search."""
    res = solve_constructed(problem, formulation=name, seed=3)
    assert res.assignments, res.status
    return IndexedProblem(problem, name).from_assignments(res.assignments)


def test_every_soft_term_of_every_formulation_is_optimised() -> None:
    soft = {t.measure for terms in FORMULATIONS.values() for t in terms if not t.hard}
    assert soft <= OPTIMISED


def test_the_instance_exercises_every_term(problem: Problem, starts: dict[str, State]) -> None:
    """Guards the tests below: each term costs something in some start timetable."""
    costs: dict[str, int] = {}
    for name, start in starts.items():
        result = verify(problem, IndexedProblem(problem, name).to_assignments(start), name)
        for component in result.components:
            costs[component.name] = costs.get(component.name, 0) + component.value
    for term in ("CurriculumCompactness", "StudentLoad", "DoubleLectures", "TravelDistance"):
        assert costs[term] > 0, costs


@pytest.mark.parametrize("name", FORMULATION_NAMES)
def test_the_evaluation_is_the_verifiers_total(
    name: str, problem: Problem, starts: dict[str, State]
) -> None:
    comp = IndexedProblem(problem, name)
    assignments = comp.to_assignments(starts[name])
    assert evaluate(comp, starts[name]).cost == verify(problem, assignments, name).total_cost


@pytest.mark.parametrize("name", FORMULATION_NAMES)
def test_each_moves_delta_is_the_verifiers_difference(
    name: str, problem: Problem, starts: dict[str, State]
) -> None:
    comp = IndexedProblem(problem, name)
    ann = Annealer(
        comp, starts[name], pin_full=set(), pin_period=set(), base=frozenset(), W=0,
        rng=random.Random(7),
    )  # fmt: skip
    cost = verify(problem, comp.to_assignments(ann.state()), name).total_cost
    assert ann.cost == cost
    accepted = 0
    for delta in _random_moves(ann, 1000):
        if delta is None:
            continue  # it would break a hard rule: the annealer never makes it
        after = verify(problem, comp.to_assignments(ann.state()), name)
        assert after.hard_violations == 0
        assert delta == after.total_cost - cost, (name, accepted)
        cost = after.total_cost
        accepted += 1
    assert accepted > 100


@pytest.mark.parametrize("name", FORMULATION_NAMES)
def test_the_compiled_kernel_tracks_the_verifiers_total(
    name: str, problem: Problem, starts: dict[str, State]
) -> None:
    comp = IndexedProblem(problem, name)
    best, cost, moves = anneal(
        comp, starts[name], pin_full={}, pin_period=set(), base=frozenset(), W=0, seeds=[5],
        seconds=0.3, t_start=1.0, t_end=0.05,
    )  # fmt: skip
    assert moves > 100_000  # the compiled kernel ran, not the Python fallback
    result = verify(problem, comp.to_assignments(best), name)
    assert result.hard_violations == 0 and result.total_cost == cost
    assert cost <= evaluate(comp, starts[name]).cost


@pytest.mark.parametrize("name", FORMULATION_NAMES)
def test_the_cp_sat_model_prices_a_timetable_as_the_verifier(
    name: str, problem: Problem, starts: dict[str, State]
) -> None:
    """The exact model with every course free, held to a start timetable: its objective is that
    timetable's whole cost."""
    comp = IndexedProblem(problem, name)
    state = starts[name]
    empty: State = [[] for _ in range(comp.C)]
    free = free_courses(comp, empty, range(comp.C), None, set())
    assert _objective_held_to(comp, state, free, empty) == evaluate(comp, state).cost


@pytest.mark.parametrize("name", FORMULATION_NAMES)
def test_the_cp_sat_neighbourhood_prices_a_change_as_the_verifier(
    name: str, problem: Problem, starts: dict[str, State]
) -> None:
    """Half the courses fixed, the other half moved by random moves: the neighbourhood model's
    objective changes by the verifier's difference, rooms across periods included."""
    comp = IndexedProblem(problem, name)
    before = starts[name]
    moving = range(0, comp.C, 2)
    fixed: State = [[] if c in moving else list(lecs) for c, lecs in enumerate(before)]
    pinned = {(c, t) for c, lecs in enumerate(fixed) for t, _ in lecs}
    ann = Annealer(
        comp, before, pin_full=pinned, pin_period=set(), base=frozenset(), W=0,
        rng=random.Random(11),
    )  # fmt: skip
    ev_before = evaluate(comp, before)
    rooms_before = ev_before.double + ev_before.travel
    # Only the moving courses' lectures are movable. The start comes from a timed construction,
    # so moves go on (up to 3,000) until the terms that need rooms across periods change.
    for batch in [300] + [100] * 27:
        for _ in _random_moves(ann, batch):
            pass
        after = ann.state()
        ev_after = evaluate(comp, after)
        if not (comp.w_dbl or comp.w_trav) or ev_after.double + ev_after.travel != rooms_before:
            break
    assert all(sorted(after[c]) == sorted(fixed[c]) for c in range(comp.C) if c not in moving)
    if comp.w_dbl or comp.w_trav:
        assert ev_after.double + ev_after.travel != rooms_before
    free = free_courses(comp, fixed, moving, None, set())
    difference = _objective_held_to(comp, after, free, fixed) - _objective_held_to(
        comp, before, free, fixed
    )
    assert difference == ev_after.cost - ev_before.cost


def _random_moves(ann: Annealer, count: int) -> Iterator[int | None]:
    """`count` random moves and swaps of movable lectures, each made whatever it costs (infinite
    temperature): yields each one's change in cost, or None where it would break a hard rule."""
    comp = ann.comp
    for _ in range(count):
        a = ann.movable[ann.rng.randrange(len(ann.movable))]
        t, r = ann.rng.randrange(comp.T), ann.rng.randrange(comp.R)
        b = ann.occ[t * comp.R + r]
        yield ann._try_move(a, t, r, 1e12) if b == -1 else ann._try_swap(a, b, 1e12)


def _objective_held_to(
    comp: IndexedProblem, state: State, free: dict[int, FreeCourse], fixed: State
) -> int:
    """The exact model's objective with its free lectures forced to where `state` has them."""
    sub = build_sub_model(comp, state, free, fixed, hint=False)
    for c in free:
        for t, r in state[c]:
            if (t, r) not in fixed[c]:
                sub.model.add(sub.u[c, t, r] == 1)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 20.0
    assert solver.solve(sub.model) == cp_model.OPTIMAL
    return round(solver.objective_value)
