"""CP-SAT building blocks of the timetable generator (internal; the API is in generator.py).

`Compiled` turns a `Problem` into index-based tables (courses, rooms and periods become ints).
A timetable under construction is a `State`: for each course, a list of `(period, room)` pairs
with the flat period index `t = day * periods_per_day + period`.

Three CP-SAT models are built here, each by small builders (one per constraint family) that
return their penalty terms, every penalty variable being named after rule and entities
(`isolated[q012,d2,p3]`, `min_days_missing[c0042]`, `room_used[c0042,rB]`, ...):

* `build_period_model`: periods only, rooms relaxed to "at most |rooms| lectures per period".
  It is a relaxation of the full problem, so its proven bound is a lower bound of the cost.
* `build_sub_model`: the exact model (periods and rooms) restricted to a set of free lectures,
  everything else fixed. Used by the large-neighbourhood search and, with all periods fixed,
  as the room-assignment model.
* the cost of a `State` is computed by `evaluate` (the same terms the models minimise); the
  verifier stays the oracle for the final figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .model import Assignment, Problem

# Weights of the terms the generator models, per formulation. Formulations UD3..UD5 have
# further terms (windows, student load, double lectures, travel) that the generator does not
# optimise; their final cost is always taken from the verifier.
WEIGHTS: dict[str, dict[str, int]] = {
    "UD1": {"capacity": 1, "min_days": 5, "isolated": 1, "stability": 0, "suitability": 0},
    "UD2": {"capacity": 1, "min_days": 5, "isolated": 2, "stability": 1, "suitability": 0},
    "UD3": {"capacity": 1, "min_days": 0, "isolated": 0, "stability": 0, "suitability": 3},
    "UD4": {"capacity": 1, "min_days": 1, "isolated": 0, "stability": 0, "suitability": 0},
    "UD5": {"capacity": 1, "min_days": 5, "isolated": 1, "stability": 0, "suitability": 0},
}
WEIGHTS["ITC"] = WEIGHTS["UD2"]  # UD2 under the ITC-2007 validator's component names
FORMULATIONS = tuple(WEIGHTS)
# Formulations whose objective the generator models completely.
EXACT_FORMULATIONS = frozenset({"UD1", "UD2", "ITC"})

Lecture = tuple[int, int]  # (flat period, room index)
State = list[list[Lecture]]  # per course index


class Compiled:
    """Index-based view of a problem for one formulation."""

    def __init__(self, problem: Problem, formulation: str) -> None:
        if formulation not in WEIGHTS:
            raise ValueError(
                f"unknown formulation {formulation!r} (expected one of {', '.join(WEIGHTS)})"
            )
        self.problem = problem
        self.formulation = formulation
        w = WEIGHTS[formulation]
        self.w_cap = w["capacity"]
        self.w_days = w["min_days"]
        self.w_iso = w["isolated"]
        self.w_stab = w["stability"]
        self.w_suit = w["suitability"] if problem.extended else 0
        self.suit_hard = formulation == "UD4" and problem.extended

        self.D = problem.days
        self.P = problem.periods_per_day
        self.T = self.D * self.P
        self.course_ids = [c.id for c in problem.courses]
        self.room_ids = [r.id for r in problem.rooms]
        self.C = len(self.course_ids)
        self.R = len(self.room_ids)
        self.cidx = {cid: i for i, cid in enumerate(self.course_ids)}
        self.ridx = {rid: j for j, rid in enumerate(self.room_ids)}
        self.lectures = [c.lectures for c in problem.courses]
        self.min_days = [c.min_working_days for c in problem.courses]
        self.students = [c.students for c in problem.courses]
        self.capacity = [r.capacity for r in problem.rooms]
        self.teacher = [c.teacher for c in problem.courses]

        self.curricula: list[tuple[int, ...]] = []
        self.curriculum_ids: list[str] = []
        for q in problem.curricula:
            members = tuple(dict.fromkeys(self.cidx[c] for c in q.courses if c in self.cidx))
            self.curricula.append(members)
            self.curriculum_ids.append(q.id)
        self.course_curricula: list[list[int]] = [[] for _ in range(self.C)]
        for qi, members in enumerate(self.curricula):
            for c in members:
                self.course_curricula[c].append(qi)
        by_teacher: dict[str, list[int]] = {}
        for i, t in enumerate(self.teacher):
            by_teacher.setdefault(t, []).append(i)
        self.teacher_groups = {t: tuple(cs) for t, cs in by_teacher.items()}
        # conflict groups: at most one lecture of a group per period
        groups = [g for g in self.curricula if len(g) > 1]
        groups += [g for g in self.teacher_groups.values() if len(g) > 1]
        self.groups: list[tuple[int, ...]] = list(dict.fromkeys(groups))
        self.course_groups: list[list[int]] = [[] for _ in range(self.C)]
        for gi, g in enumerate(self.groups):
            for c in g:
                self.course_groups[c].append(gi)
        nb: list[set[int]] = [set() for _ in range(self.C)]
        for g in self.groups:
            for c in g:
                nb[c].update(g)
        for c in range(self.C):
            nb[c].discard(c)
        self.neighbours = [frozenset(s) for s in nb]

        self.unavailable: list[set[int]] = [set() for _ in range(self.C)]
        for cid, d, p in problem.unavailability:
            if cid in self.cidx and 0 <= d < self.D and 0 <= p < self.P:
                self.unavailable[self.cidx[cid]].add(d * self.P + p)
        self.unsuitable: list[set[int]] = [set() for _ in range(self.C)]
        if problem.extended:
            for cid, rid in problem.room_constraints:
                if cid in self.cidx and rid in self.ridx:
                    self.unsuitable[self.cidx[cid]].add(self.ridx[rid])
        # per course and room: penalty of one lecture in that room
        self.room_cost = [
            [
                self.w_cap * max(0, self.students[c] - self.capacity[r])
                + (self.w_suit if r in self.unsuitable[c] else 0)
                for r in range(self.R)
            ]
            for c in range(self.C)
        ]
        self.room_allowed = [
            [r for r in range(self.R) if not (self.suit_hard and r in self.unsuitable[c])]
            for c in range(self.C)
        ]

    # ---------------------------------------------------------------- names and conversion
    def day(self, t: int) -> int:
        return t // self.P

    def tname(self, t: int) -> str:
        return f"d{t // self.P},p{t % self.P}"

    def to_assignments(self, state: State) -> list[Assignment]:
        out = [
            Assignment(self.course_ids[c], self.room_ids[r], t // self.P, t % self.P)
            for c, lecs in enumerate(state)
            for t, r in lecs
        ]
        out.sort()
        return out

    def from_assignments(self, assignments: Iterable[Assignment]) -> State:
        """Index an external timetable; unknown ids, out-of-range slots and repeated
        course/period entries are dropped (as the official validator does)."""
        state: State = [[] for _ in range(self.C)]
        seen: set[tuple[int, int]] = set()
        for a in assignments:
            c = self.cidx.get(a.course)
            r = self.ridx.get(a.room)
            if c is None or r is None or not (0 <= a.day < self.D and 0 <= a.period < self.P):
                continue
            t = a.day * self.P + a.period
            if (c, t) in seen:
                continue
            seen.add((c, t))
            state[c].append((t, r))
        return state


# -------------------------------------------------------------------------- evaluation
@dataclass
class Evaluation:
    cost: int
    capacity: int
    min_days: int
    isolated: int
    stability: int
    moved: int
    hard: int

    def objective(self, min_change_weight: int) -> int:
        return self.cost + min_change_weight * self.moved


def evaluate(comp: Compiled, state: State, base: frozenset[tuple[int, int, int]] = frozenset()):
    """Cost of `state` on the modelled terms, plus hard violations (for internal checks)."""
    cap = days = iso = stab = 0
    hard = 0
    occ_room: dict[tuple[int, int], int] = {}
    for c, lecs in enumerate(state):
        hard += abs(len(lecs) - comp.lectures[c])
        ts = set()
        rooms = set()
        for t, r in lecs:
            if t in ts:
                hard += 1
            ts.add(t)
            rooms.add(r)
            cap += comp.room_cost[c][r]
            if t in comp.unavailable[c]:
                hard += 1
            if comp.suit_hard and r in comp.unsuitable[c]:
                hard += 1
            k = occ_room.get((t, r), 0)
            hard += k
            occ_room[(t, r)] = k + 1
        nd = len({t // comp.P for t in ts})
        days += comp.w_days * max(0, comp.min_days[c] - nd)
        if rooms:
            stab += comp.w_stab * (len(rooms) - 1)
    # conflicts (pairs sharing a curriculum or teacher in the same period)
    for c, lecs in enumerate(state):
        for t, _ in lecs:
            for c2 in comp.neighbours[c]:
                if c2 > c and any(t2 == t for t2, _ in state[c2]):
                    hard += 1
    if comp.w_iso:
        P = comp.P
        for members in comp.curricula:
            occ: dict[int, int] = {}
            for c in members:
                for t, _ in state[c]:
                    occ[t] = occ.get(t, 0) + 1
            for t, n in occ.items():
                p = t % P
                left = p > 0 and (t - 1) in occ
                right = p < P - 1 and (t + 1) in occ
                if not left and not right:
                    iso += comp.w_iso * n
    moved = 0
    if base:
        cur = {(c, t, r) for c, lecs in enumerate(state) for t, r in lecs}
        moved = sum(1 for b in base if b not in cur)
    return Evaluation(cap + days + iso + stab, cap, days, iso, stab, moved, hard)


# -------------------------------------------------------------------------- sub-model
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
    x: dict[tuple[int, int], cp_model.IntVar]
    u: dict[tuple[int, int, int], cp_model.IntVar]
    free: dict[int, FreeCourse]
    fixed: State  # per course, the lectures kept


def build_sub_model(
    comp: Compiled,
    state: State,
    free: dict[int, FreeCourse],
    fixed: State,
    *,
    base: frozenset[tuple[int, int, int]] = frozenset(),
    min_change_weight: int = 0,
    hint: bool = True,
) -> SubModel:
    """Exact model of the free lectures, the `fixed` ones being constants.

    `free[c].periods` must already exclude periods that are impossible because of fixed
    lectures (see `candidate_periods`)."""
    m = cp_model.CpModel()
    cid = comp.course_ids
    rid = comp.room_ids
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    u: dict[tuple[int, int, int], cp_model.IntVar] = {}
    room_busy = {(t, r) for lecs in fixed for t, r in lecs}

    # lectures: each free course places its count among its candidate periods, one room each
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

    # room occupancy: one lecture per room and period
    by_slot: dict[tuple[int, int], list] = {}
    for (_c, t, r), v in u.items():
        by_slot.setdefault((t, r), []).append(v)
    for vs in by_slot.values():
        if len(vs) > 1:
            m.add_at_most_one(vs)

    # conflicts among free courses (fixed ones were excluded from the candidate periods)
    for g in comp.groups:
        members = [c for c in g if c in free]
        if len(members) < 2:
            continue
        by_t: dict[int, list] = {}
        for c in members:
            for t in free[c].periods:
                by_t.setdefault(t, []).append(x[c, t])
        for vs in by_t.values():
            if len(vs) > 1:
                m.add_at_most_one(vs)

    terms: list = []
    terms += _room_cost_terms(comp, u)
    terms += _stability_terms(m, comp, u, free, fixed)
    terms += _min_days_terms(m, comp, x, free, fixed)
    terms += _isolated_terms(m, comp, x, free, fixed)
    if base and min_change_weight:
        # moved lectures: base lectures whose (course, period, room) disappears
        for c, t, r in base:
            if c in free and (c, t, r) in u:
                terms.append(-min_change_weight * u[c, t, r])
    m.minimize(sum(terms))

    if hint:
        cur = {(c, t, r) for c in free for t, r in state[c]}
        curt = {(c, t) for c, t, _ in cur}
        for k, v in x.items():
            m.add_hint(v, k in curt)
        for k, v in u.items():
            m.add_hint(v, k in cur)
    return SubModel(m, x, u, free, fixed)


def _room_cost_terms(comp: Compiled, u) -> list:
    return [comp.room_cost[c][r] * v for (c, t, r), v in u.items() if comp.room_cost[c][r]]


def _stability_terms(m, comp: Compiled, u, free, fixed) -> list:
    if not comp.w_stab:
        return []
    terms = []
    by_cr: dict[tuple[int, int], list] = {}
    for (c, _t, r), v in u.items():
        by_cr.setdefault((c, r), []).append(v)
    for c in free:
        used_fixed = {r for _, r in fixed[c]}
        used_vars = []
        for r in range(comp.R):
            vs = by_cr.get((c, r))
            if not vs or r in used_fixed:
                continue
            used = m.new_bool_var(f"room_used[{comp.course_ids[c]},{comp.room_ids[r]}]")
            for v in vs:
                m.add_implication(v, used)
            used_vars.append(used)
        if used_fixed:
            terms += [comp.w_stab * v for v in used_vars]
        elif used_vars:
            # distinct rooms - 1, with at least one room used by a course with lectures
            terms += [comp.w_stab * v for v in used_vars]
    return terms


def _min_days_terms(m, comp: Compiled, x, free, fixed) -> list:
    if not comp.w_days:
        return []
    terms = []
    for c, fc in free.items():
        fixed_days = {t // comp.P for t, _ in fixed[c]}
        need = comp.min_days[c] - len(fixed_days)
        if need <= 0:
            continue
        by_day: dict[int, list] = {}
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


def _isolated_terms(m, comp: Compiled, x, free, fixed) -> list:
    if not comp.w_iso:
        return []
    terms = []
    P = comp.P
    qs = sorted({q for c in free for q in comp.course_curricula[c]})
    for q in qs:
        members = comp.curricula[q]
        const = [0] * comp.T
        var: list[list] = [[] for _ in range(comp.T)]
        for c in members:
            for t, _ in fixed[c]:
                const[t] += 1
            if c in free:
                for t in free[c].periods:
                    var[t].append(x[c, t])
        for t in range(comp.T):
            if not var[t] and not const[t]:
                continue
            p = t % P
            nbrs = [s for s in (t - 1, t + 1) if 0 <= s < comp.T and s // P == t // P]
            if not var[t] and all(not var[s] for s in nbrs):
                continue  # constant, not part of the sub-objective
            if any(const[s] for s in nbrs):
                continue  # a fixed neighbour: never isolated
            occ = const[t] + sum(var[t])
            if const[t]:
                # fixed lecture: isolated unless a free neighbour lands next to it
                iso = m.new_bool_var(f"isolated[{comp.curriculum_ids[q]},d{t // P},p{p}]")
                m.add(iso >= occ - sum(v for s in nbrs for v in var[s]))
                terms.append(comp.w_iso * const[t] * iso)
            else:
                iso = m.new_bool_var(f"isolated[{comp.curriculum_ids[q]},d{t // P},p{p}]")
                m.add(iso >= occ - sum(v for s in nbrs for v in var[s]))
                terms.append(comp.w_iso * iso)
    return terms


def candidate_periods(
    comp: Compiled, c: int, fixed: State, region: Iterable[int] | None = None
) -> list[int]:
    """Periods where course `c` may hold a free lecture given the fixed lectures."""
    blocked = set(comp.unavailable[c])
    blocked.update(t for t, _ in fixed[c])
    for c2 in comp.neighbours[c]:
        blocked.update(t for t, _ in fixed[c2])
    periods = range(comp.T) if region is None else region
    out = []
    busy: dict[int, set[int]] = {}
    for lecs in fixed:
        for t, r in lecs:
            busy.setdefault(t, set()).add(r)
    allowed = comp.room_allowed[c]
    for t in periods:
        if t in blocked:
            continue
        b = busy.get(t)
        if b and all(r in b for r in allowed):
            continue
        out.append(t)
    return out


def extract(comp: Compiled, sub: SubModel, solver: cp_model.CpSolver) -> State:
    new: State = [list(lecs) for lecs in sub.fixed]
    for (c, t, r), v in sub.u.items():
        if solver.boolean_value(v):
            new[c].append((t, r))
    for lecs in new:
        lecs.sort()
    return new


# -------------------------------------------------------------------------- period model
@dataclass
class PeriodModel:
    model: cp_model.CpModel
    x: dict[tuple[int, int], cp_model.IntVar]
    enable: dict[str, cp_model.IntVar]


def build_period_model(
    comp: Compiled,
    *,
    pins: Sequence[tuple[int, int, int | None]] = (),
    base: frozenset[tuple[int, int, int]] = frozenset(),
    min_change_weight: int = 0,
    objective: bool = True,
    assumptions: bool = False,
) -> PeriodModel:
    """Periods-only relaxation: rooms become a count per period.

    With `assumptions=True`, each course's lecture count and each pin is enforced only
    through an enabling literal (`enable[...]`), for infeasibility cores."""
    m = cp_model.CpModel()
    cid = comp.course_ids
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    enable: dict[str, cp_model.IntVar] = {}
    pinned_t = {(c, t) for c, t, _ in pins}
    for c in range(comp.C):
        for t in range(comp.T):
            if t in comp.unavailable[c] and (c, t) not in pinned_t:
                continue
            x[c, t] = m.new_bool_var(f"lecture[{cid[c]},{comp.tname(t)}]")
        vs = [x[c, t] for t in range(comp.T) if (c, t) in x]
        if assumptions:
            e = m.new_bool_var(f"enable_course[{cid[c]}]")
            enable[f"course:{cid[c]}"] = e
            m.add(sum(vs) == comp.lectures[c]).only_enforce_if(e)
            for t in comp.unavailable[c]:
                if (c, t) in x:
                    m.add(x[c, t] == 0).only_enforce_if(e)
        else:
            m.add(sum(vs) == comp.lectures[c])
    for i, (c, t, _r) in enumerate(pins):
        if assumptions:
            e = m.new_bool_var(f"enable_pin[{i}]")
            enable[f"pin:{i}"] = e
            m.add(x[c, t] == 1).only_enforce_if(e)
        else:
            m.add(x[c, t] == 1)
    for g in comp.groups:
        for t in range(comp.T):
            vs = [x[c, t] for c in g if (c, t) in x]
            if len(vs) > 1:
                m.add_at_most_one(vs)
    for t in range(comp.T):
        vs = [x[c, t] for c in range(comp.C) if (c, t) in x]
        if len(vs) > comp.R:
            m.add(sum(vs) <= comp.R)
    # pins naming a room: no two in the same room and period
    if not objective:
        return PeriodModel(m, x, enable)
    free = {
        c: FreeCourse([t for t in range(comp.T) if (c, t) in x], comp.lectures[c])
        for c in range(comp.C)
    }
    empty: State = [[] for _ in range(comp.C)]
    terms = _min_days_terms(m, comp, x, free, empty) + _isolated_terms(m, comp, x, free, empty)
    terms += _capacity_relaxation_terms(m, comp, x)
    if base and min_change_weight:
        for c, t in {(c, t) for c, t, _ in base}:
            if (c, t) in x:
                terms.append(-min_change_weight * x[c, t])
    if terms:
        m.minimize(sum(terms))
    return PeriodModel(m, x, enable)


def _capacity_relaxation_terms(m, comp: Compiled, x) -> list:
    """Lower bound of the room-capacity cost in the periods-only model: for each period and
    each room capacity level k, the courses with more than k students beyond the number of
    rooms larger than k must sit in rooms of at most k seats, each paying at least 1 per level
    (the sum over levels never exceeds the true capacity cost)."""
    if not comp.w_cap:
        return []
    terms = []
    levels = sorted(set(comp.capacity))
    for k in levels:
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


def greedy_rooms(
    comp: Compiled,
    periods: list[list[int]],
    prefer: dict[tuple[int, int], int] | None = None,
    pinned_rooms: dict[tuple[int, int], int] | None = None,
) -> State | None:
    """Assign rooms: pinned rooms first; then, largest courses first, one room for all of a
    course's lectures when one is free in all its periods (the cheapest, then the smallest);
    remaining lectures period by period, preferring a room the course already uses.
    None if some period has no room left for a lecture."""
    prefer = prefer or {}
    pinned_rooms = pinned_rooms or {}
    state: State = [[] for _ in range(comp.C)]
    taken: dict[int, set[int]] = {}
    for (c, t), r in pinned_rooms.items():
        taken.setdefault(t, set()).add(r)
        state[c].append((t, r))
    todo = {c: [t for t in ts if (c, t) not in pinned_rooms] for c, ts in enumerate(periods)}
    order = sorted(range(comp.C), key=lambda c: (-comp.students[c], -len(todo[c])))
    # preferred (base) rooms first
    for c in order:
        rest = []
        for t in todo[c]:
            r = prefer.get((c, t))
            if r is not None and r in comp.room_allowed[c] and r not in taken.get(t, ()):
                taken.setdefault(t, set()).add(r)
                state[c].append((t, r))
            else:
                rest.append(t)
        todo[c] = rest
    for c in order:
        ts = todo[c]
        if not ts:
            continue
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
                taken.setdefault(t, set()).add(r)
                state[c].append((t, r))
            continue
        for t in ts:
            cand = [r for r in comp.room_allowed[c] if r not in taken.get(t, ())]
            if not cand:
                return None
            used = {r for _, r in state[c]}
            r = min(cand, key=lambda r: (comp.room_cost[c][r], r not in used, comp.capacity[r]))
            taken.setdefault(t, set()).add(r)
            state[c].append((t, r))
    for lecs in state:
        lecs.sort()
    return state
