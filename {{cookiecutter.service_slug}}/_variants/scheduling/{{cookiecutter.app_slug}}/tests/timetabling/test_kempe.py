"""The Kempe-chain move of the compiled annealer (`annealing_kempe`): it never breaks a hard
rule, its change in cost is the verifier's difference, and taking it back restores the
timetable. UD2 is the formulation the issue is about; UD4 makes rooms hard and UD5 scores every
day term, so together they exercise each branch of the move's cost and room choice."""

from __future__ import annotations

import random

import pytest

from ...timetabling.demo import demo_instance_path
from ...timetabling.formats import read_problem
from ...timetabling.generator.annealing import anneal
from ...timetabling.generator.annealing_kempe import kempe_apply, kempe_undo
from ...timetabling.generator.annealing_kernel import _Chain
from ...timetabling.generator.annealing_reference import Annealer
from ...timetabling.generator.indexed_problem import IndexedProblem, State
from ...timetabling.model import Problem
from ...timetabling.verifier import verify
from ...timetabling.verifier.results import Verification
from .solving import solve_constructed


@pytest.fixture(scope="module")
def problem() -> Problem:
    return read_problem(demo_instance_path("comp01.ectt"))


def _chain(problem: Problem, name: str) -> tuple[IndexedProblem, _Chain]:
    """A compiled chain on the construction's timetable, before any search."""
    res = solve_constructed(problem, formulation=name, seed=3)
    comp = IndexedProblem(problem, name)
    start = comp.from_assignments(res.assignments)
    options: dict = {"pin_full": set(), "pin_period": set(), "base": frozenset(), "W": 0}
    ref = Annealer(comp, start, rng=random.Random(0), **options)
    return comp, _Chain(comp, ref, frozenset(), 0)


def _verified(problem: Problem, comp: IndexedProblem, chain: _Chain) -> Verification:
    lectures = zip(*(array.tolist() for array in chain.s[:3]), strict=True)
    state: State = [[] for _ in range(comp.C)]
    for c, t, r in lectures:
        state[c].append((t, r))
    return verify(problem, comp.to_assignments(state), comp.formulation)


@pytest.mark.parametrize("name", ["UD2", "UD4", "UD5"])
def test_each_kempe_moves_delta_is_the_verifiers_difference(name: str, problem: Problem) -> None:
    comp, chain = _chain(problem, name)
    movable, lt = chain.k[8].tolist(), chain.s[1]
    cost = _verified(problem, comp, chain).total_cost
    rng = random.Random(1)
    lengths = []
    for _ in range(200):  # random chains; about half taken back, the rest kept
        a, t2 = rng.choice(movable), rng.randrange(comp.T)
        if t2 == lt[a]:
            continue
        done, delta = kempe_apply(chain.s, chain.k, chain.d, chain.x, a, t2)
        if not done:
            continue  # some lecture is unavailable in its new period, or finds no room
        lengths.append(int(chain.x[8][0]))
        after = _verified(problem, comp, chain)
        assert after.hard_violations == 0
        assert delta == after.total_cost - cost, (name, a, t2)
        if rng.random() < 0.5:
            kempe_undo(chain.s, chain.k, chain.d, chain.x)
            assert _verified(problem, comp, chain).total_cost == cost
        else:
            cost = after.total_cost
    assert len(lengths) > 60
    assert sum(n >= 3 for n in lengths) > 5  # chains, not only single lectures moving


def test_the_kernel_with_kempe_moves_tracks_the_verifiers_total(problem: Problem) -> None:
    comp, chain = _chain(problem, "UD2")
    start = _verified(problem, comp, chain).total_cost
    state = chain.state(comp.C)
    best, cost, moves = anneal(
        comp, state, pin_full={}, pin_period=set(), base=frozenset(), W=0, seeds=[5],
        seconds=0.3, t_start=1.0, t_end=0.05, kempe_p=0.5,
    )  # fmt: skip
    assert moves > 10_000  # the compiled kernel ran, not the Python fallback
    result = verify(problem, comp.to_assignments(best), "UD2")
    assert result.hard_violations == 0 and result.total_cost == cost <= start
