"""Simulated annealing over lecture moves and swaps, for most of the search time.

One temperature schedule, geometric in elapsed time, from SA_T_START to SA_T_END. The start is
hot enough for a chain to leave the constructed timetable's basin (docs/timetabling.md, "a
hotter start"). Hard constraints are never violated and the cost change of a move is computed
locally and exactly (`annealing_reference` says how). With the compiled kernel
(`annealing_kernel`) ready, one chain per worker runs in parallel threads from the same start
with its own seed and the best chain wins; until it is ready (a cold start) the search anneals
in Python, in short slices.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable
from typing import NamedTuple

from . import annealing_kernel as kernel
from .annealing_kernel import _Chain
from .annealing_reference import Annealer
from .context import SearchContext
from .indexed_problem import IndexedProblem, State
from .objective import BaseLectures

SA_SHARE = 0.9  # share of the search time spent annealing (the rest: CP-SAT neighbourhoods)
SA_T_START = 8.0  # annealing temperature at the start and the end of the schedule
SA_T_END = 0.02
SA_T_START_MIN_CHANGE = 1.0  # cooler: a minimal-change run starts at its base and stays near it
SA_KEMPE_P = 0.1  # share of the compiled moves that are Kempe-chain swaps (`annealing_kempe`)
CHUNK_SECONDS = 0.1  # kernel calls last about this long, between stop checks and progress
FALLBACK_SLICE = 1.0  # seconds of Python annealing between checks whether the kernel is ready


def anneal_state(ctx: SearchContext, state: State, seconds: float) -> State:
    """The best timetable annealing finds from `state` in `seconds` (never a worse one)."""
    start_obj = ctx.objective(state)[0]

    def improved(objective: int) -> None:
        if not ctx.W:
            ctx.report("search", objective, ctx.bound, None, ctx.iterations)

    started = time.monotonic()
    best, _, moves = anneal(
        ctx.comp,
        state,
        pin_full=ctx.pin_full,
        pin_period=ctx.pin_period,
        base=ctx.base,
        W=ctx.W,
        seeds=[ctx.rng.randrange(1 << 30) for _ in range(ctx.workers)],
        seconds=seconds,
        t_start=SA_T_START_MIN_CHANGE if ctx.W else SA_T_START,
        t_end=SA_T_END,
        kempe_p=SA_KEMPE_P,
        over=ctx.clock.over,
        on_improve=improved,
        target=None if ctx.W else ctx.bound,
    )
    ctx.iterations += 1
    ctx.moves += moves
    ctx.anneal_seconds += time.monotonic() - started
    if ctx.objective(best)[0] <= start_obj:
        return best
    return state


def anneal(
    comp: IndexedProblem,
    state: State,
    *,
    pin_full: dict[tuple[int, int], int] | set[tuple[int, int]],
    pin_period: set[tuple[int, int]],
    base: BaseLectures,
    W: int,
    seeds: list[int],
    seconds: float,
    t_start: float,
    t_end: float,
    room_move_p: float = 0.15,
    kempe_p: float = 0.0,
    over: Callable[[], bool] | None = None,
    on_improve: Callable[[int], None] | None = None,
    target: int | None = None,
) -> tuple[State, int, int]:
    """Anneal for `seconds` (temperature t_start -> t_end): (best state, its cost, moves);
    kempe_p: the share of Kempe-chain moves (compiled chains only).

    With the kernel compiled, `len(seeds)` chains run in parallel threads from `state`. Until
    it is (a cold start), the search runs `annealing_reference.Annealer` in short slices and
    switches over as soon as the kernel is ready. `over` and `on_improve` are only called
    from the calling thread (they may use a database connection that belongs to it).
    """
    schedule = _Schedule(time.monotonic(), seconds, t_start, t_end)
    best_state, best, moves = state, None, 0
    rng = random.Random(seeds[0])
    while True:
        now = time.monotonic()
        if now >= schedule.end or (over is not None and over()):
            break
        if target is not None and best is not None and best <= target:
            break
        ref = Annealer(
            comp, best_state, pin_full=pin_full, pin_period=pin_period, base=base, W=W, rng=rng
        )
        if best is None:
            best = ref.cost
        if not ref.movable:
            break
        if kernel.is_ready():
            control = _Control(room_move_p, kempe_p, over, on_improve, target)
            state_, cost, n = _anneal_compiled(comp, ref, base, W, seeds, schedule, control)
            return (state_, cost, moves + n) if cost <= best else (best_state, best, moves + n)
        piece = min(FALLBACK_SLICE, schedule.end - now)
        found = ref.run(
            piece,
            t_start=schedule.temperature(now),
            t_end=schedule.temperature(now + piece),
            over=over,
            on_improve=on_improve,
            target=target,
        )
        moves += ref.iterations
        if ref.best <= best:
            best_state, best = found, ref.best
    return best_state, best if best is not None else 0, moves


class _Control(NamedTuple):
    """What steers compiled chains besides the temperature: see `anneal`."""

    room_move_p: float
    kempe_p: float
    over: Callable[[], bool] | None
    on_improve: Callable[[int], None] | None
    target: int | None


def _anneal_compiled(
    comp: IndexedProblem,
    ref: Annealer,
    base: BaseLectures,
    W: int,
    seeds: list[int],
    schedule: _Schedule,
    control: _Control,
) -> tuple[State, int, int]:
    """One compiled chain per seed from `ref`'s timetable: (the best chain's state, cost, moves
    over all chains)."""
    chains = [_Chain(comp, ref, base, W) for _ in seeds]
    _run_chains(chains, seeds, schedule, control)
    winner = min(chains, key=lambda ch: ch.best)
    return winner.state(comp.C), winner.best, sum(ch.iterations for ch in chains)


class _Schedule:
    """The temperature, geometric in elapsed time from t_start (at `start`) to t_end."""

    def __init__(self, start: float, seconds: float, t_start: float, t_end: float) -> None:
        self.start = start
        self.seconds = seconds
        self.end = start + max(0.0, seconds)
        self.t_start = t_start
        self.ratio = math.log(t_end / t_start)

    def temperature(self, at: float) -> float:
        progress = (at - self.start) / max(self.seconds, 1e-9)
        return self.t_start * math.exp(self.ratio * min(1.0, max(0.0, progress)))


class _Chains:
    """The chains of one annealing run: the first runs in the calling thread and checks
    `over`, the target and progress; the others run in helper threads until it stops."""

    def __init__(self, chains: list[_Chain], schedule: _Schedule, control: _Control) -> None:
        self.chains = chains
        self.end = schedule.end
        self.temperature = schedule.temperature
        self.room_move_p, self.kempe_p, self.over, self.on_improve, self.target = control
        self.done = threading.Event()
        self.reported = self.best()

    def best(self) -> int:
        return min(ch.best for ch in self.chains)

    def should_end(self) -> bool:
        return (self.over is not None and self.over()) or (
            self.target is not None and self.best() <= self.target
        )

    def run(self, chain: _Chain, seed: int, main: bool) -> None:
        kernel._seed(seed)
        n = 2000
        while not self.done.is_set():
            now = time.monotonic()
            if now >= self.end or (main and self.should_end()):
                break
            chunk = min(CHUNK_SECONDS, self.end - now)
            temps = self.temperature(now), self.temperature(now + chunk)
            chain.step(n, *temps, self.room_move_p, self.kempe_p)
            took = time.monotonic() - now
            n = max(1000, min(n * 4, int(n * chunk / max(took, 1e-6))))
            if main and self.on_improve is not None:
                best = self.best()
                if best < self.reported:
                    self.reported = best
                    self.on_improve(best)


def _run_chains(
    chains: list[_Chain], seeds: list[int], schedule: _Schedule, control: _Control
) -> None:
    run = _Chains(chains, schedule, control)
    helpers = [
        threading.Thread(target=run.run, args=(chain, seed, False), daemon=True)
        for chain, seed in zip(chains[1:], seeds[1:], strict=True)
    ]
    for thread in helpers:
        thread.start()
    try:
        run.run(chains[0], seeds[0], True)
    finally:
        run.done.set()
        for thread in helpers:
            thread.join()
