"""Large-neighbourhood search with CP-SAT: free a few courses, re-solve their exact sub-model
with everything else fixed (hinted with the current timetable, so never worse), repeat.

Sizes grow when sub-models are solved to optimality in under half the limit and shrink when
they are not; the kinds of neighbourhood are drawn with weights that follow their recent gains.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .context import SearchContext
from .indexed_problem import IndexedProblem, State
from .neighbourhoods import KINDS, neighbourhood
from .sub_model import build_sub_model, extract

LNS_TIME_LIMIT = 0.5  # seconds per neighbourhood re-solve
LNS_PARAMS: dict[str, object] = {}  # extra CP-SAT parameters of the re-solves
LNS_WORKERS: int | None = None  # CP-SAT workers per re-solve (None: the search's workers)
SOLVED = (cp_model.OPTIMAL, cp_model.FEASIBLE)


@dataclass
class _Tuning:
    """Per kind of neighbourhood: how many courses it frees, and how much it has gained."""

    kinds: list[str]
    size: dict[str, int] = field(default_factory=dict)
    score: dict[str, float] = field(default_factory=dict)

    @classmethod
    def for_problem(cls, comp: IndexedProblem) -> _Tuning:
        kinds = list(KINDS)
        if not comp.w_stab and not comp.w_cap and not comp.w_suit:
            kinds.remove("rooms")  # no room costs: moving rooms alone gains nothing
        tuning = cls(kinds, {k: 6 for k in kinds}, {k: 1.0 for k in kinds})
        tuning.size.update(days=12, rooms=3)
        return tuning

    def draw(self, rng: random.Random) -> str:
        return rng.choices(self.kinds, weights=[self.score[k] for k in self.kinds])[0]

    def failed(self, kind: str) -> None:
        self.size[kind] = max(2, self.size[kind] - 1)

    def learn(
        self, kind: str, status: cp_model.CpSolverStatus, took: float, limit: float, gain: int
    ) -> None:
        score = 0.9 * self.score[kind] + 0.1 * (1.0 + 10.0 * max(0, gain))
        self.score[kind] = max(score, 0.3)
        if status == cp_model.OPTIMAL and took < 0.5 * limit:
            self.size[kind] = min(self.size[kind] + 1, 60)
        elif status != cp_model.OPTIMAL:
            self.failed(kind)


def lns(ctx: SearchContext, state: State) -> State:
    """Improve `state` until the time is up or its cost meets the proven bound."""
    comp = ctx.comp
    obj, ev = ctx.objective(state)
    tuning = _Tuning.for_problem(comp)
    if not any(comp.lectures):
        return state
    while not ctx.clock.over() and not ctx.at_bound(ev):
        kind = tuning.draw(ctx.rng)
        free, fixed = neighbourhood(ctx, kind, state, tuning.size[kind])
        if not free:
            continue
        sub = build_sub_model(comp, state, free, fixed, base=ctx.base, min_change_weight=ctx.W)
        limit = min(LNS_TIME_LIMIT, ctx.clock.remaining())
        t_start = time.monotonic()
        solver, status = ctx.solve_model(
            sub.model,
            limit=limit,
            workers=LNS_WORKERS or ctx.workers,
            seed=ctx.rng.randrange(1 << 30),
            extra=LNS_PARAMS,
        )
        took = time.monotonic() - t_start
        ctx.iterations += 1
        if status not in SOLVED:
            tuning.failed(kind)
            continue
        new = extract(comp, sub, solver)
        new_obj, new_ev = ctx.objective(new)
        gain = obj - new_obj
        if new_obj <= obj:
            state, obj, ev = new, new_obj, new_ev
        tuning.learn(kind, status, took, limit, gain)
        ctx.report("search", ev.cost, ctx.bound, ctx.moved(ev), ctx.iterations)
    return state
