"""Measures over each course's lectures: counts, working days, rooms used, double lectures.

Each returns the violations of one term with weighted costs; a component's value is their sum.
"""

from __future__ import annotations

from ..formulations import Term
from .results import Violation, violation
from .timetable import Timetable


def lectures(tt: Timetable, term: Term) -> list[Violation]:
    out = []
    for ci, placed in enumerate(tt.by_course):
        course = tt.ix.courses[ci]
        diff = len(placed) - course.lectures
        if diff:
            kind = f"{-diff} missing" if diff < 0 else f"{diff} too many"
            message = (
                f"Course {course.id} has {len(placed)} of its {course.lectures} lectures "
                f"scheduled ({kind})"
            )
            out.append(violation(term, abs(diff) * term.weight, message, **tt.ix.of_course(ci)))
    return out


def min_working_days(tt: Timetable, term: Term) -> list[Violation]:
    ix = tt.ix
    out = []
    for ci, placed in enumerate(tt.by_course):
        course = ix.courses[ci]
        days = len({slot // ix.ppd for slot, _ in placed})
        if days < course.min_working_days:
            message = (
                f"Course {course.id} meets on {days} days, fewer than its minimum of "
                f"{course.min_working_days}"
            )
            cost = (course.min_working_days - days) * term.weight
            out.append(violation(term, cost, message, **ix.of_course(ci)))
    return out


def room_stability(tt: Timetable, term: Term) -> list[Violation]:
    ix = tt.ix
    out = []
    for ci, placed in enumerate(tt.by_course):
        rooms = sorted({ri for _, ri in placed})
        if len(rooms) > 1:
            course = ix.courses[ci]
            names = tuple(ix.rooms[ri].id for ri in rooms)
            message = f"Course {course.id} uses {len(rooms)} rooms ({', '.join(names)})"
            cost = (len(rooms) - 1) * term.weight
            out.append(violation(term, cost, message, **ix.of_course(ci), rooms=names))
    return out


def double_lectures(tt: Timetable, term: Term) -> list[Violation]:
    """On a day with two or more lectures of a double-lecture course, each must sit next to
    another of them in the same room (a lone lecture on its day is fine)."""
    ix = tt.ix
    out = []
    for ci, placed in enumerate(tt.by_course):
        course = ix.courses[ci]
        if not course.double_lectures or len(placed) < 2:
            continue
        where = dict(placed)  # slot -> room
        per_day: dict[int, int] = {}
        for slot, _ in placed:
            per_day[slot // ix.ppd] = per_day.get(slot // ix.ppd, 0) + 1
        for slot, ri in sorted(placed):
            day, period = divmod(slot, ix.ppd)
            if per_day[day] < 2:
                continue
            paired = (period > 0 and where.get(slot - 1) == ri) or (
                period < ix.ppd - 1 and where.get(slot + 1) == ri
            )
            if not paired:
                message = (
                    f"Course {course.id} has a lecture on {ix.when(slot)} that is not next "
                    "to another of its lectures that day in the same room"
                )
                fields = ix.of_lecture(ci, ri, slot, teacher=True)
                out.append(violation(term, term.weight, message, **fields))
    return out
