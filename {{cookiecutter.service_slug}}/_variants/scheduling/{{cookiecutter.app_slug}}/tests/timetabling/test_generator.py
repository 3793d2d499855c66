"""Generator: every timetable passes the verifier and its cost is the verifier's.

Fixed seeds and one solver thread per solve unless a test is about parallel chains: the suite
already runs one test process per core. Most solves stop at a point of the search (`solving`),
however long a busy machine takes to get there; the others have small budgets.
Instances: the package's demo data, plus comp11 from the test fixtures. Time bounds below are
generous: they prove a limit is honoured, not speed. Solves whose result several tests read
(comp01 solved, constructed timetables) run once per module.
"""

from __future__ import annotations

import dataclasses
import itertools
import time
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from ...timetabling.demo import DATA_DIR
from ...timetabling.formats import read_problem
from ...timetabling.generator import (
    ANY_ROOM,
    GeneratorInputError,
    Progress,
    SolveResult,
)
from ...timetabling.model import Assignment, Course, Curriculum, Problem, Room
from ...timetabling.tools.bench import perturb
from ...timetabling.verifier import verify
from .solving import solve, solve_constructed, solve_searching

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "instances"


def _check(problem: Problem, res, formulation: str = "UD2") -> None:
    assert res.assignments, res.status
    v = verify(problem, res.assignments, formulation)
    assert v.hard_violations == 0
    assert res.cost == v.total_cost
    if res.bound is not None:
        assert res.bound <= res.cost


class Solved(NamedTuple):
    problem: Problem
    result: SolveResult
    progress: list[Progress]


@pytest.fixture(scope="module")
def comp01() -> Solved:
    """comp01 solved once (1.5 s of search, seed 0), with the progress it reported."""
    problem = read_problem(DATA_DIR / "comp01.ctt")
    seen: list[Progress] = []
    return Solved(problem, solve_searching(problem, 1.5, seen, seed=0), seen)


def test_a_small_problem_is_solved_within_its_time_limit() -> None:
    problem = read_problem(DATA_DIR / "toy.ctt")
    res = solve(problem, time_limit=1.0, seed=1)
    _check(problem, res)
    assert res.status in ("feasible", "optimal") and res.first_feasible_seconds is not None
    assert res.elapsed <= 1.0 + 5


@pytest.mark.parametrize("name", ["comp01.ctt", "comp07.ctt"])
def test_ud2_timetables_pass_the_verifier(name: str, comp01: Solved) -> None:
    """comp07 on two threads: its annealing chains run in parallel."""
    if name == "comp01.ctt":
        problem, res = comp01.problem, comp01.result
    else:
        problem = read_problem(DATA_DIR / name)
        res = solve_searching(problem, 1.0, seed=1, workers=2)
    _check(problem, res)
    assert res.first_feasible_seconds is not None
    if name == "comp07.ctt":  # far from its bound: the search anneals, and says how fast
        assert res.moves > 0 and 0 < res.anneal_seconds < res.elapsed


def test_comp11() -> None:
    problem = read_problem(FIXTURES / "comp11.ctt")
    res = solve_constructed(problem, seed=0)
    _check(problem, res)


@pytest.mark.parametrize("formulation", ["UD1", "UD3", "UD4", "UD5", "ITC"])
def test_other_formulations_report_the_verifier_cost(formulation: str) -> None:
    problem = read_problem(DATA_DIR / "comp01.ectt")
    res = solve_searching(problem, 0.3, formulation=formulation, seed=0)
    _check(problem, res, formulation)


def test_toy_ectt_ud4_respects_room_constraints() -> None:
    problem = read_problem(DATA_DIR / "toy.ectt")
    res = solve(problem, formulation="UD4", time_limit=1.0)
    _check(problem, res, "UD4")


def test_pins_are_kept() -> None:
    problem = read_problem(DATA_DIR / "comp01.ctt")
    pins = [
        Assignment("c0001", "rB", 0, 0),
        Assignment("c0002", ANY_ROOM, 4, 5),
    ]
    res = solve_searching(problem, 0.3, pins=pins)
    _check(problem, res)
    assert pins[0] in res.assignments
    assert any(a.course == "c0002" and (a.day, a.period) == (4, 5) for a in res.assignments)


def test_base_that_is_feasible_is_never_made_worse(comp01: Solved) -> None:
    problem, first = comp01.problem, comp01.result
    again = solve(problem, time_limit=1.0, seed=4, base=first.assignments)
    _check(problem, again)
    assert again.cost is not None and first.cost is not None and again.cost <= first.cost


def test_minimal_change_after_a_conflicting_move_comp01(comp01: Solved) -> None:
    """Few lectures move beyond the displaced ones. The test displaces a course with few
    lectures, so wall-clock noise cannot decide it; `bench --min-change` measures the hard case
    (the course with most lectures) on comp01..comp07."""
    problem, first = comp01.problem, comp01.result
    course, broken = perturb(problem, first.assignments, fewest=True)
    displaced = sum(1 for a in broken if a.course == course)
    assert verify(problem, broken).hard_violations > 0
    res = solve(problem, time_limit=3.0, seed=0, base=broken, min_change_weight=10)
    _check(problem, res)
    assert res.moved is not None
    lost = set(broken) - set(res.assignments)
    assert res.moved == len(lost)
    assert res.moved < 10
    assert res.moved <= displaced + 3, (course, displaced, res.moved)


def test_progress_is_reported_and_rate_limited(comp01: Solved) -> None:
    problem, res, seen = comp01
    _check(problem, res)
    phases = [p.phase for p in seen]
    assert phases[0] == "checks"
    assert "construct" in phases and "search" in phases
    assert phases[-1] == "done" and seen[-1].best_cost == res.cost
    search = [p for p in seen if p.phase == "search"]
    gaps = [b.elapsed - a.elapsed for a, b in itertools.pairwise(search[1:])]
    assert all(g >= 0.45 for g in gaps)


def test_should_stop_returns_the_best_so_far_quickly() -> None:
    problem = read_problem(DATA_DIR / "comp07.ctt")
    t0 = time.monotonic()
    res = solve(problem, time_limit=60.0, should_stop=lambda: time.monotonic() - t0 > 0.5)
    took = time.monotonic() - t0
    assert res.status == "stopped"
    assert took < 10.0  # far below the 60 s budget: the stop request was obeyed
    if res.assignments:
        _check(problem, res)


def _tiny(**over: Any) -> Problem:
    base: dict[str, Any] = dict(
        name="tiny",
        days=1,
        periods_per_day=2,
        courses=(
            Course("A", "t1", 1, 1, 10),
            Course("B", "t1", 1, 1, 10),
            Course("C", "t2", 1, 1, 10),
        ),
        rooms=(Room("r1", 20), Room("r2", 20)),
        curricula=(Curriculum("q1", ("B", "C")), Curriculum("q2", ("A", "C"))),
    )
    base.update(over)
    return Problem(**base)


def test_infeasibility_core_names_the_clashing_courses() -> None:
    res = solve(_tiny(), time_limit=5.0)
    assert res.status == "infeasible" and not res.assignments and res.infeasible
    reasons = res.infeasible.reasons
    assert reasons and reasons[0].code == "conflict_core"
    assert set(reasons[0].courses) == {"A", "B", "C"}


def test_quick_checks_explain_courses_and_curricula() -> None:
    problem = read_problem(DATA_DIR / "toy.ctt")
    courses = list(problem.courses)
    courses[0] = dataclasses.replace(courses[0], lectures=25)
    res = solve(dataclasses.replace(problem, courses=tuple(courses)), time_limit=2.0)
    assert res.status == "infeasible" and res.infeasible
    codes = {r.code for r in res.infeasible.reasons}
    assert {"course_periods", "curriculum_periods"} <= codes
    assert any(courses[0].id in r.courses for r in res.infeasible.reasons)
    assert res.infeasible.to_dict()["reasons"][0]["message"]


def test_clashing_pins_are_explained() -> None:
    problem = read_problem(DATA_DIR / "comp01.ctt")
    pins = [Assignment("c0001", "rB", 0, 0), Assignment("c0002", "rB", 0, 0)]
    res = solve(problem, time_limit=2.0, pins=pins)
    assert res.status == "infeasible" and res.infeasible
    assert "pin_room_clash" in {r.code for r in res.infeasible.reasons}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"formulation": "UD9"}, "unknown formulation"),
        ({"pins": [Assignment("nope", "rB", 0, 0)]}, "unknown course"),
        ({"pins": [Assignment("c0001", "nope", 0, 0)]}, "unknown room"),
        ({"pins": [Assignment("c0001", "rB", 9, 0)]}, "outside the week"),
    ],
)
def test_bad_requests_raise_input_errors(kwargs, message) -> None:
    problem = read_problem(DATA_DIR / "comp01.ctt")
    with pytest.raises(GeneratorInputError, match=message):
        solve(problem, time_limit=1.0, **kwargs)


_CONSTRUCTED: dict[str, SolveResult] = {}


def _constructed(problem: Problem) -> SolveResult:
    """The constructed timetable, before any search (once per instance): a slow machine only
    waits longer."""
    if problem.name not in _CONSTRUCTED:
        # comp07's construction needs the second CP-SAT worker to be quick
        _CONSTRUCTED[problem.name] = solve_constructed(problem, seed=2, workers=2)
    res = _CONSTRUCTED[problem.name]
    assert res.assignments, res.status
    return res


def test_annealer_tracks_the_exact_cost() -> None:
    import random

    from ...timetabling.generator.annealing_reference import Annealer
    from ...timetabling.generator.indexed_problem import IndexedProblem as Compiled
    from ...timetabling.generator.objective import evaluate

    problem = read_problem(DATA_DIR / "comp01.ctt")
    comp = Compiled(problem, "UD2")
    state = comp.from_assignments(_constructed(problem).assignments)
    ann = Annealer(
        comp, state, pin_full=set(), pin_period=set(), base=frozenset(), W=0, rng=random.Random(5)
    )
    best = ann.run(0.5, t_start=3.0, t_end=0.5)
    assert ann.cost == evaluate(comp, ann.state()).cost
    assert evaluate(comp, ann.state()).hard == 0
    v = verify(problem, comp.to_assignments(best))
    assert v.hard_violations == 0 and v.total_cost == ann.best


def _start(problem: Problem):
    from ...timetabling.generator.indexed_problem import IndexedProblem as Compiled

    comp = Compiled(problem, "UD2")
    return comp, comp.from_assignments(_constructed(problem).assignments)


def _anneal(comp, start, seconds: float, **kwargs):
    from ...timetabling.generator.annealing import anneal

    options = {"pin_full": {}, "pin_period": set(), "base": frozenset(), "W": 0, **kwargs}
    return anneal(comp, start, seeds=[3, 4], seconds=seconds, t_start=3.0, t_end=0.5, **options)


def test_compiled_annealer_tracks_the_exact_cost() -> None:
    from ...timetabling.generator.objective import evaluate

    problem = read_problem(DATA_DIR / "comp07.ctt")
    comp, start = _start(problem)
    best, cost, moves = _anneal(comp, start, 0.5)
    assert moves > 100_000  # the compiled kernel ran, not the Python fallback
    assert evaluate(comp, best).hard == 0
    v = verify(problem, comp.to_assignments(best))
    assert v.hard_violations == 0 and v.total_cost == cost


def test_compiled_annealer_keeps_pins_and_counts_moved_lectures() -> None:
    from ...timetabling.generator.objective import evaluate

    problem = read_problem(DATA_DIR / "comp01.ctt")
    comp, start = _start(problem)
    lectures = [(c, t, r) for c, lecs in enumerate(start) for t, r in lecs]
    full = {(c, t): r for c, t, r in lectures[::7]}
    period = {(c, t) for c, t, _ in lectures[3::7]}
    base = frozenset(lectures)
    best, cost, _ = _anneal(comp, start, 0.5, pin_full=full, pin_period=period, base=base, W=3)
    have = {(c, t): r for c, lecs in enumerate(best) for t, r in lecs}
    assert all(have.get(key) == r for key, r in full.items())
    assert period <= set(have)
    ev = evaluate(comp, best, base)
    assert ev.hard == 0
    assert cost == ev.objective(3)


def test_the_kernels_swap_check_agrees_with_the_evaluator() -> None:
    import random

    from ...timetabling.generator.annealing_kernel import _allowed, _Chain
    from ...timetabling.generator.annealing_reference import Annealer
    from ...timetabling.generator.objective import evaluate

    problem = read_problem(DATA_DIR / "comp07.ctt")
    comp, start = _start(problem)
    options: dict[str, Any] = {"pin_full": set(), "pin_period": set(), "base": frozenset(), "W": 0}
    chain = _Chain(comp, Annealer(comp, start, rng=random.Random(0), **options), frozenset(), 0)
    lc, lt, lr, occ = (array.tolist() for array in chain.s[:4])
    rng = random.Random(1)
    seen = {True: 0, False: 0}
    for _ in range(1500):  # swaps of two lectures across periods, as the kernel draws them
        a, tb, rb = rng.randrange(len(lc)), rng.randrange(comp.T), rng.randrange(comp.R)
        b, ta, ra = occ[tb * comp.R + rb], lt[a], lr[a]
        if b < 0 or tb == ta or lc[b] == lc[a]:
            continue
        swapped: list[list[tuple[int, int]]] = [[] for _ in range(comp.C)]
        for i, c in enumerate(lc):
            swapped[c].append((tb, rb) if i == a else (ta, ra) if i == b else (lt[i], lr[i]))
        allowed = _allowed(chain.s, chain.k, chain.d, a, b, ta, ra, tb, rb)
        assert allowed == (evaluate(comp, swapped).hard == 0), (a, b, ta, tb)
        seen[allowed] += 1
    assert seen[True] > 20 and seen[False] > 20


def test_annealing_runs_in_python_until_the_kernel_is_compiled(monkeypatch) -> None:
    import threading

    from ...timetabling.generator import annealing_kernel as generator_anneal
    from ...timetabling.generator import search as generator

    monkeypatch.setattr(generator_anneal, "_ready", threading.Event())  # as on a cold start
    monkeypatch.setattr(generator, "start_warm_up", lambda: None)
    problem = read_problem(DATA_DIR / "comp01.ctt")
    comp, start = _start(problem)
    best, cost, moves = _anneal(comp, start, 0.5)
    assert 0 < moves < 1_000_000
    v = verify(problem, comp.to_assignments(best))
    assert v.hard_violations == 0 and v.total_cost == cost


def _confined(courses: tuple[Course, ...], curricula: tuple[Curriculum, ...] = (), **over: Any):
    """One day of two periods, rooms r1 and r2, where A and B may use only r1 (UD4 makes room
    constraints hard)."""
    return Problem(
        name="confined",
        days=1,
        periods_per_day=2,
        courses=courses,
        rooms=(Room("r1", 50), Room("r2", 50)),
        curricula=curricula,
        room_constraints=frozenset({("A", "r2"), ("B", "r2")}),
        extended=True,
        **over,
    )


def test_too_few_allowed_rooms_are_named_before_any_search() -> None:
    courses = (Course("A", "t1", 2, 1, 10), Course("B", "t2", 1, 1, 10))
    res = solve(_confined(courses), formulation="UD4", time_limit=5.0)
    assert res.status == "infeasible" and res.infeasible
    (reason,) = res.infeasible.reasons
    assert reason.code == "room_shortage"
    assert (set(reason.courses), reason.rooms) == ({"A", "B"}, ("r1",))
    assert "need 3 lectures" in reason.message and "at most 2" in reason.message


def test_a_room_clash_forced_by_conflicts_is_explained_with_its_rooms() -> None:
    """A and B are each kept out of the second period by a curriculum partner that can only be
    there; both then need r1 in the first: the periods are fine, the rooms are not."""
    courses = (
        Course("A", "t1", 1, 1, 10),
        Course("B", "t2", 1, 1, 10),
        Course("X", "t3", 1, 1, 10),
        Course("Y", "t4", 1, 1, 10),
    )
    problem = _confined(
        courses,
        (Curriculum("qa", ("A", "X")), Curriculum("qb", ("B", "Y"))),
        unavailability=frozenset({("X", 0, 0), ("Y", 0, 0)}),
    )
    assert solve(
        dataclasses.replace(problem, room_constraints=frozenset()), time_limit=5.0
    ).assignments
    res = solve(problem, formulation="UD4", time_limit=5.0)
    assert res.status == "infeasible" and res.infeasible
    (reason,) = res.infeasible.reasons
    assert reason.code == "conflict_core"
    assert {"A", "B"} <= set(reason.courses) and reason.rooms == ("r1",)
    assert "room constraints" in reason.message and "r1" in reason.message


def test_a_run_that_finds_nothing_in_time_says_what_it_tried() -> None:
    res = solve(read_problem(DATA_DIR / "comp07.ctt"), time_limit=0.05)
    assert res.status == "unknown" and not res.assignments and res.infeasible
    (reason,) = res.infeasible.reasons
    assert reason.code == "no_solution" and not res.infeasible.proven
    assert "without proving that none exists" in reason.message
    assert "Tried: the quick checks found no reason" in reason.message
