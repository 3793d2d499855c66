"""The generator's entry points: `solve` runs the search, `feasibility_check` only its checks.

The search, step by step (each a module of this package, over one `SearchContext`):

1. quick necessary-condition checks (`explain.quick_checks`);
2. a start: the base timetable when it keeps every hard constraint and pin, else its repair
   (`repair`), else a construction (`construction`: the periods-only model, then rooms);
3. simulated annealing for SA_SHARE of the remaining time (`annealing`);
4. large-neighbourhood search with CP-SAT for the rest (`lns`);
5. the verifier scores the result: `SolveResult.cost` is always its total.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..model import Assignment, Problem
from ..verifier import verify
from .annealing import SA_SHARE, anneal_state
from .annealing_kernel import start_warm_up
from .construction import construct
from .context import Clock, Reporter, SearchContext
from .explain import quick_checks
from .indexed_problem import IndexedProblem, State
from .lns import lns
from .period_model import PinIndex
from .repair import repair
from .results import GeneratorInputError, Infeasible, Progress, Reason, SolveResult

ANY_ROOM = "*"  # the room of a pin that fixes only the period


def solve(
    problem: Problem,
    *,
    formulation: str = "UD2",
    time_limit: float,
    workers: int = 2,
    seed: int = 0,
    base: Sequence[Assignment] | None = None,
    pins: Sequence[Assignment] = (),
    min_change_weight: int | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> SolveResult:
    """Generate a timetable; the package docstring describes the parameters."""
    clock = Clock(time_limit, should_stop)
    report = Reporter(clock, on_progress)
    comp = _indexed(problem, formulation)
    _check_request(time_limit, workers, min_change_weight)
    pin_idx = _index_pins(comp, pins)
    base_state = comp.from_assignments(base) if base else None
    base_set = (
        frozenset((c, t, r) for c, lecs in enumerate(base_state) for t, r in lecs)
        if base_state
        else frozenset()
    )
    W = int(min_change_weight or 0) if base_set else 0

    start_warm_up()  # the annealing kernel compiles while CP-SAT constructs
    report("checks", None, None, force=True)
    reasons = quick_checks(comp, pin_idx)
    if reasons:
        return _infeasible(comp, clock, report, Infeasible(tuple(reasons)))
    ctx = SearchContext(comp, clock, report, workers, seed, pin_idx, base_set, W)
    start = _start(ctx, base_state)
    if isinstance(start, Infeasible):
        return _infeasible(comp, clock, report, start)
    if start is None:
        return _nothing_found(ctx, formulation)
    return _finish(ctx, _improve(ctx, start))


def feasibility_check(
    problem: Problem, *, formulation: str = "UD2", pins: Sequence[Assignment] = ()
) -> Infeasible | None:
    """The generator's necessary-condition checks alone (milliseconds): why no timetable can
    exist, or None when none of them fails (the search may still prove infeasibility)."""
    comp = _indexed(problem, formulation)
    reasons = quick_checks(comp, _index_pins(comp, pins))
    return Infeasible(tuple(reasons)) if reasons else None


def _indexed(problem: Problem, formulation: str) -> IndexedProblem:
    try:
        return IndexedProblem(problem, formulation)
    except ValueError as exc:
        raise GeneratorInputError(str(exc)) from exc


def _check_request(time_limit: float, workers: int, min_change_weight: int | None) -> None:
    if time_limit is None or time_limit <= 0:
        raise GeneratorInputError("time_limit must be a positive number of seconds")
    if workers < 1:
        raise GeneratorInputError("workers must be at least 1")
    if min_change_weight is not None and min_change_weight < 0:
        raise GeneratorInputError("min_change_weight must be >= 0")


def _index_pins(comp: IndexedProblem, pins: Sequence[Assignment]) -> list[PinIndex]:
    out = []
    for i, a in enumerate(pins):
        if a.course not in comp.cidx:
            raise GeneratorInputError(f"pin {i} names unknown course {a.course!r}")
        room = None
        if a.room not in ("", ANY_ROOM, None):
            if a.room not in comp.ridx:
                raise GeneratorInputError(f"pin {i} names unknown room {a.room!r}")
            room = comp.ridx[a.room]
        if not (0 <= a.day < comp.D and 0 <= a.period < comp.P):
            raise GeneratorInputError(
                f"pin {i} ({a.course}) is outside the week: day {a.day} period {a.period}"
            )
        out.append((comp.cidx[a.course], a.day * comp.P + a.period, room))
    return out


def _start(ctx: SearchContext, base_state: State | None) -> State | Infeasible | None:
    """The base as it is, or repaired; else a constructed timetable."""
    if base_state is not None and ctx.acceptable(base_state):
        ctx.first_feasible = ctx.clock.elapsed()
        return base_state
    if base_state is not None and (state := repair(ctx, base_state)) is not None:
        ctx.first_feasible = ctx.clock.elapsed()
        return state
    return construct(ctx, base_state)


def _improve(ctx: SearchContext, state: State) -> State:
    """Annealing for most of the remaining time, then CP-SAT neighbourhoods."""
    _, ev = ctx.objective(state)
    ctx.report("search", ev.cost, ctx.bound, ctx.moved(ev), force=True)
    if SA_SHARE > 0 and not ctx.at_bound(ev):
        state = anneal_state(ctx, state, SA_SHARE * ctx.clock.remaining())
    return lns(ctx, state)


def _infeasible(
    comp: IndexedProblem, clock: Clock, report: Reporter, inf: Infeasible
) -> SolveResult:
    report("done", None, None, force=True)
    return SolveResult(
        "infeasible", (), None, None, comp.formulation, clock.elapsed(), None, infeasible=inf
    )


def _nothing_found(ctx: SearchContext, formulation: str) -> SolveResult:
    status = "stopped" if ctx.clock.stopped else "unknown"
    ctx.report("done", None, ctx.bound, force=True)
    ended = "was stopped" if ctx.clock.stopped else f"used its {ctx.clock.elapsed():.0f} s"
    tried = "; ".join(["the quick checks found no reason that none exists", *ctx.tried])
    message = (
        f"No timetable was found: the run {ended} without one, and without proving that none "
        f"exists. Tried: {tried}. A longer time limit, or fewer pins, may find one."
    )
    return SolveResult(
        status,
        (),
        None,
        ctx.bound,
        formulation,
        ctx.clock.elapsed(),
        None,
        infeasible=Infeasible(
            (Reason("no_solution", message),),
            proven=False,
        ),
    )


def _finish(ctx: SearchContext, state: State) -> SolveResult:
    """The result, scored by the verifier (the oracle): a hard violation is a bug."""
    comp = ctx.comp
    assignments = tuple(comp.to_assignments(state))
    _, ev = ctx.objective(state)
    verification = verify(comp.problem, assignments, formulation=comp.formulation)
    cost = verification.total_cost
    if verification.hard_violations:
        raise RuntimeError(
            f"internal error: generated timetable has {verification.hard_violations} "
            "hard violations"
        )
    if ctx.clock.stopped:
        status = "stopped"
    elif ctx.bound is not None and cost <= ctx.bound and not ctx.W:
        status = "optimal"
    else:
        status = "feasible"
    moved = ev.moved if ctx.base else None
    ctx.report("done", cost, ctx.bound, moved, ctx.iterations, force=True)
    return SolveResult(
        status,
        assignments,
        cost,
        ctx.bound,
        comp.formulation,
        round(ctx.clock.elapsed(), 3),
        None if ctx.first_feasible is None else round(ctx.first_feasible, 3),
        moved,
        ctx.iterations,
        verification.soft_values,
        moves=ctx.moves,
        anneal_seconds=round(ctx.anneal_seconds, 3),
    )
