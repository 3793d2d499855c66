"""Repair of a base timetable that breaks hard constraints or pins: keep as much of it as
possible, re-place the rest with the exact sub-model."""

from __future__ import annotations

from ortools.sat.python import cp_model

from .context import SearchContext
from .indexed_problem import State
from .sub_model import FreeCourse, build_sub_model, extract, free_courses

RESOLVE_LIMIT = 10.0  # seconds per attempt to re-place the missing lectures
ATTEMPTS = 4  # each attempt widens the freed courses to their conflict neighbours


def repair(ctx: SearchContext, base_state: State) -> State | None:
    """Drop the lectures involved in hard violations (courses with most clashes first), then
    re-place the missing lectures with the exact sub-model, widening to conflicting courses
    while that is infeasible. None when that fails or time runs out."""
    comp = ctx.comp
    ctx.report("repair", None, None, force=True)
    kept = _keep_consistent_part(ctx, base_state)
    course_t = [{t for t, _ in lecs} for lecs in kept]
    missing = {c for c in range(comp.C) if len(kept[c]) < comp.lectures[c]}
    missing |= {c for c, t in ctx.pin_period if t not in course_t[c]}
    if not missing:
        return kept if ctx.acceptable(kept) else None
    chosen = set(missing)
    for _ in range(ATTEMPTS):
        if ctx.clock.over():
            return None
        free, fixed = _free_partial(ctx, kept, chosen, missing)
        sub = build_sub_model(comp, kept, free, fixed, base=ctx.base, min_change_weight=ctx.W)
        solver, status = ctx.solve_model(sub.model, limit=min(RESOLVE_LIMIT, ctx.clock.remaining()))
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            new = extract(comp, sub, solver)
            return new if ctx.acceptable(new) else None
        grown = set(chosen)
        for c in chosen:
            grown |= comp.neighbours[c]
        if grown == chosen:
            return None
        chosen = grown
    return None


def _keep_consistent_part(ctx: SearchContext, base_state: State) -> State:
    """Pins, then the base's lectures that clash with nothing kept so far (least conflicting
    courses first); lectures in the way of period-only pins are dropped."""
    comp = ctx.comp
    kept: State = [[] for _ in range(comp.C)]
    room_used: set[tuple[int, int]] = set()
    course_t: list[set[int]] = [set() for _ in range(comp.C)]
    for (c, t), r in ctx.pin_full.items():
        kept[c].append((t, r))
        room_used.add((t, r))
        course_t[c].add(t)
    clashes = _clashes(ctx, base_state)
    for c in sorted(range(comp.C), key=lambda c: (clashes[c], c)):
        for t, r in base_state[c]:
            if len(kept[c]) >= comp.lectures[c] or t in course_t[c]:
                continue
            if (c, t) in ctx.pin_full or t in comp.unavailable[c]:
                continue
            if (t, r) in room_used or r not in comp.room_allowed[c]:
                continue
            if any(t in course_t[n] for n in comp.neighbours[c]):
                continue
            kept[c].append((t, r))
            room_used.add((t, r))
            course_t[c].add(t)
    for c, t in ctx.pin_period:
        if t not in course_t[c]:
            for n in [*comp.neighbours[c], c]:
                kept[n] = [(t2, r2) for t2, r2 in kept[n] if t2 != t or n == c]
    return kept


def _clashes(ctx: SearchContext, base_state: State) -> list[int]:
    """Per course, how many conflicting lectures share its periods in the base."""
    comp = ctx.comp
    occ: dict[int, list[int]] = {}
    for c, lecs in enumerate(base_state):
        for t, _ in lecs:
            occ.setdefault(t, []).append(c)
    clashes = [0] * comp.C
    for cs in occ.values():
        for c in cs:
            clashes[c] += sum(1 for c2 in cs if c2 in comp.neighbours[c])
    return clashes


def _free_partial(
    ctx: SearchContext, kept: State, chosen: set[int], missing: set[int]
) -> tuple[dict[int, FreeCourse], State]:
    """Free: courses in `missing` place their missing lectures (kept ones stay); other
    chosen courses are freed completely."""
    fixed: State = []
    for c, lecs in enumerate(kept):
        if c in chosen and c not in missing:
            fixed.append([(t, r) for t, r in lecs if (c, t) in ctx.pin_full])
        else:
            fixed.append(list(lecs))
    return free_courses(ctx.comp, fixed, sorted(chosen), None, ctx.pin_period), fixed
