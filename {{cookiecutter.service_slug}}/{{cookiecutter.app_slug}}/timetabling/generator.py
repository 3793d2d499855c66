"""CP-SAT timetable generator for curriculum-based course timetabling (ITC-2007 track 3).

Entry point::

    solve(problem, *, formulation="UD2", time_limit, workers=2, seed=0, base=None, pins=(),
          min_change_weight=None, on_progress=None, should_stop=None) -> SolveResult

Parameters (all keyword-only after `problem`):

* ``formulation``: "UD1".."UD5". Hard constraints are always enforced (UD4 also makes
  unsuitable rooms hard). The objective minimised is the formulation's room capacity,
  minimum working days, isolated lectures, room stability and (UD3) room suitability terms;
  UD1 and UD2 are modelled completely. Windows, student load, double lectures and travel
  distance (UD3..UD5) are not optimised. Whatever the formulation, ``SolveResult.cost`` is
  the verifier's ``total_cost`` of the returned timetable.
* ``time_limit``: wall-clock seconds for the whole call (checks, construction and search).
* ``workers``: CP-SAT worker threads. ``seed``: seeds CP-SAT and the neighbourhood choice
  (runs are still time-dependent, hence not bit-for-bit reproducible).
* ``base``: a previous timetable. It is the starting point when it satisfies every hard
  constraint and pin, otherwise it is used as a hint for the construction.
* ``pins``: assignments that must appear unchanged in the result. A pin whose ``room`` is
  ``ANY_ROOM`` ("*") or empty fixes only the course's period and lets the room change.
* ``min_change_weight``: with ``base``, minimise ``cost + W * moved`` where ``moved`` is the
  number of distinct ``(course, day, period, room)`` lectures of ``base`` that no longer
  appear in the result (a lecture that keeps its period but changes room counts as moved).
  ``None`` or 0: ``base`` is only a hint.
* ``on_progress``: called with a `Progress` (phase, best cost, lower bound, elapsed seconds,
  moved lectures, iterations) at most every ``PROGRESS_INTERVAL`` seconds, and at every
  phase change. Exceptions raised by the callback propagate.
* ``should_stop``: polled about every 0.1 s; once it returns True the call returns the best
  timetable found so far with status "stopped" (or "infeasible"/"unknown" without one).

Method (see docs/timetabling.md for the measurements behind it):

1. quick necessary-condition checks (`generator_explain.quick_checks`);
2. construction: a periods-only CP-SAT model (rooms relaxed to a per-period count; the
   minimum-working-days and isolated-lecture terms, and a capacity lower bound per room
   size level); its proven bound is a lower bound of the whole cost; then rooms greedily
   (largest courses first, one room per course where possible) and a CP-SAT room pass;
3. simulated annealing over lecture moves and swaps for `SA_SHARE` of the remaining time,
   one temperature schedule from `SA_T_START` to `SA_T_END` (hard constraints never
   violated, exact local deltas; `generator_anneal`, compiled with Numba, one chain per
   worker in parallel threads, the best chain wins);
4. large-neighbourhood search with CP-SAT for the rest of the time: repeatedly free a
   few courses (chosen at random, by curriculum, by conflict neighbourhood, or their
   lectures on some days) or the lectures in a few rooms (rooms only), and re-solve the exact
   sub-model (periods and rooms) hinted with the current timetable within
   `LNS_TIME_LIMIT`. Neighbourhood sizes adapt to how fast sub-models are solved to
   optimality; the neighbourhood kinds are drawn with weights that follow their gains.

If CP-SAT proves the periods-only model infeasible, an assumption core over one literal per
course and per pin explains which of them cannot be scheduled together.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .generator_anneal import anneal, start_warm_up
from .generator_explain import Infeasible, Reason, core_reasons, quick_checks
from .generator_model import (
    FORMULATIONS,
    Compiled,
    FreeCourse,
    State,
    build_period_model,
    build_sub_model,
    evaluate,
    extract,
    greedy_rooms,
)
from .model import Assignment, Problem

__all__ = [
    "ANY_ROOM",
    "FORMULATIONS",
    "GeneratorInputError",
    "Infeasible",
    "Progress",
    "Reason",
    "SolveResult",
    "solve",
]

ANY_ROOM = "*"
PROGRESS_INTERVAL = 0.5  # seconds between progress callbacks (phase changes always report)
ROOM_PASS_LIMIT = 10.0  # seconds for the global room re-assignment after construction
LNS_TIME_LIMIT = 0.5  # seconds per neighbourhood re-solve
SA_SHARE = 0.9  # share of the search time spent annealing (the rest: CP-SAT neighbourhoods)
SA_T_START = 1.0  # annealing temperature at the start and the end of the schedule
SA_T_END = 0.02
LNS_PARAMS: dict[str, object] = {}  # extra CP-SAT parameters of the re-solves
LNS_WORKERS: int | None = None  # CP-SAT workers per re-solve (None: the `workers` argument)


class GeneratorInputError(ValueError):
    """The request cannot be solved as given (unknown formulation, pins naming unknown
    courses or rooms, out-of-range periods, ...)."""


@dataclass(frozen=True)
class Progress:
    phase: str  # "checks" | "construct" | "rooms" | "search" | "explain" | "done"
    elapsed: float
    best_cost: int | None  # modelled cost (equals the verifier's for UD1 and UD2)
    bound: int | None  # proven lower bound of the cost, when known
    moved: int | None = None  # lectures moved away from base (minimal-change mode)
    iterations: int = 0


@dataclass(frozen=True)
class SolveResult:
    status: str  # "optimal" | "feasible" | "stopped" | "infeasible" | "unknown"
    assignments: tuple[Assignment, ...]
    cost: int | None  # verifier's total cost of `assignments`
    bound: int | None
    formulation: str
    elapsed: float
    first_feasible_seconds: float | None
    moved: int | None = None
    iterations: int = 0
    components: dict[str, int] = field(default_factory=dict)
    infeasible: Infeasible | None = None
    moves: int = 0  # annealing moves tried, over all chains
    anneal_seconds: float = 0.0  # time spent annealing (moves / anneal_seconds: the search speed)

    @property
    def feasible(self) -> bool:
        return bool(self.assignments) or self.status in ("optimal", "feasible")


# ------------------------------------------------------------------------------ plumbing
class _Clock:
    def __init__(self, time_limit: float, should_stop: Callable[[], bool] | None) -> None:
        self.t0 = time.monotonic()
        self.deadline = self.t0 + max(0.0, time_limit)
        self.should_stop = should_stop
        self.stopped = False

    def elapsed(self) -> float:
        return time.monotonic() - self.t0

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def stop_requested(self) -> bool:
        if not self.stopped and self.should_stop is not None and self.should_stop():
            self.stopped = True
        return self.stopped

    def over(self) -> bool:
        return self.stop_requested() or self.remaining() <= 0


def _run(
    model: cp_model.CpModel,
    clock: _Clock,
    *,
    limit: float,
    workers: int,
    seed: int,
    callback: cp_model.CpSolverSolutionCallback | None = None,
    soft_limit: float | None = None,
    has_solution: Callable[[], bool] | None = None,
    extra: dict | None = None,
) -> tuple[cp_model.CpSolver, int]:
    """Solve with a watcher thread: should_stop() and the global deadline interrupt the
    search; past `soft_limit` seconds it also stops as soon as `has_solution()` is true."""
    solver = cp_model.CpSolver()
    prm = solver.parameters
    prm.max_time_in_seconds = max(0.05, min(limit, clock.remaining()))
    prm.num_workers = max(1, workers)
    prm.random_seed = seed
    for k, v in (extra or {}).items():
        setattr(prm, k, v)
    done = threading.Event()
    start = time.monotonic()

    def watch() -> None:
        while not done.wait(0.05):
            if clock.over():
                solver.stop_search()
                return
            if (
                soft_limit is not None
                and time.monotonic() - start >= soft_limit
                and has_solution is not None
                and has_solution()
            ):
                solver.stop_search()
                return

    th = threading.Thread(target=watch, daemon=True)
    th.start()
    try:
        status = solver.solve(model, callback) if callback else solver.solve(model)
    finally:
        done.set()
        th.join()
    return solver, status


class _Reporter:
    def __init__(self, clock: _Clock, cb: Callable[[Progress], None] | None) -> None:
        self.clock = clock
        self.cb = cb
        self.last = -1e9
        self.phase = ""

    def __call__(self, phase, best, bound, moved=None, iterations=0, force=False) -> None:
        if self.cb is None:
            return
        now = time.monotonic()
        if not force and phase == self.phase and now - self.last < PROGRESS_INTERVAL:
            return
        self.phase = phase
        self.last = now
        self.cb(Progress(phase, round(self.clock.elapsed(), 3), best, bound, moved, iterations))


# ------------------------------------------------------------------------------ solve
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
    """Generate a timetable; see the module docstring for the parameters."""
    clock = _Clock(time_limit, should_stop)
    report = _Reporter(clock, on_progress)
    try:
        comp = Compiled(problem, formulation)
    except ValueError as exc:
        raise GeneratorInputError(str(exc)) from exc
    if time_limit is None or time_limit <= 0:
        raise GeneratorInputError("time_limit must be a positive number of seconds")
    if workers < 1:
        raise GeneratorInputError("workers must be at least 1")
    if min_change_weight is not None and min_change_weight < 0:
        raise GeneratorInputError("min_change_weight must be >= 0")
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

    search = _Search(
        comp, clock, report, workers=workers, seed=seed, pins=pin_idx, base=base_set, W=W
    )
    state = None
    if base_state is not None and search.acceptable(base_state):
        state = base_state
        search.first_feasible = clock.elapsed()
    elif base_state is not None and (state := search.repair(base_state)) is not None:
        search.first_feasible = clock.elapsed()
    else:
        outcome = search.construct(base_state)
        if isinstance(outcome, Infeasible):
            return _infeasible(comp, clock, report, outcome)
        state = outcome
    if state is None:
        status = "stopped" if clock.stopped else "unknown"
        report("done", None, search.bound, force=True)
        return SolveResult(
            status,
            (),
            None,
            search.bound,
            formulation,
            clock.elapsed(),
            None,
            infeasible=Infeasible(
                (Reason("no_solution", "No timetable was found within the time limit."),),
                proven=False,
            ),
        )
    state = search.improve(state)
    return search.finish(state)


def _infeasible(comp, clock, report, inf: Infeasible) -> SolveResult:
    report("done", None, None, force=True)
    return SolveResult(
        "infeasible", (), None, None, comp.formulation, clock.elapsed(), None, infeasible=inf
    )


def _index_pins(comp: Compiled, pins: Sequence[Assignment]) -> list[tuple[int, int, int | None]]:
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


class _Search:
    def __init__(self, comp, clock, report, *, workers, seed, pins, base, W) -> None:
        self.comp: Compiled = comp
        self.clock: _Clock = clock
        self.report: _Reporter = report
        self.workers = workers
        self.seed = seed
        self.rng = random.Random(seed)
        self.pins = pins
        self.pin_full = {(c, t): r for c, t, r in pins if r is not None}
        self.pin_period = {(c, t) for c, t, r in pins if r is None}
        self.base = base
        self.W = W
        self.bound: int | None = None
        self.first_feasible: float | None = None
        self.iterations = 0
        self.moves = 0
        self.anneal_seconds = 0.0
        self.best_obj: int | None = None
        self.stats: dict[str, list[int]] = {}

    # -------------------------------------------------------------- helpers
    def acceptable(self, state: State) -> bool:
        ev = evaluate(self.comp, state)
        if ev.hard:
            return False
        have = {(c, t): r for c, lecs in enumerate(state) for t, r in lecs}
        for c, t, r in self.pins:
            if (c, t) not in have or (r is not None and have[c, t] != r):
                return False
        return True

    def objective(self, state: State):
        ev = evaluate(self.comp, state, self.base)
        return ev.objective(self.W), ev

    # -------------------------------------------------------------- repair of a base
    def repair(self, base_state: State) -> State | None:
        """Keep as much of an infeasible base as possible: drop the lectures involved in hard
        violations (courses with most clashes first), then re-place the missing lectures with
        the exact sub-model, widening to conflicting courses while that is infeasible."""
        comp = self.comp
        self.report("repair", None, None, force=True)
        kept: State = [[] for _ in range(comp.C)]
        room_used: set[tuple[int, int]] = set()
        course_t: list[set[int]] = [set() for _ in range(comp.C)]
        for (c, t), r in self.pin_full.items():
            kept[c].append((t, r))
            room_used.add((t, r))
            course_t[c].add(t)
        # clashes per course in the base, to drop the most conflicting lectures first
        occ: dict[int, list[int]] = {}
        for c, lecs in enumerate(base_state):
            for t, _ in lecs:
                occ.setdefault(t, []).append(c)
        clashes = [0] * comp.C
        for cs in occ.values():
            for c in cs:
                clashes[c] += sum(1 for c2 in cs if c2 in comp.neighbours[c])
        order = sorted(range(comp.C), key=lambda c: (clashes[c], c))
        for c in order:
            for t, r in base_state[c]:
                if len(kept[c]) >= comp.lectures[c] or t in course_t[c]:
                    continue
                if (c, t) in self.pin_full or t in comp.unavailable[c]:
                    continue
                if (t, r) in room_used or r not in comp.room_allowed[c]:
                    continue
                if any(t in course_t[n] for n in comp.neighbours[c]):
                    continue
                kept[c].append((t, r))
                room_used.add((t, r))
                course_t[c].add(t)
        # period-only pins must hold: drop lectures in the way
        for c, t in self.pin_period:
            if t not in course_t[c]:
                for n in [*comp.neighbours[c], c]:
                    kept[n] = [(t2, r2) for t2, r2 in kept[n] if t2 != t or n == c]
        course_t = [{t for t, _ in lecs} for lecs in kept]
        missing = {c for c in range(comp.C) if len(kept[c]) < comp.lectures[c]}
        missing |= {c for c, t in self.pin_period if t not in course_t[c]}
        if not missing:
            return kept if self.acceptable(kept) else None
        chosen = set(missing)
        for _ in range(4):
            if self.clock.over():
                return None
            free, fixed = self._free_partial(kept, chosen, missing)
            sub = build_sub_model(comp, kept, free, fixed, base=self.base, min_change_weight=self.W)
            solver, status = _run(
                sub.model,
                self.clock,
                limit=min(10.0, self.clock.remaining()),
                workers=self.workers,
                seed=self.seed,
            )
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                new = extract(comp, sub, solver)
                return new if self.acceptable(new) else None
            grown = set(chosen)
            for c in chosen:
                grown |= comp.neighbours[c]
            if grown == chosen:
                return None
            chosen = grown
        return None

    def _free_partial(self, kept: State, chosen: set[int], missing: set[int]):
        """Free: courses in `missing` place their missing lectures (kept ones stay); other
        chosen courses are freed completely."""
        fixed: State = []
        for c, lecs in enumerate(kept):
            if c in chosen and c not in missing:
                fixed.append([(t, r) for t, r in lecs if (c, t) in self.pin_full])
            else:
                fixed.append(list(lecs))
        return self._free_from_fixed(fixed, sorted(chosen), None)

    # -------------------------------------------------------------- construction
    def construct(self, base_state: State | None):
        comp, clock = self.comp, self.clock
        self.report("construct", None, None, force=True)
        pm = build_period_model(comp, pins=self.pins, base=self.base, min_change_weight=self.W)
        if base_state is not None:
            bt = {(c, t) for c, lecs in enumerate(base_state) for t, _ in lecs}
            for k, v in pm.x.items():
                pm.model.add_hint(v, k in bt)
        found: list[dict] = []
        search = self

        class CB(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(self) -> None:
                if search.first_feasible is None:
                    search.first_feasible = clock.elapsed()
                found.append({k: self.boolean_value(v) for k, v in pm.x.items()})
                del found[:-1]
                search.report(
                    "construct", int(self.objective_value), int(self.best_objective_bound)
                )

        total = clock.remaining()
        soft = min(max(1.0, 0.08 * total), 30.0)
        solver, status = _run(
            pm.model,
            clock,
            limit=total,
            workers=self.workers,
            seed=self.seed,
            callback=CB(),
            soft_limit=soft,
            has_solution=lambda: bool(found),
        )
        if status == cp_model.INFEASIBLE:
            self.report("explain", None, None, force=True)
            reasons = core_reasons(
                comp,
                self.pins,
                time_limit=max(2.0, min(20.0, clock.remaining())),
                workers=self.workers,
            )
            if not reasons:
                reasons = [
                    Reason(
                        "infeasible",
                        "CP-SAT proved that no timetable satisfies all hard constraints.",
                    )
                ]
            return Infeasible(tuple(reasons))
        if status == cp_model.OPTIMAL:
            self.bound = round(solver.objective_value)
        elif found:
            self.bound = max(0, int(solver.best_objective_bound))
        if not found:
            return None
        if self.W:
            self.bound = None  # the relaxation bounds cost + W * moved, not the cost alone
        xs = found[-1]
        periods: list[list[int]] = [[] for _ in range(comp.C)]
        for (c, t), val in xs.items():
            if val:
                periods[c].append(t)
        prefer = {}
        if base_state is not None:
            prefer = {(c, t): r for c, lecs in enumerate(base_state) for t, r in lecs}
        self.report("rooms", None, self.bound, force=True)
        state = greedy_rooms(comp, periods, prefer, self.pin_full)
        if state is None:
            return self._rooms_by_cp(periods)
        if comp.w_stab or comp.w_cap or comp.w_suit or self.W:
            state = self._improve_rooms(state)
        return state

    def _improve_rooms(self, state: State) -> State:
        """Re-assign all rooms with the periods fixed (capacity, stability, moved)."""
        comp = self.comp
        fixed: State = [
            [(t, r) for t, r in lecs if (c, t) in self.pin_full] for c, lecs in enumerate(state)
        ]
        free = {}
        for c, lecs in enumerate(state):
            ts = [t for t, _ in lecs if (c, t) not in self.pin_full]
            if ts:
                free[c] = FreeCourse(ts, len(ts), set(ts))
        sub = build_sub_model(comp, state, free, fixed, base=self.base, min_change_weight=self.W)
        limit = min(ROOM_PASS_LIMIT, max(0.5, 0.05 * self.clock.remaining()))
        solver, status = _run(
            sub.model, self.clock, limit=limit, workers=self.workers, seed=self.seed
        )
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            new = extract(comp, sub, solver)
            if self.objective(new)[0] <= self.objective(state)[0]:
                return new
        return state

    def _rooms_by_cp(self, periods: list[list[int]]) -> State | None:
        comp = self.comp
        empty: State = [[] for _ in range(comp.C)]
        fixed: State = [[] for _ in range(comp.C)]
        for (c, t), r in self.pin_full.items():
            fixed[c].append((t, r))
        free = {}
        for c in range(comp.C):
            ts = [t for t in periods[c] if (c, t) not in self.pin_full]
            if ts:
                free[c] = FreeCourse(ts, len(ts), set(ts))
        sub = build_sub_model(comp, empty, free, fixed, hint=False)
        solver, status = _run(
            sub.model,
            self.clock,
            limit=self.clock.remaining(),
            workers=self.workers,
            seed=self.seed,
        )
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return extract(comp, sub, solver)
        return None

    # -------------------------------------------------------------- large-neighbourhood search
    def improve(self, state: State) -> State:
        comp = self.comp
        obj, ev = self.objective(state)
        self.best_obj = obj
        self.report("search", ev.cost, self.bound, ev.moved if self.W else None, force=True)
        if SA_SHARE > 0 and not self._at_bound(ev):
            state = self._anneal(state, SA_SHARE * self.clock.remaining())
            obj, ev = self.objective(state)
        kinds = ["random", "curriculum", "conflict", "days", "rooms"]
        if not comp.w_stab and not comp.w_cap and not comp.w_suit:
            kinds.remove("rooms")
        size = {k: 6 for k in kinds}
        size["days"] = 12
        size["rooms"] = 3
        score = {k: 1.0 for k in kinds}
        if not any(comp.lectures):
            return state
        while not self.clock.over() and not self._at_bound(ev):
            kind = self.rng.choices(kinds, weights=[score[k] for k in kinds])[0]
            free, fixed = self._neighbourhood(kind, state, size[kind], ev)
            if not free:
                continue
            sub = build_sub_model(
                comp, state, free, fixed, base=self.base, min_change_weight=self.W
            )
            limit = min(LNS_TIME_LIMIT, self.clock.remaining())
            t_start = time.monotonic()
            solver, status = _run(
                sub.model,
                self.clock,
                limit=limit,
                workers=LNS_WORKERS or self.workers,
                seed=self.rng.randrange(1 << 30),
                extra=LNS_PARAMS,
            )
            took = time.monotonic() - t_start
            self.iterations += 1
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                size[kind] = max(2, size[kind] - 1)
                continue
            new = extract(comp, sub, solver)
            new_obj, new_ev = self.objective(new)
            gain = obj - new_obj
            if new_obj <= obj:
                state, obj, ev = new, new_obj, new_ev
            score[kind] = 0.9 * score[kind] + 0.1 * (1.0 + 10.0 * max(0, gain))
            score[kind] = max(score[kind], 0.3)
            if status == cp_model.OPTIMAL and took < 0.5 * limit:
                size[kind] = min(size[kind] + 1, 60)
            elif status != cp_model.OPTIMAL:
                size[kind] = max(2, size[kind] - 1)
            self.stats.setdefault(kind, [0, 0])
            self.stats[kind][0] += 1
            self.stats[kind][1] += max(0, gain)
            self.report(
                "search", ev.cost, self.bound, ev.moved if self.W else None, self.iterations
            )
        return state

    def _at_bound(self, ev) -> bool:
        """Whether the cost is proven optimal (never in minimal-change mode: no bound then)."""
        return self.bound is not None and ev.cost <= self.bound and not self.W

    def _anneal(self, state: State, seconds: float) -> State:
        start_obj = self.objective(state)[0]

        def improved(objective: int) -> None:
            if not self.W:
                self.report("search", objective, self.bound, None, self.iterations)

        started = time.monotonic()
        best, _, moves = anneal(
            self.comp,
            state,
            pin_full=self.pin_full,
            pin_period=self.pin_period,
            base=self.base,
            W=self.W,
            seeds=[self.rng.randrange(1 << 30) for _ in range(self.workers)],
            seconds=seconds,
            t_start=SA_T_START,
            t_end=SA_T_END,
            over=self.clock.over,
            on_improve=improved,
            target=None if self.W else self.bound,
        )
        self.iterations += 1
        self.moves += moves
        self.anneal_seconds += time.monotonic() - started
        if self.objective(best)[0] <= start_obj:
            return best
        return state

    def _neighbourhood(self, kind: str, state: State, k: int, ev):
        comp, rng = self.comp, self.rng
        if kind == "rooms":
            return self._rooms_neighbourhood(state, k)
        if kind == "days":
            nd = 1 if comp.D <= 2 else 2
            days = rng.sample(range(comp.D), nd)
            region = {d * comp.P + p for d in days for p in range(comp.P)}
            present = [c for c in range(comp.C) if any(t in region for t, _ in state[c])]
            if not present:
                return {}, state
            chosen = self._grow(rng.choice(present), k, restrict=set(present))
            return self._free(state, chosen, region)
        if kind == "random":
            chosen = rng.sample(range(comp.C), min(k, comp.C))
        elif kind == "curriculum":
            chosen = self._curriculum_set(state, k)
        else:  # conflict
            chosen = self._grow(self._penalised_course(state), k)
        return self._free(state, chosen, None)

    def _grow(self, seed_course: int, k: int, restrict: set[int] | None = None) -> list[int]:
        comp, rng = self.comp, self.rng
        chosen = [seed_course]
        seen = {seed_course}
        frontier = [seed_course]
        while len(chosen) < k and frontier:
            c = frontier.pop(rng.randrange(len(frontier)))
            nbrs = list(comp.neighbours[c])
            rng.shuffle(nbrs)
            for n in nbrs:
                if n in seen or (restrict is not None and n not in restrict):
                    continue
                seen.add(n)
                chosen.append(n)
                frontier.append(n)
                if len(chosen) >= k:
                    break
        if len(chosen) < k:
            pool = [c for c in (restrict or range(comp.C)) if c not in seen]
            chosen += rng.sample(pool, min(len(pool), k - len(chosen)))
        return chosen

    def _penalised_course(self, state: State) -> int:
        comp, rng = self.comp, self.rng
        weights = []
        for c, lecs in enumerate(state):
            w = 1.0
            days = len({t // comp.P for t, _ in lecs})
            w += comp.w_days * max(0, comp.min_days[c] - days)
            w += comp.w_stab * (len({r for _, r in lecs}) - 1 if lecs else 0)
            w += sum(comp.room_cost[c][r] for _, r in lecs)
            weights.append(w)
        return rng.choices(range(comp.C), weights=weights)[0]

    def _curriculum_set(self, state: State, k: int) -> list[int]:
        comp, rng = self.comp, self.rng
        if not comp.curricula:
            return rng.sample(range(comp.C), min(k, comp.C))
        weights = []
        P = comp.P
        for members in comp.curricula:
            occ = {t for c in members for t, _ in state[c]}
            iso = sum(
                1
                for t in occ
                if not ((t % P > 0 and t - 1 in occ) or (t % P < P - 1 and t + 1 in occ))
            )
            weights.append(1.0 + 3.0 * iso)
        chosen: list[int] = []
        seen: set[int] = set()
        tries = 0
        while len(chosen) < k and tries < 20:
            tries += 1
            q = rng.choices(range(len(comp.curricula)), weights=weights)[0]
            if chosen and tries < 10:
                # prefer curricula sharing courses or teachers with what is chosen
                linked = [
                    q2
                    for c in chosen
                    for n in comp.neighbours[c]
                    for q2 in comp.course_curricula[n]
                ]
                if linked:
                    q = rng.choice(linked)
            for c in comp.curricula[q]:
                if c not in seen:
                    seen.add(c)
                    chosen.append(c)
        return chosen[: max(k, len(comp.curricula[0]) if comp.curricula else k)]

    def _free(self, state: State, chosen: list[int], region: set[int] | None):
        chosen_set = set(chosen)
        fixed: State = []
        for c, lecs in enumerate(state):
            if c not in chosen_set:
                fixed.append(lecs)
            else:
                fixed.append(
                    [
                        (t, r)
                        for t, r in lecs
                        if (c, t) in self.pin_full or (region is not None and t not in region)
                    ]
                )
        return self._free_from_fixed(fixed, chosen, region)

    def _free_from_fixed(self, fixed: State, chosen, region: set[int] | None):
        comp = self.comp
        fixed_t = [{t for t, _ in lecs} for lecs in fixed]
        busy: dict[int, set[int]] = {}
        for lecs in fixed:
            for t, r in lecs:
                busy.setdefault(t, set()).add(r)
        free: dict[int, FreeCourse] = {}
        periods_all = range(comp.T) if region is None else sorted(region)
        for c in chosen:
            count = comp.lectures[c] - len(fixed[c])
            if count <= 0:
                continue
            blocked = comp.unavailable[c] | fixed_t[c]
            nb = comp.neighbours[c]
            allowed = comp.room_allowed[c]
            periods = []
            for t in periods_all:
                if t in blocked or any(t in fixed_t[n] for n in nb):
                    continue
                b = busy.get(t)
                if b and all(r in b for r in allowed):
                    continue
                periods.append(t)
            forced = {t for t in periods if (c, t) in self.pin_period}
            free[c] = FreeCourse(periods, count, forced)
        return free, fixed

    def _rooms_neighbourhood(self, state: State, k: int):
        comp, rng = self.comp, self.rng
        rooms = set(rng.sample(range(comp.R), min(comp.R, max(2, k))))
        free: dict[int, FreeCourse] = {}
        fixed: State = []
        for c, lecs in enumerate(state):
            keep = [(t, r) for t, r in lecs if r not in rooms or (c, t) in self.pin_full]
            fixed.append(keep)
            moving = [t for t, r in lecs if r in rooms and (c, t) not in self.pin_full]
            if moving:
                free[c] = FreeCourse(moving, len(moving), set(moving))
        return free, fixed

    # -------------------------------------------------------------- result
    def finish(self, state: State) -> SolveResult:
        comp = self.comp
        assignments = tuple(comp.to_assignments(state))
        _obj, ev = self.objective(state)
        components: dict[str, int] = {}
        cost = ev.cost
        hard = ev.hard
        try:
            from .verifier import verify
        except ImportError:  # pragma: no cover - the verifier ships with the package
            verify = None
        if verify is not None:
            v = verify(comp.problem, assignments, formulation=comp.formulation)
            cost = v.total_cost
            hard = v.hard_violations
            components = dict(v.to_dict().get("soft", {})) if hasattr(v, "to_dict") else {}
        if hard:
            raise RuntimeError(f"internal error: generated timetable has {hard} hard violations")
        if self.clock.stopped:
            status = "stopped"
        elif self.bound is not None and cost <= self.bound and not self.W:
            status = "optimal"
        else:
            status = "feasible"
        moved = ev.moved if self.base else None
        self.report("done", cost, self.bound, moved, self.iterations, force=True)
        return SolveResult(
            status,
            assignments,
            cost,
            self.bound,
            comp.formulation,
            round(self.clock.elapsed(), 3),
            None if self.first_feasible is None else round(self.first_feasible, 3),
            moved,
            self.iterations,
            components,
            moves=self.moves,
            anneal_seconds=round(self.anneal_seconds, 3),
        )
