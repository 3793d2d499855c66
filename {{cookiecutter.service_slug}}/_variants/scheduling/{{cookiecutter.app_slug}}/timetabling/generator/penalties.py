"""Penalty terms of the CP-SAT models: one builder per soft constraint family.

Each builder adds the variables it needs to the model and returns its weighted terms; every
variable is named after its rule and entities (`room_used[c0042,rB]`, `works[c0042,d2]`,
`min_days_missing[c0042]`, `isolated[q012,d2,p3]`, `window[q012,d2,p3]`,
`load_outside[q012,d2]`, `unpaired[c0042,d2,p3]`, `site_change[q012,d2,p3]`,
`capacity_excess[d2,p3,>40]`), so a solution can be explained term by term. Double lectures and
travel distance depend on rooms across periods, so only the model with rooms (`sub_model`) has
them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from .indexed_problem import IndexedProblem, Placed, State

if TYPE_CHECKING:
    from .sub_model import FreeCourse

LectureVars = dict[tuple[int, int], cp_model.IntVar]  # (course, period) -> lecture held
RoomVars = dict[tuple[int, int, int], cp_model.IntVar]  # (course, period, room) -> held there
FreeCourses = dict[int, "FreeCourse"]
Terms = list[cp_model.LinearExprT]  # weighted penalties, summed into the objective
Held = Sequence[cp_model.LinearExpr | int]  # per period of a day: a curriculum's lectures there
Held1 = cp_model.LinearExpr | int  # a lecture held (1 when fixed) or a free lecture's variables


def room_cost_terms(comp: IndexedProblem, u: RoomVars) -> Terms:
    """Capacity (and, where soft, suitability) of each room choice."""
    return [comp.room_cost[c][r] * v for (c, t, r), v in u.items() if comp.room_cost[c][r]]


def stability_terms(
    m: cp_model.CpModel, comp: IndexedProblem, u: RoomVars, free: FreeCourses, fixed: State
) -> Terms:
    """One unit per room a free course uses beyond the rooms its fixed lectures use."""
    if not comp.w_stab:
        return []
    terms: Terms = []
    by_cr: dict[tuple[int, int], list[cp_model.IntVar]] = {}
    for (c, _t, r), v in u.items():
        by_cr.setdefault((c, r), []).append(v)
    for c in free:
        used_fixed = {r for _, r in fixed[c]}
        for r in range(comp.R):
            vs = by_cr.get((c, r))
            if not vs or r in used_fixed:
                continue
            used = m.new_bool_var(f"room_used[{comp.course_ids[c]},{comp.room_ids[r]}]")
            for v in vs:
                m.add_implication(v, used)
            terms.append(comp.w_stab * used)
    return terms


def min_days_terms(
    m: cp_model.CpModel, comp: IndexedProblem, x: LectureVars, free: FreeCourses, fixed: State
) -> Terms:
    """Working days each free course misses below its minimum."""
    if not comp.w_days:
        return []
    terms: Terms = []
    for c, fc in free.items():
        fixed_days = {t // comp.P for t, _ in fixed[c]}
        need = comp.min_days[c] - len(fixed_days)
        if need <= 0:
            continue
        by_day: dict[int, list[cp_model.IntVar]] = {}
        for t in fc.periods:
            d = t // comp.P
            if d not in fixed_days:
                by_day.setdefault(d, []).append(x[c, t])
        day_vars = []
        for d, vs in by_day.items():
            dv = m.new_bool_var(f"works[{comp.course_ids[c]},d{d}]")
            m.add(dv <= sum(vs))
            day_vars.append(dv)
        missing = m.new_int_var(0, need, f"min_days_missing[{comp.course_ids[c]}]")
        m.add(missing >= need - sum(day_vars))
        terms.append(comp.w_days * missing)
    return terms


def isolated_terms(
    m: cp_model.CpModel, comp: IndexedProblem, x: LectureVars, free: FreeCourses, fixed: State
) -> Terms:
    """Isolated lectures of the curricula of the free courses (no lecture of the curriculum in
    the period before or after, the same day)."""
    if not comp.w_iso:
        return []
    terms: Terms = []
    P = comp.P
    for q in sorted({q for c in free for q in comp.course_curricula[c]}):
        const, var = _curriculum_occupation(comp, q, x, free, fixed)
        for t in range(comp.T):
            if not var[t] and not const[t]:
                continue
            nbrs = [s for s in (t - 1, t + 1) if 0 <= s < comp.T and s // P == t // P]
            if not var[t] and all(not var[s] for s in nbrs):
                continue  # constant, not part of the sub-objective
            if any(const[s] for s in nbrs):
                continue  # a fixed neighbour: never isolated
            occ = const[t] + sum(var[t])
            # A fixed lecture is isolated unless a free neighbour lands next to it; it costs
            # once per fixed lecture there.
            iso = m.new_bool_var(f"isolated[{comp.curriculum_ids[q]},d{t // P},p{t % P}]")
            m.add(iso >= occ - sum(v for s in nbrs for v in var[s]))
            terms.append(comp.w_iso * (const[t] or 1) * iso)
    return terms


def curriculum_day_terms(
    m: cp_model.CpModel, comp: IndexedProblem, x: LectureVars, free: FreeCourses, fixed: State
) -> Terms:
    """Windows (empty periods between a curriculum's first and last lecture of a day) and
    student load (lectures of a day outside the daily minimum and maximum, on days with any) of
    the curricula of the free courses, on the days where a free lecture may go."""
    if not (comp.w_win or comp.w_load):
        return []
    terms: Terms = []
    P = comp.P
    for q in sorted({q for c in free for q in comp.course_curricula[c]}):
        const, var = _curriculum_occupation(comp, q, x, free, fixed)
        for d in range(comp.D):
            day = range(d * P, (d + 1) * P)
            if not any(var[t] for t in day):
                continue  # constant, not part of the sub-objective
            held = [const[t] + sum(var[t]) for t in day]  # 0 or 1: curricula never clash
            name = f"{comp.curriculum_ids[q]},d{d}"
            if comp.w_win:
                terms += [comp.w_win * w for w in _windows(m, held, name)]
            if comp.w_load:
                fixed_today = any(const[t] for t in day)
                outside = _load_outside(m, comp, held, var, day, fixed_today, name)
                terms.append(comp.w_load * outside)
    return terms


def _windows(m: cp_model.CpModel, held: Held, name: str) -> list[cp_model.IntVar]:
    """One variable per period that is 1 when it is empty between two held periods (the
    minimisation keeps `before` and `after` at their lower bounds: whether any period before,
    or after, is held)."""
    P = len(held)
    before = [m.new_bool_var(f"held_before[{name},p{p}]") for p in range(P)]
    after = [m.new_bool_var(f"held_after[{name},p{p}]") for p in range(P)]
    for p in range(1, P):
        m.add(before[p] >= before[p - 1])
        m.add(before[p] >= held[p - 1])
        m.add(after[P - 1 - p] >= after[P - p])
        m.add(after[P - 1 - p] >= held[P - p])
    gaps = []
    for p in range(1, P - 1):
        gap = m.new_bool_var(f"window[{name},p{p}]")
        m.add(gap >= before[p] + after[p] - 1 - held[p])
        gaps.append(gap)
    return gaps


def _load_outside(
    m: cp_model.CpModel,
    comp: IndexedProblem,
    held: Held,
    var: list[list[cp_model.IntVar]],
    day: range,
    fixed_today: bool,
    name: str,
) -> cp_model.IntVar:
    """Lectures of the day below the minimum (when there is any) or above the maximum."""
    P = len(held)
    count = sum(held)
    busy = m.new_bool_var(f"day_held[{name}]")
    if fixed_today:
        m.add(busy == 1)
    for t in day:
        for v in var[t]:
            m.add(busy >= v)
    outside = m.new_int_var(0, max(comp.min_daily, P), f"load_outside[{name}]")
    m.add(outside >= comp.min_daily * busy - count)
    if comp.max_daily:
        m.add(outside >= count - comp.max_daily)
    return outside


def double_lecture_terms(
    m: cp_model.CpModel,
    comp: IndexedProblem,
    x: LectureVars,
    u: RoomVars,
    free: FreeCourses,
    fixed: State,
) -> Terms:
    """Lectures of a free double-lecture course, on a day with two or more of them, that sit
    next to none of them in the same room (on the days where a free lecture of it may go)."""
    if not comp.w_dbl:
        return []
    terms: Terms = []
    P = comp.P
    for c, fc in free.items():
        if not comp.double[c] or comp.lectures[c] < 2:
            continue
        at = _course_rooms(comp, c, u, fc, fixed[c])
        held: dict[int, Held1] = {t: 1 for t, _ in fixed[c]} | {t: x[c, t] for t in fc.periods}
        for d in sorted({t // P for t in fc.periods}):
            day = [t for t in range(d * P, (d + 1) * P) if t in held]
            several = m.new_bool_var(f"several[{comp.course_ids[c]},d{d}]")
            m.add(P * several >= sum(held[t] for t in day) - 1)
            for t in day:
                name = f"{comp.course_ids[c]},{comp.tname(t)}"
                paired = []
                for r, here in at[t].items():
                    beside = [at[s][r] for s in (t - 1, t + 1) if s in day and r in at[s]]
                    if beside:
                        pair = m.new_bool_var(f"paired[{name},{comp.room_ids[r]}]")
                        m.add(pair <= here)
                        m.add(pair <= sum(beside))
                        paired.append(pair)
                unpaired = m.new_bool_var(f"unpaired[{name}]")
                m.add(unpaired >= held[t] + several - 1 - sum(paired))
                terms.append(comp.w_dbl * unpaired)
    return terms


def travel_terms(
    m: cp_model.CpModel, comp: IndexedProblem, u: RoomVars, free: FreeCourses, fixed: State
) -> Terms:
    """Changes of site between a curriculum's lectures in consecutive periods of a day, for the
    curricula of the free courses, where a free lecture takes part (a curriculum holds at most
    one lecture a period, so each pair of periods costs at most once)."""
    if not comp.w_trav or comp.S < 2:
        return []
    terms: Terms = []
    for q in sorted({q for c in free for q in comp.course_curricula[c]}):
        held = _curriculum_sites(comp, q, u, free, fixed)
        for t in range(comp.T - 1):
            if (t + 1) % comp.P == 0 or not (held[t] and held[t + 1]):
                continue
            if all(isinstance(v, int) for v in (*held[t].values(), *held[t + 1].values())):
                continue  # constant, not part of the sub-objective
            change = m.new_bool_var(f"site_change[{comp.curriculum_ids[q]},{comp.tname(t)}]")
            elsewhere = sum(held[t + 1].values())
            for s, here in held[t].items():
                m.add(change >= here + elsewhere - held[t + 1].get(s, 0) - 1)
            terms.append(comp.w_trav * change)
    return terms


def _course_rooms(
    comp: IndexedProblem, c: int, u: RoomVars, fc: FreeCourse | None, fixed: Sequence[Placed]
) -> dict[int, dict[int, Held1]]:
    """Per period and room: whether course c holds a lecture there (1 for a fixed lecture, a
    variable for a free one; periods it cannot use and rooms taken by fixed lectures are absent)."""
    at: dict[int, dict[int, Held1]] = {t: {r: 1} for t, r in fixed}
    for t in fc.periods if fc else ():
        at[t] = {r: u[c, t, r] for r in comp.room_allowed[c] if (c, t, r) in u}
    return at


def _curriculum_sites(
    comp: IndexedProblem, q: int, u: RoomVars, free: FreeCourses, fixed: State
) -> list[dict[int, Held1]]:
    """Per period and site: the lecture curriculum q holds there (1 when fixed, a sum of room
    variables when free; absent sites hold none)."""
    held: list[dict[int, Held1]] = [{} for _ in range(comp.T)]
    for c in comp.curricula[q]:
        for t, rooms in _course_rooms(comp, c, u, free.get(c), fixed[c]).items():
            for r, v in rooms.items():
                s = comp.site[r]
                held[t][s] = held[t].get(s, 0) + v
    return held


def _curriculum_occupation(
    comp: IndexedProblem, q: int, x: LectureVars, free: FreeCourses, fixed: State
) -> tuple[list[int], list[list[cp_model.IntVar]]]:
    """Per period: the fixed lectures of curriculum q there, and the variables of its free ones."""
    const = [0] * comp.T
    var: list[list[cp_model.IntVar]] = [[] for _ in range(comp.T)]
    for c in comp.curricula[q]:
        for t, _ in fixed[c]:
            const[t] += 1
        if c in free:
            for t in free[c].periods:
                var[t].append(x[c, t])
    return const, var


def capacity_relaxation_terms(m: cp_model.CpModel, comp: IndexedProblem, x: LectureVars) -> Terms:
    """Lower bound of the room-capacity cost in the periods-only model: for each period and
    each room capacity level k, the courses with more than k students beyond the number of
    rooms larger than k must sit in rooms of at most k seats, each paying at least 1 per level
    (the sum over levels never exceeds the true capacity cost)."""
    if not comp.w_cap:
        return []
    terms: Terms = []
    for k in sorted(set(comp.capacity)):
        big_rooms = sum(1 for cap in comp.capacity if cap > k)
        courses = [c for c in range(comp.C) if comp.students[c] > k]
        if len(courses) <= big_rooms:
            continue
        for t in range(comp.T):
            vs = [x[c, t] for c in courses if (c, t) in x]
            if len(vs) <= big_rooms:
                continue
            ex = m.new_int_var(0, len(vs) - big_rooms, f"capacity_excess[{comp.tname(t)},>{k}]")
            m.add(ex >= sum(vs) - big_rooms)
            terms.append(comp.w_cap * ex)
    return terms
