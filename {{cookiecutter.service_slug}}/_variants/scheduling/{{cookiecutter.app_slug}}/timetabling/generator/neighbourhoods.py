"""Neighbourhoods of the large-neighbourhood search: which lectures to free for a re-solve.

Each returns the free part of the chosen courses and the lectures that stay fixed:
* "random": a few courses at random;
* "curriculum": whole curricula, preferring those with isolated lectures, then linked ones;
* "conflict": a penalised course and its conflict neighbours;
* "days": the lectures of some courses on one or two random days;
* "rooms": every lecture held in a few rooms (rooms only: periods stay).
"""

from __future__ import annotations

from .context import SearchContext
from .indexed_problem import State
from .sub_model import FreeCourse, free_courses

Neighbourhood = tuple[dict[int, FreeCourse], State]
KINDS = ("random", "curriculum", "conflict", "days", "rooms")


def neighbourhood(ctx: SearchContext, kind: str, state: State, k: int) -> Neighbourhood:
    """Free about `k` courses (or rooms) of `state` the way `kind` says."""
    comp, rng = ctx.comp, ctx.rng
    if kind == "rooms":
        return _rooms(ctx, state, k)
    if kind == "days":
        return _days(ctx, state, k)
    if kind == "random":
        chosen = rng.sample(range(comp.C), min(k, comp.C))
    elif kind == "curriculum":
        chosen = _curriculum_set(ctx, state, k)
    else:  # conflict
        chosen = _grow(ctx, _penalised_course(ctx, state), k)
    return _free(ctx, state, chosen, None)


def _days(ctx: SearchContext, state: State, k: int) -> Neighbourhood:
    comp, rng = ctx.comp, ctx.rng
    days = rng.sample(range(comp.D), 1 if comp.D <= 2 else 2)
    region = {d * comp.P + p for d in days for p in range(comp.P)}
    present = [c for c in range(comp.C) if any(t in region for t, _ in state[c])]
    if not present:
        return {}, state
    chosen = _grow(ctx, rng.choice(present), k, restrict=set(present))
    return _free(ctx, state, chosen, region)


def _grow(
    ctx: SearchContext, seed_course: int, k: int, restrict: set[int] | None = None
) -> list[int]:
    """`seed_course` and up to k - 1 courses reached through conflicts (then any courses)."""
    comp, rng = ctx.comp, ctx.rng
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


def _penalised_course(ctx: SearchContext, state: State) -> int:
    """A course drawn with weights that grow with its own penalties."""
    comp, rng = ctx.comp, ctx.rng
    weights = []
    for c, lecs in enumerate(state):
        w = 1.0
        days = len({t // comp.P for t, _ in lecs})
        w += comp.w_days * max(0, comp.min_days[c] - days)
        w += comp.w_stab * (len({r for _, r in lecs}) - 1 if lecs else 0)
        w += sum(comp.room_cost[c][r] for _, r in lecs)
        weights.append(w)
    return rng.choices(range(comp.C), weights=weights)[0]


def _curriculum_set(ctx: SearchContext, state: State, k: int) -> list[int]:
    comp, rng = ctx.comp, ctx.rng
    if not comp.curricula:
        return rng.sample(range(comp.C), min(k, comp.C))
    weights = [1.0 + 3.0 * _isolated_periods(ctx, state, members) for members in comp.curricula]
    chosen: list[int] = []
    seen: set[int] = set()
    tries = 0
    while len(chosen) < k and tries < 20:
        tries += 1
        q = rng.choices(range(len(comp.curricula)), weights=weights)[0]
        if chosen and tries < 10:
            # prefer curricula sharing courses or teachers with what is chosen
            linked = [
                q2 for c in chosen for n in comp.neighbours[c] for q2 in comp.course_curricula[n]
            ]
            if linked:
                q = rng.choice(linked)
        for c in comp.curricula[q]:
            if c not in seen:
                seen.add(c)
                chosen.append(c)
    return chosen[: max(k, len(comp.curricula[0]) if comp.curricula else k)]


def _isolated_periods(ctx: SearchContext, state: State, members: tuple[int, ...]) -> int:
    P = ctx.comp.P
    occ = {t for c in members for t, _ in state[c]}
    return sum(
        1 for t in occ if not ((t % P > 0 and t - 1 in occ) or (t % P < P - 1 and t + 1 in occ))
    )


def _free(
    ctx: SearchContext, state: State, chosen: list[int], region: set[int] | None
) -> Neighbourhood:
    """Free the chosen courses' lectures (those in `region`, when given), pins excepted."""
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
                    if (c, t) in ctx.pin_full or (region is not None and t not in region)
                ]
            )
    return free_courses(ctx.comp, fixed, chosen, region, ctx.pin_period), fixed


def _rooms(ctx: SearchContext, state: State, k: int) -> Neighbourhood:
    comp, rng = ctx.comp, ctx.rng
    rooms = set(rng.sample(range(comp.R), min(comp.R, max(2, k))))
    free: dict[int, FreeCourse] = {}
    fixed: State = []
    for c, lecs in enumerate(state):
        keep = [(t, r) for t, r in lecs if r not in rooms or (c, t) in ctx.pin_full]
        fixed.append(keep)
        moving = [t for t, r in lecs if r in rooms and (c, t) not in ctx.pin_full]
        if moving:
            free[c] = FreeCourse(moving, len(moving), set(moving))
    return free, fixed
