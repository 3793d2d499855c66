"""Room assignment once every lecture has its period: greedily, then by CP-SAT."""

from __future__ import annotations

from ortools.sat.python import cp_model

from .context import SearchContext
from .indexed_problem import IndexedProblem, State
from .sub_model import FreeCourse, build_sub_model, extract

ROOM_PASS_LIMIT = 10.0  # seconds for the global room re-assignment after construction
Taken = dict[int, set[int]]  # period -> rooms in use


def greedy_rooms(
    comp: IndexedProblem,
    periods: list[list[int]],
    prefer: dict[tuple[int, int], int] | None = None,
    pinned_rooms: dict[tuple[int, int], int] | None = None,
) -> State | None:
    """Assign rooms: pinned rooms first, then preferred (base) rooms; then, largest courses
    first, one room for all of a course's lectures when one is free in all its periods (the
    cheapest, then the smallest); remaining lectures period by period, preferring a room the
    course already uses. None if some period has no room left for a lecture."""
    prefer = prefer or {}
    pinned_rooms = pinned_rooms or {}
    state: State = [[] for _ in range(comp.C)]
    taken: Taken = {}
    for (c, t), r in pinned_rooms.items():
        _take(state, taken, c, t, r)
    todo = {c: [t for t in ts if (c, t) not in pinned_rooms] for c, ts in enumerate(periods)}
    order = sorted(range(comp.C), key=lambda c: (-comp.students[c], -len(todo[c])))
    for c in order:
        rest = []
        for t in todo[c]:
            preferred = prefer.get((c, t))
            if (
                preferred is not None
                and preferred in comp.room_allowed[c]
                and preferred not in taken.get(t, ())
            ):
                _take(state, taken, c, t, preferred)
            else:
                rest.append(t)
        todo[c] = rest
    for c in order:
        if todo[c] and not _place_course(comp, state, taken, c, todo[c]):
            return None
    for lecs in state:
        lecs.sort()
    return state


def _take(state: State, taken: Taken, c: int, t: int, r: int) -> None:
    taken.setdefault(t, set()).add(r)
    state[c].append((t, r))


def _place_course(comp: IndexedProblem, state: State, taken: Taken, c: int, ts: list[int]) -> bool:
    """Rooms for course c's lectures in periods ts; False when a period has no room left."""
    used = {r for _, r in state[c]}
    best = min(comp.room_cost[c][r] for r in comp.room_allowed[c])
    whole = [
        r
        for r in comp.room_allowed[c]
        if comp.room_cost[c][r] == best and all(r not in taken.get(t, ()) for t in ts)
    ]
    if whole:
        r = min(whole, key=lambda r: (r not in used, comp.capacity[r]))
        for t in ts:
            _take(state, taken, c, t, r)
        return True
    for t in ts:
        cand = [r for r in comp.room_allowed[c] if r not in taken.get(t, ())]
        if not cand:
            return False
        used = {r for _, r in state[c]}
        r = min(cand, key=lambda r: (comp.room_cost[c][r], r not in used, comp.capacity[r]))
        _take(state, taken, c, t, r)
    return True


def improve_rooms(ctx: SearchContext, state: State) -> State:
    """Re-assign all rooms with the periods fixed (capacity, stability, moved lectures)."""
    comp = ctx.comp
    fixed: State = [
        [(t, r) for t, r in lecs if (c, t) in ctx.pin_full] for c, lecs in enumerate(state)
    ]
    free = {}
    for c, lecs in enumerate(state):
        ts = [t for t, _ in lecs if (c, t) not in ctx.pin_full]
        if ts:
            free[c] = FreeCourse(ts, len(ts), set(ts))
    sub = build_sub_model(comp, state, free, fixed, base=ctx.base, min_change_weight=ctx.W)
    solver, status = ctx.solve_model(sub.model, limit=_room_pass_limit(ctx))
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        new = extract(comp, sub, solver)
        if ctx.objective(new)[0] <= ctx.objective(state)[0]:
            return new
    return state


def rooms_by_cp(ctx: SearchContext, periods: list[list[int]]) -> State | None:
    """Rooms for the given periods by CP-SAT, when the greedy assignment found none: past the
    room pass's limit it stops at its first assignment, leaving the rest to the search."""
    comp = ctx.comp
    empty: State = [[] for _ in range(comp.C)]
    fixed: State = [[] for _ in range(comp.C)]
    for (c, t), r in ctx.pin_full.items():
        fixed[c].append((t, r))
    free = {}
    for c in range(comp.C):
        ts = [t for t in periods[c] if (c, t) not in ctx.pin_full]
        if ts:
            free[c] = FreeCourse(ts, len(ts), set(ts))
    sub = build_sub_model(comp, empty, free, fixed, hint=False)
    solver, status = ctx.solve_model(
        sub.model, limit=ctx.clock.remaining(), soft_limit=_room_pass_limit(ctx)
    )
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return extract(comp, sub, solver)
    return None


def _room_pass_limit(ctx: SearchContext) -> float:
    return min(ROOM_PASS_LIMIT, max(0.5, 0.05 * ctx.clock.remaining()))
