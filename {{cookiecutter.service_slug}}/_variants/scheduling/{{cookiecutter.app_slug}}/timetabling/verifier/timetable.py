"""The verifier's view of a problem (integer indices, built once per problem) and of a
timetable (its accepted lectures grouped the ways the measures need them).

Bad solution lines are skipped with a warning, in the official validator's order: unknown
course, unknown room, day out of range, period out of range, a second lecture of a course in
one period.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..model import Assignment, Course, Problem, Room, day_name


@dataclass(frozen=True, slots=True)
class ProblemIndex:
    """Integer-indexed view of a Problem, built once and cached on it."""

    days: int
    ppd: int
    slots: int
    courses: tuple[Course, ...]
    rooms: tuple[Room, ...]
    course_ix: dict[str, int]
    room_ix: dict[str, int]
    curriculum_ids: tuple[str, ...]
    curricula_of: tuple[tuple[int, ...], ...]  # course -> curriculum indices
    conflicting: frozenset[int]  # a * n + b for a < b sharing a teacher or a curriculum
    unavailable: frozenset[int]  # course * slots + slot
    unsuitable: frozenset[int]  # course * rooms + room
    min_daily: int
    max_daily: int

    @classmethod
    def build(cls, problem: Problem) -> ProblemIndex:
        n = len(problem.courses)
        course_ix = {c.id: i for i, c in enumerate(problem.courses)}
        room_ix = {r.id: i for i, r in enumerate(problem.rooms)}
        slots = problem.days * problem.periods_per_day
        members = [
            sorted({course_ix[c] for c in q.courses if c in course_ix}) for q in problem.curricula
        ]
        curricula_of: list[list[int]] = [[] for _ in range(n)]
        for qi, courses in enumerate(members):
            for ci in courses:
                curricula_of[ci].append(qi)
        conflicting: set[int] = set()
        groups: list[list[int]] = list(members)
        by_teacher: dict[str, list[int]] = {}
        for ci, c in enumerate(problem.courses):
            by_teacher.setdefault(c.teacher, []).append(ci)
        groups += by_teacher.values()
        for group in groups:
            for i, a in enumerate(group):
                for b in group[i + 1 :]:
                    conflicting.add(min(a, b) * n + max(a, b))
        return cls(
            days=problem.days,
            ppd=problem.periods_per_day,
            slots=slots,
            courses=problem.courses,
            rooms=problem.rooms,
            course_ix=course_ix,
            room_ix=room_ix,
            curriculum_ids=tuple(q.id for q in problem.curricula),
            curricula_of=tuple(tuple(q) for q in curricula_of),
            conflicting=frozenset(conflicting),
            unavailable=frozenset(
                course_ix[c] * slots + d * problem.periods_per_day + p
                for c, d, p in problem.unavailability
                if c in course_ix
            ),
            unsuitable=frozenset(
                course_ix[c] * len(problem.rooms) + room_ix[r]
                for c, r in problem.room_constraints
                if c in course_ix and r in room_ix
            ),
            min_daily=problem.min_daily_lectures,
            max_daily=problem.max_daily_lectures,
        )

    def when(self, slot: int) -> str:
        day, period = divmod(slot, self.ppd)
        return f"{self.day_name(day)} period {period}"

    def day_name(self, day: int) -> str:
        return day_name(day, self.days)

    def at(self, slot: int) -> dict[str, Any]:
        """The day and period of a flat slot, as a violation's fields."""
        day, period = divmod(slot, self.ppd)
        return {"day": day, "period": period}

    def of_course(self, ci: int) -> dict[str, Any]:
        """A course and its teacher, as a violation's fields."""
        course = self.courses[ci]
        return {"courses": (course.id,), "teachers": (course.teacher,)}

    def of_lecture(self, ci: int, ri: int, slot: int, *, teacher: bool = False) -> dict[str, Any]:
        """A lecture's course, room and period (and the course's teacher), as a violation's
        fields."""
        fields: dict[str, Any] = {
            "courses": (self.courses[ci].id,),
            "rooms": (self.rooms[ri].id,),
        }
        if teacher:
            fields["teachers"] = (self.courses[ci].teacher,)
        return {**fields, **self.at(slot)}


_INDEX_ATTR = "_verifier_index"


def problem_index(problem: Problem) -> ProblemIndex:
    # Problem is frozen but keeps a __dict__ (like functools.cached_property uses), so the index
    # lives and dies with the problem object.
    cached = problem.__dict__.get(_INDEX_ATTR)
    if cached is None:
        cached = ProblemIndex.build(problem)
        problem.__dict__[_INDEX_ATTR] = cached
    return cached


@dataclass(slots=True)
class Timetable:
    """The accepted lectures, grouped the ways the measures need them."""

    ix: ProblemIndex
    lectures: list[tuple[int, int, int]]  # (course, room, slot)
    by_course: list[list[tuple[int, int]]]  # course -> (slot, room)
    by_slot: list[list[tuple[int, int]]]  # slot -> (course, room)
    warnings: list[str]
    _by_curriculum: list[dict[int, list[tuple[int, int]]]] | None = field(default=None)

    @classmethod
    def build(cls, ix: ProblemIndex, assignments: Iterable[Assignment]) -> Timetable:
        lectures: list[tuple[int, int, int]] = []
        by_course: list[list[tuple[int, int]]] = [[] for _ in ix.courses]
        by_slot: list[list[tuple[int, int]]] = [[] for _ in range(ix.slots)]
        warnings: list[str] = []
        taken: set[int] = set()
        for n, a in enumerate(assignments, start=1):
            ci = ix.course_ix.get(a.course)
            ri = ix.room_ix.get(a.room)
            day, period = a.day, a.period
            if (
                ci is None
                or ri is None
                or type(day) is not int
                or type(period) is not int
                or not 0 <= day < ix.days
                or not 0 <= period < ix.ppd
            ):
                warnings.append(f"lecture {n} ({_line(a)}): {_rejection(ix, a)}, skipped")
                continue
            slot = day * ix.ppd + period
            key = ci * ix.slots + slot
            if key in taken:
                warnings.append(
                    f"lecture {n} ({_line(a)}): course {a.course} already has a lecture at "
                    f"{ix.when(slot)}, skipped"
                )
                continue
            taken.add(key)
            lectures.append((ci, ri, slot))
            by_course[ci].append((slot, ri))
            by_slot[slot].append((ci, ri))
        return cls(ix, lectures, by_course, by_slot, warnings)

    @property
    def by_curriculum(self) -> list[dict[int, list[tuple[int, int]]]]:
        """curriculum -> slot -> (course, room), built on first use."""
        if self._by_curriculum is None:
            table: list[dict[int, list[tuple[int, int]]]] = [{} for _ in self.ix.curriculum_ids]
            curricula_of = self.ix.curricula_of
            for ci, ri, slot in self.lectures:
                for qi in curricula_of[ci]:
                    table[qi].setdefault(slot, []).append((ci, ri))
            self._by_curriculum = table
        return self._by_curriculum

    def curriculum_days(self) -> Iterator[tuple[int, int, dict[int, list[tuple[int, int]]]]]:
        """(curriculum, day, period -> its lectures then) for every day a curriculum has
        lectures, curricula in order and days in time order."""
        ppd = self.ix.ppd
        for qi, table in enumerate(self.by_curriculum):
            per_day: dict[int, dict[int, list[tuple[int, int]]]] = {}
            for slot, here in table.items():
                per_day.setdefault(slot // ppd, {})[slot % ppd] = here
            for day in sorted(per_day):
                yield qi, day, per_day[day]

    def curriculum_slots(self) -> Iterator[tuple[int, dict[int, list[tuple[int, int]]], int]]:
        """(curriculum, its slot -> lectures table, slot) for every slot a curriculum uses,
        curricula in order and slots in time order."""
        for qi, table in enumerate(self.by_curriculum):
            for slot in sorted(table):
                yield qi, table, slot


def _line(a: Assignment) -> str:
    return f"{a.course} {a.room} {a.day} {a.period}"


def _rejection(ix: ProblemIndex, a: Assignment) -> str:
    """Why a solution line is skipped, checked in the official validator's order."""
    if a.course not in ix.course_ix:
        return f"unknown course {a.course!r}"
    if a.room not in ix.room_ix:
        return f"unknown room {a.room!r}"
    if type(a.day) is not int or not 0 <= a.day < ix.days:
        return f"day {a.day!r} out of range 0..{ix.days - 1}"
    return f"period {a.period!r} out of range 0..{ix.ppd - 1}"
