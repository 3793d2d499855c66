"""The state every search step shares: the indexed problem, the clock, pins, the base timetable,
what was learnt so far (bound, first timetable, counters), and how to run CP-SAT within the
time limit."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from .indexed_problem import IndexedProblem, State
from .objective import BaseLectures, Evaluation, evaluate
from .period_model import PinIndex
from .results import Progress

PROGRESS_INTERVAL = 0.5  # seconds between progress callbacks (phase changes always report)


class Clock:
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


class Reporter:
    """Calls `on_progress` at most every PROGRESS_INTERVAL seconds, and at each phase change."""

    def __init__(self, clock: Clock, cb: Callable[[Progress], None] | None) -> None:
        self.clock = clock
        self.cb = cb
        self.last = -1e9
        self.phase = ""

    def __call__(
        self,
        phase: str,
        best: int | None,
        bound: int | None,
        moved: int | None = None,
        iterations: int = 0,
        force: bool = False,
    ) -> None:
        if self.cb is None:
            return
        now = time.monotonic()
        if not force and phase == self.phase and now - self.last < PROGRESS_INTERVAL:
            return
        self.phase = phase
        self.last = now
        self.cb(Progress(phase, round(self.clock.elapsed(), 3), best, bound, moved, iterations))


class FirstSolution(cp_model.CpSolverSolutionCallback):
    """Notes that CP-SAT has found a solution, so that a solve with a `soft_limit` can end
    soon after it; callbacks that keep more extend it and call this method first."""

    def __init__(self) -> None:
        super().__init__()
        self.solved = False

    def on_solution_callback(self) -> None:
        self.solved = True


@dataclass
class SearchContext:
    comp: IndexedProblem
    clock: Clock
    report: Reporter
    workers: int
    seed: int
    pins: Sequence[PinIndex]
    base: BaseLectures  # (course, period, room) of the base timetable
    W: int  # weight of a moved lecture (minimal-change mode), 0 otherwise
    rng: random.Random = field(init=False)
    pin_full: dict[tuple[int, int], int] = field(init=False)  # (course, period) -> room
    pin_period: set[tuple[int, int]] = field(init=False)  # pins that leave the room free
    bound: int | None = None  # proven lower bound of the cost
    first_feasible: float | None = None  # seconds to the first timetable
    iterations: int = 0
    moves: int = 0  # annealing moves tried
    anneal_seconds: float = 0.0
    tried: list[str] = field(default_factory=list)  # what the search did, for a run that ends empty

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.pin_full = {(c, t): r for c, t, r in self.pins if r is not None}
        self.pin_period = {(c, t) for c, t, r in self.pins if r is None}

    def acceptable(self, state: State) -> bool:
        """No hard violation, and every pin in place."""
        if evaluate(self.comp, state).hard:
            return False
        have = {(c, t): r for c, lecs in enumerate(state) for t, r in lecs}
        for c, t, r in self.pins:
            if (c, t) not in have or (r is not None and have[c, t] != r):
                return False
        return True

    def objective(self, state: State) -> tuple[int, Evaluation]:
        ev = evaluate(self.comp, state, self.base)
        return ev.objective(self.W), ev

    def at_bound(self, ev: Evaluation) -> bool:
        """Whether the cost is proven optimal (never in minimal-change mode: no bound then)."""
        return self.bound is not None and ev.cost <= self.bound and not self.W

    def moved(self, ev: Evaluation) -> int | None:
        return ev.moved if self.W else None

    def solve_model(
        self,
        model: cp_model.CpModel,
        *,
        limit: float,
        seed: int | None = None,
        workers: int | None = None,
        callback: FirstSolution | None = None,
        soft_limit: float | None = None,
        extra: dict[str, Any] | None = None,
    ) -> tuple[cp_model.CpSolver, cp_model.CpSolverStatus]:
        """Solve within `limit` seconds (and the global deadline); a watcher thread stops the
        search on should_stop(), and past `soft_limit` seconds once a solution exists."""
        if soft_limit is not None and callback is None:
            callback = FirstSolution()
        solver = cp_model.CpSolver()
        prm = solver.parameters
        prm.max_time_in_seconds = max(0.05, min(limit, self.clock.remaining()))
        prm.num_workers = max(1, self.workers if workers is None else workers)
        prm.random_seed = self.seed if seed is None else seed
        for k, v in (extra or {}).items():
            setattr(prm, k, v)
        done = threading.Event()
        watcher = threading.Thread(
            target=self._watch, args=(solver, done, soft_limit, callback), daemon=True
        )
        watcher.start()
        try:
            status = solver.solve(model, callback) if callback else solver.solve(model)
        finally:
            done.set()
            watcher.join()
        return solver, status

    def _watch(
        self,
        solver: cp_model.CpSolver,
        done: threading.Event,
        soft_limit: float | None,
        callback: FirstSolution | None,
    ) -> None:
        start = time.monotonic()
        while not done.wait(0.05):
            if self.clock.over():
                solver.stop_search()
                return
            if (
                soft_limit is not None
                and time.monotonic() - start >= soft_limit
                and callback is not None
                and callback.solved
            ):
                solver.stop_search()
                return
