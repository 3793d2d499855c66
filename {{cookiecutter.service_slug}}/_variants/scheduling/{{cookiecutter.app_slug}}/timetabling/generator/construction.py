"""The first timetable: the periods-only model, then rooms.

The periods model stops once 8 % of the budget (1 to 30 s) has passed and it has a
solution; its proven bound is a lower bound of the cost. When it has found no solution in
FIRST_SOLUTION_SHARE of the budget, the same model without its soft terms looks for any
placement in the rest: the windows and student-load terms can keep a single CP-SAT thread from
finding one at all, and the search optimises them afterwards. If CP-SAT proves it infeasible,
`explain.core_reasons` says which courses and pins cannot be scheduled together.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from .context import FirstSolution, SearchContext
from .explain import core_reasons
from .indexed_problem import State
from .period_model import PeriodModel, build_period_model
from .results import Infeasible, Reason
from .rooms import greedy_rooms, improve_rooms, rooms_by_cp

Periods = dict[tuple[int, int], bool]  # (course, period) -> a lecture there


FIRST_SOLUTION_SHARE = 0.3  # of the budget, for the model with soft terms to find a placement


class _KeepLast(FirstSolution):
    """Keeps the periods of the latest solution and reports its cost and bound (a model
    without soft terms has neither)."""

    def __init__(self, ctx: SearchContext, pm: PeriodModel, scored: bool) -> None:
        super().__init__()
        self.ctx, self.pm, self.scored = ctx, pm, scored
        self.found: Periods | None = None

    def on_solution_callback(self) -> None:
        super().on_solution_callback()
        ctx = self.ctx
        if ctx.first_feasible is None:
            ctx.first_feasible = ctx.clock.elapsed()
        self.found = {k: self.boolean_value(v) for k, v in self.pm.x.items()}
        if self.scored:
            ctx.report("construct", int(self.objective_value), int(self.best_objective_bound))


def construct(ctx: SearchContext, base_state: State | None) -> State | Infeasible | None:
    """A timetable (None if none was found in time), or why none exists."""
    clock = ctx.clock
    ctx.report("construct", None, None, force=True)
    found = _place_periods(ctx, base_state, FIRST_SOLUTION_SHARE * clock.remaining(), scored=True)
    tried = "with the soft terms"
    if found is None and not clock.over():
        found = _place_periods(ctx, base_state, clock.remaining(), scored=False)
        tried = "with the soft terms first, then without them"
    if isinstance(found, Infeasible):
        return found
    if found is None:
        ctx.tried.append(
            f"CP-SAT placed no complete set of lectures in periods in {clock.elapsed():.0f} s "
            f"({tried})"
        )
        return None
    if ctx.W:
        ctx.bound = None  # the relaxation bounds cost + W * moved, not the cost alone
    return _assign_rooms(ctx, found, base_state)


def _place_periods(
    ctx: SearchContext, base_state: State | None, limit: float, *, scored: bool
) -> Periods | Infeasible | None:
    """Lectures in periods within `limit` seconds; `scored` keeps the soft terms (and sets the
    lower bound), else any placement will do."""
    pm = build_period_model(
        ctx.comp, pins=ctx.pins, base=ctx.base, min_change_weight=ctx.W, objective=scored
    )
    if base_state is not None:
        bt = {(c, t) for c, lecs in enumerate(base_state) for t, _ in lecs}
        for k, v in pm.x.items():
            pm.model.add_hint(v, k in bt)
    keep = _KeepLast(ctx, pm, scored)
    solver, status = ctx.solve_model(
        pm.model,
        limit=limit,
        callback=keep,
        soft_limit=min(max(1.0, 0.08 * ctx.clock.remaining()), 30.0),
    )
    if status == cp_model.INFEASIBLE:
        return _explain(ctx)
    if scored and status == cp_model.OPTIMAL:
        ctx.bound = round(solver.objective_value)
    elif scored and keep.found is not None:
        ctx.bound = max(0, int(solver.best_objective_bound))
    return keep.found


def _explain(ctx: SearchContext) -> Infeasible:
    ctx.report("explain", None, None, force=True)
    reasons = core_reasons(
        ctx.comp,
        ctx.pins,
        time_limit=max(2.0, min(20.0, ctx.clock.remaining())),
        workers=ctx.workers,
    )
    if not reasons:
        reasons = [
            Reason("infeasible", "CP-SAT proved that no timetable satisfies all hard constraints.")
        ]
    return Infeasible(tuple(reasons))


def _assign_rooms(ctx: SearchContext, found: Periods, base_state: State | None) -> State | None:
    comp = ctx.comp
    periods: list[list[int]] = [[] for _ in range(comp.C)]
    for (c, t), val in found.items():
        if val:
            periods[c].append(t)
    prefer = {}
    if base_state is not None:
        prefer = {(c, t): r for c, lecs in enumerate(base_state) for t, r in lecs}
    ctx.report("rooms", None, ctx.bound, force=True)
    state = greedy_rooms(comp, periods, prefer, ctx.pin_full)
    if state is None:
        state = rooms_by_cp(ctx, periods)
        if state is None:
            ctx.tried.append(
                "CP-SAT placed every lecture in a period, but found no rooms for that placement "
                "(too few rooms, or too few allowed ones, in some periods)"
            )
            return None
    if comp.w_stab or comp.w_cap or comp.w_suit or ctx.W:
        state = improve_rooms(ctx, state)
    return state
