"""Measures over single lectures and the lectures of one period: conflicts, availability,
room occupation, capacity and suitability.

Each returns the violations of one term with weighted costs; a component's value is their sum.
"""

from __future__ import annotations

from ..formulations import Term
from .results import Violation, violation
from .timetable import ProblemIndex, Timetable


def conflicts(tt: Timetable, term: Term) -> list[Violation]:
    """Two lectures in one period whose courses share a curriculum or a teacher."""
    ix = tt.ix
    n = len(ix.courses)
    out = []
    for slot, here in enumerate(tt.by_slot):
        ordered = sorted(here)
        for i, (a, ra) in enumerate(ordered):
            for b, rb in ordered[i + 1 :]:
                if a * n + b in ix.conflicting:
                    out.append(_conflict(ix, term, slot, (a, ra), (b, rb)))
    return out


def _conflict(
    ix: ProblemIndex, term: Term, slot: int, first: tuple[int, int], second: tuple[int, int]
) -> Violation:
    (a, ra), (b, rb) = first, second
    ca, cb = ix.courses[a], ix.courses[b]
    shared = tuple(ix.curriculum_ids[q] for q in ix.curricula_of[a] if q in ix.curricula_of[b])
    teachers = (ca.teacher,) if ca.teacher == cb.teacher else ()
    reasons = []
    if shared:
        label = "curriculum" if len(shared) == 1 else "curricula"
        reasons.append(f"share {label} {', '.join(shared)}")
    if teachers:
        reasons.append(f"are both taught by {ca.teacher}")
    message = (
        f"Courses {ca.id} and {cb.id} {' and '.join(reasons)} and both meet on {ix.when(slot)}"
    )
    return violation(
        term,
        term.weight,
        message,
        courses=(ca.id, cb.id),
        rooms=tuple(dict.fromkeys((ix.rooms[ra].id, ix.rooms[rb].id))),
        curricula=shared,
        teachers=teachers,
        **ix.at(slot),
    )


def availability(tt: Timetable, term: Term) -> list[Violation]:
    ix = tt.ix
    out = []
    for ci, ri, slot in tt.lectures:
        if ci * ix.slots + slot in ix.unavailable:
            course = ix.courses[ci]
            message = f"Course {course.id} has a lecture on {ix.when(slot)}, when it is unavailable"
            fields = ix.of_lecture(ci, ri, slot, teacher=True)
            out.append(violation(term, term.weight, message, **fields))
    return out


def room_occupation(tt: Timetable, term: Term) -> list[Violation]:
    """Two or more lectures in one room and period: each beyond the first counts."""
    ix = tt.ix
    out = []
    for slot, here in enumerate(tt.by_slot):
        per_room: dict[int, list[int]] = {}
        for ci, ri in here:
            per_room.setdefault(ri, []).append(ci)
        for ri, courses in sorted(per_room.items()):
            if len(courses) < 2:
                continue
            names = tuple(ix.courses[ci].id for ci in sorted(courses))
            room = ix.rooms[ri].id
            message = (
                f"{len(courses)} lectures ({', '.join(names)}) share room {room} on {ix.when(slot)}"
            )
            out.append(
                violation(
                    term,
                    (len(courses) - 1) * term.weight,
                    message,
                    courses=names,
                    rooms=(room,),
                    **ix.at(slot),
                )
            )
    return out


def room_capacity(tt: Timetable, term: Term) -> list[Violation]:
    """One unit per student beyond the seats of the room."""
    ix = tt.ix
    out = []
    for ci, ri, slot in tt.lectures:
        course, room = ix.courses[ci], ix.rooms[ri]
        over = course.students - room.capacity
        if over > 0:
            message = (
                f"Room {room.id} seats {room.capacity} but course {course.id} has "
                f"{course.students} students ({ix.when(slot)})"
            )
            out.append(violation(term, over * term.weight, message, **ix.of_lecture(ci, ri, slot)))
    return out


def room_suitability(tt: Timetable, term: Term) -> list[Violation]:
    ix = tt.ix
    n_rooms = len(ix.rooms)
    out = []
    for ci, ri, slot in tt.lectures:
        if ci * n_rooms + ri in ix.unsuitable:
            message = (
                f"Course {ix.courses[ci].id} meets in room {ix.rooms[ri].id}, which is "
                f"unsuitable for it ({ix.when(slot)})"
            )
            out.append(violation(term, term.weight, message, **ix.of_lecture(ci, ri, slot)))
    return out
