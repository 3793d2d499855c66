"""The exact CP-SAT model (periods and rooms) of some free lectures, everything else fixed.

The large-neighbourhood search re-solves it for a few courses at a time; with all periods fixed
it is the room-assignment model; the repair of a base timetable uses it for the lectures it
has to re-place.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from . import penalties
from .indexed_problem import IndexedProblem, State
from .objective import BaseLectures
from .penalties import LectureVars, RoomVars


@dataclass
class FreeCourse:
    """Free part of one course in a sub-model: place `count` lectures among `periods`;
    `forced` periods must be used (period-only pins, or all periods for rooms-only moves)."""

    periods: list[int]
    count: int
    forced: set[int] = field(default_factory=set)


@dataclass
class SubModel:
    model: cp_model.CpModel
    x: LectureVars
    u: RoomVars
    free: dict[int, FreeCourse]
    fixed: State  # per course, the lectures kept


def free_courses(
    comp: IndexedProblem,
    fixed: State,
    chosen: Iterable[int],
    region: set[int] | None,
    pin_period: set[tuple[int, int]],
) -> dict[int, FreeCourse]:
    """The free part of each chosen course: its lectures not in `fixed`, placed among the
    periods (of `region`, when given) that its fixed lectures and neighbours leave open."""
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
        forced = {t for t in periods if (c, t) in pin_period}
        free[c] = FreeCourse(periods, count, forced)
    return free


def build_sub_model(
    comp: IndexedProblem,
    state: State,
    free: dict[int, FreeCourse],
    fixed: State,
    *,
    base: BaseLectures = frozenset(),
    min_change_weight: int = 0,
    hint: bool = True,
) -> SubModel:
    """Exact model of the free lectures, the `fixed` ones being constants.

    `free[c].periods` must already exclude periods that are impossible because of fixed
    lectures (see `free_courses`)."""
    m = cp_model.CpModel()
    x, u = _lecture_and_room_vars(m, comp, free, fixed)
    _one_lecture_per_room(m, u)
    _no_conflicts_among_free(m, comp, free, x)
    terms = penalties.room_cost_terms(comp, u)
    terms += penalties.stability_terms(m, comp, u, free, fixed)
    terms += penalties.min_days_terms(m, comp, x, free, fixed)
    terms += penalties.isolated_terms(m, comp, x, free, fixed)
    terms += penalties.curriculum_day_terms(m, comp, x, free, fixed)
    terms += penalties.double_lecture_terms(m, comp, x, u, free, fixed)
    terms += penalties.travel_terms(m, comp, u, free, fixed)
    if base and min_change_weight:
        # moved lectures: base lectures whose (course, period, room) disappears
        for c, t, r in base:
            if c in free and (c, t, r) in u:
                terms.append(-min_change_weight * u[c, t, r])
    m.minimize(sum(terms))
    if hint:
        _hint_current(m, state, free, x, u)
    return SubModel(m, x, u, free, fixed)


def _lecture_and_room_vars(
    m: cp_model.CpModel, comp: IndexedProblem, free: dict[int, FreeCourse], fixed: State
) -> tuple[LectureVars, RoomVars]:
    """Each free course places its count among its candidate periods, one free room each."""
    cid, rid = comp.course_ids, comp.room_ids
    x: LectureVars = {}
    u: RoomVars = {}
    room_busy = {(t, r) for lecs in fixed for t, r in lecs}
    for c, fc in free.items():
        for t in fc.periods:
            v = m.new_bool_var(f"lecture[{cid[c]},{comp.tname(t)}]")
            x[c, t] = v
            if t in fc.forced:
                m.add(v == 1)
            rooms = []
            for r in comp.room_allowed[c]:
                if (t, r) in room_busy:
                    continue
                ur = m.new_bool_var(f"room[{cid[c]},{rid[r]},{comp.tname(t)}]")
                u[c, t, r] = ur
                rooms.append(ur)
            m.add(sum(rooms) == v)
        m.add(sum(x[c, t] for t in fc.periods) == fc.count)
    return x, u


def _one_lecture_per_room(m: cp_model.CpModel, u: RoomVars) -> None:
    by_slot: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    for (_c, t, r), v in u.items():
        by_slot.setdefault((t, r), []).append(v)
    for vs in by_slot.values():
        if len(vs) > 1:
            m.add_at_most_one(vs)


def _no_conflicts_among_free(
    m: cp_model.CpModel, comp: IndexedProblem, free: dict[int, FreeCourse], x: LectureVars
) -> None:
    """At most one lecture of a conflict group per period (fixed lectures' periods were taken
    out of the candidates already)."""
    for g in comp.groups:
        members = [c for c in g if c in free]
        if len(members) < 2:
            continue
        by_t: dict[int, list[cp_model.IntVar]] = {}
        for c in members:
            for t in free[c].periods:
                by_t.setdefault(t, []).append(x[c, t])
        for vs in by_t.values():
            if len(vs) > 1:
                m.add_at_most_one(vs)


def _hint_current(
    m: cp_model.CpModel, state: State, free: dict[int, FreeCourse], x: LectureVars, u: RoomVars
) -> None:
    cur = {(c, t, r) for c in free for t, r in state[c]}
    curt = {(c, t) for c, t, _ in cur}
    for lecture, v in x.items():
        m.add_hint(v, lecture in curt)
    for placed, v in u.items():
        m.add_hint(v, placed in cur)


def extract(comp: IndexedProblem, sub: SubModel, solver: cp_model.CpSolver) -> State:
    new: State = [list(lecs) for lecs in sub.fixed]
    for (c, t, r), v in sub.u.items():
        if solver.boolean_value(v):
            new[c].append((t, r))
    for lecs in new:
        lecs.sort()
    return new
