"""Where one lecture could go: each period of the week with the room it would take there, and
what the move would change, measured by the verifier (the oracle) rather than estimated.

A period's room is chosen among few candidates (the lecture's own room when it is free there,
the smallest free room that seats the course and is allowed to it, preferring the rooms the
course already uses), each scored by a full verification: for a lecture of comp07 (25 periods,
20 rooms, 434 lectures) that is about 40 verifications, 0.2 s under UD2.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .model import Assignment, Problem
from .verifier import Verification, Violation, verify


@dataclass(frozen=True)
class Outcome:
    """What a change does to a timetable: the change in hard violations and in soft cost, and
    the violations it adds and removes (the verifier's facts, hard first)."""

    hard: int
    cost: int
    added: tuple[Violation, ...]
    removed: tuple[Violation, ...]

    @property
    def kind(self) -> str:
        """ "hard" (breaks a hard rule), "soft" (costs soft points) or "clean"."""
        if self.hard > 0:
            return "hard"
        return "soft" if self.cost > 0 else "clean"


@dataclass(frozen=True)
class Placement:
    """One period a lecture could move to, the room it would take there, and the outcome."""

    day: int
    period: int
    room: str
    room_free: bool  # no other lecture holds the room then
    outcome: Outcome


def outcome(before: Verification, after: Verification) -> Outcome:
    """The difference between two verifications of one problem under one formulation."""

    def facts(v: Verification) -> Counter[Violation]:
        return Counter(v.violations)

    old, new = facts(before), facts(after)

    def ordered(violations: Counter[Violation]) -> tuple[Violation, ...]:
        return tuple(sorted(violations.elements(), key=lambda v: (not v.hard, -v.cost)))

    return Outcome(
        hard=after.hard_violations - before.hard_violations,
        cost=after.total_cost - before.total_cost,
        added=ordered(new - old),
        removed=ordered(old - new),
    )


def placements(
    problem: Problem,
    assignments: Sequence[Assignment],
    index: int,
    formulation: str,
    before: Verification | None = None,
) -> list[Placement]:
    """Every other period of the week for `assignments[index]`, in week order, each with the
    best of its candidate rooms (fewest hard violations, then least cost)."""
    mover = _Mover(problem, assignments, index, formulation, before)
    here = (mover.lecture.day, mover.lecture.period)
    return [
        mover.best_at(day, period)
        for day in range(problem.days)
        for period in range(problem.periods_per_day)
        if (day, period) != here
    ]


def placement_at(
    problem: Problem,
    assignments: Sequence[Assignment],
    index: int,
    day: int,
    period: int,
    formulation: str,
) -> Placement:
    """`assignments[index]` moved to one period, in the best of its candidate rooms there."""
    return _Mover(problem, assignments, index, formulation, None).best_at(day, period)


class _Mover:
    """One lecture taken out of its timetable, tried in other periods."""

    def __init__(
        self,
        problem: Problem,
        assignments: Sequence[Assignment],
        index: int,
        formulation: str,
        before: Verification | None,
    ) -> None:
        self.problem, self.formulation = problem, formulation
        self.lecture, self.index = assignments[index], index
        self.before = before or verify(problem, assignments, formulation)
        self.rest = [a for i, a in enumerate(assignments) if i != index]
        self.busy: dict[tuple[int, int], set[str]] = {}
        for a in self.rest:
            self.busy.setdefault((a.day, a.period), set()).add(a.room)
        self.own_rooms = Counter(a.room for a in self.rest if a.course == self.lecture.course)

    def best_at(self, day: int, period: int) -> Placement:
        taken = self.busy.get((day, period), set())
        options = []
        for room in _candidate_rooms(self.problem, self.lecture, taken, self.own_rooms):
            moved = Assignment(self.lecture.course, room, day, period)
            # In its own place in the list: the verifier skips the later of two lectures of
            # one course in one period, so the order decides which one it reports.
            timetable = [*self.rest[: self.index], moved, *self.rest[self.index :]]
            after = verify(self.problem, timetable, self.formulation)
            options.append(
                Placement(day, period, room, room not in taken, outcome(self.before, after))
            )
        return min(options, key=_rank)


def swap(
    problem: Problem,
    assignments: Sequence[Assignment],
    first: int,
    second: int,
    formulation: str,
    before: Verification | None = None,
) -> Outcome:
    """The outcome of two lectures trading places (period and room)."""
    a, b = assignments[first], assignments[second]
    swapped = list(assignments)
    swapped[first] = Assignment(a.course, b.room, b.day, b.period)
    swapped[second] = Assignment(b.course, a.room, a.day, a.period)
    before = before or verify(problem, assignments, formulation)
    return outcome(before, verify(problem, swapped, formulation))


def best_placements(options: Sequence[Placement], count: int = 5) -> list[Placement]:
    """The `count` best options: fewest hard violations, then least cost, then week order."""
    return sorted(options, key=_rank)[:count]


def _rank(option: Placement) -> tuple[int, int, bool, int, int]:
    o = option.outcome
    return (o.hard, o.cost, not option.room_free, option.day, option.period)


def _candidate_rooms(
    problem: Problem, lecture: Assignment, taken: set[str], own_rooms: Counter[str]
) -> list[str]:
    """The lecture's own room when free, and the best free room for the course: allowed (unless
    none is), seats everyone (else the largest), one the course already uses first, then the
    smallest. With no free room at all, its own room (the verifier then names the clash)."""
    course = problem.course_by_id[lecture.course]
    free = [r for r in problem.rooms if r.id not in taken]
    if not free:
        return [lecture.room]
    allowed = [r for r in free if (course.id, r.id) not in problem.room_constraints] or free
    seats = [r for r in allowed if r.capacity >= course.students]
    pick = (
        min(seats, key=lambda r: (-own_rooms[r.id], r.capacity, r.id))
        if seats
        else max(allowed, key=lambda r: (r.capacity, r.id))
    )
    own = [lecture.room] if any(r.id == lecture.room for r in free) else []
    return list(dict.fromkeys([*own, pick.id]))
