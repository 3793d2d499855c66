"""A problem indexed for the generator: courses, rooms and periods become integers.

A timetable under construction is a `State`: for each course index, a list of
`(period, room)` pairs, with the flat period `t = day * periods_per_day + period`.
The weights of the optimised terms come from the formulation catalogue.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..formulations import FORMULATIONS, Measure, is_hard, soft_weight
from ..model import Assignment, Problem

Placed = tuple[int, int]  # (flat period, room index)
State = list[list[Placed]]  # per course index


class IndexedProblem:
    """Index-based view of a problem for one formulation."""

    def __init__(self, problem: Problem, formulation: str) -> None:
        if formulation not in FORMULATIONS:
            raise ValueError(
                f"unknown formulation {formulation!r} (expected one of {', '.join(FORMULATIONS)})"
            )
        self.problem = problem
        self.formulation = formulation
        self.w_cap = soft_weight(formulation, Measure.ROOM_CAPACITY)
        self.w_days = soft_weight(formulation, Measure.MIN_WORKING_DAYS)
        self.w_iso = soft_weight(formulation, Measure.ISOLATED_LECTURES)
        self.w_stab = soft_weight(formulation, Measure.ROOM_STABILITY)
        suitability = soft_weight(formulation, Measure.ROOM_SUITABILITY)
        self.w_suit = suitability if problem.extended else 0
        self.suit_hard = is_hard(formulation, Measure.ROOM_SUITABILITY) and problem.extended
        # Terms over a curriculum's day (windows, student load, travel) and a course's day
        # (double lectures); each weight is 0 where the formulation does not score it.
        self.w_win = soft_weight(formulation, Measure.WINDOWS)
        self.w_load = soft_weight(formulation, Measure.STUDENT_LOAD)
        self.w_dbl = soft_weight(formulation, Measure.DOUBLE_LECTURES)
        self.w_trav = soft_weight(formulation, Measure.TRAVEL_DISTANCE)
        self.min_daily = problem.min_daily_lectures
        self.max_daily = problem.max_daily_lectures

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
        self.double = [c.double_lectures and bool(self.w_dbl) for c in problem.courses]
        sites = sorted({r.site for r in problem.rooms})
        self.S = len(sites)  # sites as indices 0..S-1: travel distance compares them
        self.site = [sites.index(r.site) for r in problem.rooms]
        self.teacher = [c.teacher for c in problem.courses]
        self._index_curricula_and_teachers()
        self._index_conflicts()
        self._index_rooms_and_periods()

    def _index_curricula_and_teachers(self) -> None:
        self.curricula: list[tuple[int, ...]] = []
        self.curriculum_ids: list[str] = []
        for q in self.problem.curricula:
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

    def _index_conflicts(self) -> None:
        """Conflict groups (at most one lecture of a group per period) and each course's
        neighbours: the courses it shares a group with."""
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

    def _index_rooms_and_periods(self) -> None:
        problem = self.problem
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
        self.room_groups = self._room_groups()

    def _room_groups(self) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
        """(rooms, courses): for each set of rooms some course is confined to (hard room
        constraints), every course confined to those rooms. In any period such courses can hold
        at most that many lectures together: a constraint the periods model keeps and a reason
        the checks give."""
        groups = []
        for rooms in sorted(
            {frozenset(a) for a in self.room_allowed if len(a) < self.R}, key=sorted
        ):
            courses = tuple(c for c in range(self.C) if set(self.room_allowed[c]) <= rooms)
            groups.append((tuple(sorted(rooms)), courses))
        return groups

    @property
    def day_terms(self) -> bool:
        """Whether a curriculum's cost on a day is more than its isolated lectures."""
        return bool(self.w_win or self.w_load or self.w_trav)

    # ---------------------------------------------------------------- names and conversion
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
